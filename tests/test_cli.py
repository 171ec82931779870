"""`claimcheck lint` as users and CI see it: output, JSON contract, exit codes, bad input."""
import os
import subprocess
import sys

import pytest

from conftest import ROOT

SPAM = "Buy isotretinoin online. It brings permanent remission.\n"
CLEAN = "Sunscreen protects the skin from sunburn.\n"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "spam.txt").write_text(SPAM, encoding="utf-8")
    (tmp_path / "clean.md").write_text(CLEAN, encoding="utf-8")
    return tmp_path


def test_text_output_line_sentence_marker_and_summary(cli, files):
    run = cli("lint", str(files / "spam.txt"), "--color", "never")
    assert run.code == 1
    lines = run.out.splitlines()
    path = str(files / "spam.txt")
    assert lines[0].startswith(f"{path}:1:1: critical isotretinoin-buy-online ")
    i = lines.index(next(l for l in lines if l.startswith(f"{path}:1:36: major overclaim-permanent-remission ")))
    assert lines[i + 1] == "    It brings permanent remission."
    assert lines[i + 2] == "    " + " " * len("It brings ") + "^" * len("permanent remission")
    assert lines[i + 3] == '    suggestion: replace with "long-term remission"'
    assert lines[-1].startswith("Found 4 findings (2 critical, 2 major) in 1 file")
    assert "\x1b[" not in run.out


def test_json_contract(cli, files):
    run = cli("lint", str(files / "spam.txt"), str(files / "clean.md"), "--format", "json")
    data = run.json()
    assert data["version"] == "0.1.0"
    spam, clean = data["files"]
    assert spam["path"] == str(files / "spam.txt") and spam["error"] is None
    assert (spam["score"], spam["grade"]) == (20, "F")
    assert (clean["score"], clean["grade"], clean["findings"]) == (100, "A", [])
    f = next(f for f in spam["findings"] if f["rule"] == "overclaim-permanent-remission")
    assert f == {
        **f,
        "category": "overclaim", "severity": "major", "line": 1, "column": 36, "end_line": 1, "end_column": 55,
        "start": 35, "end": 54, "text": "permanent remission", "sentence": "It brings permanent remission.",
        "context": [],
    }
    assert f["suggestion"]["replacement"] == "long-term remission" and f["suggestion"]["advice"]
    assert f["references"] and f["message"]
    assert SPAM[f["start"]:f["end"]] == "permanent remission"
    assert data["summary"] == {"files": 2, "errors": 0, "skipped": 0, "findings": 4,
                               "by_severity": {"critical": 2, "major": 2}, "suppressed": 0, "baselined": 0}


