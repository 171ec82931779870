"""Stable identities for findings: what a baseline remembers and SARIF calls a partial fingerprint.

A finding is identified by its rule, its file and the normalised text of its sentence (case
and whitespace folded), not by its line: inserting lines above it or editing other sentences
leaves the identity unchanged. A document-level finding (a missing warning) is identified by
rule and file alone. When the same identity occurs several times in a file, the occurrences
are numbered in document order, so each still has its own.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

from .findings import Finding

VERSION = "claimcheck/v1"


def normalised_path(path: str) -> str:
    """A path as baselines store it: relative to the working directory when inside it, '/'-separated.
    Record names (``file[id]``) are kept whole."""
    base, bracket, record = path.partition("[")
    p = Path(base)
    if p.is_absolute():
        try:
            p = p.relative_to(Path.cwd())
        except ValueError:
            pass
    return p.as_posix() + (bracket + record if bracket else "")


def identity(finding: Finding, path: str) -> str:
    """The hash of rule, file and normalised sentence (rule and file for document findings)."""
    sentence = "" if finding.scope == "document" else " ".join(finding.sentence.lower().split())
    key = "\0".join((finding.rule, normalised_path(path), sentence))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def fingerprints(findings: list[Finding], path: str) -> list[str]:
    """One fingerprint per finding, in the order given: ``identity:occurrence``."""
    seen: Counter[str] = Counter()
    out = []
    for f in findings:
        ident = identity(f, path)
        out.append(f"{ident}:{seen[ident]}")
        seen[ident] += 1
    return out
