"""`claimcheck fix` on real files: exact results, --diff, idempotence, bytes kept (encoding, BOM,
line endings, mode), markup left intact, --unsafe insertions, fixes the re-lint refuses, exit codes."""
from __future__ import annotations

import stat
from pathlib import Path

PERMANENT = "Many patients reach permanent remission after one course.\nHe had juvenile diabetes as a child.\n"
FIXED = "Many patients reach long-term remission after one course.\nHe had type 1 diabetes as a child.\n"
ISOTRETINOIN_MD = ("# Acne guide\n\nAcne can be severe.\n\nIsotretinoin 20 mg clears severe acne.\n"
                   "Take one capsule a day for months.\n\nDry lips are common.\n")
PREGNANCY = ("Isotretinoin can cause severe birth defects. It must not be taken during pregnancy or by "
             "anyone who may become pregnant; use two forms of effective contraception before, during "
             "and for one month after treatment (in the US this is managed by the iPLEDGE program).")
ONLY_PREGNANCY = ("--select", "isotretinoin-missing-pregnancy-warning")


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def pack(tmp_path: Path, rules: str) -> str:
    """A rule pack file in tmp_path, for --rules."""
    path = tmp_path / "local.yaml"
    path.write_text("pack: local\nrules:\n" + rules, encoding="utf-8")
    return str(path)


def fine_print_pack(tmp_path: Path, suggestion: str) -> str:
    """A document rule: pages mentioning Zorbly need "fine print"; the suggestion on line 9."""
    return pack(tmp_path, f"""\
  - id: local-fine-print
    category: missing-warning
    severity: major
    message: Zorbly pages need the fine print.
    when: ["zorbly"]
    require: ["fine print"]
    suggestion: {suggestion}
    examples: {{fire: ["Zorbly is here."], no_fire: ["Zorbly is here. Read the fine print."]}}
""")


def test_safe_fixes_are_applied_and_reported(cli, tmp_path):
    path = write(tmp_path / "draft.txt", PERMANENT)
    run = cli("fix", str(path))
    assert path.read_bytes() == FIXED.encode()
    assert run.out.splitlines() == [
        f'{path}:1:21: fixed overclaim-permanent-remission: "permanent remission" -> "long-term remission"',
        f'{path}:2:8: fixed outdated-juvenile-diabetes: "juvenile diabetes" -> "type 1 diabetes"',
        "Fixed 2 findings in 1 file; 0 dropped; remaining: 0 findings.",
    ]
    assert run.code == 0


def test_exit_code_counts_what_remains(cli, tmp_path):
    path = write(tmp_path / "spam.txt", "Buy isotretinoin online. It brings permanent remission.\n")
    run = cli("fix", str(path))
    assert path.read_text() == "Buy isotretinoin online. It brings long-term remission.\n"
    assert "remaining: 3 findings (2 critical, 1 major), 2 more fixable with --unsafe." in run.out
    assert run.code == 1
    assert cli("fix", str(path), "--fail-on", "never").code == 0


def test_diff_prints_a_patch_and_writes_nothing(cli, tmp_path):
    path = write(tmp_path / "draft.txt", PERMANENT)
    before = path.stat()
    run = cli("fix", str(path), "--diff")
    assert run.out == (
        f"--- a/{path}\n+++ b/{path}\n@@ -1,2 +1,2 @@\n"
        "-Many patients reach permanent remission after one course.\n"
        "-He had juvenile diabetes as a child.\n"
        "+Many patients reach long-term remission after one course.\n"
        "+He had type 1 diabetes as a child.\n"
    )
    assert "would fix overclaim-permanent-remission" in run.err
    assert "Would fix 2 findings in 1 file" in run.err
    assert path.read_bytes() == PERMANENT.encode()
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    assert run.code == 0  # what would remain


def test_second_run_changes_nothing(cli, tmp_path):
    path = write(tmp_path / "guide.md", "Some reach *permanent* remission.\n\n" + PERMANENT)
    cli("fix", str(path), "--unsafe")
    fixed, first = path.read_bytes(), path.stat()
    run = cli("fix", str(path), "--unsafe")
    assert path.read_bytes() == fixed
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (first.st_ino, first.st_mtime_ns)
    assert "Fixed 0 findings in 0 files; 0 dropped; 1 skipped" in run.out


