"""Values buildcheck cannot know: the output of `$(shell ...)` and `!=`, which it never runs.

An unknown value is carried through expansion as a placeholder token inside the string (two
private-use characters around a number), so that every ordinary string operation keeps it where it
belongs: `git.$(shell git describe)` stays "git.<token>", and anything that contains a token is
marked as depending on a command's output. Functions whose result cannot be computed from a
partial value (`$(words ...)`, `$(if ...)` on an unknown condition, ...) turn their whole result into
a new token that remembers the reference it stands for.

The registry records, for each token, what it stands for (the `$(shell ...)` text as written) and
the Makefile line it came from, so that a report can print `$(shell git describe ...)` instead of a
made-up value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from buildcheck.model import Origin

OPEN = "\ue000"
CLOSE = "\ue001"
_TOKEN = re.compile(OPEN + r"(\d+)" + CLOSE)


@dataclass(frozen=True)
class OpaqueSource:
    """What an unknown value stands for: the reference as written and where it was written."""

    text: str
    origin: Origin | None


class OpaqueRegistry:
    """Hands out placeholder tokens and remembers what each stands for (one per make trace)."""

    def __init__(self) -> None:
        self._sources: list[OpaqueSource] = []
        self._index: dict[OpaqueSource, int] = {}

    def token(self, text: str, origin: Origin | None) -> str:
        source = OpaqueSource(text, origin)
        index = self._index.get(source)
        if index is None:
            index = len(self._sources)
            self._sources.append(source)
            self._index[source] = index
        return f"{OPEN}{index}{CLOSE}"

    def sources(self, value: str) -> list[OpaqueSource]:
        """The unknown values a string depends on, in order of appearance, without repeats."""
        found: list[OpaqueSource] = []
        for match in _TOKEN.finditer(value):
            index = int(match.group(1))
            if index < len(self._sources) and self._sources[index] not in found:
                found.append(self._sources[index])
        return found

    def render(self, value: str) -> str:
        """The string with each token replaced by the reference it stands for."""
        if OPEN not in value:
            return value

        def spell(match: re.Match[str]) -> str:
            index = int(match.group(1))
            return self._sources[index].text if index < len(self._sources) else ""

        return _TOKEN.sub(spell, value)


def is_opaque(value: str) -> bool:
    """True when the string depends on a value buildcheck did not compute."""
    return OPEN in value


def without_tokens(value: str) -> str:
    """The known part of a string (tokens removed): what is certain about it."""
    return _TOKEN.sub("", value)
