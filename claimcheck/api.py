"""Building a Linter from rule paths: the one entry point the CLI and library users share."""
from __future__ import annotations

from pathlib import Path

from .engine import Linter, Selection
from .nlp import disk_cache, get_nlp
from .rulebook import (Problem, RulebookError, compile_rulebook, default_rules_dir, pack_files,
                       read_rulebook)
from .rulebook.loader import display_path
from .ruletest import run_examples


def rule_paths(extra: list[Path] | tuple[Path, ...] = (), default_rules: bool = True) -> list[Path]:
    paths = ([default_rules_dir()] if default_rules else []) + [Path(p) for p in extra]
    if not paths:
        raise RulebookError([Problem("--no-default-rules", 0, "no rules to run: give --rules PATH")])
    return paths


def build_linter(
    extra_rules: list[Path] | tuple[Path, ...] = (),
    default_rules: bool = True,
    selection: Selection | None = None,
    check_examples: bool = True,
) -> Linter:
    """Load, validate and compile the rulebook; with check_examples, a rule of an extra pack
    whose own examples misbehave makes loading fail (RulebookError naming file:line).

    The bundled packs' examples are not re-run on every load: the test suite and
    ``claimcheck rules test`` check them, and they cost seconds of start-up. A compiled
    rulebook is kept for the life of the process, keyed by its pack files and their
    modification times, so commands run many times in one process (tests, an editor
    integration) compile each rulebook once. When the packs of some rule paths change, the
    rulebook compiled from their previous version is let go: a long-running process whose
    packs are being edited (an editor integration) does not keep every version."""
    paths = rule_paths(extra_rules, default_rules)
    key = (tuple(_stamp(p) for p in pack_files(paths)), default_rules, check_examples)
    base = _compiled.get(key)
    if base is None:
        base = _compiled[key] = _compile(paths, default_rules, check_examples)
    _forget_older((tuple(str(p.resolve()) for p in paths), default_rules, check_examples), key)
    return base.configured(selection)


_compiled: dict[tuple, Linter] = {}
_latest: dict[tuple, tuple] = {}  # (rule paths, default_rules, check_examples) -> their latest key


def _forget_older(which: tuple, key: tuple) -> None:
    older = _latest.get(which)
    _latest[which] = key
    if older is not None and older != key and older not in _latest.values():
        _compiled.pop(older, None)


def _stamp(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return str(path.resolve()), st.st_mtime_ns, st.st_size


def _compile(paths: list[Path], default_rules: bool, check_examples: bool) -> Linter:
    """The linter of these packs: read from the disk cache (nlp/disk_cache.py) when an
    entry for exactly these files is there, else compiled (and its examples checked) and
    stored there, with the prefilter of the whole rulebook."""
    nlp = get_nlp()
    try:
        files = pack_files(paths)
        key = disk_cache.entry_key("rulebook", check_examples, [display_path(p) for p in files], files=files)
    except OSError:
        key = None  # reading the rulebook will say what is wrong
    compiled = disk_cache.load(key, nlp) if key else None
    if compiled is not None:
        return Linter(compiled, nlp)
    rulebook = read_rulebook(paths)
    compiled = compile_rulebook(rulebook, nlp)
    if check_examples:
        bundled = {display_path(p) for p in pack_files([default_rules_dir()])} if default_rules else set()
        extra = [r for r in compiled.rules if r.file not in bundled]
        failures = [r.problem() for r in run_examples(Linter(compiled, nlp), extra) if not r.ok]
        if failures:
            raise RulebookError(failures)
    linter = Linter(compiled, nlp)
    if key:
        linter.prefilter  # built now, so that the entry holds it  # noqa: B018
        disk_cache.save(key, compiled)
    return linter
