"""Loading the rulebook: every mistake is an error naming file:line, and exit code 2."""
import textwrap

import pytest

from conftest import ROOT

GOOD_RULE = """\
pack: mine
concepts:
  gadget: [widget, "gizmo 3000"]
rules:
  - id: hype-gadget
    category: sensational
    severity: minor
    message: Hype about a gadget.
    match: ["amazing @gadget"]
    examples:
      fire: ["An amazing widget."]
      no_fire: ["A widget."]
"""


def write(tmp_path, text, name="pack.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load_errors(cli, path):
    run = cli("rules", "list", "--no-default-rules", "--rules", str(path))
    return run.code, run.err.strip().splitlines()


def test_a_good_pack_loads_and_lints(cli, tmp_path):
    path = write(tmp_path, GOOD_RULE)
    draft = tmp_path / "draft.txt"
    draft.write_text("Buy this amazing gizmo 3000 today.\n", encoding="utf-8")
    run = cli("lint", "--no-default-rules", "--rules", str(path), "--format", "json", str(draft))
    (finding,) = run.json()["files"][0]["findings"]
    assert (finding["rule"], finding["text"], finding["line"], finding["column"]) == (
        "hype-gadget", "amazing gizmo 3000", 1, 10)
    assert run.code == 0  # minor is below the default --fail-on major


@pytest.mark.parametrize("old, new, line, message", [
    ("    severity: minor\n", "    severity: minor\n    colour: red\n", 8, "unknown key 'colour' in rule hype-gadget"),
    ("category: sensational", "category: sensationalism", 6, "unknown category 'sensationalism' (did you mean 'sensational'?)"),
    ("severity: minor", "severity: severe", 7, "unknown severity 'severe'"),
    ('match: ["amazing @gadget"]', 'match: ["amazing (@gadget"]', 9, "rule hype-gadget: unclosed '('"),
    ('match: ["amazing @gadget"]', 'match: ["amazing @gizmo"]', 9, "rule hype-gadget: unknown concept @gizmo"),
    ('fire: ["An amazing widget."]', 'fire: ["A widget."]', 11, "rule hype-gadget: example should fire: 'A widget.': no finding"),
    ('no_fire: ["A widget."]', 'no_fire: ["An amazing widget."]', 12,
     "rule hype-gadget: example should not fire: 'An amazing widget.': fired on 'amazing widget' (minor)"),
    ('    match: ["amazing @gadget"]\n', "", 5, "rule needs one of"),
    ('    match: ["amazing @gadget"]\n', '    with: ["amazing"]\n', 5, "rule needs one of"),  # narrows, triggers nothing
    ('    match: ["amazing @gadget"]\n', '    together: ["amazing", "@gadget"]\n    with: ["today"]\n', 5,
     "with cannot be used in a together rule"),
    ("    examples:\n      fire: [\"An amazing widget.\"]\n      no_fire: [\"A widget.\"]\n", "", 5,
     "rule hype-gadget needs 'examples'"),
    ("    message: Hype about a gadget.\n", "    message: Hype.\n    message: Again.\n", 9, "duplicate key 'message'"),
])
def test_rulebook_errors_name_file_and_line(cli, tmp_path, old, new, line, message):
    assert old in GOOD_RULE
    path = write(tmp_path, GOOD_RULE.replace(old, new))
    code, err = load_errors(cli, path)
    assert code == 2
    assert any(e.startswith(f"claimcheck: rulebook error: {path}:{line}: ") and message in e for e in err), err


def test_yaml_syntax_error_names_file_and_line(cli, tmp_path):
    path = write(tmp_path, GOOD_RULE.replace("    severity: minor", "    severity: [minor"))
    code, err = load_errors(cli, path)
    assert code == 2
    assert len(err) == 1 and err[0].startswith(f"claimcheck: rulebook error: {path}:")
    assert "YAML syntax error" in err[0]
    line = int(err[0].split(f"{path}:")[1].split(":")[0])
    assert line in (7, 8)


def test_duplicate_rule_id_across_packs(cli, tmp_path):
    write(tmp_path, GOOD_RULE, "a.yaml")
    write(tmp_path, GOOD_RULE.replace("pack: mine", "pack: other").replace("  gadget:", "  gadget2:")
          .replace("@gadget", "@gadget2"), "b.yaml")
    code, err = load_errors(cli, tmp_path)
    assert code == 2
    assert any(f"{tmp_path / 'b.yaml'}:5: duplicate rule id 'hype-gadget' (first defined at" in e for e in err), err


def test_every_problem_is_reported_not_only_the_first(cli, tmp_path):
    text = GOOD_RULE.replace("category: sensational", "category: nope").replace("severity: minor", "severity: bad")
    code, err = load_errors(cli, write(tmp_path, text))
    assert code == 2 and len(err) == 2


def test_bundled_rulebook_examples_all_pass(cli):
    run = cli("rules", "test")
    assert run.code == 0, run.out
    passed, failed = run.out.strip().splitlines()[-1].split(" (")[0].split(", ")
    assert failed == "0 failed" and int(passed.split()[0]) >= 80


def test_rules_test_reports_failures_with_exit_1(cli, tmp_path):
    path = write(tmp_path, GOOD_RULE.replace('fire: ["An amazing widget."]', 'fire: ["A widget."]'))
    run = cli("rules", "test", str(path))
    assert run.code == 1
    assert f"FAIL {path}:11: rule hype-gadget: example should fire: 'A widget.': no finding" in run.out
    assert "1 passed, 1 failed" in run.out


def test_rules_list_and_show(cli):
    listing = cli("rules", "list")
    assert listing.code == 0
    row = next(l for l in listing.out.splitlines() if l.startswith("outdated-propionibacterium "))
    assert row.split() == ["outdated-propionibacterium", "outdated", "info", "core"]
    show = cli("rules", "show", "outdated-propionibacterium")
    assert show.code == 0
    for expected in ("category:  outdated", "replacement: Cutibacterium acnes",
                     "fire     Isotretinoin reduces the growth of Propionibacterium acnes.",
                     "no fire  Isotretinoin starves Cutibacterium acnes (formerly Propionibacterium acnes).",
                     "https://doi.org/10.1099/ijsem.0.001367"):
        assert expected in show.out
    missing = cli("rules", "show", "no-such-rule")
    assert missing.code == 2 and "no rule with id 'no-such-rule'" in missing.err


def pack_rule_count(name: str) -> int:
    return (ROOT / "rules" / f"{name}.yaml").read_text(encoding="utf-8").count("\n  - id: ")


def test_rules_test_by_pack_name_or_path(cli):
    by_name = cli("rules", "test", "isotretinoin")
    assert by_name.code == 0 and f"examples of {pack_rule_count('isotretinoin')} rules)" in by_name.out
    by_path = cli("rules", "test", str(ROOT / "rules" / "core.yaml"))
    assert by_path.code == 0 and f"examples of {pack_rule_count('core')} rules)" in by_path.out
    unknown = cli("rules", "test", "no-such-pack")
    assert unknown.code == 2 and "no rule pack or file named: no-such-pack" in unknown.err


def test_every_bundled_rule_has_a_reference_and_two_examples_each_way(linter):
    thin = [(r.id, sum(e.fires for e in r.examples), sum(not e.fires for e in r.examples), len(r.references))
            for r in linter.compiled.rules]
    assert [t for t in thin if t[1] < 2 or t[2] < 2 or t[3] < 1] == []
    packs = {r.pack for r in linter.compiled.rules}
    assert {"core", "isotretinoin", "glp1", "finasteride"} <= packs