def test_unchanged_file_is_not_rewritten(cli, tmp_path):
    clean = write(tmp_path / "clean.txt", "Sunscreen protects the skin from sunburn.\n")
    fixed = write(tmp_path / "draft.txt", PERMANENT)
    before = clean.stat()
    run = cli("fix", str(tmp_path))
    assert fixed.read_bytes() == FIXED.encode()
    after = clean.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert "Fixed 2 findings in 1 file;" in run.out
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_configuration_applies_as_for_lint(cli, tmp_path):
    (tmp_path / "claimcheck.toml").write_text('ignore = ["outdated"]\nexclude = ["drafts/**"]\n', encoding="utf-8")
    (tmp_path / "drafts").mkdir()
    draft = write(tmp_path / "drafts" / "draft.txt", PERMANENT)
    page = write(tmp_path / "page.txt", PERMANENT)
    run = cli("fix", str(tmp_path))
    assert draft.read_text() == PERMANENT
    assert page.read_text() == PERMANENT.replace("permanent remission", "long-term remission")
    assert "Fixed 1 finding in 1 file;" in run.out


def test_crlf_line_endings_are_kept(cli, tmp_path):
    path = tmp_path / "crlf.md"
    path.write_bytes(PERMANENT.replace("\n", "\r\n").encode())
    cli("fix", str(path))
    assert path.read_bytes() == FIXED.replace("\n", "\r\n").encode()


