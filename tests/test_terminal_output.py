"""Text from documents cannot drive the terminal (issue 13): what ``lint`` prints in the text
and github formats holds no control character or bidi override from a page, only their
``\\uXXXX`` form; and the ``^^^`` marker stays under the matched words however wide the
terminal and whatever wide, combining or escaped characters come before them.

Building the linter takes a couple of seconds per CLI run, so the corpus is linted once per
setting (``report``) and the tests read those outputs.
"""
from __future__ import annotations

import dataclasses
import io
import json
import re
import unicodedata

import pytest

from claimcheck.report import ReportOptions
from click.testing import CliRunner

from conftest import Run

from claimcheck.audit.summary import clean
from claimcheck.cli import main
from claimcheck.findings import FileResult
from claimcheck.report import text_format
from claimcheck.report.terminal import display_width, printable, terminal_columns

OVERCLAIM = "overclaim-permanent-remission"
MATCH = "permanent remission"
# A hyperlink, a screen clear, a window title, a CSI in its C1 form, DEL, bidi override and isolate.
HOSTILE = ("\u202eevil\u202c \x9b31m \x7f \u2066x\u2069 \x1b]8;;http://evil\x07link\x1b]8;;\x07 "
           "\x1b[2J \x1b]0;pwned\x07")
RECORD = "rec\x1b[31m\x9b1"
EVIL_NAME = "evil\x1b[31m.md"
FILLER = "Our clinic has treated thousands of patients over many years and we say that "
# Sentences longer than a 60-column terminal; what comes just before the match differs.
CARET_CASES = {
    "plain": "the cure gives permanent remission to everyone who finishes a full course of the treatment.",
    "cjk": "the 日本の薬 gives permanent remission to everyone who finishes a full course of the treatment.",
    "combining": "the cre\u0300me\u0301 gives permanent remission to everyone who finishes a full course.",
    "escape": "the cure \x1b[1mgives permanent remission to everyone who finishes a full course of it.",
}
SHOWN_BEFORE = {"plain": "cure gives ", "cjk": "日本の薬 gives ", "combining": "cre\u0300me\u0301 gives ",
                "escape": "\\u001b[1mgives "}
