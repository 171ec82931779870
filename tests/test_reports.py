"""The CI formats as their consumers read them: SARIF (GitHub code scanning), GitHub workflow
commands, JUnit and Checkstyle XML, CSV and JSON Lines. Tests lint real files with the CLI and
parse the output the way the consuming tool would, checking it against the JSON output.

Building the linter takes a couple of seconds per CLI run, so one corpus is linted once per
format (``report``) and most tests read those outputs; tests that change files or settings
run the CLI themselves.
"""
from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from conftest import SHARED, Run, needs_shared

from claimcheck import __version__
from claimcheck.cli import main
from claimcheck.documents import html as html_reader
from claimcheck.report import FORMATS
from claimcheck.report.github_format import escape_data, escape_property

SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
CI_FORMATS = ("sarif", "github", "junit", "checkstyle", "csv", "jsonl")
OVERCLAIM, BUY = "overclaim-permanent-remission", "isotretinoin-buy-online"
PREGNANCY = "isotretinoin-missing-pregnancy-warning"

SPAM = "It brings permanent remission.\n\nBuy isotretinoin online today.\n"
ODD_NAME = 'odd <&"> name, v1:2.txt'  # markup characters, and ',' and ':' that GitHub escapes
ODD_SENTENCE = 'Our "miracle" cream <b> & tonic\x1b brings permanent remission.'  # ESC: not XML 1.0
RECORD = "50% off: a,b\nc"  # every character GitHub escapes, in a record id shown in messages
CORPUS = {
    "spam.txt": SPAM,
    "clean.md": "Sunscreen protects the skin from sunburn.\n",
    "quoted.md": "# Notes\n\n<!-- claimcheck-disable-next-line -- quoted from a seller -->\n"
                 "It brings permanent remission.\n",
    "hedged.txt": "It can lead to permanent remission.\n",  # major, lowered to minor by the hedge
    "configured/spam.txt": SPAM,
    "configured/claimcheck.toml": f'severity = {{ "{BUY}" = "info" }}\n',
    ODD_NAME: ODD_SENTENCE + "\n",
    "dump.jsonl": json.dumps({"id": RECORD, "url": "https://example.org/p1", "text": SPAM}) + "\n{broken\n",
    "typo.md": "<!-- claimcheck-disable-next-line no-such-rule -->\nHello.\n",
}
PATHS = ("spam.txt", "clean.md", "quoted.md", "hedged.txt", "configured/spam.txt", ODD_NAME, "dump.jsonl",
         "typo.md", "broken.txt")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The corpus linted (with --show-suppressed) in a format, from inside its directory as CI
    runs from the repository root; each format runs once."""
    root = tmp_path_factory.mktemp("reports")
    for name, text in CORPUS.items():
        (root / name).parent.mkdir(exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "broken.txt").write_bytes(b"ok \xc3\x28 not UTF-8\n")
    outputs: dict[str, Run] = {}

    def run(fmt: str) -> Run:
        if fmt not in outputs:
            with pytest.MonkeyPatch.context() as mp:
                mp.chdir(root)
                args = ["lint", *PATHS, "--format", fmt, "--show-suppressed"]
                outputs[fmt] = Run(CliRunner().invoke(main, args, catch_exceptions=False))
        return outputs[fmt]

    return run


@pytest.fixture(scope="module")
def expected(report) -> dict[str, dict]:
    """The JSON output's files by path: what every other format must agree with."""
    return {f["path"]: f for f in report("json").json()["files"]}


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spam.txt").write_text(SPAM, encoding="utf-8")
    return tmp_path


def test_every_format_is_registered_and_an_empty_run_renders():
    assert set(FORMATS) == {"text", "json", "markdown", *CI_FORMATS}
    assert FORMATS["markdown"].NAME == "markdown"
    for name in CI_FORMATS:
        out = io.StringIO()
        FORMATS[name].render([], out)
        assert (out.getvalue() == "") == (name in ("github", "jsonl")), name


# --------------------------------------------------------------------------- sarif

def valid_sarif(output: str) -> dict:
    log = json.loads(output)
    needs_shared(SARIF_SCHEMA)
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    jsonschema.Draft4Validator(schema).validate(log)
    return log


def uri(result_or_note: dict) -> str:
    return result_or_note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


def region(result: dict) -> dict | None:
    return result["locations"][0]["physicalLocation"].get("region")


@pytest.fixture(scope="module")
def sarif_run(report) -> dict:
    (run,) = valid_sarif(report("sarif").out)["runs"]
    return run


