"""An audited page's title (audit/titles.py), as the report's table shows it: a JSONL record's
title field, an HTML page's <title>, else a short first line."""
from __future__ import annotations

import json
import sqlite3


def test_titles_from_each_kind_of_input(cli, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "page.html").write_text("<html><head><title>Cheap &amp; fast pills\n</title></head><body>"
                                    "<main><h1>Welcome</h1><p>Buy isotretinoin online today.</p></main></body></html>",
                                    encoding="utf-8")
    (site / "post.md").write_text("# A miracle for your skin\n\nIt is a miracle cure.\n", encoding="utf-8")
    (site / "long.txt").write_text("This first line is a whole paragraph of prose that goes on well past the length "
                                   "of any heading, so the page is left without a title in the report table.\n",
                                   encoding="utf-8")
    (site / "dump.jsonl").write_text(
        json.dumps({"id": "r1", "title": "Study finds  coffee\nhelps", "text": "Coffee is a miracle cure."}) + "\n"
        + json.dumps({"id": "r2", "text": "Short headline\n\nCoffee is a miracle cure."}) + "\n", encoding="utf-8")
    db = tmp_path / "audit.sqlite"
    run = cli("audit", str(site), "--db", str(db), "--jobs", "1")
    assert run.code == 0, run.err
    titles = dict(sqlite3.connect(db).execute("SELECT id, title FROM documents"))
    assert titles == {
        str(site / "page.html"): "Cheap & fast pills",
        str(site / "post.md"): "A miracle for your skin",
        str(site / "long.txt"): None,
        f"{site / 'dump.jsonl'}[r1]": "Study finds coffee helps",
        f"{site / 'dump.jsonl'}[r2]": "Short headline",
    }
