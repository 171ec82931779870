"""claimcheck: a linter for health content.

The public API is small. In one call, as `claimcheck lint` does (configuration files, readers
and results are the command line's)::

    import claimcheck
    result = claimcheck.lint_text("Accutane permanently cures acne.", filename="draft.md")
    for finding in result.findings:
        print(finding.position.line, finding.position.column, finding.rule, finding.severity)
    for result in claimcheck.lint_path("drafts/"):   # one FileResult per document
        print(result.path, result.score, result.grade, result.error)

With a linter built once, for many documents::

    from claimcheck import build_linter, text_document
    linter = build_linter()
    for finding in linter.lint(text_document("Accutane permanently cures acne.", "draft.txt")):
        print(finding.position.line, finding.rule, finding.severity)

    # files of any format: read_document (one document) or read_documents (JSONL, WARC)
    with open("crawl.warc.gz", "rb") as stream:
        for doc in read_documents(stream, "crawl.warc.gz", "warc"):
            ...  # a Document, or a DocumentError for a record that could not be read
"""
from typing import TYPE_CHECKING

from ._version import __version__

# The public names, loaded on first use (PEP 562): importing a leaf module (a reporter, the
# results store) imports this package first, and must not load the engine and spaCy with it.
_PUBLIC: dict[str, str] = {
    "build_linter": ".api",
    "Document": ".documents", "DocumentError": ".documents", "ReadOptions": ".documents",
    "read_document": ".documents", "read_documents": ".documents", "text_document": ".documents",
    "Linter": ".engine", "Selection": ".engine",
    "CATEGORIES": ".findings", "FileResult": ".findings", "Finding": ".findings", "Severity": ".findings",
    "grade": ".findings", "score": ".findings",
    "lint_path": ".library", "lint_text": ".library",
    "RulebookError": ".rulebook",
}

if TYPE_CHECKING:
    from .api import build_linter
    from .documents import Document, DocumentError, ReadOptions, read_document, read_documents, text_document
    from .engine import Linter, Selection
    from .findings import CATEGORIES, FileResult, Finding, Severity, grade, score
    from .library import lint_path, lint_text
    from .rulebook import RulebookError


def __getattr__(name: str):
    if name in _PUBLIC:
        import importlib

        value = getattr(importlib.import_module(_PUBLIC[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'claimcheck' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))


__all__ = [
    "CATEGORIES",
    "Document",
    "DocumentError",
    "FileResult",
    "Finding",
    "Linter",
    "ReadOptions",
    "RulebookError",
    "Selection",
    "Severity",
    "__version__",
    "build_linter",
    "grade",
    "lint_path",
    "lint_text",
    "read_document",
    "read_documents",
    "score",
    "text_document",
]
