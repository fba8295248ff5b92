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

from buildcheck.args import rustc
from buildcheck.args.split import ENCODED_SEPARATOR, join_for_variable, split_variable
from buildcheck.i18n import _

# Env vars that carry rustflags for target units, in cargo's priority order.
RUSTFLAGS_VARIABLES = ("CARGO_ENCODED_RUSTFLAGS", "RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS")
__all__ = ["ENCODED_SEPARATOR", "RUSTFLAGS_VARIABLES", "CleanedFlags", "RemovedFlag", "debug_flags_in",
           "ensure_native_cpu", "join_flags", "remove_debug_flags", "replace_target_cpu", "split_flags",
           "target_cpu_of"]


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
    """The flags cargo reads from `variable` (see buildcheck.args.split)."""
    return split_variable(variable, value)


def join_flags(variable: str, flags: Sequence[str]) -> str:
    return join_for_variable(variable, tuple(flags))


def debug_flags_in(flags: Sequence[str]) -> list[tuple[str, ...]]:
    """The options in `flags` that turn debug info on, as written."""
    return [option.tokens for option in rustc.options_matching(flags, rustc.turns_debuginfo_on)]


def _removed(option: rustc.RustcOption) -> bool:
    return rustc.turns_debuginfo_on(option) or rustc.strip_keeps_debuginfo(option)


def remove_debug_flags(flags: Sequence[str]) -> CleanedFlags:
    removed: list[RemovedFlag] = []
    notes: list[str] = []
    for option in rustc.parse_rustc_args(flags):
        if rustc.turns_debuginfo_on(option):
            reason = (_("`-g` is `-C debuginfo=2`: full debug info for every crate") if option.tokens == ("-g",)
                      else _("`{flag}` turns debug info on").format(flag=option.written))
            removed.append(RemovedFlag(tokens=option.tokens, reason=reason))
        elif rustc.strip_keeps_debuginfo(option):
            removed.append(RemovedFlag(tokens=option.tokens, reason=_(
                "`{flag}` comes after cargo's own `-C strip=…` and keeps all debug info").format(flag=option.written)))
        elif option.kind == "codegen" and option.name == "split-debuginfo":
            notes.append(_("kept `{flag}`: it only decides where debug info is written, it does not turn it on")
                         .format(flag=option.written))
    return CleanedFlags(kept=rustc.without(flags, _removed), removed=tuple(removed), notes=tuple(notes))


def target_cpu_of(flags: Sequence[str]) -> str | None:
    """The target-cpu rustc will use: the last `-C target-cpu=` (any spelling) wins."""
    option = rustc.last_codegen(flags, "target-cpu")
    return option.value if option is not None else None


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
    kept = rustc.without(flags, lambda option: option.kind == "codegen" and option.name == "target-cpu")
    return (*kept, *replacement)
