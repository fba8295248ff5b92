"""Debug flags for the C, C++ and CUDA code that build scripts compile (cc crate, nvcc, ec-gpu-gen).

The cc crate appends CFLAGS/CXXFLAGS and their `HOST_`/`TARGET_`/`_<target>`
forms after its own flags, so a `-g` there wins over the profile (and `-g0`
there removes cc's own `-g`). It uses the `HOST_` prefix when not
cross-compiling. nvcc reads NVCC_PREPEND_FLAGS/NVCC_APPEND_FLAGS itself;
ec-gpu-gen passes EC_GPU_CUDA_NVCC_ARGS to nvcc.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Language = Literal["c", "c++", "cuda"]


@dataclass(frozen=True)
class NativeFlagSetting:
    variable: str
    value: str
    language: Language
    debug_flag: str | None  # the flag that turns debug info on (the last -g form that is not -g0), else None


def _c_debug_flag(flags: list[str]) -> str | None:
    found: str | None = None
    for flag in flags:
        if flag in ("-g0", "-ggdb0", "-gno-record-gcc-switches") or flag.startswith("-gno-"):
            found = None if flag in ("-g0", "-ggdb0") else found
        elif flag == "-g" or flag.startswith("-ggdb") or flag.startswith("-gdwarf") or flag in (
                "-g1", "-g2", "-g3", "-gline-tables-only", "-gline-directives-only", "-gfull", "-gused",
                "-gsplit-dwarf", "-gz"):
            if flag not in ("-gz", "-gsplit-dwarf"):
                found = flag
    return found


def _cuda_debug_flag(flags: list[str]) -> str | None:
    found: str | None = None
    for flag in flags:
        if flag in ("-G", "--device-debug", "-g", "--debug"):
            found = flag
    return found


def c_variable_names(target: str, host: str) -> list[tuple[str, Language]]:
    """The variables the cc crate reads for a compile for `target`, in the order it appends them."""
    kind = "HOST" if target == host else "TARGET"
    underscored = target.replace("-", "_")
    out: list[tuple[str, Language]] = []
    for base, language in (("CFLAGS", "c"), ("CXXFLAGS", "c++")):
        for name in (base, f"{kind}_{base}", f"{base}_{underscored}", f"{base}_{target}"):
            out.append((name, language))  # type: ignore[arg-type]
    return out


def native_flag_settings(env: Mapping[str, str], target: str, host: str) -> tuple[NativeFlagSetting, ...]:
    out: list[NativeFlagSetting] = []
    seen: set[str] = set()
    for name, language in c_variable_names(target, host):
        if name in env and name not in seen:
            seen.add(name)
            out.append(NativeFlagSetting(name, env[name], language, _c_debug_flag(env[name].split())))
    for name in ("NVCC_PREPEND_FLAGS", "NVCC_APPEND_FLAGS", "EC_GPU_CUDA_NVCC_ARGS"):
        if name in env:
            out.append(NativeFlagSetting(name, env[name], "cuda", _cuda_debug_flag(env[name].split())))
    return tuple(out)


def cc_defaults_disabled(env: Mapping[str, str]) -> bool:
    """CRATE_CC_NO_DEFAULTS (any value) stops the cc crate adding its own flags, its `-g` included."""
    return "CRATE_CC_NO_DEFAULTS" in env
