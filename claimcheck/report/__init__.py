"""Output formats: one module each (a Reporter, report/base.py), rendering FileResults; none
knows of rules or NLP."""
from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from .base import Reporter, ReportOptions

# name -> module; a module is imported when its format is asked for (a lint prints one)
_MODULES = {"text": "text_format", "json": "json_format", "sarif": "sarif_format", "github": "github_format",
            "junit": "junit_format", "checkstyle": "checkstyle_format", "csv": "csv_format",
            "jsonl": "jsonl_format", "markdown": "markdown_format"}


class _Formats(Mapping):
    """The reporters by name, each module imported on first use."""

    def __getitem__(self, name: str) -> Reporter:
        return importlib.import_module(f".{_MODULES[name]}", __name__)  # type: ignore[return-value]

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


FORMATS: Mapping[str, Reporter] = _Formats()

__all__ = ["FORMATS", "ReportOptions", "Reporter"]
