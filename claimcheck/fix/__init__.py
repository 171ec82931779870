"""`claimcheck fix`: apply the rulebook's suggestions to files, without ever making a file worse.

A fix replaces the source span of a finding with the rule's (case-adapted) replacement, or,
for a document rule, inserts the missing text as a paragraph of its own. Only replacements a
rule marks ``safe: true`` are applied unless the user says ``--unsafe``; inserted text is never
safe. Every fix is tried on its own, re-read through the same reader and re-linted, and kept
only when its finding is gone and no finding appeared that was not there before. Fixes are
applied from the end of the file backwards so that the offsets of the others stay valid, and
passes repeat until one changes nothing, so that running ``fix`` twice changes nothing the
second time.

Files are rewritten byte for byte as they were read except for the fixes: the same encoding,
byte-order mark and line endings, written atomically (a temporary file in the same directory,
fsync, rename) with the original file mode. Plain text, Markdown and HTML are fixed; JSONL and
WARC files (many documents in one) and compressed files are refused.

Positions in reports are those of the file as it was read, as ``lint`` reported them.
"""
from __future__ import annotations

from .command import FileFix, fix_input, outcome_lines, save, summary_line, unified_diff
from .edits import DROPPED, FIXED, SKIPPED, Edit, Outcome, TextFix, fix_text
from .source import READ_ONLY, SourceFile, read_only

__all__ = ["DROPPED", "FIXED", "READ_ONLY", "SKIPPED", "Edit", "FileFix", "Outcome", "SourceFile", "TextFix",
           "fix_input", "fix_text", "outcome_lines", "read_only", "save", "summary_line", "unified_diff"]
