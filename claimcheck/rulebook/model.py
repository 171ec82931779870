"""What a loaded rulebook holds: packs, concept lexicons and rules (validated, not compiled)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..findings import Severity, Suggestion
from ..nlp.patterns import Concept


@dataclass(frozen=True)
class Problem:
    """One rulebook error, always with the file and line it is about."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class RulebookError(Exception):
    """The rulebook did not load; ``problems`` lists every error found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Located:
    """A value from YAML and the line it came from."""

    value: object
    line: int


@dataclass
class Example:
    text: str
    fires: bool
    line: int
    match: str | None = None  # the text the finding must cover
    severity: Severity | None = None  # the grade after context


@dataclass
class Rule:
    id: str
    category: str
    severity: Severity
    message: str
    kind: str  # name of a module in claimcheck.kinds
    spec: dict[str, list[Located]]  # the kind's pattern lists, each item with its line
    pack: str
    file: str
    line: int
    within: str = "document"  # document rules: "document" or "section"
    options: dict[str, object] = field(default_factory=dict)  # the kind's non-pattern options (OPTIONS)
    description: str | None = None
    suggestion: Suggestion | None = None
    references: tuple[str, ...] = ()
    context: dict[str, str] = field(default_factory=dict)
    scope: tuple[str, ...] = ()
    examples: list[Example] = field(default_factory=list)
    # suggestion.safe: `claimcheck fix` applies the replacement without --unsafe, to every match
    # (True) or only to matches reading as one of these phrases
    safe_fix: bool | tuple[str, ...] = False

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class Pack:
    name: str
    file: str
    description: str | None = None
    language: str = "en"  # the language its patterns are written in (ISO 639-1)
    scope: tuple[str, ...] = ()
    rules: list[Rule] = field(default_factory=list)


@dataclass
class ConceptDef:
    concept: Concept
    file: str
    line: int
    description: str | None = None
    references: tuple[str, ...] = ()
    term_lines: tuple[int, ...] = ()


@dataclass
class Rulebook:
    packs: list[Pack]
    concepts: dict[str, ConceptDef]

    @property
    def rules(self) -> list[Rule]:
        return [r for p in self.packs for r in p.rules]

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def pack_of(self, rule: Rule) -> Pack:
        return next(p for p in self.packs if p.name == rule.pack)
