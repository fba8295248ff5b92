"""Makefile text -> logical lines, and the character-level rules GNU make applies to them.

GNU make reads a makefile one *logical* line at a time: physical lines whose newline is escaped by an
odd number of backslashes are joined, and a CR before a newline is dropped. What happens to the
backslash-newlines next depends on the kind of line, which only the reader knows (a line that starts
with the recipe prefix after a rule is a recipe line and keeps them for the shell; any other line has
them collapsed into one space). So this module hands out logical lines with their backslash-newlines
intact, plus the transformations the reader applies: collapsing continuations, cutting comments
(`#` outside variable references, `\\#` for a literal one) and finding unquoted characters.

These follow GNU make 4.3 (read.c: readline, remove_comments, find_map_unquote; misc.c:
collapse_continuations); the differential tests check them against the real program.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

BLANK = " \t"
# isspace() in the C locale: what make's NEXT_TOKEN / END_OF_TOKEN skip.
SPACE = " \t\n\v\f\r"


@dataclass(frozen=True)
class LogicalLine:
    """One logical line: physical lines `first`..`last` (1-based) joined, backslash-newlines kept."""

    text: str
    first: int
    last: int
    nul: bool = False  # a NUL byte cut the line short (make warns and ignores the rest of the line)


def _escaped_newline(line: str) -> bool:
    """True when the line ends in an odd number of backslashes (its newline is escaped)."""
    count = len(line) - len(line.rstrip("\\"))
    return count % 2 == 1


def logical_lines(text: str) -> Iterator[LogicalLine]:
    """Split makefile text into logical lines, as make's readline does."""
    physical = text.split("\n")
    if physical and physical[-1] == "":
        physical.pop()  # the file's final newline does not start another line
    index = 0
    total = len(physical)
    while index < total:
        first = index + 1
        parts: list[str] = []
        nul = False
        while True:
            line = physical[index]
            index += 1
            if "\0" in line:
                # make 4.3 warns "NUL character seen; rest of line ignored"
                line = line.split("\0", 1)[0]
                nul = True
            if line.endswith("\r"):
                line = line[:-1]
            parts.append(line)
            if not _escaped_newline(line) or index >= total:
                break
        yield LogicalLine("\n".join(parts), first, index, nul)


def collapse_continuations(line: str) -> str:
    """Backslash-newline in a non-recipe line: the whitespace around it becomes one space.

    Of n backslashes before a newline, n // 2 stay (they quote each other); an odd count means the
    newline itself was escaped, and the whitespace before it and at the start of the next line is
    reduced to a single space.
    """
    if "\n" not in line:
        return line
    out = ""
    segments = line.split("\n")
    for position, segment in enumerate(segments):
        if position == len(segments) - 1:
            out += segment
            break
        backslashes = len(segment) - len(segment.rstrip("\\"))
        out += segment[: len(segment) - backslashes] + "\\" * (backslashes // 2)
        if backslashes % 2 == 1:
            # all the whitespace before (already written) and after the continuation becomes one space
            out = out.rstrip(BLANK) + " "
            segments[position + 1] = segments[position + 1].lstrip(BLANK)
        else:
            out += "\n"
    return out


def skip_reference(text: str, index: int) -> int:
    """`text[index]` is `$`: the index just past the reference that starts there."""
    if index + 1 >= len(text):
        return len(text)
    opener = text[index + 1]
    position = index + 2
    if opener not in "({":
        return position
    closer = ")" if opener == "(" else "}"
    depth = 1
    while position < len(text):
        char = text[position]
        position += 1
        if char == opener:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                break
    return position


def find_unquoted(text: str, stops: str, *, skip_references: bool) -> tuple[str, int]:
    """The first of `stops` not escaped by a backslash (and, if asked, not inside `$(...)`).

    Returns the text with the escaping backslashes of any quoted stop characters met on the way
    removed (n backslashes before a stop character become n // 2, as make does) and the index of the
    stop character in that text, or -1.
    """
    interesting = stops + "$" if skip_references else stops
    if not any(char in text for char in interesting):
        return text, -1   # the common case: nothing to look at
    position = 0
    length = len(text)
    while position < length:
        char = text[position]
        if skip_references and char == "$":
            if position + 1 >= length:
                return text, -1
            position = skip_reference(text, position)
            continue
        if char not in stops:
            position += 1
            continue
        start = position
        while start > 0 and text[start - 1] == "\\":
            start -= 1
        backslashes = position - start
        if backslashes == 0:
            return text, position
        # swallow half of them (rounded up), keeping n // 2
        remove = backslashes - backslashes // 2
        text = text[:start] + text[start + remove:]
        length = len(text)
        position -= remove
        if backslashes % 2 == 0:
            return text, position
        position += 1  # quoted: keep looking
    return text, -1


def remove_comment(line: str) -> str:
    """Cut the line at its first unquoted `#` outside variable references (`\\#` is a literal `#`)."""
    unquoted, index = find_unquoted(line, "#", skip_references=True)
    return unquoted if index < 0 else unquoted[:index]


_SPACE_RUN = re.compile(r"[ \t\n\v\f\r]*")
_TOKEN_RUN = re.compile(r"[^ \t\n\v\f\r]*")


def next_token(text: str, index: int = 0) -> int:
    """Index of the first non-space character at or after `index`."""
    match = _SPACE_RUN.match(text, index)
    return match.end() if match else index


def end_of_token(text: str, index: int = 0) -> int:
    """Index of the first space character at or after `index`."""
    match = _TOKEN_RUN.match(text, index)
    return match.end() if match else index


def first_word(text: str) -> tuple[str, str]:
    """The first whitespace-separated word of `text` and the rest after the following whitespace."""
    start = next_token(text)
    end = end_of_token(text, start)
    return text[start:end], text[next_token(text, end):]


_SPACES = re.compile(r"[ \t\n\v\f\r]+")


def words(text: str) -> list[str]:
    """Whitespace-separated words, as make's find_next_token walks them.

    Only C's isspace() separates words: str.split() would also split on other Unicode spaces.
    """
    stripped = text.strip(SPACE)
    return _SPACES.split(stripped) if stripped else []
