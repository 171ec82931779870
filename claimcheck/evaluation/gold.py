"""Reading sidecars of expected findings (NAME.expected.yaml, format in docs/eval.md).

A sidecar is validated against its article and the loaded rulebook; every problem is a
``Problem`` naming the sidecar's file and line, as for rule packs. The article is a file, or a
record of a JSONL file (``record``: real pages kept outside the repository, labelled by
character offsets, ``span``, so that none of their text is copied into a sidecar); a sidecar
may also judge the page as a whole (``expect_categories``, ``forbid_categories``:
docs/wild-labels.md).
"""
from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..documents import Document, DocumentError, open_input, read_document, read_documents
from ..findings import CATEGORIES, Severity
from ..rulebook import Problem, RulebookError
from ..rulebook.yamlload import LineDict, LineList, YAMLSyntaxError, load_yaml

SIDECAR_SUFFIX = ".expected.yaml"
TOP_KEYS = ("document", "record", "kind", "lang", "expect_categories", "forbid_categories", "expect", "clean")
EXPECT_KEYS = ("rule", "category", "text", "line", "span", "severity", "why")
CLEAN_KEYS = ("text", "span", "why")
ALL = "all"

Span = tuple[int, int]  # 0-based source offsets, end exclusive


@dataclass(frozen=True)
class Expectation:
    """One finding the editor expects: a rule (or any rule of a category) about some words."""

    category: str
    rule: str | None
    severity: Severity | None
    text: str | None
    spans: tuple[Span, ...]  # where ``text`` occurs (all occurrences, or the one on ``line``)
    sidecar_line: int

    @property
    def key(self) -> str:
        return self.rule or f"(any {self.category})"


@dataclass(frozen=True)
class CleanText:
    text: str
    why: str
    spans: tuple[Span, ...]


@dataclass
class Gold:
    """One sidecar: the article it describes and what a careful editor expects of it."""

    sidecar: str
    document_path: Path
    document: Document | None = None
    expectations: list[Expectation] = field(default_factory=list)
    clean: list[CleanText] = field(default_factory=list)
    skipped: str | None = None  # why the sidecar was not evaluated (its article is absent)
    record: str | None = None  # the record of a JSONL file the article is
    kind: str | None = None  # the kind of page (pharmacy, news, ...), for accuracy per kind
    lang: str | None = None
    # the page as a whole: categories an editor flags on it, and those wrong on it (ALL: any
    # finding is wrong); None when the sidecar does not judge the page as a whole
    expect_categories: frozenset[str] | None = None
    forbid_categories: frozenset[str] | str | None = None

    @property
    def judged_as_page(self) -> bool:
        return self.expect_categories is not None or self.forbid_categories is not None

    @property
    def name(self) -> str:
        """The article as reports name it: the file, and the record inside it."""
        return f"{self.document_path}[{self.record}]" if self.record else str(self.document_path)


def find_sidecars(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """Sidecars named directly, or found (sorted) under the directories named."""
    found: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob(f"*{SIDECAR_SUFFIX}") if p.is_file())
            if not inside:
                problems.append(Problem(str(path), 0, f"no sidecars (*{SIDECAR_SUFFIX}) in this directory"))
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:
            problems.append(Problem(str(path), 0, "no such file or directory"))
    return found, problems


def text_spans(source: str, text: str) -> list[Span]:
    """Every occurrence of ``text`` in ``source``; any run of white space matches any other,
    so a phrase copied across a hard-wrapped line still matches."""
    words = text.split()
    if not words:
        return []
    pattern = r"\s+".join(re.escape(w) for w in words)
    return [(m.start(), m.end()) for m in re.finditer(pattern, source)]


def _line_of(source: str, offset: int) -> int:
    return source.count("\n", 0, offset) + 1


