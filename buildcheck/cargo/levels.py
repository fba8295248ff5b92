"""Debuginfo levels as cargo profiles and rustc flags spell them.

Cargo's profile `debug` and rustc's `-C debuginfo` use the same five levels
under several spellings (`true`, `2`, `"full"`...). Everything else in the
scanner works with the canonical names in `DEBUG_LEVELS`, ordered from least
to most debug info.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Literal

from packaging.version import Version

from buildcheck.args import rustc
from buildcheck.i18n import _

DebugLevel = Literal["none", "line-directives-only", "line-tables-only", "limited", "full"]
StripLevel = Literal["none", "debuginfo", "symbols"]

DEBUG_LEVELS: tuple[DebugLevel, ...] = ("none", "line-directives-only", "line-tables-only", "limited", "full")
STRIP_LEVELS: tuple[StripLevel, ...] = ("none", "debuginfo", "symbols")

# Cargo accepts the string spellings of `debug` only from 1.71 (1.65 rejects
# "limited" with "expected a boolean or an integer"; checked).
STRING_DEBUG_SINCE = Version("1.71")

class InvalidValue(ValueError):
    """A profile value cargo would reject; the message is cargo's own wording."""


def is_on(level: str) -> bool:
    return level != "none"


def parse_profile_debug(value: object, cargo_version: Version | None) -> DebugLevel:
    """The level a profile's `debug = value` means, or InvalidValue as cargo would reject it.

    `cargo_version` None means "unknown": accept everything the newest cargo accepts.
    """
    if isinstance(value, bool):
        return "full" if value else "none"
    if isinstance(value, int):
        if value in (0, 1, 2):
            return ("none", "limited", "full")[value]
        raise InvalidValue(_("invalid value: integer `{value}`, expected a boolean, 0, 1, 2, \"none\", \"limited\", "
                             "\"full\", \"line-tables-only\", or \"line-directives-only\"").format(value=value))
    old = cargo_version is not None and cargo_version < STRING_DEBUG_SINCE
    if isinstance(value, str) and not old and value in DEBUG_LEVELS:
        return value  # type: ignore[return-value]
    if old:
        raise InvalidValue(_("expected a boolean or an integer, found {value!r} (string values of `debug` need "
                             "cargo 1.71 or newer)").format(value=value))
    raise InvalidValue(_("invalid value: {value!r}, expected a boolean, 0, 1, 2, \"none\", \"limited\", \"full\", "
                         "\"line-tables-only\", or \"line-directives-only\"").format(value=value))


_RUST_I64 = re.compile(r"[+-]?[0-9]+")


def parse_env_scalar(text: str) -> bool | int | str:
    """How cargo types a config value given as an environment variable: `true`/`false`, then an integer as Rust's
    `i64::from_str` reads it (an optional sign and ASCII digits only: `" 2"`, `"1_0"` and `"２"` stay strings,
    which cargo then rejects for `debug`), else the string itself."""
    if text in ("true", "false"):
        return text == "true"
    if _RUST_I64.fullmatch(text) and text.isascii():
        value = int(text)
        if -(1 << 63) <= value < (1 << 63):
            return value
    return text


def parse_profile_strip(value: object) -> StripLevel:
    """`strip = value`; cargo passes any string through (rustc rejects unknown ones when the unit compiles)."""
    if isinstance(value, bool):
        return "symbols" if value else "none"
    if isinstance(value, str):
        return value  # type: ignore[return-value]
    raise InvalidValue(_("invalid value: {value!r}, expected a boolean or one of \"none\", \"debuginfo\", "
                         "\"symbols\"").format(value=value))


def debuginfo_from_flags(flags: Sequence[str], rustc_version: Version | None = None) -> tuple[DebugLevel, int] | None:
    """The level the last debuginfo option in `flags` sets, with the index of its first token; None when none does.

    A value rustc rejects (`-C debuginfo=3`, or `full` before rustc 1.71) makes rustc fail: it is reported as
    such by the scan (`rejected_debuginfo`), never taken for a level here.
    """
    option = rustc.debuginfo_option(flags)
    if option is None:
        return None
    level = rustc.parse_debuginfo_value(option.value, rustc_version)
    return (level, option.start) if level is not None else None  # type: ignore[return-value]


def strip_from_flags(flags: Sequence[str]) -> StripLevel | None:
    option = rustc.last_codegen(flags, "strip")
    if option is None or option.value not in STRIP_LEVELS:
        return None
    return option.value  # type: ignore[return-value]


def effective_debuginfo(profile_level: DebugLevel, rustflags: Sequence[str],
                        rustc_version: Version | None = None) -> DebugLevel:
    """What rustc uses: cargo puts the profile's `-C debuginfo` first and rustflags last; the last one wins."""
    found = debuginfo_from_flags(rustflags, rustc_version)
    return found[0] if found else profile_level


def max_level(levels: Iterable[str]) -> DebugLevel:
    best = 0
    for level in levels:
        best = max(best, DEBUG_LEVELS.index(level))  # type: ignore[arg-type]
    return DEBUG_LEVELS[best]
