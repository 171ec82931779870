"""The audit's HTML report: one self-contained file that opens offline and is safe to open.

Everything in the store came from scraped web pages, so every value from it (titles, text,
sentences, URLs, ids, sites, messages, errors) is hostile:

* the summary (cards, charts, tables) is written here, each value through ``esc``, a URL a
  link only when it is plain http(s);
* the browsable views (every page in a table that sorts, filters and searches; the sites by
  risk; one site; one page's findings in their sentences) are drawn by ``report.js`` from the
  pages and findings embedded as JSON (``report_data.py``) in an inert
  ``<script type="application/json">`` block, which the script shows only as text;
* the page loads nothing: its Content-Security-Policy allows exactly its own inline script
  and stylesheet (by their sha256 hashes) and data: images, so even a mistake could not run
  a page's script or call home. Without JavaScript, the summary and the worst pages remain.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import re
from importlib import resources

from .report_data import script_json
from .summary import SCORE_BANDS, FindingBrief, Page, Summary, plural, where
from .svg import Bar, bar_chart, esc

SEVERITY_COLOURS = {"critical": "#b91c1c", "major": "#ea580c", "minor": "#ca8a04", "info": "#2563eb"}
GRADE_COLOURS = {"A": "#15803d", "B": "#65a30d", "C": "#ca8a04", "D": "#ea580c", "F": "#b91c1c"}
OTHER_COLOUR = "#6b7280"
NUMBER = ' class="n"'
# A link only for an absolute http(s) URL with nothing a browser would strip or reinterpret.
_LINKABLE = re.compile(r"https?://[^\s\x00-\x1f\x7f\\]+\Z", re.IGNORECASE)

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em; color: #111; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: .5em 0; } td, th { padding: .2em .7em; border-bottom: 1px solid #eee; }
th { text-align: left; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.cards { display: flex; flex-wrap: wrap; gap: .8em; } .card { border: 1px solid #ddd; border-radius: 6px; padding: .5em 1em; }
.card b { display: block; font-size: 1.4em; } .charts { display: flex; flex-wrap: wrap; gap: 1em; }
.chart text { font: 12px system-ui, sans-serif; fill: #222; } .chart .title { font-weight: bold; font-size: 14px; }
details { border: 1px solid #ddd; border-radius: 6px; margin: .5em 0; padding: .3em .8em; }
summary { cursor: pointer; } .url { word-break: break-all; } ol.findings li { margin: .6em 0; }
blockquote { margin: .3em 0; padding: .2em .8em; border-left: 3px solid #ccc; background: #fafafa; }
mark { background: #fde68a; } .sev { font-weight: bold; text-transform: uppercase; font-size: .8em; }
.critical { color: #b91c1c; } .major { color: #c2410c; } .minor { color: #a16207; } .info { color: #1d4ed8; }
code { font-size: .9em; } .muted { color: #666; }
nav.tabs { display: flex; gap: 1em; margin: 2em 0 .5em; border-bottom: 1px solid #ddd; }
nav.tabs a { padding: .3em .6em; text-decoration: none; } nav.tabs a.active { border-bottom: 3px solid #2563eb; font-weight: bold; }
.filters { display: flex; flex-wrap: wrap; gap: .5em; margin: .5em 0; } .filters input { min-width: 18em; }
table.pages th button { font: inherit; font-weight: bold; background: none; border: 0; cursor: pointer; padding: 0; }
table.pages td:first-child { max-width: 28em; overflow-wrap: anywhere; }
.pager { display: flex; gap: 1em; align-items: center; margin: .5em 0; }
td.gA { color: #15803d; } td.gB { color: #65a30d; } td.gC { color: #a16207; } td.gD { color: #c2410c; } td.gF { color: #b91c1c; }
td.grade { font-weight: bold; text-align: center; }
li.finding { margin: .8em 0; } .suggestion { font-weight: 600; } .context { font-size: .9em; }
"""


def link(url: str | None) -> str:
    """An http(s) URL as a link that shares nothing with the page it opens; any other URL
    (javascript:, data:, relative) as plain text."""
    if not url:
        return ""
    if _LINKABLE.match(url):
        return f'<a href="{esc(url)}" rel="noopener noreferrer nofollow" class="url">{esc(url)}</a>'
    return f'<span class="url">{esc(url)}</span>'


