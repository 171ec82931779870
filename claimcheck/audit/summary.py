"""The figures every audit report shows, computed by SQLite, as plain data.

A store can hold millions of findings, so nothing here walks the findings in Python: each
figure is one aggregate query (COUNT, SUM, AVG with GROUP BY) and every list is bounded by
``top``. The queries run inside one read transaction, so a report taken while an audit is still
writing (the store is in WAL mode) is one consistent snapshot whose totals agree.

The text and JSON output (``format_text``, ``Summary.to_dict``) and the HTML report all render
the same ``Summary``, so they can never disagree.
"""
from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field

from ..findings import CATEGORIES, SEVERITY_NAMES
from ..report.terminal import printable

GRADES = ("A", "B", "C", "D", "F")
CRITICAL_RANK = 4
TEXT_FINDINGS_PER_PAGE = 3  # the terminal shows this many of a worst page's findings


@dataclass
class DocumentCounts:
    total: int
    ok: int
    errors: int
    skipped: int
    duplicates: int  # recorded from another document's identical content (duplicate_of set)
    mean_score: float | None  # over documents checked (status ok)


@dataclass
class RunInfo:
    id: int
    status: str
    started: str
    ended: str | None
    engine: str
    jobs: int
    claimcheck_version: str
    documents: int
    analysed: int
    duplicates: int
    unchanged: int
    errors: int
    findings: int


@dataclass
class RuleRow:
    rule: str
    category: str
    findings: int
    documents: int
    by_severity: dict[str, int] = field(default_factory=dict)  # its findings per severity


@dataclass
class SiteRow:
    """A site (registered domain, sites.py) and how risky its pages are: ``risky`` pages have a
    major or critical finding; ``risk`` is their share of the site's checked pages."""

    site: str
    documents: int
    risky: int
    risk: float
    findings: int
    mean_score: float | None


@dataclass
class FindingBrief:
    """What a report shows of one finding: enough to read it in its sentence."""

    rule: str
    category: str
    severity: str
    message: str
    line: int | None
    column: int | None
    unlocated: str | None
    text: str
    sentence: str
    sentence_start: int
    sentence_end: int
    replacement: str | None
    advice: str | None
    insert_text: str | None


@dataclass
class Page:
    id: str
    url: str | None
    site: str | None
    score: int
    grade: str | None
    findings: int
    critical: int
    top_findings: list[FindingBrief] = field(default_factory=list)


@dataclass
class ErrorRow:
    id: str
    error: str | None


@dataclass
class Summary:
    database: str
    top: int
    documents: DocumentCounts
    runs: int
    last_run: RunInfo | None
    grades: dict[str, int]
    scores: dict[str, int]  # checked documents per score band ("100", "90-99", ..., "0-9")
    words: int  # in checked documents (findings per 1,000 words)
    findings: int
    by_severity: dict[str, int]
    by_category: dict[str, dict[str, int]]  # category -> severity -> findings
    top_rules: list[RuleRow]
    top_sites: list[SiteRow]  # the riskiest first
    worst_pages: list[Page]
    errors: list[ErrorRow]  # the first ``top`` (documents.errors counts them all)

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def severities(self) -> list[str]:
        """The severity columns: the four grades, then any unknown one the store holds."""
        return list(self.by_severity)


def summarize(db: sqlite3.Connection, database: str, top: int = 10, writing: bool = False) -> Summary:
    """Every figure of the report, read in one snapshot of the store. ``writing``: an audit
    holds the store's lock now (lock.writer_active); without one, a run still marked
    "running" was stopped without finishing, and is shown as interrupted."""
    db.execute("BEGIN")
    try:
        return _summarize(db, database, top, writing)
    finally:
        db.rollback()


def _summarize(db: sqlite3.Connection, database: str, top: int, writing: bool) -> Summary:
    by_category, by_severity = _matrix(db)
    return Summary(
        database=database,
        top=top,
        documents=_documents(db),
        runs=_one(db, "SELECT COUNT(*) FROM runs")[0],
        last_run=_last_run(db, writing),
        grades=_grades(db),
        scores=_scores(db),
        words=int(_one(db, "SELECT TOTAL(words) FROM documents WHERE status = 'ok'")[0]),
        findings=sum(by_severity.values()),
        by_severity=by_severity,
        by_category=by_category,
        top_rules=_top_rules(db, top),
        top_sites=_top_sites(db, top),
        worst_pages=_worst_pages(db, top),
        errors=[ErrorRow(*r) for r in db.execute(
            "SELECT id, error FROM documents WHERE status = 'error' ORDER BY id LIMIT ?", (top,))],
    )


def _one(db: sqlite3.Connection, sql: str, params: tuple = ()) -> tuple:
    return tuple(db.execute(sql, params).fetchone())


