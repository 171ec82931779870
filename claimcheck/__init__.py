"""claimcheck: a linter for health content.

The public API is small::

    from claimcheck import build_linter, text_document
    linter = build_linter()
    for finding in linter.lint(text_document("Accutane permanently cures acne.", "draft.txt")):
        print(finding.position.line, finding.rule, finding.severity)
"""
__version__ = "0.1.0"

from .api import build_linter
from .documents import Document, DocumentError, read_document, text_document
from .engine import Linter, Selection
from .findings import CATEGORIES, Finding, Severity, grade, score
from .rulebook import RulebookError

__all__ = [
    "CATEGORIES",
    "Document",
    "DocumentError",
    "Finding",
    "Linter",
    "RulebookError",
    "Selection",
    "Severity",
    "__version__",
    "build_linter",
    "grade",
    "read_document",
    "score",
    "text_document",
]
