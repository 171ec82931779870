"""Running every rule's own examples: 'fire' sentences must fire, 'no_fire' ones must not."""
from __future__ import annotations

from dataclasses import dataclass

from .documents import text_document
from .engine import Linter
from .rulebook import Example, Problem, Rule


@dataclass(frozen=True)
class ExampleResult:
    rule: Rule
    example: Example
    ok: bool
    detail: str

    def problem(self) -> Problem:
        want = "should fire" if self.example.fires else "should not fire"
        return Problem(self.rule.file, self.example.line,
                       f"rule {self.rule.id}: example {want}: {self.example.text!r}: {self.detail}")


def run_examples(linter: Linter, rules: list[Rule] | None = None) -> list[ExampleResult]:
    """Check the examples of the given rules (default: every rule of the linter's rulebook)."""
    pairs = [(rule, ex) for rule in (rules if rules is not None else linter.compiled.rules) for ex in rule.examples]
    documents = [text_document(ex.text, f"{rule.file}:{ex.line}") for rule, ex in pairs]
    results = []
    for (rule, example), document, doc in zip(pairs, documents, linter.nlp.pipe(d.text for d in documents)):
        found = linter.findings(document, doc, only=rule)
        results.append(_judge(rule, example, found))
    return results


def _judge(rule: Rule, example: Example, found) -> ExampleResult:
    if not example.fires:
        if not found:
            return ExampleResult(rule, example, True, "no finding")
        f = found[0]
        return ExampleResult(rule, example, False, f"fired on {f.text!r} ({f.severity})")
    if not found:
        return ExampleResult(rule, example, False, "no finding")
    candidates = found
    if example.match:
        candidates = [f for f in found if f.text.lower() == example.match.lower()]
        if not candidates:
            got = ", ".join(repr(f.text) for f in found)
            return ExampleResult(rule, example, False, f"matched {got}, expected {example.match!r}")
    if example.severity and not any(f.severity == example.severity for f in candidates):
        got = ", ".join(str(f.severity) for f in candidates)
        return ExampleResult(rule, example, False, f"severity {got}, expected {example.severity}")
    f = candidates[0]
    return ExampleResult(rule, example, True, f"fired on {f.text!r} ({f.severity})")