def test_utf8_bom_and_file_mode_are_kept(cli, tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + PERMANENT.encode())
    path.chmod(0o640)
    cli("fix", str(path))
    assert path.read_bytes() == b"\xef\xbb\xbf" + FIXED.encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_latin1_file_stays_latin1(cli, tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Café: many patients reach permanent remission.\n".encode("latin-1"))
    run = cli("fix", str(path), "--encoding", "latin-1")
    assert path.read_bytes() == "Café: many patients reach long-term remission.\n".encode("latin-1")
    assert f'{path}:1:27: fixed overclaim-permanent-remission' in run.out


def test_markdown_link_url_code_and_emphasis_are_left_alone(cli, tmp_path):
    source = ("Read [our guide](https://example.org/permanent-remission) or `permanent remission`: "
              "many reach permanent remission.\n\nJuvenile diabetes and *permanent* remission differ.\n")
    path = write(tmp_path / "guide.md", source)
    run = cli("fix", str(path))
    assert path.read_text() == (
        "Read [our guide](https://example.org/permanent-remission) or `permanent remission`: "
        "many reach long-term remission.\n\nType 1 diabetes and *permanent* remission differ.\n")
    # the span crossing emphasis is reported where lint reports it, before the fix on its line
    assert (f'{path}:3:24: skipped overclaim-permanent-remission: "permanent remission": '
            "its source crosses markup ('permanent* remission')") in run.out.splitlines()
    assert "Fixed 2 findings in 1 file; 0 dropped; 1 skipped; remaining: 1 finding (1 major)." in run.out
    assert run.code == 1


def test_insertions_only_with_unsafe(cli, tmp_path):
    path = write(tmp_path / "guide.md", ISOTRETINOIN_MD)
    run = cli("fix", str(path), *ONLY_PREGNANCY)
    assert path.read_text() == ISOTRETINOIN_MD
    assert "1 more fixable with --unsafe" in run.out and run.code == 1

    run = cli("fix", str(path), *ONLY_PREGNANCY, "--unsafe")
    assert path.read_text() == ISOTRETINOIN_MD.replace(
        "a day for months.\n\n", f"a day for months.\n\n{PREGNANCY}\n\n")
    assert f"{path}:5:1: fixed isotretinoin-missing-pregnancy-warning: inserted " in run.out
    assert run.code == 0


def test_html_insertion_is_an_escaped_paragraph_after_the_block(cli, tmp_path):
    rules = fine_print_pack(tmp_path, '{insert: "Zorbly & Co. <terms> apply; read the fine print."}')
    page = ("<html><body>\n<article>\n  <h1>Our shop</h1>\n"
            "  <p>Zorbly is a product we sell to people who like long paragraphs of text about products.</p>\n"
            "  <p>It comes in a box and the box is blue, which many customers seem to like a lot.</p>\n"
            "</article>\n</body></html>\n")
    path = write(tmp_path / "page.html", page)
    cli("fix", str(path), "--rules", rules, "--select", "local-fine-print", "--unsafe")
    assert path.read_text() == page.replace(
        "like long paragraphs of text about products.</p>\n",
        "like long paragraphs of text about products.</p>\n"
        "  <p>Zorbly &amp; Co. &lt;terms&gt; apply; read the fine print.</p>\n")


def test_fixes_the_relint_refuses_are_dropped(cli, tmp_path):
    rules = pack(tmp_path, """\
  - id: local-zorbly
    category: outdated
    severity: info
    message: Zorbly is an old name.
    match: ["zorbly"]
    suggestion: {replacement: permanent remission, safe: true}
    examples: {fire: ["Patients reach zorbly."], no_fire: ["Patients reach remission."]}
  - id: local-zorblax
    category: outdated
    severity: info
    message: Zorblax needs its brand.
    match: ["zorblax"]
    suggestion: {replacement: zorblax brand, safe: true}
    examples: {fire: ["Zorblax works."], no_fire: ["Nothing works."]}
""")
    source = "Patients reach zorbly quickly. Zorblax works.\n"
    path = write(tmp_path / "draft.txt", source)
    run = cli("fix", str(path), "--rules", rules)
    assert path.read_text() == source
    assert run.out.splitlines() == [
        f'{path}:1:16: dropped local-zorbly: "zorbly" -> "permanent remission": '
        'it would create a new finding: overclaim-permanent-remission "permanent remission"',
        f'{path}:1:32: dropped local-zorblax: "Zorblax" -> "Zorblax brand": its finding would remain',
        "Fixed 0 findings in 0 files; 2 dropped; remaining: 2 findings (2 info).",
    ]
    assert run.code == 0


def test_overlapping_fixes_earliest_wins_and_the_other_is_retried(cli, tmp_path):
    rules = pack(tmp_path, """\
  - id: local-remission
    category: outdated
    severity: info
    message: Say recovery.
    match: ["remission"]
    suggestion: {replacement: recovery, safe: true}
    examples: {fire: ["Patients reach remission."], no_fire: ["Patients recover."]}
""")
    path = write(tmp_path / "draft.txt", "Juvenile diabetes patients reach permanent remission.\n")
    run = cli("fix", str(path), "--rules", rules)
    assert path.read_text() == "Type 1 diabetes patients reach long-term recovery.\n"
    assert [line.split(": ")[1] for line in run.out.splitlines()[:-1]] == [
        "fixed outdated-juvenile-diabetes", "fixed local-remission", "fixed overclaim-permanent-remission"]


def test_standard_input_is_fixed_to_standard_output(cli):
    run = cli("fix", "-", "--stdin-filename", "draft.md", input=PERMANENT.encode())
    assert run.out == FIXED
    assert "draft.md:1:21: fixed overclaim-permanent-remission" in run.err
    assert run.code == 0


def test_many_document_and_compressed_files_are_refused(cli, tmp_path):
    import gzip

    dump = write(tmp_path / "dump.jsonl", '{"id": "a", "text": "It brings permanent remission."}\n')
    packed = tmp_path / "draft.md.gz"
    packed.write_bytes(gzip.compress(PERMANENT.encode()))
    run = cli("fix", str(dump), str(packed))
    assert f"{dump}: error: jsonl files are not fixed (only plain text, Markdown and HTML)" in run.out
    assert f"{packed}: error: compressed files are not fixed (decompress it first)" in run.out
    assert run.code == 2
    assert gzip.decompress(packed.read_bytes()) == PERMANENT.encode()


def test_safe_is_only_for_replacements(cli, tmp_path):
    rules = fine_print_pack(tmp_path, "{insert: Read the fine print., safe: true}")
    run = cli("fix", str(write(tmp_path / "a.txt", "Hello.\n")), "--rules", rules)
    assert run.code == 2
    assert "local.yaml:9: 'safe' marks a 'replacement'; inserted text is never a safe fix" in run.err


def test_a_replacement_safe_only_for_some_phrases_leaves_the_others(cli, tmp_path):
    """'permanent acne remission' would lose 'acne': the rule is safe only for 'permanent remission'."""
    path = write(tmp_path / "draft.txt", "Some reach permanent acne remission.\n")
    run = cli("fix", str(path))
    assert path.read_text() == "Some reach permanent acne remission.\n"
    assert "1 more fixable with --unsafe" in run.out
    cli("fix", str(path), "--unsafe")
    assert path.read_text() == "Some reach long-term remission.\n"


def test_a_pure_rename_is_safe_on_any_page_and_a_myth_keeps_its_finding(cli, tmp_path):
    """Issue 14, point 7: the outdated bacterium name is renamed without --unsafe on a page that
    names no drug; the juvenile-diabetes rename is not made where it would polish a myth."""
    path = write(tmp_path / "skin.txt", "Acne involves Propionibacterium acnes bacteria on the skin.\n"
                                        "Studies show that juvenile diabetes is caused by sugar.\n")
    run = cli("fix", str(path))
    assert path.read_text() == ("Acne involves Cutibacterium acnes bacteria on the skin.\n"
                                "Studies show that juvenile diabetes is caused by sugar.\n")
    assert f'{path}:1:15: fixed outdated-propionibacterium: "Propionibacterium acnes" -> "Cutibacterium acnes"' in run.out
    assert "dropped outdated-juvenile-diabetes" in run.out
    found = cli("lint", str(path), "--format", "json").json()
    assert "misinformation-type1-diabetes-cause" in {f["rule"] for r in found["files"] for f in r["findings"]}
