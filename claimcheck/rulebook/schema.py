"""Validating one pack file's YAML into model objects, collecting every problem with its line."""
from __future__ import annotations

import re

from ..findings import CATEGORIES, SEVERITY_NAMES, Severity, Suggestion
from ..kinds import KINDS, OPTION_KEYS, PATTERN_KEYS, kind_for_keys
from ..nlp.context import CONTEXT_TYPES, EFFECTS
from ..nlp.patterns import Concept
from .model import ConceptDef, Example, Located, Pack, Problem, Rule
from .yamlload import LineDict, LineList

PACK_KEYS = {"pack", "description", "language", "scope", "concepts", "rules"}
_LANGUAGE_CODE = re.compile(r"[a-z]{2}")
CONCEPT_KEYS = {"terms", "strength", "description", "references"}
RULE_KEYS = {
    "id", "category", "severity", "message", "description", "suggestion", "references",
    "context", "scope", "examples",
} | PATTERN_KEYS | OPTION_KEYS
SUGGESTION_KEYS = {"replacement", "advice", "insert", "safe"}
SUGGESTION_TEXTS = ("replacement", "advice", "insert")
EXAMPLE_KEYS = {"fire", "no_fire"}
EXAMPLE_ENTRY_KEYS = {"text", "match", "severity"}
SCOPE_KEYS = {"mentions"}
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class PackReader:
    """Reads one pack; ``problems`` collects what is wrong instead of stopping at the first."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.concept_refs: list[Located] = []  # concept names used in scopes, checked later

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    # -- helpers ---------------------------------------------------------------------------

    def _unknown_keys(self, data: LineDict, allowed: set[str], what: str) -> None:
        for k in data:
            if k not in allowed:
                hint = _closest(str(k), allowed)
                extra = f" (did you mean {hint!r}?)" if hint else ""
                self.problem(data.line_of(k), f"unknown key {k!r} in {what}{extra}")

    def _string(self, data: LineDict, k: str, what: str, required: bool = False) -> str | None:
        if k not in data:
            if required:
                self.problem(data.line, f"{what} needs {k!r}")
            return None
        value = data[k]
        if not isinstance(value, str) or not value.strip():
            self.problem(data.line_of(k), f"{k!r} in {what} must be a non-empty text")
            return None
        return value.strip()

    def _string_list(self, data: LineDict, k: str, what: str) -> list[Located]:
        """A string or a list of strings, each with its line."""
        if k not in data:
            return []
        value = data[k]
        if isinstance(value, str):
            return [Located(value, data.line_of(k))]
        if not isinstance(value, LineList) or not value:
            self.problem(data.line_of(k), f"{k!r} in {what} must be a text or a non-empty list of texts")
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                out.append(Located(item, value.line_of(i)))
            else:
                self.problem(value.line_of(i), f"items of {k!r} in {what} must be non-empty texts")
        return out

    def _mentions(self, data: LineDict, what: str) -> tuple[str, ...]:
        if "scope" not in data:
            return ()
        scope = data["scope"]
        if not isinstance(scope, LineDict):
            self.problem(data.line_of("scope"), f"'scope' in {what} must be a mapping like {{mentions: [concept]}}")
            return ()
        self._unknown_keys(scope, SCOPE_KEYS, f"scope of {what}")
        names = self._string_list(scope, "mentions", f"scope of {what}")
        if "mentions" not in scope:
            self.problem(scope.line, f"scope of {what} needs 'mentions'")
        self.concept_refs.extend(Located(n.value.lstrip("@"), n.line) for n in names)
        return tuple(str(n.value).lstrip("@") for n in names)

    # -- pack ------------------------------------------------------------------------------

    def read(self, data) -> tuple[Pack | None, dict[str, ConceptDef]]:
        if not isinstance(data, LineDict):
            self.problem(getattr(data, "line", 1), "a rule pack must be a mapping with 'pack' and 'rules'")
            return None, {}
        self._unknown_keys(data, PACK_KEYS, "pack")
        name = self._string(data, "pack", "pack", required=True) or self.file
        pack = Pack(name=name, file=self.file, description=self._string(data, "description", "pack"))
        language = self._string(data, "language", "pack")
        if language is not None:
            if _LANGUAGE_CODE.fullmatch(language):
                pack.language = language
            else:
                self.problem(data.line_of("language"), f"'language' must be a two-letter ISO 639-1 code "
                                                       f"such as en or es, not {language!r}")
        pack.scope = self._mentions(data, f"pack {name}")
        concepts = self._concepts(data)
        rules = data.get("rules", [])
        if "rules" in data and not isinstance(rules, LineList):
            self.problem(data.line_of("rules"), "'rules' must be a list of rules")
            rules = []
        for i, raw in enumerate(rules):
            rule = self._rule(raw, rules.line_of(i), name)
            if rule is not None:
                pack.rules.append(rule)
        return pack, concepts

    def _concepts(self, data: LineDict) -> dict[str, ConceptDef]:
        raw = data.get("concepts")
        if raw is None:
            return {}
        if not isinstance(raw, LineDict):
            self.problem(data.line_of("concepts"), "'concepts' must map names to lists of terms")
            return {}
        out: dict[str, ConceptDef] = {}
        for cname, body in raw.items():
            line = raw.line_of(cname)
            if not isinstance(cname, str) or not ID_RE.match(cname):
                self.problem(line, f"concept name {cname!r} must be lower-case words joined by '-'")
                continue
            strength, description, references = False, None, ()
            if isinstance(body, LineDict):
                self._unknown_keys(body, CONCEPT_KEYS, f"concept {cname}")
                terms = self._string_list(body, "terms", f"concept {cname}")
                if "terms" not in body:
                    self.problem(body.line, f"concept {cname} needs 'terms'")
                strength = body.get("strength", False)
                if not isinstance(strength, bool):
                    self.problem(body.line_of("strength"), "'strength' must be true or false")
                    strength = False
                description = self._string(body, "description", f"concept {cname}")
                references = tuple(r.value for r in self._string_list(body, "references", f"concept {cname}"))
            else:
                terms = self._string_list(raw, cname, f"concept {cname}")
            out[cname] = ConceptDef(
                Concept(cname, tuple(t.value for t in terms), strength),  # type: ignore[misc]
                self.file, line, description, references, tuple(t.line for t in terms),
            )
        return out

    # -- rule ------------------------------------------------------------------------------

    def _rule(self, raw, line: int, pack: str) -> Rule | None:
        if not isinstance(raw, LineDict):
            self.problem(line, "each rule must be a mapping with id, category, severity, message")
            return None
        before = len(self.problems)
        rid = self._string(raw, "id", "rule", required=True)
        what = f"rule {rid}" if rid else "rule"
        if rid and not ID_RE.match(rid):
            self.problem(raw.line_of("id"), f"rule id {rid!r} must be lower-case words joined by '-'")
        if rid in CATEGORIES:
            self.problem(raw.line_of("id"), f"rule id {rid!r} is a category name; choose another")
        self._unknown_keys(raw, RULE_KEYS, what)
        category = self._string(raw, "category", what, required=True)
        if category and category not in CATEGORIES:
            hint = _closest(category, set(CATEGORIES))
            extra = f" (did you mean {hint!r}?)" if hint else ""
            self.problem(raw.line_of("category"), f"unknown category {category!r}{extra}; one of: {', '.join(CATEGORIES)}")
        severity_name = self._string(raw, "severity", what, required=True)
        severity = None
        if severity_name:
            try:
                severity = Severity.parse(severity_name)
            except ValueError as exc:
                self.problem(raw.line_of("severity"), str(exc))
        message = self._string(raw, "message", what, required=True)
        kind, why = kind_for_keys({k for k in raw if k in PATTERN_KEYS or k in OPTION_KEYS})
        if kind is None:
            self.problem(raw.line, f"{what}: {why}")
        spec: dict[str, list[Located]] = {}
        options: dict[str, object] = {}
        if kind:
            for k in KINDS[kind].KEYS:
                if k == "together":
                    spec[k] = self._groups(raw, what)
                elif k in raw:
                    spec[k] = self._string_list(raw, k, what)
            for k, option in KINDS[kind].OPTIONS.items():
                value = raw.get(k, option.default)
                if k in raw:
                    wrong = option.check(value)
                    if wrong:
                        self.problem(raw.line_of(k), f"'{k}' {wrong}")
                options[k] = value
        within = str(options.get("within", "document"))
        suggestion = self._suggestion(raw, what, KINDS[kind].SCOPE if kind else None)
        safe_fix = self._safe_fix(raw)
        references = tuple(r.value for r in self._string_list(raw, "references", what))
        context = self._context(raw, what)
        scope = self._mentions(raw, what)
        examples = self._examples(raw, what)
        if len(self.problems) > before or kind is None or severity is None:
            return None
        rule = Rule(
            id=rid, category=category, severity=severity, message=message, kind=kind,  # type: ignore[arg-type]
            spec=spec, pack=pack, file=self.file, line=line, within=within, options=options,
            description=self._string(raw, "description", what), suggestion=suggestion,
            references=references, context=context, scope=scope, examples=examples,  # type: ignore[arg-type]
            safe_fix=safe_fix,
        )
        return rule

    def _groups(self, raw: LineDict, what: str) -> list[Located]:
        groups = raw["together"]
        if not isinstance(groups, LineList) or len(groups) < 2:
            self.problem(raw.line_of("together"), f"'together' in {what} must list at least two groups")
            return []
        out = []
        for i, group in enumerate(groups):
            line = groups.line_of(i)
            items = [group] if isinstance(group, str) else group
            if not isinstance(items, list) or not items or not all(isinstance(x, str) and x.strip() for x in items):
                self.problem(line, f"each group of 'together' in {what} must be a pattern or a list of patterns")
                continue
            lines = items.item_lines if isinstance(items, LineList) else [line]
            out.append(Located([Located(x, lines[j] if j < len(lines) else line) for j, x in enumerate(items)], line))
        return out

    def _suggestion(self, raw: LineDict, what: str, scope: str | None) -> Suggestion | None:
        if "suggestion" not in raw:
            return None
        value = raw["suggestion"]
        if isinstance(value, str) and value.strip():
            return Suggestion(advice=value.strip())
        if not isinstance(value, LineDict):
            self.problem(raw.line_of("suggestion"), f"'suggestion' in {what} must be a text or a mapping")
            return None
        self._unknown_keys(value, SUGGESTION_KEYS, f"suggestion of {what}")
        fields = {k: self._string(value, k, f"suggestion of {what}") for k in SUGGESTION_TEXTS}
        if scope == "document" and fields["replacement"]:
            self.problem(value.line_of("replacement"), "document rules suggest text to 'insert', not a 'replacement'")
        if scope == "sentence" and fields["insert"]:
            self.problem(value.line_of("insert"), "'insert' is for document rules; use 'replacement'")
        if not any(fields.values()):
            self.problem(value.line, f"'suggestion' in {what} is empty")
            return None
        return Suggestion(**fields)

    def _safe_fix(self, raw: LineDict) -> bool | tuple[str, ...]:
        """``safe: true`` on a suggestion lets ``claimcheck fix`` apply its replacement without
        --unsafe; ``safe: [phrases]`` only to matches that read as one of them (when optional
        words or gaps could make the replacement swallow a word). Only a replacement can be
        safe: inserted text always needs an editor's eye."""
        value = raw.get("suggestion")
        if not isinstance(value, LineDict) or "safe" not in value:
            return False
        safe = value["safe"]
        if isinstance(safe, list) and safe and all(isinstance(p, str) and p.strip() for p in safe):
            safe = tuple(safe)
        elif not isinstance(safe, bool):
            self.problem(value.line_of("safe"), "'safe' must be true, false or a list of phrases")
            return False
        if safe and "replacement" not in value:
            self.problem(value.line_of("safe"), "'safe' marks a 'replacement'; inserted text is never a safe fix")
            return False
        return safe

    def _context(self, raw: LineDict, what: str) -> dict[str, str]:
        if "context" not in raw:
            return {}
        value = raw["context"]
        if not isinstance(value, LineDict):
            self.problem(raw.line_of("context"), f"'context' in {what} must map context types to effects")
            return {}
        out = {}
        for ctype, effect in value.items():
            line = value.line_of(ctype)
            if ctype not in CONTEXT_TYPES:
                self.problem(line, f"unknown context type {ctype!r}; one of: {', '.join(CONTEXT_TYPES)}")
            elif effect not in EFFECTS and effect not in SEVERITY_NAMES:
                allowed = ", ".join(EFFECTS + SEVERITY_NAMES)
                self.problem(line, f"context effect {effect!r} for {ctype} must be one of: {allowed}")
            else:
                out[ctype] = effect
        return out

    def _examples(self, raw: LineDict, what: str) -> list[Example]:
        if "examples" not in raw:
            self.problem(raw.line, f"{what} needs 'examples' with 'fire' and 'no_fire' sentences")
            return []
        value = raw["examples"]
        if not isinstance(value, LineDict):
            self.problem(raw.line_of("examples"), "'examples' must be a mapping with 'fire' and 'no_fire'")
            return []
        self._unknown_keys(value, EXAMPLE_KEYS, f"examples of {what}")
        out: list[Example] = []
        for k in ("fire", "no_fire"):
            items = value.get(k)
            if not isinstance(items, LineList) or not items:
                self.problem(value.line_of(k), f"examples of {what} need a non-empty list '{k}'")
                continue
            for i, item in enumerate(items):
                example = self._example(item, items.line_of(i), k == "fire", what)
                if example:
                    out.append(example)
        return out

    def _example(self, item, line: int, fires: bool, what: str) -> Example | None:
        if isinstance(item, str) and item.strip():
            return Example(item, fires, line)
        if not isinstance(item, LineDict):
            self.problem(line, f"an example of {what} must be a text or a mapping with 'text'")
            return None
        self._unknown_keys(item, EXAMPLE_ENTRY_KEYS, f"example of {what}")
        text = self._string(item, "text", f"example of {what}", required=True)
        match = self._string(item, "match", f"example of {what}")
        severity = None
        sev = self._string(item, "severity", f"example of {what}")
        if sev:
            try:
                severity = Severity.parse(sev)
            except ValueError as exc:
                self.problem(item.line_of("severity"), str(exc))
        if (match or severity) and not fires:
            self.problem(line, "'match' and 'severity' only make sense for 'fire' examples")
        return Example(text, fires, line, match, severity) if text else None


def _closest(word: str, options: set[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.75)
    return found[0] if found else None
