"""Compiled rulebooks kept on disk between processes, so a command starts in about the time
spaCy takes to start rather than recompiling some 45,000 phrases first.

An entry is the pickled ``CompiledRulebook`` (its phrase tables, matchers and the prefilter
tables built for it). The pipeline's ``Vocab`` and tokenizer are not stored: they are referred
to and taken from the running pipeline when the entry is read, and the matchers add their
keys to its strings again (nlp/matching.py).

* **Never stale.** The entry's name is a hash of everything the result depends on: each pack
  file's path and bytes and the path messages show for it (relative to the working directory
  when inside it),
  claimcheck's version and the size and modification time of each of its own source and
  data files (an edited checkout recompiles, as Python's own ``.pyc`` files do), the spaCy
  and Python versions, and whether rule examples were checked.
* **Safe to delete.** The directory (``user_cache_dir("claimcheck")``: ``~/.cache/claimcheck``
  on Linux, or ``$CLAIMCHECK_CACHE_DIR``; ``CLAIMCHECK_CACHE_DIR=off`` turns it off) holds
  nothing else; an entry that cannot be read is compiled again and written anew.
* **Atomic, and never in the way.** An entry is written to a temporary file and renamed; a
  directory that cannot be created or written is ignored; only the newest ``KEEP`` entries
  are kept.

Pickle runs code on load: the directory is the user's own, as trusted as their site-packages.
"""
from __future__ import annotations

import gc
import hashlib
import io
import os
import pickle
import sys
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.vocab import Vocab

from .._version import __version__

ENV = "CLAIMCHECK_CACHE_DIR"
OFF = frozenset({"", "0", "off", "no", "none", "false"})
KEEP = 8  # entries kept: a few rulebooks (bundled, bundled + a pack, a test's) side by side
SUFFIX = ".rulebook.pickle"
PACKAGE = Path(__file__).resolve().parents[1]


def cache_dir() -> Path | None:
    """Where entries go, or None when the cache is turned off."""
    value = os.environ.get(ENV)
    if value is not None:
        return None if value.strip().lower() in OFF else Path(value)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("claimcheck", appauthor=False))


def entry_key(pack_paths: list[Path], shown: list[str], check_examples: bool) -> str:
    """The name of the entry for these pack files (``shown``: their paths as messages show
    them)."""
    h = hashlib.sha256()
    h.update(repr((__version__, spacy.__version__, sys.version_info[:2], pickle.HIGHEST_PROTOCOL,
                   check_examples, shown)).encode())
    for path in _package_files():
        st = path.stat()
        h.update(f"{path.relative_to(PACKAGE)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    for path in pack_paths:
        h.update(str(path.resolve()).encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:32]


def _package_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*") if p.suffix in (".py", ".yaml", ".yml", ".json") and p.is_file())


class _Writer(pickle.Pickler):
    def __init__(self, file, nlp: Language):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.nlp = nlp

    def persistent_id(self, obj):
        if isinstance(obj, Vocab):
            return "vocab"
        if isinstance(obj, Tokenizer):
            return "tokenizer"
        return None


class _Reader(pickle.Unpickler):
    def __init__(self, file, nlp: Language):
        super().__init__(file)
        self.nlp = nlp

    def persistent_load(self, pid):
        if pid == "vocab":
            return self.nlp.vocab
        if pid == "tokenizer":
            return self.nlp.tokenizer
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")


def load(key: str, nlp: Language):
    """The compiled rulebook stored under ``key``, for ``nlp``; None when there is none or it
    cannot be read (it is then written again)."""
    directory = cache_dir()
    if directory is None:
        return None
    path = directory / f"{key}{SUFFIX}"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    enabled = gc.isenabled()
    gc.disable()  # a pickle of many small containers loads three times faster without it
    try:
        compiled = _Reader(io.BytesIO(data), nlp).load()
    except Exception:  # noqa: BLE001 - a damaged or foreign entry is a miss
        return None
    finally:
        if enabled:
            gc.enable()
    try:
        os.utime(path)  # recently used: kept when older entries are pruned
    except OSError:
        pass
    return compiled


def save(key: str, compiled, nlp: Language) -> bool:
    """Store ``compiled`` under ``key``; False (and nothing raised) when it cannot be."""
    directory = cache_dir()
    if directory is None:
        return False
    from ..atomic import write_bytes_atomically

    buffer = io.BytesIO()
    try:
        _Writer(buffer, nlp).dump(compiled)
        directory.mkdir(parents=True, exist_ok=True)
        write_bytes_atomically(directory / f"{key}{SUFFIX}", buffer.getvalue(), mode=0o600)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return False
    _prune(directory)
    return True


def _prune(directory: Path) -> None:
    try:
        entries = sorted(directory.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink()
    except OSError:
        pass