def test_positions_are_code_points_and_survive_crlf(cli, tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes("Café naïve intro.\r\nÉté: permanent remission for all.\r\n".encode("utf-8"))
    (f,) = [f for f in cli("lint", str(path), "--format", "json").json()["files"][0]["findings"]]
    assert (f["line"], f["column"], f["end_line"], f["end_column"]) == (2, 6, 2, 25)
    source = path.read_bytes().decode("utf-8")
    assert source[f["start"]:f["end"]] == "permanent remission"


def test_stdin_with_filename(cli):
    run = cli("lint", "-", "--stdin-filename", "draft.txt", "--format", "json", input=SPAM.encode())
    data = run.json()
    assert data["files"][0]["path"] == "draft.txt"
    assert {f["rule"] for f in data["files"][0]["findings"]} >= {"isotretinoin-buy-online"}
    assert run.code == 1


def test_fail_on_thresholds(cli, tmp_path):
    path = tmp_path / "minor.txt"
    path.write_text("It is a miracle cream.\n", encoding="utf-8")
    assert cli("lint", str(path)).code == 0  # minor < major (the default)
    assert cli("lint", str(path), "--fail-on", "minor").code == 1
    assert cli("lint", str(path), "--fail-on", "info").code == 1
    assert cli("lint", str(path), "--fail-on", "critical").code == 0


def test_fail_on_never(cli, files):
    assert cli("lint", str(files), "--fail-on", "never").code == 0


def test_select_and_ignore_by_rule_or_category(cli, files):
    def rules(*args):
        run = cli("lint", str(files / "spam.txt"), "--format", "json", *args)
        return sorted({f["rule"] for f in run.json()["files"][0]["findings"]})

    assert rules("--select", "overclaim") == ["overclaim-permanent-remission"]
    assert rules("--select", "unsafe-sourcing,overclaim-permanent-remission") == [
        "isotretinoin-buy-online", "overclaim-permanent-remission"]
    assert "isotretinoin-buy-online" not in rules("--ignore", "unsafe-sourcing")
    bad = cli("lint", str(files), "--select", "overclaims")
    assert bad.code == 2 and bad.err.strip() == "claimcheck: error: --select: unknown rule id or category: overclaims"


def test_min_severity_hides_but_score_and_exit_count_everything(cli, files):
    run = cli("lint", str(files / "spam.txt"), "--min-severity", "critical", "--format", "json")
    f = run.json()["files"][0]
    assert {x["severity"] for x in f["findings"]} == {"critical"}
    assert f["score"] == 20 and run.code == 1
    text = cli("lint", str(files / "spam.txt"), "--min-severity", "critical")
    assert "2 below --min-severity not shown" in text.out.splitlines()[-1]


def test_directories_are_walked_for_text_files(cli, files):
    (files / "notes.csv").write_text("permanent remission\n", encoding="utf-8")
    (files / ".hidden").mkdir()
    (files / ".hidden" / "x.txt").write_text("permanent remission\n", encoding="utf-8")
    paths = [f["path"] for f in cli("lint", str(files), "--format", "json").json()["files"]]
    assert paths == [os.path.join(str(files), "clean.md"), os.path.join(str(files), "spam.txt")]


def test_extra_rules_and_no_default_rules(cli, files, tmp_path):
    pack = tmp_path / "extra.yaml"
    pack.write_text(
        "pack: extra\nrules:\n  - id: sunburn-word\n    category: sensational\n    severity: minor\n"
        "    message: Says sunburn.\n    match: [sunburn]\n"
        "    examples: {fire: [Sunburn hurts.], no_fire: [Shade helps.]}\n", encoding="utf-8")
    run = cli("lint", str(files / "clean.md"), "--no-default-rules", "--rules", str(pack), "--format", "json")
    assert [f["rule"] for f in run.json()["files"][0]["findings"]] == ["sunburn-word"]
    both = cli("lint", str(files / "spam.txt"), "--rules", str(pack), "--format", "json")
    assert len(both.json()["files"][0]["findings"]) == 4
    alone = cli("lint", str(files), "--no-default-rules")
    assert alone.code == 2 and "no rules to run: give --rules PATH" in alone.err


# -- bad input: one line naming the file, exit 2, the other files still checked --------------

@pytest.mark.parametrize("name, content, message", [
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (contains NUL bytes), not checked"),
    ("latin1.txt", "Caf\xe9 permanent remission".encode("latin-1"), "not valid UTF-8 (byte 0xe9 on line 1, offset 3); not checked "
     "(--encoding names another encoding, --encoding-errors replace reads it anyway)"),
    ("empty.txt", b"", "empty file, nothing to check"),
    ("blank.md", b"  \n\n \t\n", "empty file, nothing to check"),
])
def test_bad_files_are_one_line_errors_and_others_still_checked(cli, files, name, content, message):
    bad = files / name
    bad.write_bytes(content)
    run = cli("lint", str(bad), str(files / "spam.txt"), "--color", "never")
    assert run.code == 2
    assert f"{bad}: error: {message}" in run.out.splitlines()
    assert f"{files / 'spam.txt'}:1:36: major overclaim-permanent-remission" in run.out
    assert run.out.splitlines()[-1].endswith("; 1 file could not be checked.")
    data = cli("lint", str(bad), "--format", "json").json()
    assert data["files"][0]["error"] == message and data["files"][0]["findings"] == []


def test_missing_path_and_directory_without_text_files(cli, files, tmp_path):
    empty_dir = tmp_path / "nothing-here"
    empty_dir.mkdir()
    (empty_dir / "image.png").write_bytes(b"\x89PNG")
    run = cli("lint", str(tmp_path / "nope.txt"), str(empty_dir), str(files / "spam.txt"), "--color", "never")
    assert run.code == 2
    assert f"{tmp_path / 'nope.txt'}: error: no such file or directory" in run.out
    assert f"{empty_dir}: error: no files to check here (looked for text, Markdown, HTML, JSONL and WARC " \
           "files not excluded by configuration or .gitignore)" in run.out
    assert "overclaim-permanent-remission" in run.out


def test_usage_errors_exit_2(cli, files):
    assert cli("lint").code == 2
    assert cli("lint", str(files), "--format", "xml").code == 2
    run = cli("lint", str(files), "--stdin-filename", "x.txt")
    assert run.code == 2 and "--stdin-filename only applies" in run.err


def test_rulebook_error_is_exit_2(cli, files, tmp_path):
    pack = tmp_path / "broken.yaml"
    pack.write_text("pack: broken\nrules:\n  - id: x\n    category: hype\n", encoding="utf-8")
    run = cli("lint", str(files), "--rules", str(pack))
    assert run.code == 2
    assert f"claimcheck: rulebook error: {pack}:4: unknown category 'hype'" in run.err
    assert run.out == ""


# -- as a real process --------------------------------------------------------------------------

def run_process(*args, env_extra=None, input=None):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "claimcheck", *args], capture_output=True, text=True,
                          env=env, input=input, cwd=ROOT)


def test_python_dash_m_and_no_colour_when_piped(files):
    proc = run_process("lint", str(files / "spam.txt"))
    assert proc.returncode == 1
    assert "overclaim-permanent-remission" in proc.stdout and "\x1b[" not in proc.stdout


@pytest.mark.slow
def test_colour_forced_and_no_color_env_wins(files):
    assert "\x1b[" in run_process("lint", str(files / "spam.txt"), "--color", "always").stdout
    assert "\x1b[" not in run_process("lint", str(files / "spam.txt"), env_extra={"NO_COLOR": "1"}).stdout


def test_bundled_corpus_is_the_demo(cli):
    run = cli("lint", str(ROOT / "corpus"), "--format", "json")
    data = run.json()
    assert run.code == 1 and data["summary"]["files"] >= 5 and data["summary"]["errors"] == 0
    grades = {os.path.basename(f["path"]): f["grade"] for f in data["files"]}
    assert grades["isotretinoin-patient-leaflet.md"] == "A"
    assert grades["isotretinoin-pharmacy-spam.txt"] == "F"