def highlighted(f: FindingBrief) -> str:
    """The sentence with the matched text in ``<mark>`` (the whole sentence when the span is off)."""
    s, start, end = f.sentence, f.sentence_start, f.sentence_end
    if not (0 <= start <= end <= len(s)):
        return esc(s)
    return f"{esc(s[:start])}<mark>{esc(s[start:end])}</mark>{esc(s[end:])}"


@functools.lru_cache(maxsize=1)
def report_script() -> str:
    """report.js, the browsable views' script, as the report inlines it."""
    return resources.files("claimcheck.audit").joinpath("report.js").read_text("utf-8")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def csp(script: str, style: str = STYLE) -> str:
    """The report's policy: nothing but its own inline script and style, and data: images."""
    return (f"default-src 'none'; script-src {_hash(script)}; style-src {_hash(style)}; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def render(s: Summary, data: dict) -> str:
    """The whole report as one HTML document; ``data``: every page and finding (report_data.py)."""
    script = report_script()
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp(script, STYLE))}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>claimcheck audit report: {esc(s.database)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>claimcheck audit report</h1><p class=\"muted\">Store <code>{esc(s.database)}</code></p>",
        _overview(s),
        _charts(s),
        _tables(s),
        '<main id="app"><noscript>' + _worst(s) + "</noscript></main>",
        _errors(s),
        f'<script type="application/json" id="claimcheck-data">{script_json(data)}</script>',
        f"<script>{script}</script>",
        "</body></html>",
    ]) + "\n"


def _overview(s: Summary) -> str:
    d = s.documents
    cards = [("documents", d.total), ("ok", d.ok), ("errors", d.errors), ("skipped", d.skipped),
             ("duplicates", d.duplicates), ("findings", s.findings),
             ("mean score", "-" if d.mean_score is None else f"{d.mean_score:g}")]
    html = ['<div class="cards">', *(f'<div class="card"><b>{esc(v)}</b>{esc(k)}</div>' for k, v in cards), "</div>"]
    r = s.last_run
    if r is None:
        html.append("<p>No run recorded.</p>")
    else:
        rows = [("status", r.status), ("started", r.started), ("ended", r.ended or "-"),
                ("documents", r.documents), ("analysed", r.analysed), ("unchanged", r.unchanged),
                ("duplicates", r.duplicates), ("errors", r.errors), ("findings", r.findings),
                ("engine", f"{r.engine}, {r.jobs} jobs"), ("claimcheck", r.claimcheck_version)]
        html.append(f"<h2>Last run (#{esc(r.id)}, {esc(s.runs)} in all)</h2><table>")
        html += [f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows]
        html.append("</table>")
    return "\n".join(html)


def _charts(s: Summary) -> str:
    sev = s.severities
    series = [(x, SEVERITY_COLOURS.get(x, OTHER_COLOUR)) for x in sev]
    checked = sum(s.scores.values())
    per_thousand = 1000 / s.words if s.words else 0
    band_colour = {"100": GRADE_COLOURS["A"]} | {b: GRADE_COLOURS[_grade_of_band(b)] for b in SCORE_BANDS[1:]}
    charts = [
        bar_chart(f"Score distribution ({checked} pages checked)",
                  [Bar(band, [n], note=f"{n} ({100 * n / checked:.1f}%)" if checked else "0",
                       colour=band_colour[band]) for band, n in s.scores.items()],
                  [("pages", OTHER_COLOUR)]),
        bar_chart("Findings per 1,000 words, by category",
                  [Bar(c, [round(row[x] * per_thousand, 3) for x in sev],
                       note=f"{sum(row.values()) * per_thousand:.2f}") for c, row in s.by_category.items()],
                  series),
        bar_chart(f"Top {s.top} rules (findings, by severity)",
                  [Bar(r.rule, [r.by_severity.get(x, 0) for x in sev], note=f"{r.findings} in {r.documents} pages")
                   for r in s.top_rules], series),
        bar_chart(f"Riskiest {s.top} sites (pages with a major or critical finding)",
                  [Bar(d.site, [d.risky], note=f"{d.risky} of {d.documents} pages, mean score "
                       + ("-" if d.mean_score is None else f"{d.mean_score:g}")) for d in s.top_sites],
                  [("risky pages", SEVERITY_COLOURS["major"])]),
    ]
    return '<h2>Charts</h2><div class="charts">' + "\n".join(charts) + "</div>"


