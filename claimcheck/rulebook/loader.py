"""Finding rule packs on disk and reading them into one validated Rulebook."""
from __future__ import annotations

from pathlib import Path

from .model import ConceptDef, Pack, Problem, Rulebook, RulebookError

PACK_SUFFIXES = (".yaml", ".yml")


def default_rules_dir() -> Path:
    """The bundled rulebook: inside an installed wheel, or rules/ beside a source checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "default_rules", here.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise RulebookError([Problem(str(here), 0, "the bundled rulebook is missing from this installation")])


def pack_files(paths: list[Path]) -> list[Path]:
    """Pack files named directly, or found (sorted) in the directories named."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in PACK_SUFFIXES and p.is_file())
            if not found:
                problems.append(Problem(str(path), 0, "no rule packs (*.yaml) in this directory"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(path), 0, "no such rule file or directory"))
    if problems:
        raise RulebookError(problems)
    return files


def display_path(path: Path) -> str:
    """A pack's path as messages show it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_rulebook(paths: list[Path]) -> Rulebook:
    """Read and validate every pack; raises RulebookError listing every problem found."""
    from .schema import PackReader  # reading packs only: a warm start reads the compiled rulebook
    from .yamlload import YAMLSyntaxError, load_yaml

    problems: list[Problem] = []
    packs: list[Pack] = []
    concepts: dict[str, ConceptDef] = {}
    rule_sites: dict[str, str] = {}
    refs = []
    for file in pack_files(paths):
        name = display_path(file)
        try:
            data = load_yaml(file.read_text(encoding="utf-8"))
        except YAMLSyntaxError as exc:
            problems.append(Problem(name, exc.line, exc.message))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(name, 0, f"cannot read rule pack: {exc}"))
            continue
        reader = PackReader(name)
        pack, pack_concepts = reader.read(data)
        problems.extend(reader.problems)
        refs.extend((name, ref) for ref in reader.concept_refs)
        for cname, cdef in pack_concepts.items():
            if cname in concepts:
                other = concepts[cname]
                problems.append(Problem(name, cdef.line, f"concept {cname!r} is already defined at {other.file}:{other.line}"))
            else:
                concepts[cname] = cdef
        if pack is None:
            continue
        if any(p.name == pack.name for p in packs):
            problems.append(Problem(name, 1, f"pack name {pack.name!r} is used by another file"))
        for rule in pack.rules:
            if rule.id in rule_sites:
                problems.append(Problem(name, rule.line, f"duplicate rule id {rule.id!r} (first defined at {rule_sites[rule.id]})"))
            else:
                rule_sites[rule.id] = rule.where
        packs.append(pack)
    for file, ref in refs:
        if ref.value not in concepts:
            problems.append(Problem(file, ref.line, f"unknown concept {ref.value!r} in scope"))
    if problems:
        raise RulebookError(problems)
    return Rulebook(packs=packs, concepts=concepts)
