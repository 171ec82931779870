"""Markdown: only prose is checked, and positions point into the .md source."""
from __future__ import annotations

import pytest

from claimcheck.documents import DocumentError
from claimcheck.documents.markdown import markdown_document

REMISSION = "overclaim-permanent-remission"


def lint_md(linter, source: str):
    return linter.lint(markdown_document(source, "draft.md"))


def line_col(source: str, offset: int) -> tuple[int, int]:
    before = source[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def assert_points_at_text(source: str, findings) -> None:
    """The source at each reported position starts with the finding's text (markup aside)."""
    assert findings
    for f in findings:
        assert source[f.position.start:].startswith(f.text.split()[0]), f
        assert (f.position.line, f.position.column) == line_col(source, f.position.start)
        assert (f.position.end_line, f.position.end_column) == line_col(source, f.position.end)


@pytest.mark.parametrize("source", [
    "Intro line.\n\nIt brings **permanent remission** for most.\n",
    "Intro line.\n\nIt brings *permanent remission* for most.\n",
    "Intro line.\n\nIt brings [permanent remission](https://example.com/a \"t\") for most.\n",
    "Intro line.\n\nIt brings [permanent remission][ref] for most.\n\n[ref]: https://example.com\n",
    "# A heading with *emphasis*\n\n> It brings\n> permanent remission, they say.\n",
    "- first item\n- It brings permanent\n  remission for most\n",
    "| Claim | Source |\n|---|---|\n| It brings permanent remission | blog |\n",
    "Text &amp; more \\* escapes. It brings ~~lasting~~ permanent remission.\n",
    "\ufeffIt brings permanent remission.\r\nAnother line.\r\n",
])
def test_finding_positions_point_into_the_markdown_source(linter, source):
    findings = [f for f in lint_md(linter, source) if f.rule == REMISSION]
    assert len(findings) == 1
    assert_points_at_text(source, findings)


def test_emphasis_inside_a_match_maps_start_and_end(linter):
    source = "It brings *permanent* remission.\n"
    [f] = [f for f in lint_md(linter, source) if f.rule == REMISSION]
    assert f.text == "permanent remission"
    assert source[f.position.start:f.position.end] == "permanent* remission"


@pytest.mark.parametrize("source", [
    "```\nIt brings permanent remission.\n```\n\nPlain words.\n",
    "    It brings permanent remission.\n\nPlain words.\n",
    "Run `It brings permanent remission` in a shell.\n",
    "---\ntitle: It brings permanent remission\n---\n\nPlain words.\n",
    "<!-- It brings permanent remission. -->\n\nPlain words.\n",
    "See [the page](https://example.com/permanent-remission) today.\n",
    "See <https://example.com/it-brings-permanent-remission>.\n",
    "![It brings permanent remission](image.png)\n\nPlain words.\n",
])
def test_code_front_matter_comments_urls_and_images_are_not_prose(linter, source):
    assert [f.rule for f in lint_md(linter, source)] == []


def test_blocks_are_sentence_boundaries(linter):
    """'permanent' ends a heading; 'remission' starts a list item: no claim across them."""
    source = "# Treatment is permanent\n\n- remission rates vary\n\n| permanent | remission |\n|---|---|\n| a | b |\n"
    assert [f.rule for f in lint_md(linter, source)] == []
    doc = markdown_document(source, "x.md")
    assert doc.text.split("\n").count("permanent") == 1


def test_headings_start_sections(linter):
    doc = markdown_document("# One\n\nText here.\n\n## Two\n\nMore text.\n", "x.md")
    assert [doc.text[i:i + 3] for i in doc.section_starts] == ["One", "Two"]


def test_a_file_of_only_code_is_a_clear_error():
    with pytest.raises(DocumentError, match="no prose to check"):
        markdown_document("```\ncode only\n```\n", "x.md")


def test_cli_reads_md_files_as_markdown(cli, tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Title\n\nIt brings **permanent remission**.\n\n```\npermanent remission\n```\n")
    data = cli("lint", str(page), "--format", "json").json()
    [f] = data["files"][0]["findings"]
    assert (f["rule"], f["line"], f["column"]) == (REMISSION, 3, 13)
