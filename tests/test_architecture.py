"""The package's shape stays as docs/architecture.md draws it: no import cycles, data flowing one
way (a stage imports only from earlier stages), and reporters and the results store usable
without loading spaCy."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "claimcheck"

# The stages, earliest first. A module belongs to the stage of the longest prefix it has; it may
# import from its own stage and earlier ones, never from a later one.
STAGES: list[tuple[str, tuple[str, ...]]] = [
    ("model", ("claimcheck._version", "claimcheck.findings", "claimcheck.atomic", "claimcheck.toml_lines")),
    ("documents", ("claimcheck.documents",)),
    ("nlp", ("claimcheck.nlp",)),
    ("rules", ("claimcheck.kinds", "claimcheck.rulebook")),
    ("engine", ("claimcheck.lists", "claimcheck.prefilter", "claimcheck.parts", "claimcheck.suppressions",
                "claimcheck.fingerprints", "claimcheck.engine", "claimcheck.api", "claimcheck.ruletest")),
    ("report", ("claimcheck.report",)),
    ("session", ("claimcheck.config", "claimcheck.gitdiff", "claimcheck.inputs", "claimcheck.baseline",
                 "claimcheck.session", "claimcheck.library", "claimcheck.fix", "claimcheck.evaluation")),
    ("audit", ("claimcheck.audit",)),
    # the commands: the audit's own commands sit in audit/ beside what they drive; lsp/ is a command
    ("cli", ("claimcheck.cli_common", "claimcheck.audit.audit_cli", "claimcheck.audit.report_cli",
             "claimcheck.lsp", "claimcheck.serve", "claimcheck.cli", "claimcheck.__main__", "claimcheck")),
]


def module_names() -> dict[str, Path]:
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.with_suffix("").relative_to(PACKAGE.parent).parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package modules ``name`` imports at import time or in a function (both count: a
    function-level import is a dependency all the same)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if target.split(".")[0] != "claimcheck":
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in known else target)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "claimcheck")
    found.discard(name)
    return found


def stage_of(name: str) -> int:
    best = None  # (prefix length, stage)
    for i, (_, prefixes) in enumerate(STAGES):
        for p in prefixes:
            if name == p or (p != "claimcheck" and name.startswith(p + ".")):
                if best is None or len(p) > best[0]:
                    best = (len(p), i)
    assert best is not None, f"{name} is in no stage of tests/test_architecture.py: add it where it belongs"
    return best[1]


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    known = module_names()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def test_every_module_is_in_a_stage(graph):
    for name in graph:
        stage_of(name)


def test_no_module_imports_from_a_later_stage(graph):
    backward = [f"{m} ({STAGES[stage_of(m)][0]}) imports {d} ({STAGES[stage_of(d)][0]})"
                for m, deps in graph.items() for d in deps if stage_of(d) > stage_of(m)]
    assert backward == []


def test_there_is_no_import_cycle(graph):
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                cycles.append(path[path.index(dep):] + [dep])
            elif dep not in state:
                visit(dep, path + [dep])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


@pytest.mark.parametrize("module", [
    "claimcheck.report.sarif_format", "claimcheck.report.json_format", "claimcheck.report",
    "claimcheck.audit.store", "claimcheck.audit.report_cli", "claimcheck.baseline",
])
def test_reporters_and_the_store_do_not_load_spacy(module):
    code = f"import sys, {module}; sys.exit('spacy' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, f"importing {module} loads spaCy {run.stderr}"


# --- one registry per extension point ----------------------------------------------------------

def lines_matching(pattern: re.Pattern, outside: str) -> list[str]:
    """file:line: text of every package line matching ``pattern``, outside one sub-package."""
    return [f"{path.relative_to(PACKAGE.parent)}:{n}: {line.strip()}"
            for path in PACKAGE.rglob("*.py") if outside not in path.parts
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if pattern.search(line)]


FORMAT_CHECK = re.compile(r"""\bfmt\s*(?:==|!=|\bin\b|\bnot in\b)\s|["'](?:jsonl|warc|markdown|html|text)["']\s*(?:==|!=)""")


def test_no_code_outside_the_readers_decides_by_a_formats_name():
    """lint, fix, audit and Dask ask the reader registry (documents/readers.py) what a format
    can do; only the readers themselves know their names."""
    assert lines_matching(FORMAT_CHECK, outside="documents") == []


def test_every_reader_says_what_it_can_do():
    from claimcheck.documents.readers import READERS

    one = ("decode_bytes", "encoding_of", "parse", "literal", "paragraph_after")
    many = ("documents", "raw_documents", "parse_raw")
    for name, r in READERS.items():
        assert r.NAME == name and r.SUFFIXES and isinstance(r.MANY, bool) and isinstance(r.SPLITTABLE, bool)
        missing = [f for f in (many if r.MANY else one) if not callable(getattr(r, f, None))]
        assert missing == [], f"reader {name} lacks {missing}"
        assert not (r.FIXABLE and r.MANY), f"{name}: a file of many documents cannot be fixed"


def test_every_reporter_is_registered_by_its_name():
    from claimcheck.report import FORMATS

    modules = {p.stem for p in (PACKAGE / "report").glob("*_format.py")}
    assert {r.__name__.rsplit(".", 1)[1] for r in FORMATS.values()} == modules
    assert all(r.NAME == name for name, r in FORMATS.items())


def test_no_code_outside_the_kinds_decides_by_a_kinds_name():
    """The prefilter, the engine, the schema and `rules show` ask a kind what it does (SCOPE,
    ANY_TRIGGER, keeps, OPTIONS ...); only kinds/ knows the kinds' names."""
    assert lines_matching(re.compile(r"""\.kind\s*(?:==|!=|\bin\b)\s*[("']"""), outside="kinds") == []
