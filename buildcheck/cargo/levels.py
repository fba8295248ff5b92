"""Debuginfo levels as cargo profiles and rustc flags spell them.

Cargo's profile `debug` and rustc's `-C debuginfo` use the same five levels
under several spellings (`true`, `2`, `"full"`...). Everything else in the
scanner works with the canonical names in `DEBUG_LEVELS`, ordered from least
to most debug info.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from packaging.version import Version

from buildcheck.i18n import _

DebugLevel = Literal["none", "line-directives-only", "line-tables-only", "limited", "full"]
StripLevel = Literal["none", "debuginfo", "symbols"]

DEBUG_LEVELS: tuple[DebugLevel, ...] = ("none", "line-directives-only", "line-tables-only", "limited", "full")
STRIP_LEVELS: tuple[StripLevel, ...] = ("none", "debuginfo", "symbols")

# Cargo accepts the string spellings of `debug` only from 1.71 (1.65 rejects
# "limited" with "expected a boolean or an integer"; checked).
STRING_DEBUG_SINCE = Version("1.71")

_RUSTC_DEBUGINFO: dict[str, DebugLevel] = {
    "0": "none", "none": "none",
    "1": "limited", "limited": "limited",
    "2": "full", "full": "full",
    "line-directives-only": "line-directives-only",
    "line-tables-only": "line-tables-only",
}


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


def parse_env_scalar(text: str) -> bool | int | str:
    """How cargo types a config value given as an environment variable: bool, then integer, else string."""
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError:
        return text


def parse_profile_strip(value: object) -> StripLevel:
    """`strip = value`; cargo passes any string through (rustc rejects unknown ones when the unit compiles)."""
    if isinstance(value, bool):
        return "symbols" if value else "none"
    if isinstance(value, str):
        return value  # type: ignore[return-value]
    raise InvalidValue(_("invalid value: {value!r}, expected a boolean or one of \"none\", \"debuginfo\", "
                         "\"symbols\"").format(value=value))


def parse_rustc_debuginfo(value: str) -> DebugLevel | None:
    """rustc's `-C debuginfo=VALUE`; None when rustc would reject VALUE."""
    return _RUSTC_DEBUGINFO.get(value)


# rustc options whose value is the next argument: `--cfg -g` sets a cfg named "-g", it is not `-g`.
_TAKES_VALUE = frozenset({"--cfg", "--check-cfg", "-L", "-l", "--cap-lints", "--edition", "--crate-type",
                          "--crate-name", "-o", "--out-dir", "--target", "--extern", "-A", "-W", "-D", "-F",
                          "--allow", "--warn", "--deny", "--forbid", "--force-warn", "-Z", "--remap-path-prefix",
                          "--emit", "--print", "--error-format", "--json", "--explain", "--sysroot", "--color",
                          "--diagnostic-width"})


def codegen_options(flags: Sequence[str]) -> Iterable[tuple[int, str, str | None]]:
    """Each `-C name[=value]` in a rustc argument list as (index, name, value); `-g` as ("debuginfo", "2").

    Spellings: `-C opt`, `-Copt`, `--codegen opt`, `--codegen=opt`. rustc treats
    `-g` exactly like `-C debuginfo=2`.
    """
    i = 0
    while i < len(flags):
        flag = flags[i]
        option: str | None = None
        start = i
        if flag in ("-C", "--codegen"):
            if i + 1 < len(flags):
                option = flags[i + 1]
                i += 1
        elif flag.startswith("--codegen="):
            option = flag[len("--codegen="):]
        elif flag.startswith("-C"):
            option = flag[2:]
        elif flag == "-g":
            option = "debuginfo=2"
        elif flag in _TAKES_VALUE:
            i += 1
        i += 1
        if option is None:
            continue
        name, sep, value = option.partition("=")
        yield start, name.replace("_", "-"), value if sep else None


def debuginfo_from_flags(flags: Sequence[str]) -> tuple[DebugLevel, int] | None:
    """The level the last debuginfo option in `flags` sets, with its index; None when there is none."""
    found: tuple[DebugLevel, int] | None = None
    for index, name, value in codegen_options(flags):
        if name != "debuginfo":
            continue
        level = parse_rustc_debuginfo(value or "")
        if level is not None:
            found = (level, index)
    return found


def strip_from_flags(flags: Sequence[str]) -> StripLevel | None:
    found: StripLevel | None = None
    for _index, name, value in codegen_options(flags):
        if name == "strip" and value in STRIP_LEVELS:
            found = value  # type: ignore[assignment]
    return found


def effective_debuginfo(profile_level: DebugLevel, rustflags: Sequence[str]) -> DebugLevel:
    """What rustc uses: cargo puts the profile's `-C debuginfo` first and rustflags last; the last one wins."""
    found = debuginfo_from_flags(rustflags)
    return found[0] if found else profile_level


def max_level(levels: Iterable[str]) -> DebugLevel:
    best = 0
    for level in levels:
        best = max(best, DEBUG_LEVELS.index(level))  # type: ignore[arg-type]
    return DEBUG_LEVELS[best]
