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
__version__ = "0.1.0"

from .api import build_linter
from .documents import Document, DocumentError, ReadOptions, read_document, read_documents, text_document
from .engine import Linter, Selection
from .findings import CATEGORIES, FileResult, Finding, Severity, grade, score
from .library import lint_path, lint_text
from .rulebook import RulebookError

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
