"""The value that cancels an environment variable's debug info, when unsetting it is not enough.

Unsetting is the clean answer in a shell, but some places cannot unset (a GitHub
`$GITHUB_ENV` file can only assign), and unsetting `CXXFLAGS="-O2 -g"` would also drop
the `-O2`. So each variable gets a *neutral* value: the same value with the debug
flags taken out, or the setting that means "no debug info".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from buildcheck.args.cc import without_c_debug, without_nvcc_debug
from buildcheck.args.split import split_whitespace
from buildcheck.recommend.rustflags import join_flags, remove_debug_flags, split_flags

_PROFILE_DEBUG = re.compile(r"CARGO_PROFILE_[A-Z0-9_]+_DEBUG")
_PROFILE_STRIP = re.compile(r"CARGO_PROFILE_[A-Z0-9_]+_STRIP")
_RUSTFLAGS = re.compile(r"CARGO_ENCODED_RUSTFLAGS|RUSTFLAGS|CARGO_BUILD_RUSTFLAGS|CARGO_TARGET_[A-Z0-9_]+_RUSTFLAGS")
_NVCC = frozenset({"NVCC_PREPEND_FLAGS", "NVCC_APPEND_FLAGS", "EC_GPU_CUDA_NVCC_ARGS"})


@dataclass(frozen=True, kw_only=True)
class Neutral:
    """value: what to assign when a variable must stay set; prefer_unset: unsetting is the cleaner answer."""

    value: str
    prefer_unset: bool


def is_rustflags_variable(name: str) -> bool:
    return _RUSTFLAGS.fullmatch(name) is not None


def remove_c_debug_flags(value: str, *, nvcc: bool = False) -> str:
    tokens = split_whitespace(value)
    return " ".join(without_nvcc_debug(tokens) if nvcc else without_c_debug(tokens))


def neutral_value(name: str, value: str) -> Neutral:
    if _PROFILE_DEBUG.fullmatch(name):
        return Neutral(value="false", prefer_unset=True)
    if _PROFILE_STRIP.fullmatch(name):
        return Neutral(value="debuginfo", prefer_unset=False)
    if is_rustflags_variable(name):
        kept = remove_debug_flags(split_flags(name, value)).kept
        return Neutral(value=join_flags(name, kept), prefer_unset=not kept)
    cleaned = remove_c_debug_flags(value, nvcc=name in _NVCC)
    return Neutral(value=cleaned, prefer_unset=not cleaned)