def test_sarif_is_valid_and_lists_each_fired_rule_once(sarif_run, expected):
    driver = sarif_run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("claimcheck", __version__)
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == sorted(set(ids))
    assert set(ids) == {r["ruleId"] for r in sarif_run["results"]} >= {OVERCLAIM, BUY, PREGNANCY}
    for result in sarif_run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]

    spam = [r for r in sarif_run["results"] if uri(r) == "spam.txt"]
    want = expected["spam.txt"]["findings"]
    assert [(r["ruleId"], region(r)) for r in spam] == [
        (f["rule"], {"startLine": f["line"], "startColumn": f["column"], "endLine": f["end_line"],
                     "endColumn": f["end_column"]}) for f in want]
    assert region(spam[0]) == {"startLine": 1, "startColumn": 11, "endLine": 1, "endColumn": 30}
    assert spam[0]["message"]["text"] == (
        f'{want[0]["message"]} Suggestion: replace "permanent remission" with "long-term remission". '
        f'{want[0]["suggestion"]["advice"]}')

    rule = driver["rules"][spam[0]["ruleIndex"]]
    assert rule["shortDescription"]["text"] == rule["fullDescription"]["text"] == want[0]["message"]
    assert rule["help"]["text"].startswith(want[0]["message"])
    assert rule["helpUri"] == want[0]["references"][0]
    assert rule["properties"] == {"category": "overclaim", "pack": "core", "tags": ["overclaim"]}


def test_sarif_levels_follow_each_finding_and_rules_keep_their_grade(sarif_run):
    levels = {(uri(r), r["ruleId"]): r["level"] for r in sarif_run["results"]}
    assert levels[("spam.txt", OVERCLAIM)] == levels[("spam.txt", BUY)] == "error"  # major, critical
    assert levels[("hedged.txt", OVERCLAIM)] == "warning"  # minor after the hedge
    assert levels[("configured/spam.txt", BUY)] == "note"  # configured info
    rules = {rule["id"]: rule["defaultConfiguration"]["level"] for rule in sarif_run["tool"]["driver"]["rules"]}
    assert rules[OVERCLAIM] == "error"  # its grade before the hedge lowered one finding
    assert rules[BUY] == "error"  # the most serious grade it fired with


def test_sarif_uris_are_relative_percent_encoded_references(sarif_run):
    assert {uri(r) for r in sarif_run["results"]} == {
        "spam.txt", "hedged.txt", "configured/spam.txt", "quoted.md", "dump.jsonl",
        "odd%20%3C%26%22%3E%20name%2C%20v1%3A2.txt"}


def test_sarif_input_errors_are_notifications_and_fail_the_run(sarif_run):
    (invocation,) = sarif_run["invocations"]
    assert invocation["executionSuccessful"] is False
    errors = [n for n in invocation["toolExecutionNotifications"] if n["level"] == "error"]
    assert [(uri(n), region(n)) for n in errors] == [("dump.jsonl", {"startLine": 2}), ("broken.txt", None)]
    assert errors[0]["message"]["text"].startswith("malformed JSON line")
    assert errors[1]["message"]["text"].startswith("not valid UTF-8")


def test_sarif_suppressed_finding_carries_its_justification(sarif_run):
    (result,) = [r for r in sarif_run["results"] if uri(r) == "quoted.md"]
    assert result["ruleId"] == OVERCLAIM and region(result)["startLine"] == 4
    assert result["suppressions"] == [{"kind": "inSource", "justification": "quoted from a seller"}]
    assert all("suppressions" not in r for r in sarif_run["results"] if r is not result)


def test_sarif_records_are_on_their_file_without_a_file_region(sarif_run):
    result = next(r for r in sarif_run["results"] if uri(r) == "dump.jsonl" and r["ruleId"] == OVERCLAIM)
    assert region(result) is None  # line 1 of the file is not the record's line 1
    assert result["properties"]["record"] == RECORD
    assert result["properties"]["url"] == "https://example.org/p1"
    assert result["properties"]["recordRegion"] == {"startLine": 1, "startColumn": 11, "endLine": 1,
                                                    "endColumn": 30}
    assert result["message"]["text"].startswith(f"Record {RECORD} at 1:11: ")


def test_sarif_unknown_rule_in_a_comment_is_a_configuration_notification(sarif_run):
    (note,) = sarif_run["invocations"][0]["toolConfigurationNotifications"]
    assert (note["level"], note["descriptor"], uri(note), region(note)) == (
        "warning", {"id": "unused-suppression"}, "typo.md", {"startLine": 1, "startColumn": 1})
    assert "unknown rule or category: no-such-rule" in note["message"]["text"]