CORPUS = {
    "hostile.md": (f"Buy isotretinoin online now {HOSTILE} cheap.\n\n"
                   f"Accutane gives permanent remission {HOSTILE}.\n\n"
                   "<!-- claimcheck-disable-next-line -- quoted \x1b[8mhidden\x1b[0m -->\n"
                   "It brings permanent remission.\n\n"
                   "<!-- claimcheck-disable-next-line no-such-rule\u202e -->\nHello.\n"),
    "dump.jsonl": json.dumps({"id": RECORD, "url": "https://example.org/\x1b]8;;http://evil\x07",
                              "text": f"Accutane gives permanent remission {HOSTILE}."}) + "\n",
    EVIL_NAME: "It brings permanent remission.\n",
    "caret.md": "\n\n".join(FILLER + s for s in CARET_CASES.values()) + "\n",
}
CARET_LINES = {name: 1 + 2 * i for i, name in enumerate(CARET_CASES)}
FLAGS = ("--show-suppressed", "--warn-unused-suppressions")
# What must never reach the terminal: C0 controls but newline, DEL, C1, bidi marks and overrides.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def cells(text: str) -> int:
    """Terminal cells, counted independently of the code under test."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in text)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """``lint`` of the corpus with extra arguments and $COLUMNS (None: unset), run once each
    from inside the corpus directory; returns the run and the directory."""
    root = tmp_path_factory.mktemp("terminal")
    for name, text in CORPUS.items():
        (root / name).write_text(text, encoding="utf-8")
    runs: dict[tuple, Run] = {}

    def run(*args: str, columns: str | None = None) -> Run:
        key = (args, columns)
        if key not in runs:
            with pytest.MonkeyPatch.context() as mp:
                mp.chdir(root)
                result = CliRunner().invoke(main, ["lint", *CORPUS, *FLAGS, *args], env={"COLUMNS": columns},
                                            catch_exceptions=False)
                runs[key] = Run(result)
        return runs[key]

    run.root = root
    return run


@pytest.fixture
def narrow(report) -> str:
    """The text report on a 60-column terminal (a copy also written to report.txt)."""
    return report("--format", "text", "--format", "text", "--output", "report.txt", columns="60").out


def marked(out: str, where: str) -> tuple[str, str]:
    """The excerpt and marker lines of the overclaim finding reported at ``where``."""
    lines = out.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith(where) and f" {OVERCLAIM} " in line)
    return lines[i + 1], lines[i + 2]


def excerpts(out: str) -> list[str]:
    """Every excerpt line: the line above a marker."""
    lines = out.splitlines()
    return [lines[i - 1] for i, line in enumerate(lines) if re.fullmatch(r" +\^+", line)]


def assert_under_match(excerpt: str, marker: str) -> None:
    assert marker.index("^") == cells(excerpt[: excerpt.index(MATCH)])
    assert marker.strip() == "^" * len(MATCH)


def test_text_output_shows_control_characters_escaped(narrow):
    assert not UNSAFE.search(narrow)
    assert "    Buy isotretinoin online now \\u202eevil\\u202c \\u009b31m…\n" in narrow
    assert "Accutane gives permanent remission \\u202eevil\\u202c" in narrow
    assert "hostile.md:6:11: suppressed (major: quoted \\u001b[8mhidden\\u001b[0m, line 5)" in narrow
    assert ("hostile.md:8:1: warning unused-suppression <!-- claimcheck-disable-next-line no-such-rule\\u202e -->: "
            "unknown rule or category: no-such-rule\\u202e") in narrow
    assert "evil\\u001b[31m.md:1:11: major overclaim-permanent-remission" in narrow


def test_text_output_on_a_wide_terminal_escapes_and_keeps_100_cells(report):
    out = report("--format", "text", columns="200").out
    assert not UNSAFE.search(out)
    excerpt, _ = marked(out, "hostile.md:3:16:")
    assert excerpt.startswith("    Accutane gives permanent remission \\u202eevil\\u202c \\u009b31m \\u007f "
                              "\\u2066x\\u2069 \\u001b]8;;http:")
    assert excerpt.endswith("…") and 100 < cells(excerpt) <= 104


def test_github_output_shows_control_characters_escaped(report):
    out = report("--format", "github").out
    assert not UNSAFE.search(out)
    assert all(line.startswith("::") for line in out.splitlines())
    assert "(suppressed: quoted \\u001b[8mhidden\\u001b[0m)" in out
    assert "::<!-- claimcheck-disable-next-line no-such-rule\\u202e -->: unknown rule or category" in out
    assert "::notice file=hostile.md,line=6,col=11" in out
    assert "::error file=evil\\u001b[31m.md,line=1,col=11,endLine=1,endColumn=30,title=" + OVERCLAIM in out


def test_jsonl_record_id_is_escaped_in_text_and_github_output(report, narrow):
    github = report("--format", "github").out
    assert "::error file=dump.jsonl,title=overclaim-permanent-remission::Record rec\\u001b[31m\\u009b1 at 1:16: " \
           "Claims permanent remission" in github
    assert "dump.jsonl[rec\\u001b[31m\\u009b1]:1:16: major overclaim-permanent-remission" in narrow
    assert "dump.jsonl[rec\\u001b[31m\\u009b1]: score" in narrow
    for out in (github, narrow):  # the URL is not shown; if it ever is, it is escaped
        assert "http://evil\x07" not in out and not UNSAFE.search(out)


def test_excerpts_fit_a_narrow_terminal(narrow):
    shown = excerpts(narrow)
    assert len(shown) >= 10
    assert max(cells(line) for line in shown) == 60  # cut to the width, not narrower


@pytest.mark.parametrize("case", CARET_CASES)
def test_marker_sits_under_the_match_on_a_narrow_terminal(narrow, case):
    excerpt, marker = marked(narrow, f"caret.md:{CARET_LINES[case]}:")
    assert excerpt.startswith("    …") and excerpt.endswith("…")
    assert cells(excerpt) <= 60
    assert SHOWN_BEFORE[case] + MATCH in excerpt
    assert_under_match(excerpt, marker)


def test_report_file_keeps_the_default_width(report, narrow):
    written = (report.root / "report.txt").read_text(encoding="utf-8")
    assert written == report("--format", "text", columns=None).out  # COLUMNS=60 did not apply
    assert 60 < max(cells(line) for line in excerpts(written)) <= 104
    for line in CARET_LINES.values():
        assert_under_match(*marked(written, f"caret.md:{line}:"))


@pytest.mark.parametrize("columns, width", [(None, 100), (60, 56), (10, 20), (300, 100)])
def test_excerpt_width_follows_the_terminal_within_limits(columns, width):
    assert text_format.excerpt_width(columns) == width


def test_long_span_is_cut_with_the_marker_on_what_is_shown(lint_text):
    finding = next(f for f in lint_text("It brings permanent remission.") if f.rule == OVERCLAIM)
    long_span = "日本 permanent remission " * 4
    sentence = "Before \x1b[2J " + long_span + "after."
    start = sentence.index(long_span)
    finding = dataclasses.replace(finding, sentence=sentence, sentence_span=(start, start + len(long_span)))
    out = io.StringIO()
    text_format.render([FileResult("x.txt", findings=[finding])], out, ReportOptions(width=60))
    excerpt, marker = marked(out.getvalue(), "x.txt:")
    assert cells(excerpt) <= 60 and excerpt.endswith("…")
    assert marker.index("^") == cells(excerpt[: excerpt.index("日本")])
    assert marker.index("^") + marker.count("^") == cells(excerpt) - 1  # up to the "…" after the cut
    assert excerpt.startswith("    …")


def test_display_width_counts_terminal_cells():
    assert display_width("ab") == 2
    assert display_width("日本") == 4
    assert display_width("cafe\u0301") == 4
    assert display_width("a\u200bb") == 2
    assert display_width(printable("\x1b")) == 6


def test_terminal_columns_only_for_a_terminal_or_columns(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    assert terminal_columns(io.StringIO()) is None
    monkeypatch.setenv("COLUMNS", "72")
    assert terminal_columns(io.StringIO()) == 72


def test_audit_report_still_escapes():
    assert clean("a\x1b]0;t\x07\u202eb\x9b") == "a\\u001b]0;t\\u0007\\u202eb\\u009b"
    assert clean("\x1b" * 3, width=10) == "\\u001b\\u0…"
    assert clean(None) == ""
