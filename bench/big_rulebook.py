"""A rulebook ten times the bundled one, for the start-up and scaling benchmarks.

Each bundled pack is copied ``times - 1`` times. In copy k every word of every pattern, concept
term and example gets a suffix of its own ("cure" -> "curezq" in copy 1, "curezx" in copy 2):
the copies keep the bundled rules' shapes (sets, optional words, gaps, concepts, unless, with,
document rules) but look for different words, as a rulebook ten times larger would, instead of
repeating the same trigger words. Pack names, rule ids, concept names and the @references to
them get the suffix too, so each copy stands alone. A copied rule whose own examples no longer
behave (a lemma pattern meets an inflected example word, which the suffix hides from the
lemma table) is left out, and the numbers printed say how many rules were kept. Examples
that need a context cue fail in a copy too ("notzq" negates nothing, context.yaml is not
copied), so about a third of the copies stay: bench_lint.py asks for 32 copies to get a
rulebook ten times the bundled one (1,280 rules of 133 on 2026-12-07).

    .venv/bin/python bench/big_rulebook.py DIR [--times 10]
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
RULES = REPO / "rules"
# an @reference to a concept, or a word (short ones too: "no", "to" and "of" start phrases)
TOKEN = re.compile(r"@([a-z0-9][a-z0-9-]*)|(?<![#\w\\])([A-Za-z]+)(?!\w)")
LETTERS = "zqxjvkwyfbgmhpdc"
# text that is syntax, not a word to look for: a regex's classes and escapes, pattern keywords
KEEP = {"IN", "OP", "LOWER", "LEMMA", "ORTH"}


def suffix(k: int) -> str:
    return "z" + LETTERS[k % len(LETTERS)] + (LETTERS[k // len(LETTERS)] if k >= len(LETTERS) else "")


# the keys whose strings are patterns, concept terms or example sentences (below them, every
# string is moved to the copy); all other values (ids, grades, effects, messages) stay
MOVED = {"match", "unless", "with", "when", "require", "about", "together", "terms", "fire", "no_fire"}
STAY = {"severity", "why", "kind", "within", "id", "context"}  # an example's grade, a rule's options


def copy_value(value, k: int, concepts: set[str], key: str = "", inside: bool = False):
    """A pack's value with its words and @references moved to copy k."""
    inside = inside or key in MOVED
    if isinstance(value, dict):
        return {kk: copy_value(v, k, concepts, kk, inside) for kk, v in value.items()}
    if isinstance(value, list):
        return [copy_value(v, k, concepts, key, inside) for v in value]
    if key == "mentions" and isinstance(value, str):
        return f"{value}-{suffix(k)}" if value in concepts else value  # a scope names concepts bare
    if not isinstance(value, str) or not inside or key in STAY or value.startswith("(?"):
        return value  # not a pattern, or a regex (its words are not ours to move)
    s = suffix(k)

    def moved(m: re.Match) -> str:
        if m.group(1) is not None:
            return f"@{m.group(1)}-{s}" if m.group(1) in concepts else m.group(0)
        return m.group(2) if m.group(2) in KEEP else m.group(2) + s

    return TOKEN.sub(moved, value)


def write(dest: Path, times: int = 10) -> list[Path]:
    """The bundled packs and their copies under ``dest``; the files written."""
    dest.mkdir(parents=True, exist_ok=True)
    packs = {p: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(RULES.glob("*.yaml"))}
    concepts = {name for data in packs.values() for name in (data.get("concepts") or {})}
    written = []
    for path, data in packs.items():
        for k in range(1, times):
            s = suffix(k)
            copy = {key: copy_value(v, k, concepts, key) for key, v in data.items()}
            copy["pack"] = f"{data['pack']}-{s}"
            copy["concepts"] = {f"{name}-{s}": copy_value(c, k, concepts) for name, c in (data.get("concepts") or {}).items()}
            if not copy["concepts"]:
                del copy["concepts"]
            for rule in copy.get("rules", []):
                rule["id"] = f"{rule['id']}-{s}"
                rule.pop("fix", None)
            target = dest / f"{path.stem}-{s}.yaml"
            target.write_text(yaml.safe_dump(copy, sort_keys=False, allow_unicode=True), encoding="utf-8")
            written.append(target)
    return written


def keep_working_rules(files: list[Path]) -> tuple[int, int]:
    """Leave out the copied rules that no longer compile (a set of words grown past the
    compiler's limit of spelled-out variants) or whose examples fail; (kept, left out)."""
    from claimcheck import build_linter
    from claimcheck.rulebook import RulebookError
    from claimcheck.ruletest import run_examples

    dropped: set[str] = set()
    for _ in range(5):
        try:
            linter = build_linter(files, default_rules=True, check_examples=False)
            break
        except RulebookError as exc:
            bad = set(re.findall(r"rule ([\w-]+):", str(exc)))
            if not bad:
                raise
            dropped |= bad
            _drop(files, bad)
    else:
        raise SystemExit("the copies do not compile")
    names = tuple(f.name for f in files)
    failing = {r.rule.id for r in run_examples(linter, [r for r in linter.compiled.rules if r.file.endswith(names)])
               if not r.ok}
    dropped |= failing
    return _drop(files, failing), len(dropped)


def _drop(files: list[Path], ids: set[str]) -> int:
    """Remove these rules from the files; the rules left."""
    kept = 0
    for f in files:
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        data["rules"] = [r for r in data.get("rules", []) if r["id"] not in ids]
        kept += len(data["rules"])
        f.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return kept


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dest", type=Path)
    ap.add_argument("--times", type=int, default=10)
    args = ap.parse_args()
    os.environ["CLAIMCHECK_CACHE_DIR"] = "off"  # its intermediate rulebooks are not worth keeping
    files = write(args.dest, args.times)
    kept, dropped = keep_working_rules(files)
    print(f"{len(files)} packs, {kept} copied rules kept, {dropped} left out, in {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
