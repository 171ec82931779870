"""--format markdown, as a pull request or a CI job's summary page shows it: rendered with
markdown-it (CommonMark with GitHub's tables) and read back as HTML: the headline, the table
of documents, each document's findings grouped by severity, and hostile names shown as text."""
from __future__ import annotations

from html.parser import HTMLParser

from markdown_it import MarkdownIt

from claimcheck.report.markdown_format import MAX_ROWS, md

CLAIMS = ("Buy isotretinoin online today.\n"
          "Most people reach permanent remission after one course.\n"
          "It is a miracle cure.\n")


class Tables(HTMLParser):
    """The rendered page's tables (rows of cell texts), its tags, and its links."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "a":
            self.hrefs.append(dict(attrs).get("href", ""))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def rendered(text: str) -> Tables:
    return Tables(MarkdownIt("commonmark").enable("table").render(text))


def test_a_summary_with_a_table_per_document_grouped_by_severity(cli, tmp_path, monkeypatch):
    (tmp_path / "draft.txt").write_text(CLAIMS, encoding="utf-8")
    (tmp_path / "clean.txt").write_text("Sunscreen lowers the risk of sunburn.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    run = cli("lint", "draft.txt", "clean.txt", "--format", "markdown")
    assert run.code == 1
    headline = run.out.splitlines()[0]
    assert headline.startswith("## claimcheck: ") and "in 1 of 2 documents" in headline
    assert headline.endswith("; **1 document fails the gate**")
    page = rendered(run.out)
    documents, findings = page.tables
    assert documents[0] == ["Document", "Score", "Grade", "critical", "major", "minor", "info"]
    assert [row[0] for row in documents[1:]] == ["draft.txt"]  # a clean document is not listed
    assert findings[0] == ["Severity", "Line", "Rule", "Words", "Suggestion"]
    rows = findings[1:]
    ranks = {"critical": 4, "major": 3, "minor": 2, "info": 1}
    assert [ranks[r[0].split()[0]] for r in rows] == sorted((ranks[r[0].split()[0]] for r in rows), reverse=True)
    remission = next(r for r in rows if r[2] == "overclaim-permanent-remission")
    assert remission[1] == "2:19" and remission[3] == "“permanent remission”"
    assert remission[4] == "replace with “long-term remission”"
    assert rows[0][2] == "isotretinoin-buy-online" and rows[0][1] == "1:1"
    counts = documents[1][3:]
    assert sum(map(int, counts)) == len(rows)


def test_a_clean_run_is_one_line(cli, tmp_path):
    (tmp_path / "clean.md").write_text("# Sunscreen\n\nSunscreen lowers the risk of sunburn.\n", encoding="utf-8")
    run = cli("lint", str(tmp_path / "clean.md"), "--format", "markdown")
    assert run.code == 0
    assert run.out == "## claimcheck: no findings in 1 document\n"


def test_a_document_that_cannot_be_read_is_listed(cli, tmp_path, monkeypatch):
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9 cures acne\n")
    (tmp_path / "draft.txt").write_text(CLAIMS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    run = cli("lint", "bad.txt", "draft.txt", "--format", "markdown")
    assert run.code == 2
    assert "1 document could not be checked" in run.out.splitlines()[0]
    assert "### Could not check" in run.out and "- `bad.txt`: " in run.out


def test_hostile_names_and_words_render_as_text(cli, tmp_path, monkeypatch):
    name = "x`[y](javascript:alert(1))<img src=x onerror=alert(1)>|*z*.txt"
    (tmp_path / name).write_text(CLAIMS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    run = cli("lint", name, "--format", "markdown")
    page = rendered(run.out)
    assert "img" not in page.tags and "script" not in page.tags and "em" not in page.tags
    assert page.hrefs == []
    documents = page.tables[0]
    assert len(documents[1]) == 7  # the '|' in the name did not add a cell
    assert documents[1][0] == name
    hostile = "<script>alert(1)</script> [a](javascript:x) ![i](x) *b* `c` | d"
    assert rendered(f"| {md(hostile)} |\n|---|\n| x |\n").tables[0][0] == [hostile]


def test_a_long_list_is_cut_and_counted(cli, tmp_path):
    (tmp_path / "long.txt").write_text("It is a miracle cure.\n" * (MAX_ROWS + 7), encoding="utf-8")
    run = cli("lint", str(tmp_path / "long.txt"), "--format", "markdown")
    assert len(rendered(run.out).tables[1]) == 1 + MAX_ROWS
    assert "… and 7 more" in run.out
