"""Messages as data: a stable id, the English template (marked for the catalog), and typed parameters.

The library never builds translated prose: it returns `Message`s, and a renderer turns one into text in the chosen
language when it prints (`text()`). So results are the same whatever `--lang` says: JSON carries the text *and* the
id with the parameters (scripts read those, never the prose), and SARIF fingerprints the id and the parameters that
identify the place, so rewording or translating a message reopens no code-scanning alert.

Parameters keep their type until rendering: an `Origin` becomes "path:line" or "environment variable X" in the
language of the run (and `{"path", "line"}` in JSON), a `Size` becomes "1.2 GiB" (and a byte count in JSON), a
nested `Message` its own text (and `{"id", "params"}`), a sequence a comma-separated list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from buildcheck.i18n import N_, _, ngettext


@dataclass(frozen=True)
class Size:
    """A byte count shown as a human size in text and as bytes in JSON."""

    bytes: int


@dataclass(frozen=True)
class Percent:
    """A share (0..1) shown as a rounded percentage in text and as a ratio in JSON."""

    ratio: float


# The separators are the catalog's too: Chinese joins a list with 、 and clauses with ；.
LIST_SEPARATOR = N_(", ")
CLAUSE_SEPARATOR = N_("; ")


@dataclass(frozen=True)
class Joined:
    """Items shown joined by `separator` in text (a list in JSON), e.g. several fixes joined by "; "."""

    items: tuple[Any, ...]
    separator: str = CLAUSE_SEPARATOR


@dataclass(frozen=True)
class Message:
    id: str
    template: str                     # English, N_()-marked where it is written; translated by text()
    params: tuple[tuple[str, Any], ...] = field(default=())
    plural: str | None = None         # the plural template when the text depends on the count `n`
    n: int | None = None

    @classmethod
    def of(cls, message_id: str, template: str, *, plural: str | None = None, n: int | None = None,
           **params: Any) -> Message:
        return cls(message_id, template, tuple((name, _frozen(value)) for name, value in params.items()),
                   plural, n)

    def param(self, name: str, default: Any = None) -> Any:
        return dict(self.params).get(name, default)

    def text(self, style: Any = None) -> str:
        """The message in the language of the run; `style` shows the paths of Origins (PathStyle), None: as stored."""
        template = ngettext(self.template, self.plural, self.n) if self.plural is not None and self.n is not None \
            else _(self.template)
        values = {name: _as_text(value, style) for name, value in self.params}
        if self.n is not None:
            values.setdefault("n", self.n)
        return template.format(**values)

    def params_json(self) -> dict[str, Any]:
        out = {name: _as_json(value) for name, value in self.params}
        if self.n is not None:
            out.setdefault("n", self.n)
        return out

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "params": self.params_json()}

    def __str__(self) -> str:
        return self.text()


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, Mapping):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return value


def _as_text(value: Any, style: Any = None) -> Any:
    from buildcheck.sizes import format_size

    if isinstance(value, Message):
        return value.text(style)
    if isinstance(value, Size):
        return format_size(value.bytes)
    if isinstance(value, Percent):
        return "{p:.0f}%".format(p=100.0 * value.ratio)
    if isinstance(value, Joined):
        separator = _(value.separator) if value.separator else ""  # gettext("") is the catalog's header
        return separator.join(str(_as_text(item, style)) for item in value.items)
    if hasattr(value, "describe") and callable(value.describe):  # an Origin
        return value.describe(style)
    if isinstance(value, PurePath):
        return style.show(str(value)) if style is not None else str(value)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return _(LIST_SEPARATOR).join(str(_as_text(item, style)) for item in value)
    return value


def _as_json(value: Any) -> Any:
    if isinstance(value, Message):
        return value.to_json()
    if isinstance(value, Size):
        return value.bytes
    if isinstance(value, Percent):
        return round(value.ratio, 4)
    if isinstance(value, Joined):
        return [_as_json(item) for item in value.items]
    if hasattr(value, "to_json") and callable(value.to_json):  # an Origin
        return value.to_json()
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_as_json(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)  # a Version, a Path: their plain spelling
