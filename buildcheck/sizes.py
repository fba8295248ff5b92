"""Byte sizes as people type them (`--max-size 50MiB`) and as buildcheck prints them.

Units follow GNU coreutils (`du -B`, `head -c`, `dd`), the convention the operators
who build damocles-worker already meet on Linux:

    no unit, `B`                  bytes
    `K`, `KiB` (`M`, `G`, `T` …)  powers of 1024: a single letter is binary, as in `ls -h`
    `KB`, `kB` (`MB`, `GB`, `TB`) powers of 1000: the SI unit spelled with its `B`

Letters are case-insensitive (`10k` = `10K` = 10240 bytes) because nobody means
"millibytes". A fraction is allowed with a unit (`1.5GiB`); the result is rounded
down to whole bytes. Anything else — `lots`, `-5M`, `0`, `1e9`, `5 MiB per file` —
is a UsageError, never a guess.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import click

from buildcheck.errors import UsageError
from buildcheck.i18n import _

_PREFIX_POWER = {"k": 1, "m": 2, "g": 3, "t": 4}

# A number, optional spaces, an optional unit. Bounded so that hostile input cannot make
# Decimal work hard (`1` followed by a million zeros).
_SIZE = re.compile(r"(?P<number>[0-9]{1,20}(?:\.[0-9]{1,9})?)\s*(?P<unit>[A-Za-z]{0,3})")

# Larger than any file system buildcheck will meet; keeps the value a sane int64.
_LARGEST = 2**63 - 1


def _unit_multiplier(unit: str) -> int | None:
    """Bytes per unit, or None when the unit is not one of ours."""
    u = unit.lower()
    if u in ("", "b"):
        return 1
    prefix, rest = u[0], u[1:]
    if prefix not in _PREFIX_POWER:
        return None
    power = _PREFIX_POWER[prefix]
    if rest in ("", "i", "ib"):
        return 1024**power
    if rest == "b":
        return 1000**power
    return None


def parse_size(text: str) -> int:
    """The number of bytes `text` names; raises UsageError with the accepted forms otherwise."""
    cleaned = text.strip()
    match = _SIZE.fullmatch(cleaned) if len(cleaned) <= 40 else None
    multiplier = _unit_multiplier(match.group("unit")) if match else None
    if match is None or multiplier is None:
        raise UsageError(_(
            "invalid size {text!r}: expected a number of bytes with an optional unit, "
            "e.g. 123456, 10K or 50MiB (powers of 1024), 200MB (powers of 1000)"
        ).format(text=text))
    number = match.group("number")
    if "." in number and multiplier == 1:
        raise UsageError(_("invalid size {text!r}: a number of bytes must be whole").format(text=text))
    try:
        size = int(Decimal(number) * multiplier)
    except InvalidOperation:  # pragma: no cover - the regex admits only decimal digits
        raise UsageError(_("invalid size {text!r}").format(text=text)) from None
    if size <= 0:
        raise UsageError(_("invalid size {text!r}: the size must be at least one byte").format(text=text))
    if size > _LARGEST:
        raise UsageError(_("invalid size {text!r}: too large").format(text=text))
    return size


def format_size(size: int) -> str:
    """A short binary-unit label for a byte count: `812 B`, `48.3 MiB`, `1.21 GiB`."""
    if size < 1024:
        return _("{n} B").format(n=size)
    value = float(size)
    for unit in ("KiB", "MiB", "GiB", "TiB", "PiB"):
        value /= 1024
        if value < 1024 or unit == "PiB":
            digits = 2 if value < 10 else 1
            return "{value:.{digits}f} {unit}".format(value=value, digits=digits, unit=unit)
    raise AssertionError("unreachable")  # pragma: no cover


class ByteSize(click.ParamType):
    """A click option type (`--max-size`): the value in bytes, or a UsageError (exit 2, one line)."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        return parse_size(str(value))
