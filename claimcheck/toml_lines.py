"""Where each key of a TOML text is written, so that configuration errors can name the line
(``pyproject.toml:12: …``): tomllib parses values but keeps no positions."""
from __future__ import annotations

import bisect
import re
from typing import Sequence

BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
KeyPath = tuple[str | int, ...]  # ("tool", "claimcheck", "overrides", 0, "fail-on")
TOOL_PATH: KeyPath = ("tool", "claimcheck")
_VALUE, _TABLE, _IMPLIED = 0, 1, 2  # how a path is written, best first
_KEY_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "e": "\x1b", '"': '"', "\\": "\\"}


class KeyLines:
    """The line where each key path of a TOML text is written, for messages.

    tomllib parses the values but keeps no positions, so this reads the same text for its
    structure only: table headers (``[a.b]``; ``[[a.b]]`` counted per array, so the Nth table
    is path ``(a, b, N-1)``), bare, quoted and dotted keys relative to the current table, and
    the extent of every value, skipping strings (multi-line ones too), arrays and inline tables
    over as many lines as they take, and comments, so that ``key =`` inside a value is never
    taken for a key. Keys inside an inline value are not indexed: they get the line of the key
    holding the value. The text is scanned on the first question only (most files have no
    error), and anything unexpected makes every answer None rather than an exception: a
    message without its line is better than a crash while reporting another problem.
    """

    def __init__(self, text: str):
        self._text = text
        self._written: dict[KeyPath, tuple[int, int]] | None = None

    def line(self, path: Sequence[str | int]) -> int | None:
        """The line of ``path``: where it is assigned, or its table header, or the first line
        that implies it (``a.b = 1`` implies ``a``). A path inside an inline value (an inline
        table, or an array of them) gets the line of that value's key. None when unknown."""
        if self._written is None:
            try:
                self._written = _KeyScanner(self._text).scan()
            except Exception:  # noqa: BLE001 - never fail while reporting; see the class
                self._written = {}
        path = tuple(path)
        if path in self._written:
            return self._written[path][1]
        for end in range(len(path) - 1, 0, -1):
            written = self._written.get(path[:end])
            if written is not None:  # the nearest written ancestor holds it only if it is a value
                return written[1] if written[0] == _VALUE else None
        return None


class _Confused(Exception):
    """The scanner met text it does not understand (it is no validator: tomllib is)."""


class _KeyScanner:
    """One pass over a TOML text that tomllib accepted, noting where each key path is written."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.newlines = [i for i, char in enumerate(text) if char == "\n"]
        self.written: dict[KeyPath, tuple[int, int]] = {}
        self.arrays: dict[KeyPath, int] = {}  # array-of-tables path -> tables so far

    def scan(self) -> dict[KeyPath, tuple[int, int]]:
        table: KeyPath = ()
        while self._skip_blank_lines():
            start = self.pos
            if self.text.startswith("[[", start):
                self.pos += 2
                table = self._header(self._key(), start, array=True)
                self._expect("]]")
            elif self.text.startswith("[", start):
                self.pos += 1
                table = self._header(self._key(), start, array=False)
                self._expect("]")
            else:
                keys = self._key()
                self._expect("=")
                line = self._line(start)
                for end in range(1, len(keys)):
                    self._note(table + keys[:end], line, _IMPLIED)
                self._note(table + keys, line, _VALUE)
                self._skip_value()
        return self.written

    def _line(self, pos: int) -> int:
        return bisect.bisect_left(self.newlines, pos) + 1

    def _note(self, path: KeyPath, line: int, how: int) -> None:
        known = self.written.get(path)
        if known is None or how < known[0]:
            self.written[path] = (how, line)

    def _header(self, keys: tuple[str, ...], start: int, array: bool) -> KeyPath:
        """The path a header opens: a name that is an array of tables means its last table."""
        line = self._line(start)
        path: KeyPath = ()
        for number, key in enumerate(keys, 1):
            path += (key,)
            if array and number == len(keys):
                count = self.arrays.get(path, 0)
                self.arrays[path] = count + 1
                self._note(path, line, _IMPLIED)
                path += (count,)
            elif path in self.arrays:
                path += (self.arrays[path] - 1,)
            if number < len(keys):
                self._note(path, line, _IMPLIED)
        self._note(path, line, _TABLE)
        return path

    def _skip_blank_lines(self) -> bool:
        """Past whitespace, newlines and comments; False at the end of the text."""
        text = self.text
        while self.pos < len(text):
            if text[self.pos] in " \t\r\n":
                self.pos += 1
            elif text[self.pos] == "#":
                self._skip_comment()
            else:
                return True
        return False

    def _skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def _skip_comment(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end

    def _expect(self, token: str) -> None:
        self._skip_spaces()
        if not self.text.startswith(token, self.pos):
            raise _Confused(f"expected {token!r} at {self.pos}")
        self.pos += len(token)

    def _key(self) -> tuple[str, ...]:
        """A key as tomllib names it: dotted parts, quotes removed, escapes decoded."""
        parts = []
        while True:
            self._skip_spaces()
            char = self.text[self.pos]
            if char == '"':
                parts.append(self._basic_key())
            elif char == "'":
                end = self.text.index("'", self.pos + 1)
                parts.append(self.text[self.pos + 1:end])
                self.pos = end + 1
            else:
                bare = BARE_KEY.match(self.text, self.pos)
                if bare is None:
                    raise _Confused(f"no key at {self.pos}")
                parts.append(bare.group())
                self.pos = bare.end()
            self._skip_spaces()
            if not self.text.startswith(".", self.pos):
                return tuple(parts)
            self.pos += 1

    def _basic_key(self) -> str:
        text, pos, out = self.text, self.pos + 1, []
        while text[pos] != '"':
            if text[pos] == "\n":
                raise _Confused(f"newline in a key at {pos}")
            if text[pos] != "\\":
                out.append(text[pos])
                pos += 1
                continue
            escape = text[pos + 1]
            digits = {"u": 4, "U": 8, "x": 2}.get(escape)
            if digits:
                out.append(chr(int(text[pos + 2:pos + 2 + digits], 16)))
                pos += 2 + digits
            else:
                out.append(_KEY_ESCAPES[escape])
                pos += 2
        self.pos = pos + 1
        return "".join(out)

    def _skip_value(self) -> None:
        """Past one value, to the end of its (last) line: strings, comments and newlines
        inside brackets or braces belong to the value."""
        text, depth = self.text, 0
        while self.pos < len(text):
            char = text[self.pos]
            if char in "\"'":
                self._skip_string()
                continue
            if char == "#":
                self._skip_comment()
                continue
            if char == "\n" and depth <= 0:
                return
            if char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
            self.pos += 1

    def _skip_string(self) -> None:
        text, quote = self.text, self.text[self.pos]
        if text.startswith(quote * 3, self.pos):
            pos = self.pos + 3
            while not text.startswith(quote * 3, pos):
                if pos >= len(text):
                    raise _Confused("unterminated multi-line string")
                pos += 2 if quote == '"' and text[pos] == "\\" else 1
            pos += 3
            while pos < len(text) and text[pos] == quote:  # up to two quotes end the content
                pos += 1
            self.pos = pos
            return
        pos = self.pos + 1
        while text[pos] != quote:
            if text[pos] == "\n":
                raise _Confused(f"newline in a string at {pos}")
            pos += 2 if quote == '"' and text[pos] == "\\" else 1
        self.pos = pos + 1