def test_sarif_fingerprints_survive_lines_inserted_above(cli, workdir):
    def results() -> list[dict]:
        run = cli("lint", "spam.txt", "--format", "sarif")
        assert run.code == 1
        (sarif,) = valid_sarif(run.out)["runs"]
        assert sarif["invocations"] == [{"executionSuccessful": True}]
        return sarif["results"]

    before = results()
    (workdir / "spam.txt").write_text("A title\n\nSome harmless words.\n" + SPAM, encoding="utf-8")
    after = results()
    assert [r["ruleId"] for r in after] == [r["ruleId"] for r in before]
    for old, new in zip(before, after):
        assert list(old["partialFingerprints"]) == ["claimcheck/v1"]
        assert new["partialFingerprints"] == old["partialFingerprints"]
        assert region(new)["startLine"] == region(old)["startLine"] + 3
    assert len({r["partialFingerprints"]["claimcheck/v1"] for r in before}) == len(before)


def test_sarif_suppressed_findings_left_out_without_show_suppressed(cli, workdir):
    (workdir / "quoted.md").write_text(CORPUS["quoted.md"], encoding="utf-8")
    run = cli("lint", "quoted.md", "--format", "sarif")
    (sarif,) = valid_sarif(run.out)["runs"]
    assert run.code == 0 and sarif["results"] == [] and sarif["tool"]["driver"]["rules"] == []


def test_sarif_unlocated_finding_has_no_region_and_says_why(cli, workdir, monkeypatch):
    (workdir / "page.html").write_text("<html><body><article><p>Some words.</p></article></body></html>",
                                       encoding="utf-8")
    monkeypatch.setattr(html_reader, "extract_main", lambda html: "It brings permanent remission.")
    (sarif,) = valid_sarif(cli("lint", "page.html", "--format", "sarif").out)["runs"]
    (result,) = [r for r in sarif["results"] if r["ruleId"] == OVERCLAIM]
    assert region(result) is None
    assert "(no position: " in result["message"]["text"] and result["properties"]["unlocated"]


# --------------------------------------------------------------------------- github

COMMAND = re.compile(r"::(?P<level>error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)")


def unescape(text: str) -> str:
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, char)
    return text


def commands(output: str) -> list[dict]:
    """Workflow command lines parsed as the runner does: properties split on ',' then '='."""
    parsed = []
    for line in output.splitlines():
        m = COMMAND.fullmatch(line)
        assert m, line
        props = dict(p.split("=", 1) for p in m["props"].split(","))
        parsed.append({"level": m["level"], **{k: unescape(v) for k, v in props.items()},
                       "message": unescape(m["message"])})
    return parsed


@pytest.fixture(scope="module")
def annotations(report) -> list[dict]:
    return commands(report("github").out)


def test_github_annotations_match_the_json_positions(annotations, expected):
    for path in ("spam.txt", "hedged.txt", ODD_NAME):
        mine = [a for a in annotations if a["file"] == path]
        assert [(a["title"], a["line"], a["col"], a["endLine"], a["endColumn"]) for a in mine] == [
            (f["rule"], str(f["line"]), str(f["column"]), str(f["end_line"]), str(f["end_column"]))
            for f in expected[path]["findings"]], path
    first = next(a for a in annotations if a["file"] == "spam.txt")
    assert first["message"].startswith(expected["spam.txt"]["findings"][0]["message"])


def test_github_levels(annotations):
    levels = {(a["file"], a["title"]): a["level"] for a in annotations}
    assert levels[("spam.txt", OVERCLAIM)] == levels[("spam.txt", BUY)] == "error"
    assert levels[("hedged.txt", OVERCLAIM)] == "warning"
    assert levels[("configured/spam.txt", BUY)] == "notice"
    assert levels[("quoted.md", OVERCLAIM)] == "notice"  # suppressed, shown on request
    quoted = next(a for a in annotations if a["file"] == "quoted.md")
    assert quoted["message"].endswith("(suppressed: quoted from a seller)")
    typo = next(a for a in annotations if a["file"] == "typo.md")
    assert (typo["level"], typo["title"], typo["line"], typo["col"]) == ("warning", "unused-suppression", "1", "1")


