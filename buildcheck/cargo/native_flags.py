"""Debug flags for the C, C++ and CUDA code that build scripts compile (cc crate, nvcc, ec-gpu-gen).

The cc crate reads four variables per flag family, for a compile for `target` (`HOST_` when target == host, else
`TARGET_`): `CFLAGS_<target>`, `CFLAGS_<target_with_underscores>`, `HOST_CFLAGS`/`TARGET_CFLAGS`, `CFLAGS`
(`CXXFLAGS` likewise for C++ and CUDA). Which of them it uses depends on its version:
- cc < 1.2.15 takes only the **first** of them that is set, in that order (`getenv_with_target_prefixes`), so
  `CFLAGS_x86_64_unknown_linux_gnu=-O2` hides `CFLAGS=-g`;
- cc >= 1.2.15 (rust-lang/cc-rs#1401) appends **every** one that is set, the general first: CFLAGS, HOST_CFLAGS,
  CFLAGS_<target_u>, CFLAGS_<target>.
They come after cc's own flags, so a `-g` there wins over the profile (and `-g0` there removes cc's own `-g`).
damocles' Cargo.lock pins cc 1.0.79: the first-set rule. nvcc reads NVCC_PREPEND_FLAGS/NVCC_APPEND_FLAGS itself;
ec-gpu-gen passes EC_GPU_CUDA_NVCC_ARGS to nvcc.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from packaging.version import InvalidVersion, Version

from buildcheck.args.cc import c_debug_switch, nvcc_debug_switch
from buildcheck.args.split import split_whitespace

Language = Literal["c", "c++", "cuda"]
CcRule = Literal["first-set", "every-set"]

ALL_SETS_SINCE = Version("1.2.15")
NVCC_VARIABLES = ("NVCC_PREPEND_FLAGS", "NVCC_APPEND_FLAGS", "EC_GPU_CUDA_NVCC_ARGS")


@dataclass(frozen=True)
class NativeFlagSetting:
    variable: str
    value: str
    language: Language
    debug_flag: str | None   # this variable's switch that leaves debug info on once cc has read the whole family
    applied: bool = True     # False: set, but the cc versions of this build do not read it (a more specific one won)


def cc_rules(cc_versions: Iterable[str]) -> frozenset[CcRule]:
    """The variable rules of the cc crate versions a build uses; the newest rule when none is known."""
    rules: set[CcRule] = set()
    for text in cc_versions:
        try:
            rules.add("every-set" if Version(text) >= ALL_SETS_SINCE else "first-set")
        except InvalidVersion:
            continue
    return frozenset(rules) or frozenset({"every-set"})


def c_variable_names(base: str, target: str, host: str) -> tuple[str, ...]:
    """The four variables of one family in cc's order of priority (most specific first)."""
    kind = "HOST" if target == host else "TARGET"
    return (f"{base}_{target}", f"{base}_{target.replace('-', '_')}", f"{kind}_{base}", base)


def applied_variables(env: Mapping[str, str], base: str, target: str, host: str, rule: CcRule) -> tuple[str, ...]:
    """The variables of the family cc reads, in the order it appends their flags."""
    names = [name for name in dict.fromkeys(c_variable_names(base, target, host)) if name in env]
    if rule == "first-set":
        return tuple(names[:1])
    return tuple(reversed(names))


def _deciding_switches(env: Mapping[str, str], base: str, target: str, host: str,
                       rules: frozenset[CcRule]) -> dict[str, str]:
    """variable -> the debug switch of its own that is in force once cc has appended the family's flags."""
    deciding: dict[str, str] = {}
    for rule in rules:
        tokens: list[tuple[str, str]] = [(name, token) for name in applied_variables(env, base, target, host, rule)
                                         for token in split_whitespace(env[name])]
        switch = c_debug_switch([token for _name, token in tokens])
        if switch.on and switch.index is not None:
            name, token = tokens[switch.index]
            deciding.setdefault(name, token)
    return deciding


def native_flag_settings(env: Mapping[str, str], target: str, host: str,
                         rules: frozenset[CcRule] = frozenset({"every-set"})) -> tuple[NativeFlagSetting, ...]:
    out: list[NativeFlagSetting] = []
    for base, language in (("CFLAGS", "c"), ("CXXFLAGS", "c++")):
        applied = {name for rule in rules for name in applied_variables(env, base, target, host, rule)}
        deciding = _deciding_switches(env, base, target, host, rules)
        for name in dict.fromkeys(c_variable_names(base, target, host)):
            if name in env:
                out.append(NativeFlagSetting(name, env[name], language,  # type: ignore[arg-type]
                                             deciding.get(name), name in applied))
    for name in NVCC_VARIABLES:
        if name in env:
            switch = nvcc_debug_switch(split_whitespace(env[name]))
            out.append(NativeFlagSetting(name, env[name], "cuda", switch.token))
    return tuple(out)


def cc_defaults_disabled(env: Mapping[str, str]) -> bool:
    """CRATE_CC_NO_DEFAULTS (any value) stops the cc crate adding its own flags, its `-g` included."""
    return "CRATE_CC_NO_DEFAULTS" in env
