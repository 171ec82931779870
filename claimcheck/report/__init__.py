"""Output formats: each module renders FileResults and knows nothing of rules or NLP."""
from . import (checkstyle_format, csv_format, github_format, json_format, jsonl_format, junit_format,
               sarif_format, text_format)

FORMATS = {
    "text": text_format,
    "json": json_format,
    "sarif": sarif_format,
    "github": github_format,
    "junit": junit_format,
    "checkstyle": checkstyle_format,
    "csv": csv_format,
    "jsonl": jsonl_format,
}

__all__ = ["FORMATS"]