def test_github_input_errors(annotations):
    errors = [a for a in annotations if a["title"] == "claimcheck"]
    assert [(a["level"], a["file"], a.get("line")) for a in errors] == [
        ("error", "dump.jsonl", "2"), ("error", "broken.txt", None)]
    assert errors[1]["message"].startswith("not valid UTF-8")


def test_github_escaping_round_trips_file_names_and_record_ids(annotations, expected):
    """The file name has ',' and ':'; the record id '%', ',', ':' and a newline: the parsed
    commands give both back unchanged, and record findings have no file line."""
    odd = [a for a in annotations if a["file"] == ODD_NAME]
    assert len(odd) == len(expected[ODD_NAME]["findings"]) > 0
    records = [a for a in annotations if a["file"] == "dump.jsonl" and a["title"] != "claimcheck"]
    assert len(records) == len(expected[f"dump.jsonl[{RECORD}]"]["findings"])
    for a in records:
        assert "line" not in a and a["message"].startswith(f"Record {RECORD} at ")


def test_github_escape_functions():
    assert escape_data("50% off\r\nnow: a,b") == "50%25 off%0D%0Anow: a,b"
    assert escape_property("50% off\r\nnow: a,b") == "50%25 off%0D%0Anow%3A a%2Cb"
    assert escape_data("%0A") == "%250A"  # text that looks escaped stays literal


# --------------------------------------------------------------------------- junit

@pytest.fixture(scope="module")
def junit(report) -> ET.Element:
    return ET.fromstring(report("junit").out)


def cases(junit: ET.Element, classname: str) -> list[ET.Element]:
    return [c for c in junit.iter("testcase") if c.get("classname") == classname]


def test_junit_one_failing_case_per_finding(junit, expected):
    want = expected["spam.txt"]["findings"]
    failing = cases(junit, "spam.txt")
    assert [(c.get("name"), c.get("file"), c.get("line")) for c in failing] == [
        (f"{f['rule']} at {f['line']}:{f['column']}", "spam.txt", str(f["line"])) for f in want]
    failure = failing[0].find("failure")
    assert failure.get("type") == OVERCLAIM
    assert failure.get("message") == f"major: {want[0]['message']}"
    assert failure.text.splitlines()[:3] == ["spam.txt:1:11: major overclaim-permanent-remission",
                                             want[0]["message"], "Sentence: It brings permanent remission."]
    assert [c.find("failure").get("message").split(":")[0] for c in cases(junit, "configured/spam.txt")] == [
        f["severity"] for f in expected["configured/spam.txt"]["findings"]]  # info findings fail too


def test_junit_passing_error_and_skipped_cases_and_counts(junit):
    (clean,) = cases(junit, "clean.md")
    assert list(clean) == [] and clean.get("name") == "no findings"
    (broken,) = cases(junit, "broken.txt")
    assert broken.find("error").get("message").startswith("not valid UTF-8")
    (quoted,) = cases(junit, "quoted.md")
    assert quoted.find("skipped").get("message") == "suppressed: quoted from a seller"
    (suite,) = junit
    every = list(suite.iter("testcase"))
    counts = {"tests": len(every), "failures": sum(c.find("failure") is not None for c in every),
              "errors": 2, "skipped": 1}
    assert {k: int(suite.get(k)) for k in counts} == counts
    assert {k: int(junit.get(k)) for k in counts} == counts
    assert suite.get("name") == "claimcheck"


def test_junit_markup_characters_stay_well_formed(junit):
    (case, *_) = cases(junit, ODD_NAME)
    assert case.get("file") == ODD_NAME
    assert f"Sentence: {ODD_SENTENCE}".replace("\x1b", "\ufffd") in case.find("failure").text


# --------------------------------------------------------------------------- checkstyle

@pytest.fixture(scope="module")
def checkstyle(report) -> dict[str, list[ET.Element]]:
    root = ET.fromstring(report("checkstyle").out)
    assert root.tag == "checkstyle" and root.get("version") == "4.3"
    return {f.get("name"): f.findall("error") for f in root.findall("file")}


def test_checkstyle_one_file_element_per_file_clean_ones_empty(checkstyle):
    assert list(checkstyle) == ["spam.txt", "clean.md", "quoted.md", "hedged.txt", "configured/spam.txt",
                                ODD_NAME, "dump.jsonl", "typo.md", "broken.txt"]
    assert checkstyle["clean.md"] == []