def _mean(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _documents(db: sqlite3.Connection) -> DocumentCounts:
    total, ok, errors, skipped, duplicates, mean = _one(db, """
        SELECT COUNT(*), TOTAL(status = 'ok'), TOTAL(status = 'error'), TOTAL(status = 'skipped'),
               TOTAL(duplicate_of IS NOT NULL), AVG(CASE WHEN status = 'ok' THEN score END)
        FROM documents""")
    return DocumentCounts(total, int(ok), int(errors), int(skipped), int(duplicates), _mean(mean))


def _last_run(db: sqlite3.Connection, writing: bool) -> RunInfo | None:
    names = [f.name for f in RunInfo.__dataclass_fields__.values()]
    row = db.execute(f"SELECT {', '.join(names)} FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return None
    run = RunInfo(*row)
    if run.status == "running" and not writing:
        run.status = "interrupted"
    return run


def _grades(db: sqlite3.Connection) -> dict[str, int]:
    """Documents per letter, A to F (a letter no document has counts 0)."""
    counts = dict(db.execute("SELECT grade, COUNT(*) FROM documents WHERE status = 'ok' "
                             "AND grade IS NOT NULL GROUP BY grade").fetchall())
    return {g: counts.pop(g, 0) for g in GRADES} | dict(sorted(counts.items()))


def _matrix(db: sqlite3.Connection) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Findings per category and severity: every category of the vocabulary, in its order
    (then any other the store holds), and the four severities, worst first."""
    cells = db.execute("SELECT category, severity, COUNT(*) FROM findings "
                       "GROUP BY category, severity").fetchall()
    severities = list(SEVERITY_NAMES) + sorted({s for _, s, _ in cells} - set(SEVERITY_NAMES))
    categories = list(CATEGORIES) + sorted({c for c, _, _ in cells} - set(CATEGORIES))
    by_category = {c: dict.fromkeys(severities, 0) for c in categories}
    by_severity = dict.fromkeys(severities, 0)
    for category, severity, n in cells:
        by_category[category][severity] = n
        by_severity[severity] += n
    return by_category, by_severity


def _top_rules(db: sqlite3.Connection, top: int) -> list[RuleRow]:
    rows = [RuleRow(*r) for r in db.execute("""
        SELECT rule, MIN(category), COUNT(*) AS n, COUNT(DISTINCT document_id) AS docs
        FROM findings GROUP BY rule ORDER BY n DESC, docs DESC, rule LIMIT ?""", (top,))]
    for row in rows:
        counts = dict(db.execute("SELECT severity, COUNT(*) FROM findings WHERE rule = ? GROUP BY severity",
                                 (row.rule,)).fetchall())
        row.by_severity = {s: counts.pop(s, 0) for s in SEVERITY_NAMES} | counts
    return rows


SCORE_BANDS = ("100", "90-99", "80-89", "70-79", "60-69", "50-59", "40-49", "30-39", "20-29", "10-19", "0-9")


def _scores(db: sqlite3.Connection) -> dict[str, int]:
    """Checked documents per score band: 100 (nothing found) apart, then tens, best first."""
    counts = dict(db.execute("""
        SELECT CASE WHEN score >= 100 THEN 100 ELSE MAX(score, 0) / 10 * 10 END AS band, COUNT(*)
        FROM documents WHERE status = 'ok' AND score IS NOT NULL GROUP BY band""").fetchall())
    return {band: counts.get(100 if band == "100" else int(band.split("-")[0]), 0) for band in SCORE_BANDS}


# a page's most serious finding is one of these: the page is risky
RISKY = "('critical', 'major')"


def _top_sites(db: sqlite3.Connection, top: int) -> list[SiteRow]:
    """The riskiest sites: the largest share of checked pages with a major or critical
    finding, then the lowest mean score, then the most pages (volume is shown beside)."""
    rows = db.execute(f"""
        SELECT site, COUNT(*) AS docs, TOTAL(status = 'ok' AND worst IN {RISKY}) AS risky,
               TOTAL(status = 'ok') AS checked, TOTAL(findings) AS n,
               AVG(CASE WHEN status = 'ok' THEN score END) AS mean
        FROM documents WHERE site IS NOT NULL AND site != ''
        GROUP BY site
        ORDER BY (CASE WHEN checked > 0 THEN risky / checked ELSE 0 END) DESC, mean IS NULL, mean,
                 docs DESC, site
        LIMIT ?""", (top,))
    return [SiteRow(site, docs, int(risky), round(risky / checked, 3) if checked else 0.0, int(n), _mean(mean))
            for site, docs, risky, checked, n, mean in rows]


def _worst_pages(db: sqlite3.Connection, top: int) -> list[Page]:
    """Pages with findings, lowest score first, then the most critical findings.

    Counting critical findings costs an index lookup per page, so only the pages that can make
    the list are counted: those scoring no more than the ``top``-th lowest score. Duplicates
    are left out: their content is already listed under the id it was first analysed as.
    """
    checked = "status = 'ok' AND duplicate_of IS NULL AND score IS NOT NULL AND findings > 0"
    rows = db.execute(f"""
        SELECT d.id, d.url, d.site, d.score, d.grade, d.findings,
               (SELECT COUNT(*) FROM findings f
                WHERE f.document_id = d.id AND f.severity_rank = {CRITICAL_RANK}) AS critical
        FROM documents d
        WHERE {checked} AND d.score <= COALESCE(
            (SELECT score FROM documents WHERE {checked} ORDER BY score LIMIT 1 OFFSET ?), 1e300)
        ORDER BY d.score, critical DESC, d.findings DESC, d.id LIMIT ?""", (top - 1, top)).fetchall()
    pages = [Page(*r) for r in rows]
    for page in pages:
        page.top_findings = _page_findings(db, page.id, top)
    return pages


_BRIEF_COLUMNS = ", ".join(f'"{f}"' for f in FindingBrief.__dataclass_fields__)


def _page_findings(db: sqlite3.Connection, document_id: str, top: int) -> list[FindingBrief]:
    """A page's most serious findings, in document order within a severity."""
    rows = db.execute(f"SELECT {_BRIEF_COLUMNS} FROM findings WHERE document_id = ? "
                      "ORDER BY severity_rank DESC, seq LIMIT ?", (document_id, top))
    return [FindingBrief(*r) for r in rows]


# --- text ---------------------------------------------------------------------------------

def clean(value: object, width: int | None = None) -> str:
    """A value from the store as one line of terminal-safe text, cut to ``width``: page content
    is hostile, so its control characters and bidi overrides are shown as \\uXXXX."""
    text = printable(value)
    if width is not None and len(text) > width:
        text = text[: width - 1] + "…"
    return text


def _table(header: list[str], rows: list[list[object]], text_columns: int = 1) -> list[str]:
    """Aligned columns, indented: the first ``text_columns`` left-aligned, the numbers right."""
    cells = [[clean(c) for c in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for row in cells:
        parts = [c.ljust(w) if i < text_columns else c.rjust(w)
                 for i, (c, w) in enumerate(zip(row, widths))]
        lines.append(("  " + "  ".join(parts)).rstrip())
    return lines


def _pairs(rows: list[list[object]]) -> list[str]:
    """Name and value lines, the values aligned."""
    width = max(len(str(name)) for name, _ in rows)
    return [f"  {name:<{width}}  {clean(value)}" for name, value in rows]


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def where(f: FindingBrief) -> str:
    return f"{f.line}:{f.column}" if f.line is not None else "-"


def format_text(s: Summary) -> str:
    """The summary as plain, stable, greppable text (no colour, no box drawing)."""
    d, r = s.documents, s.last_run
    out = [f"Audit store {clean(s.database)}", "", "Documents",
           *_pairs([["total", d.total], ["ok", d.ok], ["errors", d.errors], ["skipped", d.skipped],
                    ["duplicates", d.duplicates], ["findings", s.findings],
                    ["mean score", _fmt(d.mean_score)]]), ""]
    if r is None:
        out += ["Last run: none", ""]
    else:
        out += [f"Last run (#{r.id}, {s.runs} in all)",
                *_pairs([["status", r.status], ["started", r.started], ["ended", r.ended or "-"],
                         ["documents", r.documents], ["analysed", r.analysed], ["unchanged", r.unchanged],
                         ["duplicates", r.duplicates], ["errors", r.errors], ["findings", r.findings]]), ""]
    checked = sum(s.grades.values())
    out += ["Grades", *_table(["grade", "documents", "share"],
                              [[g, n, f"{100 * n / checked:.1f}%" if checked else "-"]
                               for g, n in s.grades.items()]), ""]
    sev = s.severities
    matrix = [[c, *(row[x] for x in sev), sum(row.values())] for c, row in s.by_category.items()]
    out += ["Findings by category and severity",
            *_table(["category", *sev, "total"], matrix + [["total", *s.by_severity.values(), s.findings]]), ""]
    out += [f"Top {s.top} rules", *_table(["rule", "category", "findings", "documents"],
                                          [[x.rule, x.category, x.findings, x.documents] for x in s.top_rules], 2), ""]
    out += [f"Riskiest {s.top} sites (share of pages with a major or critical finding, then mean score)",
            *_table(["site", "risky pages", "risk", "pages", "findings", "mean score"],
                    [[x.site, x.risky, f"{100 * x.risk:.0f}%", x.documents, x.findings, _fmt(x.mean_score)]
                     for x in s.top_sites]), ""]
    out += [f"Worst {s.top} pages (lowest score, then most critical findings)"]
    if not s.worst_pages:
        out.append("  none")
    for i, p in enumerate(s.worst_pages, 1):
        out.append(f"  {i:>2}. score {p.score} ({clean(p.grade)}), {plural(p.findings, 'finding')}, "
                   f"{p.critical} critical: {clean(p.id, 120)}")
        if p.url:
            out.append(f"      {clean(p.url, 120)}")
        for f in p.top_findings[:TEXT_FINDINGS_PER_PAGE]:
            out.append(f"      {clean(f.severity):<8} {clean(f.rule)} {where(f)}: \"{clean(f.text, 60)}\"")
    out += ["", f"Errors ({d.errors})", *(f"  {clean(e.id, 120)}: {clean(e.error, 200)}" for e in s.errors)]
    if d.errors > len(s.errors):
        out.append(f"  … and {d.errors - len(s.errors)} more")
    return "\n".join(out) + "\n"
