"""The file round trip of `claimcheck fix`: a file's bytes decoded as its reader decodes them,
and the fixed text encoded back to bytes in the same encoding, byte-order mark and line
endings, written atomically with the file's mode."""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ..documents import Decoding, DocumentError, open_input, reader
from ..documents.compressed import GZIP_MAGIC

READ_ONLY = "read-only file (no write permission); not fixed"



@dataclass(frozen=True)
class SourceFile:
    """A file's text as the reader decoded it, and how to turn a text back into its bytes."""

    text: str
    encoding: str
    bom: bytes  # the byte-order mark the decoder stripped (written back in front)

    @classmethod
    def read(cls, data: bytes, display: str, fmt: str, decoding: Decoding) -> "SourceFile":
        """Decode as the reader does; DocumentError when the file is compressed or its text would
        not encode back to exactly these bytes (undecodable bytes replaced, say), since writing
        it would then change more than the fixes."""
        if data[:2] == GZIP_MAGIC:
            raise DocumentError(display, "compressed files are not fixed (decompress it first)")
        text = reader(fmt).decode_bytes(data, display, decoding)
        encoding, bom = reader(fmt).encoding_of(data, decoding)
        try:
            same = bom + text.encode(encoding) == data
        except UnicodeEncodeError:
            same = False
        if not same:
            raise DocumentError(display, f"its text does not encode back to the same bytes in {encoding}; "
                                         "not fixed (undecodable bytes?)")
        return cls(text, encoding, bom)

    def can_write(self, text: str) -> bool:
        try:
            text.encode(self.encoding)
        except UnicodeEncodeError:
            return False
        return True

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.encoding)



def read_file(path: Path, display: str) -> tuple[bytes, tuple[int, int]]:
    with open_input(path, display) as stream:
        st = os.fstat(stream.fileno())
        return stream.read(), (st.st_mtime_ns, st.st_size)


def read_only(path: Path, st: os.stat_result | None = None) -> bool:
    """No write bit for anyone, or this process may not write it. The bits decide too because
    root may write anything (os.access says yes, and rename ignores the file's mode): a file
    made read-only is left alone for every user alike."""
    mode = (st or os.stat(path)).st_mode
    return not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK)
