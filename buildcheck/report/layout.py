"""Text laid out for a terminal or a pipe: prose wrapped at words, paths never broken, no trailing spaces.

buildcheck exists to say *where* a setting is (`~/.cargo/config.toml:4`), so a location is never cut inside: a
word that does not fit moves to the next line whole, and one longer than the line stays whole and overflows it (a
terminal shows the rest on the next row; copying it still gives the whole path). Commands are kept whole the same
way, so that a copied line runs: a `backtick` span, a shell assignment's quoted value (`RUSTFLAGS="-C a -g"`), and
any span a renderer marks whole (a fix that is a command). Only runs of CJK characters, which
have no spaces between words, are broken where they run out of room, as Chinese text is. Widths are measured in
terminal cells (a Chinese character takes two).

On a terminal the width is the terminal's; piped, lines are not wrapped at all (a CI log or a grep wants each
sentence whole), unless COLUMNS asks for a width. Paths are shown as compilers show them: relative to the directory
buildcheck was run from when under it, `~/...` under the home directory, absolute otherwise.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text


@dataclass(frozen=True)
class PathStyle:
    """How a renderer shows a path: relative to `cwd` when under it, `~` for `home`, else as it is."""

    cwd: str | None = None
    home: str | None = None

    def show(self, path: str) -> str:
        if not os.path.isabs(path):
            return path
        normal = os.path.normpath(path)
        if self.cwd:
            cwd = os.path.normpath(self.cwd)
            if normal == cwd:
                return "."
            if normal.startswith(cwd.rstrip(os.sep) + os.sep):
                return os.path.relpath(normal, cwd)
        if self.home:
            home = os.path.normpath(self.home)
            if normal == home:
                return "~"
            if normal.startswith(home.rstrip(os.sep) + os.sep):
                return "~" + os.sep + os.path.relpath(normal, home)
        return path


ABSOLUTE = PathStyle()


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


# Line-breaking rules of Chinese typesetting: what never starts a line, and what never ends one.
_NO_LINE_START = frozenset("，。、；：！？）」』】》〉,.;:!?)]}")
_NO_LINE_END = frozenset("（「『【《〈")


# Shell words that start a command whose next word is its operand: `export NAME=value` is copied as one line.
_GLUED_TO_NEXT = ("export", "unset")


def _latin_word_end(plain: str, i: int) -> int:
    """The end of the word starting at `i`: up to a space or a CJK character, except inside a `backtick` span or
    the quoted value of an assignment (`NAME="a b"`), which are one word however many spaces they hold; `export`
    and `unset` take the next word with them."""
    n = len(plain)
    for verb in _GLUED_TO_NEXT:
        after = i + len(verb)
        if plain.startswith(verb, i) and after + 1 < n and plain[after] == " " and plain[after + 1] not in " -" \
                and (i == 0 or plain[i - 1] in " `("):
            return _latin_word_end(plain, after + 1)
    j = i
    while j < n and plain[j] != " " and not _is_wide(plain[j]):
        if plain[j] == "`":
            close = plain.find("`", j + 1)
            j = close + 1 if close != -1 else j + 1
            continue
        if plain[j] in "\"'" and j > i and plain[j - 1] == "=":
            close = plain.find(plain[j], j + 1)
            j = close + 1 if close != -1 else j + 1
            continue
        j += 1
    return j


def _break_points(plain: str, width: int, indent: int, whole: tuple[tuple[int, int], ...] = ()) -> list[int]:
    """Offsets where `plain` is split into lines of at most `width` cells (continuation lines get `indent`);
    `whole`: (start, end) spans never split."""
    offsets: list[int] = []
    column = 0
    i = 0
    line_start = 0
    n = len(plain)
    while i < n:
        if plain[i] == " ":
            i += 1
            column += 1
            continue
        j = i
        span_end = next((end for start, end in whole if start <= i < end), None)
        if span_end is not None:
            j = span_end
        elif _is_wide(plain[i]):
            j = i + 1  # a CJK character is a word of its own
            if plain[i] in _NO_LINE_END and j < n and plain[j] != " ":  # an opening bracket stays with what it opens
                if _is_wide(plain[j]):
                    j += 1
                else:
                    while j < n and plain[j] != " " and not _is_wide(plain[j]):
                        j += 1
        else:
            j = _latin_word_end(plain, i)
        while j < n and plain[j] in _NO_LINE_START:
            j += 1  # closing punctuation stays at the end of the line before it
        word = cell_len(plain[i:j])
        if column + word > width and i > line_start and plain[line_start:i].strip():
            offsets.append(i)
            line_start = i
            column = indent
        column += word
        i = j
    return offsets


def wrap(text: Text | str, width: int | None, *, indent: int = 0,
         whole: tuple[tuple[int, int], ...] = ()) -> list[Text]:
    """`text` as lines of at most `width` cells (None: one line), continuation lines indented by `indent`;
    `whole`: (start, end) offsets of spans that stay on one line."""
    if isinstance(text, str):
        text = Text(text)
    if width is None or cell_len(text.plain) <= width:
        return [_rstrip(text)]
    lines = []
    for index, part in enumerate(text.divide(_break_points(text.plain, width, indent, whole))):
        part = _lstrip(part) if index else part
        lines.append(_rstrip(Text(" " * indent) + part if index else part))
    return lines


def _rstrip(text: Text) -> Text:
    text = text.copy()
    text.rstrip()
    return text


def _lstrip(text: Text) -> Text:
    plain = text.plain
    cut = len(plain) - len(plain.lstrip(" "))
    return text[cut:] if cut else text


def output_width(isatty: bool, terminal_width: int, env: dict[str, str] | None = None) -> int | None:
    """The width to wrap at: the terminal's, COLUMNS when set, else none (piped output keeps sentences whole)."""
    columns = (env or {}).get("COLUMNS", "")
    if columns.isdigit() and int(columns) >= 20:
        return int(columns)
    return terminal_width if isatty else None


def table(rows: list[list[Text | str]], *, align: str, width: int | None, gap: int = 2,
          indent: int = 0) -> list[Text]:
    """Rows as aligned columns (`align`: one `l`/`r` per column), never wider than `width` by cutting a cell: when a
    row does not fit, its first cell (a name, a path) gets a line of its own and the other cells follow below it."""
    cells = [[Text(c) if isinstance(c, str) else c for c in row] for row in rows]
    if not cells:
        return []
    columns = len(align)
    widths = [max(cell_len(row[i].plain) for row in cells) for i in range(columns)]

    def joined(row: list[Text], first: int) -> Text:
        line = Text(" " * indent)
        for i in range(first, columns):
            text, pad = row[i], widths[i] - cell_len(row[i].plain)
            line.append(" " * pad if align[i] == "r" else "")
            line.append_text(text)
            if i < columns - 1:
                line.append(" " * ((pad if align[i] == "l" else 0) + gap))
        return _rstrip(line)

    total = indent + sum(widths) + gap * (columns - 1)
    if width is None or total <= width:
        return [joined(row, 0) for row in cells]
    out: list[Text] = []
    rest_indent = indent + 4
    for row in cells:
        out.append(_rstrip(Text(" " * indent) + row[0]))
        rest = joined(row, 1)
        out.append(_rstrip(Text(" " * (rest_indent - indent)) + rest) if rest.plain.strip() else rest)
    return out
