"""Compiled objects kept on disk between processes (the compiled rulebook, the context cues),
so a command starts in about the time spaCy takes to start rather than compiling some 45,000
phrases first.

An entry is a pickled object. The pipeline's ``Vocab`` and tokenizer are not stored: they are
referred to and taken from the running pipeline when the entry is read, and the matchers add
their keys to its strings again (nlp/matching.py). What most documents never use is read when
one does: a ``Deferred`` (a drug pack's matcher) and each bucket of a ``Buckets`` table (the
phrase tables and prefilter tables, by key) are pickles of their own, kept after the entry's
pickle in its file (``MAGIC``) and read from the file, held open, when first asked for. A large
rulebook then starts in the time its small tables take, not in the time its 100 MB take.

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
import struct
import sys
import zlib
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
    """Refers to the pipeline's Vocab and tokenizer instead of storing them (see _Reader).
    With ``blobs``, a Deferred's pickle goes there, out of the entry's own pickle, which
    refers to it by its number."""

    def __init__(self, file, blobs: list[bytes] | None = None):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.blobs = blobs

    def persistent_id(self, obj):
        if isinstance(obj, Vocab):
            return "vocab"
        if isinstance(obj, Tokenizer):
            return "tokenizer"
        if self.blobs is not None and type(obj) is Deferred:
            self.blobs.append(obj.pickled())
            return ("deferred", len(self.blobs) - 1)
        return None


class _Reader(pickle.Unpickler):
    def __init__(self, file, nlp: Language | _Shared, blobs: list | None = None):
        super().__init__(file)
        self.nlp = nlp
        self.blobs = blobs

    def persistent_load(self, pid):
        if pid == "vocab":
            return self.nlp.vocab
        if pid == "tokenizer" and self.nlp.tokenizer is not None:
            return self.nlp.tokenizer
        if isinstance(pid, tuple) and len(pid) == 2 and pid[0] == "deferred" and self.blobs is not None:
            return _deferred(self.blobs[pid[1]], getattr(self.nlp, "vocab", None))
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")


class _Blobs:
    """The open file of an entry whose blobs (the Deferreds' pickles) are read when asked for:
    renamed over or deleted meanwhile, the open file still reads as it was."""

    __slots__ = ("fd", "__weakref__")

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __del__(self) -> None:
        try:
            os.close(self.fd)
        except OSError:
            pass


class _Blob:
    """One Deferred's pickle in an entry's file: read with ``read()``."""

    __slots__ = ("file", "offset", "length")

    def __init__(self, file: _Blobs, offset: int, length: int) -> None:
        self.file, self.offset, self.length = file, offset, length

    def read(self) -> bytes:
        data = os.pread(self.file.fd, self.length, self.offset)
        if len(data) != self.length:
            raise OSError(f"a cache entry was cut short while in use ({len(data)} of {self.length} bytes)")
        return data


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
            data = self._data.read() if isinstance(self._data, _Blob) else self._data
            self._value = _unpickled(data, self._shared)
            self._data = self._shared = None
        return self._value

    def pickled(self) -> bytes:
        """The value's own pickle, the pipeline's Vocab in it by reference (see _Writer)."""
        buffer = io.BytesIO()
        _Writer(buffer).dump(self.get())
        return buffer.getvalue()

    def __reduce__(self):
        # inside another Deferred's pickle: held there. The value's Vocab (if it has one) goes in
        # as a reference: the reader hands back the live one, which the value is then read with
        return (_deferred, (self.pickled(), getattr(self._value, "vocab", None)))


def _deferred(data: bytes | _Blob, vocab: Vocab | None) -> Deferred:
    """A Deferred read back from an entry: its pickle, and the pipeline's Vocab."""
    found = Deferred(None)
    found._data, found._shared = data, _Shared(vocab)
    return found


class Buckets(dict):
    """A dict keyed by ints (string hashes, ids) or strings, that a cache entry holds as
    ``COUNT`` pickles of its own, its keys shared out by ``slot``: a bucket is unpickled when
    ``[]`` first asks for a key of it (``__missing__``), or ``need`` for keys about to be looked
    up with ``get``. A document of a few words reads a few buckets of a large table. ``in``,
    ``get``, ``len`` and iteration see only the buckets read so far: only ``[]``, ``need`` and
    truth (any key at all) see them all. In the process that made it, it is a plain dict."""

    __slots__ = ("_pending",)
    COUNT = 256

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pending: dict[int, Deferred] = {}

    @classmethod
    def slot(cls, key: int | str) -> int:
        """A key's bucket: the same in every process (str's hash() is not)."""
        return (key if isinstance(key, int) else zlib.crc32(key.encode("utf-8", "surrogatepass"))) % cls.COUNT

    def __missing__(self, key):
        bucket = self._pending.pop(self.slot(key), None) if self._pending else None
        if bucket is None:
            raise KeyError(key)
        self.update(bucket.get())
        return self[key]

    def __bool__(self) -> bool:
        return bool(self._pending) or len(self) > 0

    def read_all(self) -> None:
        """Read every bucket not read yet."""
        while self._pending:
            self.update(self._pending.popitem()[1].get())

    def need(self, keys) -> None:
        """Read the buckets of these keys, if not yet read."""
        pending = self._pending
        if pending:
            for b in set(map(self.slot, keys)).intersection(pending):
                self.update(pending.pop(b).get())

    def __reduce__(self):
        self.read_all()
        parts: dict[int, dict] = {}
        for k, v in self.items():
            parts.setdefault(self.slot(k), {})[k] = v
        return (_buckets, ({b: Deferred(part) for b, part in parts.items()},))


def read_buckets(*tables) -> None:
    """Read every bucket of those of these tables that are ``Buckets`` (a table built in this
    process is a plain dict or list, whole already)."""
    for table in tables:
        if isinstance(table, Buckets):
            table.read_all()


def _buckets(pending: dict[int, Deferred]) -> Buckets:
    found = Buckets()
    found._pending = pending
    return found


# An entry's file: MAGIC, the length of its pickle, the number of blobs and each one's length
# (little-endian 64-bit), the pickle, the blobs. The blobs are the Deferreds' own pickles (most
# of a large rulebook's entry): read when a Deferred is, not with the rest.
MAGIC = b"ccache2\n"
_HEAD = struct.Struct("<8sQQ")


def load(key: str, nlp: Language | None):
    """The object stored under ``key``, for ``nlp``'s vocabulary and tokenizer; None when
    there is none or it cannot be read (it is then written again): a file cut short or not of
    this format is a miss."""
    directory = cache_dir()
    if directory is None:
        return None
    path = directory / f"{key}{SUFFIX}"
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    file = _Blobs(fd)
    try:
        with os.fdopen(os.dup(fd), "rb") as f:
            magic, size, count = _HEAD.unpack(f.read(_HEAD.size))
            if magic != MAGIC:
                return None
            lengths = struct.unpack(f"<{count}Q", f.read(8 * count))
            data = f.read(size)
            at = _HEAD.size + 8 * count + size
            if len(data) != size or at + sum(lengths) != os.fstat(fd).st_size:
                return None
            if hasattr(os, "pread"):
                blobs: list = []
                for length in lengths:
                    blobs.append(_Blob(file, at, length))
                    at += length
            else:  # no positioned reads: all of them now
                blobs = [f.read(length) for length in lengths]
        return _unpickled(data, nlp, blobs)
    except Exception:  # noqa: BLE001 - a damaged or foreign entry is a miss
        return None


def _unpickled(data: bytes, shared: Language | _Shared, blobs: list | None = None):
    """An object read from its pickle, the pipeline's objects it refers to taken from
    ``shared``, with the collector paused (a pickle of many small containers loads three
    times faster without it). The object lives as long as the process: it is frozen for the
    collector, which need not walk it again (the first collection after the load would look
    at every object it made, seconds for a large rulebook); frozen objects are still freed
    when nothing refers to them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        found = _Reader(io.BytesIO(data), shared, blobs).load()
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
    blobs: list[bytes] = []
    try:
        _Writer(buffer, blobs).dump(obj)
        data = buffer.getvalue()
        head = _HEAD.pack(MAGIC, len(data), len(blobs)) + struct.pack(f"<{len(blobs)}Q", *map(len, blobs))
        directory.mkdir(parents=True, exist_ok=True)
        write_bytes_atomically(directory / f"{key}{SUFFIX}", b"".join([head, data, *blobs]), mode=0o600)
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
