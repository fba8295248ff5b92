"""TOML files with the line each key was written on.

tomllib gives values but no positions, and buildcheck must say `path:line`
for every setting. `locate_keys` is a small scanner that walks the same text
and records, for each dotted key path, the line where it is defined: table
headers `[a.b]` and `[[a]]`, dotted keys `a.b = 1`, quoted keys, inline tables
and values spanning lines (multi-line strings and arrays). It runs only on text
tomllib already accepted, so it can be forgiving about what it skips.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from buildcheck.errors import ConfigError, InputError
from buildcheck.i18n import _

KeyPath = tuple[str, ...]

# Refuse absurd inputs instead of using unbounded memory: no real config is this big.
MAX_TOML_BYTES = 8 * 1024 * 1024

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ERROR_POSITION = re.compile(r"\(at line (\d+), column \d+\)")
_STRING_END = {
    '"""': re.compile(r'(?:[^"\\]|\\.|"(?!""))*"""+', re.S),
    "'''": re.compile(r"(?:[^']|'(?!''))*'''+", re.S),
    '"': re.compile(r'(?:[^"\\\n]|\\.)*"?'),
    "'": re.compile(r"[^'\n]*'?"),
}


@dataclass(frozen=True)
class TomlDocument:
    path: Path
    data: dict[str, Any]
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line_of(self, key: KeyPath) -> int | None:
        """The line `key` is defined on, else the nearest enclosing table's line."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return None


def parse_toml(text: str, path: Path | str, *, locate: bool = True) -> TomlDocument:
    """Parse `text`; broken TOML raises ConfigError with `path:line` from the decoder's message.

    locate=False skips the line map (Cargo.lock: hundreds of packages, no line ever reported).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _ERROR_POSITION.search(message)
        line = int(match.group(1)) if match else None
        message = _ERROR_POSITION.sub("", message).strip()
        if line is None and "(at end of document)" in message:
            # An unclosed array, table or string: the decoder only says "end of document", and
            # the last line is where a person starts looking (cargo points there too).
            line = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
            message = message.replace("(at end of document)", "").strip()
        raise ConfigError(_("could not parse TOML: {message}").format(message=message),
                          path=str(path), line=line) from None
    return TomlDocument(Path(path), data, locate_keys(text) if locate else {})


def load_toml(path: Path, *, locate: bool = True) -> TomlDocument:
    try:
        raw = path.read_bytes()[: MAX_TOML_BYTES + 1]
    except OSError as exc:
        raise InputError(_("cannot read {path}: {reason}").format(path=path, reason=exc.strerror)) from None
    if len(raw) > MAX_TOML_BYTES:
        raise InputError(_("{path} is larger than {limit} bytes; not a cargo configuration file").format(
            path=path, limit=MAX_TOML_BYTES))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(_("not valid UTF-8 (byte {offset})").format(offset=exc.start), path=str(path)) from None
    # cargo 1.65 and 1.95 both read a config file or manifest that starts with a UTF-8 byte order mark (checked);
    # tomllib rejects it. The mark takes no line, so line numbers stay the same.
    return parse_toml(text[1:] if text.startswith("\ufeff") else text, path, locate=locate)


class _Scanner:
    """A cursor over TOML text that tracks the line number."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.line = 1
        self.lines: dict[KeyPath, int] = {}
        self.array_counts: dict[KeyPath, int] = {}

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos:self.pos + n]

    def advance(self, n: int = 1) -> None:
        chunk = self.text[self.pos:self.pos + n]
        self.line += chunk.count("\n")
        self.pos += n

    def skip_space(self, newlines: bool) -> None:
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch in " \t\r" or (newlines and ch == "\n"):
                self.advance()
            elif ch == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return

    def skip_to_line_end(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end

    def record(self, key: KeyPath) -> None:
        self.lines.setdefault(key, self.line)

    # -- keys -------------------------------------------------------------
    def key_part(self) -> str:
        ch = self.peek()
        if ch == '"':
            return self.basic_string()
        if ch == "'":
            end = self.text.find("'", self.pos + 1)
            end = len(self.text) if end < 0 else end
            value = self.text[self.pos + 1:end]
            self.advance(end + 1 - self.pos)
            return value
        match = _BARE_KEY.match(self.text, self.pos)
        if not match:
            self.advance()
            return ""
        self.advance(match.end() - self.pos)
        return match.group(0)

    def dotted_key(self) -> KeyPath:
        parts = [self.key_part()]
        while True:
            self.skip_space(newlines=False)
            if self.peek() != ".":
                return tuple(parts)
            self.advance()
            self.skip_space(newlines=False)
            parts.append(self.key_part())

    # -- strings ------------------------------------------------------------
    def basic_string(self) -> str:
        """A one-line "..." string with escapes decoded well enough for keys."""
        self.advance()
        out = []
        while self.pos < len(self.text) and self.peek() not in ('"', "\n"):
            if self.peek() == "\\":
                out.append(self.text[self.pos:self.pos + 2])
                self.advance(2)
            else:
                out.append(self.peek())
                self.advance()
        self.advance()
        raw = "".join(out)
        if "\\" in raw:
            try:
                return tomllib.loads(f'k = "{raw}"')["k"]
            except tomllib.TOMLDecodeError:
                return raw
        return raw

    def skip_string(self) -> None:
        quote = self.peek(3) if self.peek(3) in ('"""', "'''") else self.peek()
        self.advance(len(quote))
        match = _STRING_END[quote].match(self.text, self.pos)
        self.advance(match.end() - self.pos if match else len(self.text) - self.pos)

    # -- values -------------------------------------------------------------
    def value(self, key: KeyPath) -> None:
        ch = self.peek()
        if ch in ('"', "'"):
            self.skip_string()
        elif ch == "[":
            self.advance()
            index = 0
            while True:
                self.skip_space(newlines=True)
                if self.peek() in ("]", ""):
                    self.advance()
                    return
                if self.peek() == ",":
                    self.advance()
                    index += 1
                    continue
                self.record(key + (str(index),))
                self.value(key + (str(index),))
        elif ch == "{":
            self.advance()
            while True:
                self.skip_space(newlines=True)
                if self.peek() in ("}", ""):
                    self.advance()
                    return
                if self.peek() == ",":
                    self.advance()
                    continue
                self.key_value(key)
        else:
            while self.pos < len(self.text) and self.peek() not in ",]}\n#":
                self.advance()

    def key_value(self, prefix: KeyPath) -> None:
        line = self.line
        key = self.dotted_key()
        for i in range(1, len(key) + 1):
            self.lines.setdefault(prefix + key[:i], line)
        self.skip_space(newlines=False)
        if self.peek() == "=":
            self.advance()
            self.skip_space(newlines=False)
            self.value(prefix + key)

    def header(self) -> KeyPath:
        is_array = self.peek(2) == "[["
        self.advance(2 if is_array else 1)
        self.skip_space(newlines=False)
        key = self.dotted_key()
        self.skip_space(newlines=False)
        self.advance(2 if is_array else 1)
        for i in range(1, len(key)):
            self.lines.setdefault(key[:i], self.line)
        if is_array:
            index = self.array_counts.get(key, 0)
            self.array_counts[key] = index + 1
            self.lines.setdefault(key, self.line)
            key = key + (str(index),)
        self.lines.setdefault(key, self.line)
        return key

    def run(self) -> dict[KeyPath, int]:
        prefix: KeyPath = ()
        while True:
            self.skip_space(newlines=True)
            if self.pos >= len(self.text):
                return self.lines
            if self.peek() == "[":
                prefix = self.header()
            else:
                self.key_value(prefix)
            self.skip_space(newlines=False)
            if self.peek() not in ("\n", ""):
                self.skip_to_line_end()


def locate_keys(text: str) -> dict[KeyPath, int]:
    """Map each dotted key path (array elements by index) to the 1-based line defining it."""
    return _Scanner(text).run()
