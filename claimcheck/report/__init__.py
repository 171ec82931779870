"""Output formats: one module each (a Reporter, report/base.py), rendering FileResults; none
knows of rules or NLP."""
from . import (checkstyle_format, csv_format, github_format, json_format, jsonl_format, junit_format,
               markdown_format, sarif_format, text_format)
from .base import Reporter, ReportOptions

FORMATS: dict[str, Reporter] = {r.NAME: r for r in (  # type: ignore[misc]  (modules as protocol instances)
    text_format, json_format, sarif_format, github_format, junit_format, checkstyle_format, csv_format,
    jsonl_format, markdown_format)}

__all__ = ["FORMATS", "ReportOptions", "Reporter"]
