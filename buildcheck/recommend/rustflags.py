"""Rustflags without debug info: which flags turn it on, and the list with them taken out.

rustc spells a codegen option four ways (`-Cdebuginfo=2`, `-C debuginfo=2`,
`--codegen debuginfo=2`, `--codegen=debuginfo=2`) and `-g` means `-C debuginfo=2`.
We work on *units*: one option with its value, one or two tokens, so that the split
form is removed as a whole and every unrelated flag (`--cfg tokio_unstable`) is kept
byte for byte and in order.

Decisions (docs/rules.md, BC001):
- removed: `-g` and `debuginfo=` with any value that turns debug info on (1, 2,
  limited, full, line-tables-only, line-directives-only, or a value rustc rejects);
- kept: `debuginfo=0`/`none` — they *disable* debug info and may be what overrides a
  profile's `debug = true`, so removing them could turn it back on;
- removed: `-C strip=none`/`false` — rustflags come last on rustc's command line, so it
  undoes the `strip = "debuginfo"` we recommend; other strip values are kept;
- kept, with a note: `-C split-debuginfo=…` only says where debug info goes, it never
  turns it on;
- kept: every `-Z` option. `-Z dwarf-version`, `-Z split-dwarf-kind` and friends shape
  debug info that something else turned on; none enables it alone (and stable rustc
  rejects `-Z` anyway).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from buildcheck.i18n import _

# Values of `-C debuginfo` that mean "no debug info" (rustc 1.95 accepts exactly 0 and none).
DEBUGINFO_OFF = frozenset({"0", "none"})
STRIP_OFF = frozenset({"none", "false", "no", "n", "off"})

# Env vars that carry rustflags for target units, in cargo's priority order, and how each
# is split into flags. CARGO_TARGET_<TRIPLE>_RUSTFLAGS is whitespace-split like the others.
ENCODED_SEPARATOR = "\x1f"
RUSTFLAGS_VARIABLES = ("CARGO_ENCODED_RUSTFLAGS", "RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS")


@dataclass(frozen=True, kw_only=True)
class FlagUnit:
    """One rustc option as written: its tokens, and the codegen key/value it sets, if any."""

    tokens: tuple[str, ...]
    codegen_key: str | None = None
    codegen_value: str | None = None
    is_g: bool = False


@dataclass(frozen=True, kw_only=True)
class RemovedFlag:
    tokens: tuple[str, ...]
    reason: str


@dataclass(frozen=True, kw_only=True)
class CleanedFlags:
    """The flags to keep (in order), what was removed and why, and notes about kept flags."""

    kept: tuple[str, ...]
    removed: tuple[RemovedFlag, ...]
    notes: tuple[str, ...]


def split_flags(variable: str, value: str) -> list[str]:
    """The flags cargo reads from `variable` (CARGO_ENCODED_RUSTFLAGS splits on \\x1f, the others on spaces)."""
    if variable == "CARGO_ENCODED_RUSTFLAGS":
        return value.split(ENCODED_SEPARATOR) if value else []
    if variable == "RUSTFLAGS":
        # cargo splits RUSTFLAGS on ' ' and trims each piece; config-backed variables
        # (CARGO_BUILD_RUSTFLAGS, CARGO_TARGET_*_RUSTFLAGS) on any whitespace.
        return [piece.strip() for piece in value.split(" ") if piece.strip()]
    return value.split()


def join_flags(variable: str, flags: Sequence[str]) -> str:
    """The value that makes cargo read `flags` back from `variable`."""
    if variable == "CARGO_ENCODED_RUSTFLAGS":
        return ENCODED_SEPARATOR.join(flags)
    return " ".join(flags)


def _codegen_assignment(text: str) -> tuple[str, str | None]:
    key, sep, value = text.partition("=")
    return key.strip(), (value if sep else None)


def parse_units(flags: Sequence[str]) -> list[FlagUnit]:
    """Group tokens into options; a dangling `-C` at the end stays a unit of its own."""
    units: list[FlagUnit] = []
    i = 0
    while i < len(flags):
        token = flags[i]
        if token == "-g":
            units.append(FlagUnit(tokens=(token,), is_g=True))
            i += 1
            continue
        if token in ("-C", "--codegen") and i + 1 < len(flags):
            key, value = _codegen_assignment(flags[i + 1])
            units.append(FlagUnit(tokens=(token, flags[i + 1]), codegen_key=key, codegen_value=value))
            i += 2
            continue
        for prefix in ("--codegen=", "-C"):
            if token.startswith(prefix) and len(token) > len(prefix):
                key, value = _codegen_assignment(token[len(prefix):])
                units.append(FlagUnit(tokens=(token,), codegen_key=key, codegen_value=value))
                break
        else:
            units.append(FlagUnit(tokens=(token,)))
        i += 1
    return units


def unit_turns_debuginfo_on(unit: FlagUnit) -> bool:
    if unit.is_g:
        return True
    return unit.codegen_key == "debuginfo" and (unit.codegen_value or "").strip() not in DEBUGINFO_OFF


def debug_flags_in(flags: Sequence[str]) -> list[tuple[str, ...]]:
    """The options in `flags` that turn debug info on, as written."""
    return [unit.tokens for unit in parse_units(flags) if unit_turns_debuginfo_on(unit)]


def remove_debug_flags(flags: Sequence[str]) -> CleanedFlags:
    kept: list[str] = []
    removed: list[RemovedFlag] = []
    notes: list[str] = []
    for unit in parse_units(flags):
        written = " ".join(unit.tokens)
        if unit_turns_debuginfo_on(unit):
            reason = (_("`-g` is `-C debuginfo=2`: full debug info for every crate") if unit.is_g
                      else _("`{flag}` turns debug info on").format(flag=written))
            removed.append(RemovedFlag(tokens=unit.tokens, reason=reason))
            continue
        if unit.codegen_key == "strip" and (unit.codegen_value or "").strip() in STRIP_OFF:
            removed.append(RemovedFlag(tokens=unit.tokens, reason=_(
                "`{flag}` comes after cargo's own `-C strip=…` and keeps all debug info").format(flag=written)))
            continue
        if unit.codegen_key == "split-debuginfo":
            notes.append(_("kept `{flag}`: it only decides where debug info is written, it does not turn it on")
                         .format(flag=written))
        kept.extend(unit.tokens)
    return CleanedFlags(kept=tuple(kept), removed=tuple(removed), notes=tuple(notes))


def target_cpu_of(flags: Sequence[str]) -> str | None:
    """The target-cpu rustc will use: the last `-C target-cpu=` wins."""
    cpu = None
    for unit in parse_units(flags):
        if unit.codegen_key == "target-cpu" and unit.codegen_value is not None:
            cpu = unit.codegen_value
    return cpu


def ensure_native_cpu(flags: Sequence[str]) -> tuple[str, ...]:
    """`flags` with `-C target-cpu=native` appended unless a target-cpu is already chosen.

    A user's explicit other target-cpu (`x86-64-v3`, `znver3`) is kept: it is usually a
    deliberate choice for a fleet of different machines, the very thing `native` breaks.
    """
    if target_cpu_of(flags) is not None:
        return tuple(flags)
    return (*flags, "-C", "target-cpu=native")


def replace_target_cpu(flags: Sequence[str], replacement: Sequence[str]) -> tuple[str, ...]:
    """`flags` without any `target-cpu` option, with `replacement` appended (the portable choice)."""
    out: list[str] = []
    for unit in parse_units(flags):
        if unit.codegen_key != "target-cpu":
            out.extend(unit.tokens)
    return (*out, *replacement)