def test_checkstyle_errors_match_the_json(checkstyle, expected):
    for path in ("spam.txt", ODD_NAME):
        assert [(e.get("line"), e.get("column"), e.get("source")) for e in checkstyle[path]] == [
            (str(f["line"]), str(f["column"]), f"claimcheck.{f['rule']}") for f in expected[path]["findings"]]
    assert checkstyle["spam.txt"][0].get("message").startswith(expected["spam.txt"]["findings"][0]["message"])


def test_checkstyle_severities_and_input_errors(checkstyle):
    assert {e.get("severity") for e in checkstyle["spam.txt"]} == {"error"}
    assert [e.get("severity") for e in checkstyle["hedged.txt"]] == ["warning"]
    assert "info" in {e.get("severity") for e in checkstyle["configured/spam.txt"]}
    assert [e.get("severity") for e in checkstyle["quoted.md"]] == ["ignore"]
    assert [(e.get("severity"), e.get("source")) for e in checkstyle["typo.md"]] == [
        ("warning", "claimcheck.unused-suppression")]
    (error,) = checkstyle["broken.txt"]
    assert (error.get("severity"), error.get("source"), error.get("line")) == ("error", "claimcheck.input", None)
    assert error.get("message").startswith("not valid UTF-8")
    bad_line = next(e for e in checkstyle["dump.jsonl"] if e.get("source") == "claimcheck.input")
    assert bad_line.get("line") == "2"


# --------------------------------------------------------------------------- csv

@pytest.fixture(scope="module")
def rows(report) -> list[dict]:
    return list(csv.DictReader(io.StringIO(report("csv").out)))


def test_csv_rows_read_back_like_the_json(rows, expected):
    assert list(rows[0]) == ["path", "record", "url", "line", "column", "end_line", "end_column", "rule",
                             "category", "severity", "message", "text", "sentence", "suggestion", "suppressed",
                             "error"]
    for path in ("spam.txt", ODD_NAME, f"dump.jsonl[{RECORD}]"):
        assert [(r["rule"], r["category"], r["severity"], r["line"], r["column"], r["end_line"],
                 r["end_column"], r["text"], r["sentence"], r["message"]) for r in rows if r["path"] == path] == [
            (f["rule"], f["category"], f["severity"], str(f["line"]), str(f["column"]), str(f["end_line"]),
             str(f["end_column"]), f["text"], f["sentence"], f["message"]) for f in expected[path]["findings"]]
    spam = [r for r in rows if r["path"] == "spam.txt"]
    assert spam[0]["suggestion"] == "long-term remission" and spam[0]["suppressed"] == ""
    insert = next(r for r in spam if r["rule"] == PREGNANCY)
    assert insert["suggestion"].startswith("Isotretinoin can cause severe birth defects.")
    record = next(r for r in rows if r["path"] == f"dump.jsonl[{RECORD}]")
    assert (record["record"], record["url"]) == (RECORD, "https://example.org/p1")  # comma and newline survive


def test_csv_errors_suppressed_and_clean(rows):
    errors = [(r["path"], r["error"][:18]) for r in rows if r["error"]]
    assert errors == [("dump.jsonl:2", "malformed JSON lin"), ("broken.txt", "not valid UTF-8 (b")]
    assert all(r["rule"] == "" for r in rows if r["error"])
    (quoted,) = [r for r in rows if r["path"] == "quoted.md"]
    assert quoted["suppressed"] == "quoted from a seller"
    (typo,) = [r for r in rows if r["path"] == "typo.md"]
    assert (typo["rule"], typo["line"], typo["severity"]) == ("unused-suppression", "1", "")
    assert not any(r["path"] == "clean.md" for r in rows)


# --------------------------------------------------------------------------- jsonl

def test_jsonl_one_object_per_finding_error_and_comment(report, expected):
    lines = [json.loads(line) for line in report("jsonl").out.splitlines()]
    want = []
    for path, file in expected.items():
        document = {"path": path, "record": file.get("record"), "url": file.get("url")}
        if file["error"]:
            want.append({**document, "error": file["error"]})
        want += [{**document, **f} for f in file["findings"] + file.get("suppressed", [])]
        want += [{**document, "unused_suppression": u} for u in file.get("unused_suppressions", [])]
    assert lines == want  # clean documents give no line, and there is no summary line
    assert lines[-1]["path"] == "broken.txt" and lines[-1]["error"].startswith("not valid UTF-8")
    assert any(line.get("suppressed", {}).get("reason") == "quoted from a seller" for line in lines)


# --------------------------------------------------------------------------- every format

@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_comment_naming_an_unknown_rule_is_reported(report, fmt):
    assert "unknown rule or category: no-such-rule" in report(fmt).out