class _SidecarReader:
    """Validates one parsed sidecar, collecting every problem with its line."""

    def __init__(self, sidecar: str, rules: dict[str, str]):
        self.sidecar = sidecar
        self.rules = rules  # rule id -> category
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.sidecar, line, message))

    def unknown_keys(self, mapping: LineDict, allowed: tuple[str, ...], what: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.problem(mapping.line_of(key), f"unknown key {key!r} in {what} (expected: {', '.join(allowed)})")

    def offsets(self, document: Document, span: object, where: int) -> tuple[str, tuple[Span, ...]] | None:
        """A ``span: [start, end]`` of character offsets into the article, and its text."""
        if not (isinstance(span, list) and len(span) == 2 and all(type(x) is int for x in span)
                and 0 <= span[0] < span[1] <= len(document.source)):
            self.problem(where, f"'span' must be [start, end], offsets with 0 <= start < end <= "
                                f"{len(document.source)} (the article's length)")
            return None
        return document.source[span[0]:span[1]], ((span[0], span[1]),)

    def spans(self, document: Document, text: object, line: int, where: int) -> tuple[Span, ...] | None:
        if not isinstance(text, str) or not text.strip():
            self.problem(where, "'text' must be the words of the article the finding is about")
            return None
        spans = text_spans(document.source, text)
        if not spans:
            self.problem(where, f"text {text!r} does not occur in {document.path}")
            return None
        if line is not None:
            spans = [s for s in spans if _line_of(document.source, s[0]) <= line <= _line_of(document.source, s[1])]
            if not spans:
                self.problem(where, f"text {text!r} does not occur on line {line} of {document.path}")
                return None
        return tuple(spans)

    def expectation(self, item: object, where: int, document: Document) -> Expectation | None:
        if not isinstance(item, LineDict):
            self.problem(where, "an expected finding is a mapping with 'rule' or 'category', 'text', 'severity'")
            return None
        self.unknown_keys(item, EXPECT_KEYS, "an expected finding")
        rule, category = item.get("rule"), item.get("category")
        if (rule is None) == (category is None):
            self.problem(item.line, "give exactly one of 'rule' and 'category'")
            return None
        if rule is not None:
            if rule not in self.rules:
                self.problem(item.line_of("rule"), f"unknown rule {rule!r} (see 'claimcheck rules list')")
                return None
            category = self.rules[rule]
        elif category not in CATEGORIES:
            self.problem(item.line_of("category"), f"unknown category {category!r} (expected one of: {', '.join(CATEGORIES)})")
            return None
        severity = None
        if "severity" in item:
            try:
                severity = Severity.parse(str(item["severity"]))
            except ValueError as exc:
                self.problem(item.line_of("severity"), str(exc))
                return None
        line = item.get("line")
        if line is not None and (not isinstance(line, int) or isinstance(line, bool) or line < 1):
            self.problem(item.line_of("line"), "'line' must be a line number (1 or more)")
            return None
        text, spans = item.get("text"), ()
        if text is not None and "span" in item:
            self.problem(item.line, "give 'text' or 'span', not both")
            return None
        if "span" in item:
            found = self.offsets(document, item["span"], item.line_of("span"))
            if found is None:
                return None
            text, spans = found
        elif text is not None:
            spans = self.spans(document, text, line, item.line_of("text"))
            if spans is None:
                return None
        elif category != "missing-warning":
            self.problem(item.line, "'text' or 'span' is required (only document rules, category "
                                    "missing-warning, may leave them out)")
            return None
        return Expectation(category, rule, severity, text, spans, item.line)

    def clean_text(self, item: object, where: int, document: Document) -> CleanText | None:
        if isinstance(item, str):
            item_text, why = item, ""
        elif isinstance(item, LineDict):
            self.unknown_keys(item, CLEAN_KEYS, "a clean text")
            why = str(item.get("why", ""))
            if "span" in item:
                found = self.offsets(document, item["span"], item.line_of("span"))
                return None if found is None else CleanText(found[0], why, found[1])
            item_text, where = item.get("text"), item.line_of("text")
        else:
            self.problem(where, "a clean entry is a mapping with 'text' (or 'span') and 'why'")
            return None
        spans = self.spans(document, item_text, None, where)
        return CleanText(item_text, why, spans) if spans else None

    def categories(self, data: LineDict, key: str, allow_all: bool) -> frozenset[str] | str | None:
        value = data.get(key)
        if value is None:
            return None
        if allow_all and value == ALL:
            return ALL
        if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
            self.problem(data.line_of(key), f"'{key}' must be a list of categories" + (" or 'all'" if allow_all else ""))
            return None
        unknown = [c for c in value if c not in CATEGORIES]
        if unknown:
            self.problem(data.line_of(key), f"unknown categor{'y' if len(unknown) == 1 else 'ies'} "
                                            f"{', '.join(map(repr, unknown))} (expected one of: {', '.join(CATEGORIES)})")
            return None
        return frozenset(value)


def read_gold(path: Path, rules: dict[str, str]) -> Gold:
    """Read and check one sidecar; raises RulebookError listing every problem in it."""
    sidecar = str(path)
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except YAMLSyntaxError as exc:
        raise RulebookError([Problem(sidecar, exc.line, exc.message)]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RulebookError([Problem(sidecar, 0, f"cannot read: {exc}")]) from None
    reader = _SidecarReader(sidecar, rules)
    if not isinstance(data, LineDict):
        raise RulebookError([Problem(sidecar, 1, "a sidecar is a mapping with 'document', 'expect', 'clean'")])
    reader.unknown_keys(data, TOP_KEYS, "a sidecar")
    name = data.get("document")
    if not isinstance(name, str) or not name:
        raise RulebookError([*reader.problems, Problem(sidecar, data.line, "'document' (the article, relative to this file) is required")])
    record = data.get("record")
    gold = Gold(sidecar, Path(os.path.normpath(path.parent / name)), record=None if record is None else str(record),
                kind=data.get("kind"), lang=data.get("lang"))
    gold.expect_categories = reader.categories(data, "expect_categories", allow_all=False)
    gold.forbid_categories = reader.categories(data, "forbid_categories", allow_all=True)
    if not gold.document_path.exists():
        gold.skipped = f"its document {gold.document_path} is absent"
        return gold
    try:
        gold.document = _record(gold.document_path, gold.record) if gold.record else read_document(gold.document_path)
    except DocumentError as exc:
        raise RulebookError([Problem(sidecar, data.line_of("document"), f"cannot read {exc.path}: {exc.reason}")]) from None
    if gold.document is None:
        raise RulebookError([Problem(sidecar, data.line_of("record"), f"no record {gold.record!r} in {gold.document_path}")])

    for key, build, out in (("expect", reader.expectation, gold.expectations),
                            ("clean", reader.clean_text, gold.clean)):
        items = data.get(key)
        if items is None:
            continue
        if not isinstance(items, LineList):
            reader.problem(data.line_of(key), f"'{key}' must be a list")
            continue
        for i, item in enumerate(items):
            built = build(item, items.line_of(i), gold.document)
            if built is not None:
                out.append(built)
    if "expect" not in data:
        reader.problem(data.line, "'expect' is required (an empty list when the article must come out clean)")
    if reader.problems:
        raise RulebookError(reader.problems)
    return gold


def _record(path: Path, record: str) -> Document | None:
    """The document of one record of a JSONL file (the records of a file are read once)."""
    return _records(str(path)).get(record)


@functools.lru_cache(maxsize=8)
def _records(path: str) -> dict[str, Document]:
    with open_input(Path(path), path) as stream:
        return {d.record: d for d in read_documents(stream, path, "jsonl") if isinstance(d, Document)}
