"""Compiled objects kept on disk between processes (the compiled rulebook, the context cues),
so a command starts in about the time spaCy takes to start rather than compiling some 45,000
phrases first.

An entry is a pickled object. The pipeline's ``Vocab`` and tokenizer are not stored: they are
referred to and taken from the running pipeline when the entry is read, and the matchers add
their keys to its strings again (nlp/matching.py).

* **Never stale.** An entry's name is a hash of everything its object depends on: what the
  caller names (a rulebook's pack files, their bytes and the paths messages show for them),
  claimcheck's version and the size and modification time of each of its own source and data
  files (an edited checkout compiles again, as Python's own ``.pyc`` files do), and the spaCy,
  spacy-lookups-data (the lemma table patterns are spelled out with), pyahocorasick and Python
  versions.
* **Safe to delete.** The directory (``user_cache_dir("claimcheck")``, e.g.
  ``~/.cache/claimcheck`` on Linux, or ``$CLAIMCHECK_CACHE_DIR``; ``CLAIMCHECK_CACHE_DIR=off``
  turns the cache off) holds nothing else; an entry that cannot be read is compiled again and
  written anew.
* **Atomic, and never in the way.** An entry is written to a temporary file and renamed; a
  directory that cannot be created or written is ignored; only the ``KEEP`` entries written
  last are kept (a hit does not touch its entry: that costs more than it saves).

Pickle runs code on load: the directory is the user's own, as trusted as their site-packages.
"""
from __future__ import annotations

import functools
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
SUFFIX = ".pickle"
PACKAGE = Path(__file__).resolve().parents[1]
DEPENDS_ON = ("spacy-lookups-data", "pyahocorasick")  # installed packages whose data an entry holds


def cache_dir() -> Path | None:
    """Where entries go, or None when the cache is turned off."""
    value = os.environ.get(ENV)
    if value is not None:
        return None if value.strip().lower() in OFF else Path(value)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("claimcheck", appauthor=False))


@functools.lru_cache(maxsize=1)
def _code() -> bytes:
    """What every entry depends on: versions, and claimcheck's own files as they are now."""
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.sha256()
    h.update(repr((__version__, spacy.__version__, sys.version_info[:2], pickle.HIGHEST_PROTOCOL)).encode())
    for package in DEPENDS_ON:  # the lemma table patterns are spelled out with; the automata
        try:
            h.update(f"{package}={version(package)}\n".encode())
        except PackageNotFoundError:
            h.update(f"{package} absent\n".encode())
    for path in sorted(p for p in PACKAGE.rglob("*") if p.suffix in (".py", ".yaml", ".yml", ".json")):
        st = path.stat()
        h.update(f"{path.relative_to(PACKAGE)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.digest()


def entry_key(kind: str, *parts, files: list[Path] = ()) -> str:
    """The name of an entry: its kind, what it depends on (``parts``, by their repr) and the
    bytes of ``files``, besides claimcheck's own files and versions."""
    h = hashlib.sha256(_code())
    h.update(repr((kind, parts)).encode())
    for path in files:
        h.update(str(path.resolve()).encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return f"{kind}-{h.hexdigest()[:32]}"


class _Writer(pickle.Pickler):
    """Refers to the pipeline's Vocab and tokenizer instead of storing them (see _Reader)."""

    def __init__(self, file):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)

    def persistent_id(self, obj):
        if isinstance(obj, Vocab):
            return "vocab"
        if isinstance(obj, Tokenizer):
            return "tokenizer"
        return None


class _Reader(pickle.Unpickler):
    def __init__(self, file, nlp: Language | _Shared):
        super().__init__(file)
        self.nlp = nlp

    def persistent_load(self, pid):
        if pid == "vocab":
            return self.nlp.vocab
        if pid == "tokenizer" and self.nlp.tokenizer is not None:
            return self.nlp.tokenizer
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")


class _Shared:
    """What a Deferred's pickle may refer to instead of storing: the pipeline's Vocab."""

    __slots__ = ("vocab", "tokenizer")

    def __init__(self, vocab: Vocab):
        self.vocab, self.tokenizer = vocab, None


class Deferred:
    """An object that a cache entry holds as a pickle of its own, unpickled the first time
    ``get()`` asks for it: a part of a compiled rulebook that most documents never use (a drug
    pack's matcher, for a page that names no drug of it) costs nothing at start-up. In a
    process that compiled it, it is simply held."""

    __slots__ = ("_value", "_data", "_shared")

    def __init__(self, value) -> None:
        self._value, self._data, self._shared = value, None, None

    def get(self):
        if self._data is not None:
            self._value = _unpickled(self._data, self._shared)
            self._data = self._shared = None
        return self._value

    def __reduce__(self):
        buffer = io.BytesIO()
        _Writer(buffer).dump(self.get())
        # the value's Vocab goes into the entry as a reference (see _Writer): the entry's reader
        # hands back the live one, which the value's own pickle is then read with
        return (_deferred, (buffer.getvalue(), self._value.vocab))


def _deferred(data: bytes, vocab: Vocab) -> Deferred:
    """A Deferred read back from an entry: its pickle, and the pipeline's Vocab."""
    found = Deferred(None)
    found._data, found._shared = data, _Shared(vocab)
    return found


def load(key: str, nlp: Language | None):
    """The object stored under ``key``, for ``nlp``'s vocabulary and tokenizer; None when
    there is none or it cannot be read (it is then written again)."""
    directory = cache_dir()
    if directory is None:
        return None
    path = directory / f"{key}{SUFFIX}"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        return _unpickled(data, nlp)
    except Exception:  # noqa: BLE001 - a damaged or foreign entry is a miss
        return None


def _unpickled(data: bytes, shared: Language | _Shared):
    """An object read from its pickle, the pipeline's objects it refers to taken from
    ``shared``, with the collector paused (a pickle of many small containers loads three
    times faster without it). The object lives as long as the process: it is frozen for the
    collector, which need not walk it again (the first collection after the load would look
    at every object it made, seconds for a large rulebook); frozen objects are still freed
    when nothing refers to them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        found = _Reader(io.BytesIO(data), shared).load()
        gc.freeze()
        return found
    finally:
        if enabled:
            gc.enable()


def save(key: str, obj) -> bool:
    """Store ``obj`` under ``key`` (the pipeline's Vocab and tokenizer in it by reference);
    False (and nothing raised) when it cannot be."""
    directory = cache_dir()
    if directory is None:
        return False
    from ..atomic import write_bytes_atomically

    buffer = io.BytesIO()
    try:
        _Writer(buffer).dump(obj)
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
