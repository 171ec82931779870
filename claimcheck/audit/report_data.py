"""Every page and finding of an audit store as compact, JSON-ready tables, for the HTML
report's browsable views (html_report.py embeds them; report.js reads them).

Repeated strings (sites, rules, messages, advice, errors) are stored once and referred to by
index, and a page's findings are a range of the findings table, so 100,000 pages with their
findings stay a file a browser opens in a second or two (bench/bench_report.py measures it).

Shapes (every value from the store is page content: the report's script shows it as text):

* ``pages``: [id, title, url, site, score, grade, status, reason, words, critical, major,
  minor, info, first finding, findings]; ``site`` and ``reason`` (an error or why a page was
  skipped) are indexes into ``sites`` and ``strings`` (-1: none).
* ``findings``: [rule, severity, line, column, text, sentence, start, end, suggestion,
  advice, context]; ``rule`` indexes ``rules``, ``severity`` ``severities``; ``start`` and
  ``end`` place ``text`` in ``sentence``; ``suggestion``, ``advice`` and ``context`` index
  ``strings`` (-1: none).
* ``rules``: [id, category, message].
"""
from __future__ import annotations

import json
import sqlite3

from ..findings import SEVERITY_NAMES

PAGE_FIELDS = ("id", "title", "url", "site", "score", "grade", "status", "reason", "words", "critical", "major",
               "minor", "info", "first", "count")
FINDING_FIELDS = ("rule", "severity", "line", "column", "text", "sentence", "start", "end", "suggestion",
                  "advice", "context")


class _Interned:
    """Strings stored once: each gets the index of its first occurrence."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, value: str | None) -> int:
        if value is None or value == "":
            return -1
        i = self._index.get(value)
        if i is None:
            i = self._index[value] = len(self.items)
            self.items.append(value)
        return i


def report_data(db: sqlite3.Connection) -> dict:
    """The pages (ordered by id) and their findings (in each page's order, worst first), read
    in one snapshot of the store (an audit may be writing it), as ``summarize`` reads its figures."""
    db.execute("BEGIN")
    try:
        return _report_data(db)
    finally:
        db.rollback()


def _report_data(db: sqlite3.Connection) -> dict:
    strings, sites = _Interned(), _Interned()
    rules: dict[str, int] = {}
    rule_rows: list[list] = []
    severity_index = {s: i for i, s in enumerate(SEVERITY_NAMES)}
    findings: list[list] = []
    by_document: dict[str, list[list]] = {}
    rows = db.execute("""
        SELECT document_id, rule, category, severity, message, line, "column", text, sentence,
               sentence_start, sentence_end, replacement, insert_text, advice, context
        FROM findings ORDER BY document_id, severity_rank DESC, seq""")
    for (doc, rule, category, severity, message, line, column, text, sentence, start, end, replacement,
         insert_text, advice, context) in rows:
        r = rules.get(rule)
        if r is None:
            r = rules[rule] = len(rule_rows)
            rule_rows.append([rule, category, message])
        suggestion = (f"Replace with “{replacement}”" if replacement
                      else f"Add: “{insert_text}”" if insert_text else None)
        by_document.setdefault(doc, []).append([
            r, severity_index.get(severity, len(SEVERITY_NAMES) - 1), line, column, text, sentence, start, end,
            strings(suggestion), strings(advice), strings(_context(context))])
    pages: list[list] = []
    for (id_, title, url, site, score, grade, status, error, words) in db.execute(
            "SELECT id, title, url, site, score, grade, status, error, words FROM documents ORDER BY id"):
        own = by_document.get(id_, [])
        counts = [0] * len(SEVERITY_NAMES)
        for f in own:
            counts[f[1]] += 1
        pages.append([id_, title, url, sites(site), score, grade, status, strings(error), words, *counts,
                      len(findings), len(own)])
        findings.extend(own)
    return {"severities": list(SEVERITY_NAMES), "sites": sites.items, "rules": rule_rows,
            "strings": strings.items, "pages": pages, "findings": findings,
            "page_fields": list(PAGE_FIELDS), "finding_fields": list(FINDING_FIELDS)}


def _context(value: str | None) -> str | None:
    """The context that lowered a finding's grade, in words: 'reported (“said”): major → minor'."""
    try:
        effects = json.loads(value or "[]")
    except json.JSONDecodeError:
        return None
    parts = [f"{e.get('type')} (“{e.get('cue')}”), {e.get('effect')} from {e.get('from')}"
             for e in effects if isinstance(e, dict)]
    return "; ".join(parts) or None


def script_json(data: dict) -> str:
    """``data`` as JSON that can sit inside a ``<script type="application/json">`` element:
    no ``<`` (so no ``</script>`` or ``<!--``) and no line separators a parser could trip on."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