def _grade_of_band(band: str) -> str:
    low = int(band.split("-")[0])
    return "A" if low >= 90 else "B" if low >= 80 else "C" if low >= 70 else "D" if low >= 60 else "F"


def _table(header: list[str], rows: list[list[object]], text_columns: int = 1) -> str:
    def cells(tag: str, row: list[object]) -> str:
        return "".join(f"<{tag}{'' if i < text_columns else NUMBER}>{esc(v)}</{tag}>"
                       for i, v in enumerate(row))
    return "<table><tr>" + cells("th", header) + "</tr>" + "".join(
        f"<tr>{cells('td', row)}</tr>" for row in rows) + "</table>"


def _tables(s: Summary) -> str:
    sev = s.severities
    matrix = [[c, *(row[x] for x in sev), sum(row.values())] for c, row in s.by_category.items()]
    matrix.append(["total", *(s.by_severity[x] for x in sev), s.findings])
    checked = sum(s.grades.values())
    return "\n".join([
        "<h2>Findings by category and severity</h2>",
        _table(["category", *sev, "total"], matrix),
        "<h2>Grades</h2>",
        _table(["grade", "documents", "share"],
               [[g, n, f"{100 * n / checked:.1f}%" if checked else "-"] for g, n in s.grades.items()]),
        f"<h2>Top {esc(s.top)} rules</h2>",
        _table(["rule", "category", "findings", "documents"],
               [[r.rule, r.category, r.findings, r.documents] for r in s.top_rules], 2),
        f"<h2>Riskiest {esc(s.top)} sites</h2>",
        _table(["site", "risky pages", "risk", "pages", "findings", "mean score"],
               [[d.site, d.risky, f"{100 * d.risk:.0f}%", d.documents, d.findings,
                 "-" if d.mean_score is None else f"{d.mean_score:g}"] for d in s.top_sites]),
    ])


def _finding(f: FindingBrief) -> str:
    suggestion = []
    if f.replacement:
        suggestion.append(f"replace with “{esc(f.replacement)}”")
    if f.insert_text:
        suggestion.append(f"add “{esc(f.insert_text)}”")
    if f.advice:
        suggestion.append(esc(f.advice))
    place = where(f) if f.line is not None else f"no position: {f.unlocated}" if f.unlocated else "-"
    return (f'<li><span class="sev {esc(f.severity)}">{esc(f.severity)}</span> '
            f"<code>{esc(f.rule)}</code> <span class=\"muted\">{esc(f.category)}, {esc(place)}</span><br>"
            f"{esc(f.message)}<blockquote>{highlighted(f)}</blockquote>"
            + (f"<b>Suggestion:</b> {'; '.join(suggestion)}" if suggestion else "") + "</li>")


def _page(p: Page, index: int) -> str:
    more = p.findings - len(p.top_findings)
    return "\n".join([
        f"<details{' open' if index == 1 else ''}><summary>{index}. score {esc(p.score)} "
        f"({esc(p.grade)}), {esc(plural(p.findings, 'finding'))}, {esc(p.critical)} critical: "
        f"<code>{esc(p.id)}</code></summary>",
        f"<p>{link(p.url)}" + (f" <span class=\"muted\">({esc(p.site)})</span>" if p.site else "") + "</p>",
        '<ol class="findings">', *(_finding(f) for f in p.top_findings), "</ol>",
        f'<p class="muted">… and {plural(more, "more finding")} (see --csv or --parquet).</p>' if more > 0 else "",
        "</details>",
    ])


def _worst(s: Summary) -> str:
    if not s.worst_pages:
        return "<h2>Worst pages</h2><p>No page has findings.</p>"
    return (f"<h2>Worst {esc(s.top)} pages</h2><p class=\"muted\">Lowest score first, then most critical "
            "findings; each with its most serious findings.</p>\n"
            + "\n".join(_page(p, i) for i, p in enumerate(s.worst_pages, 1)))


def _errors(s: Summary) -> str:
    n = s.documents.errors
    if not n:
        return "<h2>Errors</h2><p>None.</p>"
    items = "".join(f"<li><code>{esc(e.id)}</code>: {esc(e.error)}</li>" for e in s.errors)
    more = f"<p class=\"muted\">… and {n - len(s.errors)} more.</p>" if n > len(s.errors) else ""
    return f"<h2>Errors ({esc(n)})</h2><details><summary>First {len(s.errors)}</summary><ul>{items}</ul>{more}</details>"
