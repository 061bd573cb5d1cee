"""Where a setting is written in a TOML file: the line of a key path, for error messages.

``tomllib`` gives values without positions, so the text is read once more, line by line,
for its table headers (``[a.b]``, ``[[a]]`` counted per array) and its ``key =`` lines.
A path such as ``("templates", 3, "capacity")`` maps to the line of ``capacity =`` inside the
fourth ``[[templates]]``; a path that is not written (a missing key, a value inside an inline
table or array) maps to its nearest written ancestor (the table's header, the key's line).
The text must already be valid TOML (tomllib read it first).
"""

from __future__ import annotations

import re

Path = tuple[str | int, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_SIMPLE_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"',
                   "\\": "\\", "e": "\x1b"}


class Lines:
    """The lines of one TOML document's keys and tables."""

    def __init__(self, text: str):
        self.lines: dict[Path, int] = {}
        self._arrays: dict[Path, int] = {}
        self._read(text.splitlines())

    def line_of(self, path: Path) -> int | None:
        """The line of ``path``, else of its nearest written ancestor (None: top level)."""
        for n in range(len(path), 0, -1):
            line = self.lines.get(tuple(path[:n]))
            if line is not None:
                return line
        return None

    # -- reading ---------------------------------------------------------------------------
    def _read(self, lines: list[str]) -> None:
        current: Path = ()
        i = 0
        while i < len(lines):
            text = lines[i]
            pos = _skip_space(text, 0)
            if pos >= len(text) or text[pos] == "#":
                i += 1
                continue
            if text.startswith("[[", pos):
                parts, _ = _read_key(text, pos + 2)
                array = self._resolve(parts[:-1]) + (parts[-1],)
                index = self._arrays.get(array, 0)
                self._arrays[array] = index + 1
                current = array + (index,)
                self._mark(current, i + 1)
                i += 1
                continue
            if text.startswith("[", pos):
                parts, _ = _read_key(text, pos + 1)
                current = self._resolve(parts)
                self._mark(current, i + 1)
                i += 1
                continue
            parts, pos = _read_key(text, pos)
            self._mark(current + tuple(parts), i + 1, exact=True)
            pos = _skip_space(text, pos)
            i = _end_of_value(lines, i, pos + 1)  # past "="

    def _resolve(self, parts: list[str]) -> Path:
        """A header's path, with the last element of each array of tables on the way."""
        path: Path = ()
        for part in parts:
            path += (part,)
            if path in self._arrays:
                path += (self._arrays[path] - 1,)
        return path

    def _mark(self, path: Path, line: int, *, exact: bool = False) -> None:
        for n in range(1, len(path)):
            self.lines.setdefault(path[:n], line)
        if exact:
            self.lines[path] = line
        else:
            self.lines.setdefault(path, line)


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


def _read_key(text: str, pos: int) -> tuple[list[str], int]:
    """A dotted key's parts (bare, "basic" or 'literal'), and the position after it."""
    parts: list[str] = []
    while True:
        pos = _skip_space(text, pos)
        if pos < len(text) and text[pos] == '"':
            end = pos + 1
            while text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            parts.append(_unescape(text[pos + 1:end]))
            pos = end + 1
        elif pos < len(text) and text[pos] == "'":
            end = text.index("'", pos + 1)
            parts.append(text[pos + 1:end])
            pos = end + 1
        else:
            m = _BARE.match(text, pos)
            if not m:
                return parts, pos
            parts.append(m.group())
            pos = m.end()
        pos = _skip_space(text, pos)
        if pos < len(text) and text[pos] == ".":
            pos += 1
            continue
        return parts, pos


def _unescape(raw: str) -> str:
    def one(m: re.Match) -> str:
        code = m.group(1)
        if code[0] in "uU":
            return chr(int(code[1:], 16))
        return _SIMPLE_ESCAPES.get(code, code)

    return _ESCAPE.sub(one, raw)


def _end_of_value(lines: list[str], i: int, pos: int) -> int:
    """The index of the line after a value that starts at ``lines[i][pos:]`` (values can
    run over several lines: multi-line strings, arrays, and nothing else in valid TOML)."""
    depth = 0
    quote: str | None = None  # the open string's delimiter: " ' """ or '''
    while i < len(lines):
        text = lines[i]
        while pos < len(text):
            ch = text[pos]
            if quote is not None:
                if ch == "\\" and quote in ('"', '"""'):
                    pos += 2
                    continue
                if text.startswith(quote, pos):
                    pos += len(quote)
                    if len(quote) == 3:  # up to two more quotes belong to the string
                        while pos < len(text) and text[pos] == quote[0]:
                            pos += 1
                    quote = None
                    continue
                pos += 1
                continue
            if ch == "#":
                break
            if text.startswith('"""', pos) or text.startswith("'''", pos):
                quote = text[pos:pos + 3]
                pos += 3
                continue
            if ch in "\"'":
                quote = ch
            elif ch in "[{":
                depth += 1
            elif ch in "]}":
                depth -= 1
            pos += 1
        i += 1
        pos = 0
        if depth <= 0 and quote is None:
            return i
        if quote in ('"', "'"):  # a one-line string cannot go on: not TOML, stop here
            return i
    return i
