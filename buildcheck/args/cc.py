"""C and C++ compiler switches (gcc's and clang's `-g` family) and nvcc's debug switches: one reading of each.

Checked against gcc 12 (tests/test_args_cc.py compiles with every switch below and looks for `.debug_info`):
- a level: `-g`, `-g1`..`-g3`, `-ggdb[N]`, `-gdwarf`, `-gdwarf-N`, `-gstabs[N]`, `-gxcoff[N]`, `-gvms[N]`, and
  clang's `-gline-tables-only`, `-gline-directives-only`, `-gmlt`, `-gfull`, `-gused`;
- off: `-g0`, `-ggdb0` (and the other `...0` forms);
- `-gtoggle` flips the result once, after every other switch, wherever and however often it is given;
- modifiers that never turn DWARF on alone: `-gsplit-dwarf`, `-gz[=...]`, `-gno-*`, `-grecord-gcc-switches`,
  `-gstrict-dwarf`, `-gcolumn-info`, `-gpubnames`, `-gbtf`, `-gctf`, `-gdescribe-dies`, `-ginline-points`, ...
The last switch that sets a level decides. nvcc: `-G`/`--device-debug` (device code), `-g`/`--debug` (host code),
`-lineinfo`/`--generate-line-info` (line tables for device code).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_LEVEL = re.compile(r"^-g(?:|[0-3]|gdb[0-3]?|dwarf(?:-[2-5])?|stabs\+?[0-3]?|xcoff\+?[0-3]?|vms[0-3]?|"
                    r"line-tables-only|line-directives-only|mlt|full|used)$")
_OFF = re.compile(r"^-g(?:0|gdb0|stabs\+?0|xcoff\+?0|vms0)$")
_NVCC_DEBUG = frozenset({"-G", "--device-debug", "-g", "--debug", "-lineinfo", "--generate-line-info"})


@dataclass(frozen=True)
class DebugSwitch:
    """The switch that decides whether a compile writes debug info, and whether it is on."""

    on: bool
    index: int | None   # the deciding token; None when no switch is there (the compiler's default: off)
    token: str | None


def _sets_level(token: str) -> bool:
    return bool(_LEVEL.match(token))


def c_debug_switch(tokens: Sequence[str]) -> DebugSwitch:
    """What the `-g` family in `tokens` leaves in force (gcc's rules: the last level wins, `-gtoggle` flips once)."""
    on, index = False, None
    toggle = None
    for position, token in enumerate(tokens):
        if _OFF.match(token):
            on, index = False, position
        elif _sets_level(token):
            on, index = True, position
        elif token == "-gtoggle":
            toggle = position if toggle is None else toggle
    if toggle is not None:
        on, index = not on, toggle
    return DebugSwitch(on, index, tokens[index] if index is not None else None)


def c_debug_tokens(tokens: Sequence[str]) -> list[int]:
    """Indices of the switches that turn debug info on (levels and toggles); `-g0` and modifiers are not."""
    return [i for i, token in enumerate(tokens) if (_sets_level(token) and not _OFF.match(token)) or token == "-gtoggle"]


def without_c_debug(tokens: Sequence[str]) -> tuple[str, ...]:
    """`tokens` with every switch that turns debug info on removed; `-g0` (which also cancels the cc crate's own
    `-g`) and every other flag stay, in order."""
    drop = set(c_debug_tokens(tokens))
    return tuple(token for i, token in enumerate(tokens) if i not in drop)


def nvcc_debug_switch(tokens: Sequence[str]) -> DebugSwitch:
    index = None
    for position, token in enumerate(tokens):
        if token in _NVCC_DEBUG:
            index = position
    return DebugSwitch(index is not None, index, tokens[index] if index is not None else None)


def without_nvcc_debug(tokens: Sequence[str]) -> tuple[str, ...]:
    return tuple(token for token in tokens if token not in _NVCC_DEBUG)


def is_device_debug(token: str | None) -> bool:
    """nvcc's `-G`: device debug info, which also turns device optimisation off."""
    return token in ("-G", "--device-debug")
