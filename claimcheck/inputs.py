"""Turning the PATHS of a command line into inputs: files found in directories (minus excluded
and git-ignored ones), files named directly, standard input."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from .documents import format_of

if TYPE_CHECKING:  # imported where a .gitignore is read: 10 ms of every start-up otherwise
    import pathspec

STDIN = "-"
Excluded = Callable[[Path], bool]
NOTHING_FOUND = ("no files to check here (looked for text, Markdown, HTML, JSONL and WARC files "
                 "not excluded by configuration or .gitignore)")


@dataclass(frozen=True)
class Input:
    """One thing to lint: a file, standard input, or a path that could not be used."""

    display: str  # the path as the user gave it (or as found under a directory they gave)
    path: Path | None  # None for standard input
    error: str | None = None


def expand(paths: list[str], stdin_name: str | None = None, excluded: Excluded = lambda p: False,
           gitignore: Callable[[Path], bool] = lambda p: True) -> list[Input]:
    """Files named directly, readable files (sorted) under directories, '-' for standard input.

    ``excluded`` (the configuration's exclude globs) applies to files named directly too, so a
    pre-commit hook that passes file names obeys it; ``gitignore(path)`` says whether .gitignore
    files count for a path found under a directory."""
    out: list[Input] = []
    for given in paths:
        if given == STDIN:
            out.append(Input(stdin_name or "<stdin>", None))
            continue
        path = Path(given)
        if path.is_dir():
            found = [f for f in _walk(path, gitignore) if not excluded(f)]
            if not found:
                out.append(Input(given, path, NOTHING_FOUND))
            out.extend(Input(str(f), f) for f in found)
        elif path.exists():
            if not excluded(path):
                out.append(Input(given, path))
        else:
            out.append(Input(given, path, "no such file or directory"))
    return out


def _walk(top: Path, gitignore: Callable[[Path], bool]) -> Iterator[Path]:
    ignores = GitIgnores()
    for root, dirs, files in os.walk(top):
        here = Path(root)
        use_git = gitignore(here)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not (use_git and ignores.ignored(here / d, is_dir=True)))
        for name in sorted(files):
            if name.startswith(".") or format_of(name) is None:
                continue
            if use_git and ignores.ignored(here / name):
                continue
            yield here / name


class GitIgnores:
    """The .gitignore files that govern a path: in its directory and each parent up to the
    repository's root (the directory holding .git), the deepest deciding first, as git does."""

    def __init__(self) -> None:
        self._specs: dict[Path, pathspec.GitIgnoreSpec | None] = {}

    def _spec(self, directory: Path) -> pathspec.GitIgnoreSpec | None:
        if directory not in self._specs:
            file = directory / ".gitignore"
            try:
                lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                lines = None
            if lines:
                import pathspec

                self._specs[directory] = pathspec.GitIgnoreSpec.from_lines(lines)
            else:
                self._specs[directory] = None
        return self._specs[directory]

    def ignored(self, path: Path, is_dir: bool = False) -> bool:
        path = path.absolute()
        for directory in path.parents:
            spec = self._spec(directory)
            if spec is not None:
                rel = path.relative_to(directory).as_posix() + ("/" if is_dir else "")
                result = spec.check_file(rel)
                if result.include is not None:
                    return bool(result.include)
            if (directory / ".git").exists():
                break
        return False
