"""x86-64 CPU features as data: /proc/cpuinfo names, rustc names, the micro-architecture levels,
and what `-C target-cpu` / `-C target-feature` make `cfg(target_feature)` see, per rustc version.

The one table of these facts in buildcheck; the scanner (cargo/cfg.py), the recommendations
(recommend/cpu_features.py), the ISA analysis (isa/) and the fleet gate (runs_on.py) read it.

Sources, each checked against the real tools where they are installed:
- Levels: the x86-64 psABI (x86-64-ABI, "Micro-architecture levels"), which gcc's `-march=x86-64-vN` and
  LLVM's `x86-64-vN` CPUs implement. `LEVEL_RUSTC_FEATURES` is what LLVM's x86-64-vN CPU enables, in rustc's
  names; `rustc --print cfg -C target-cpu=x86-64-vN` shows it minus the names not stable at that version
  (rustc 1.63: v3 lacks cmpxchg16b, f16c, movbe; v4 shows no avx512*; rustc 1.95 shows all of them).
- Stability of each name in `cfg(target_feature)`: rustc's RELEASES.md and `rustc_feature/src/accepted.rs`
  (adx 1.61; f16c 1.68; cmpxchg16b 1.69; movbe 1.70; the avx512 family with vaes, vpclmulqdq, gfni and the
  avx-vnni/ifma group, kl, widekl, sha512, sm3, sm4 in 1.89; sse4a and tbm in 1.91). A name rustc knows
  but has not stabilised is left out of cfg on a stable compiler (with a warning), which is what cargo
  sees. lahfsahf, ermsb, rtm, xop, prfchw and the amx family are still unstable in 1.95.
- Implied features: rustc ≥ 1.82 has its own table (rust-lang/rust#128221, which also fixed #128426:
  `+avx` did not enable sse4.2); before, rustc asked LLVM, whose cfg view differs (`+avx` shows sse4.1 but
  not sse4.2; `+vaes` implies avx, not avx2). Both tables were read from `rustc --print cfg
  -C target-feature=+X` for every X, on rustc 1.63 (LLVM 14) and 1.95;
  tests/test_x86_features.py repeats that comparison when those compilers are installed.
- cpuinfo names: Linux's arch/x86/include/asm/cpufeatures.h (the quoted names) against rustc's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

RustcVersion = tuple[int, int]

# /proc/cpuinfo flag -> rustc target feature. Names that are the same in both are listed too so the
# set is explicit and testable against `rustc --print target-features`.
CPUINFO_TO_RUSTC: dict[str, str] = {
    "sha_ni": "sha",
    "pni": "sse3",
    "sse4_1": "sse4.1",
    "sse4_2": "sse4.2",
    "cx16": "cmpxchg16b",
    "abm": "lzcnt",
    "lahf_lm": "lahfsahf",
    "erms": "ermsb",
    "3dnowprefetch": "prfchw",
    "avx512_vnni": "avx512vnni",
    "avx512_bf16": "avx512bf16",
    "avx512_bitalg": "avx512bitalg",
    "avx512_vbmi2": "avx512vbmi2",
    "avx512_vpopcntdq": "avx512vpopcntdq",
    "avx512_vp2intersect": "avx512vp2intersect",
    "avx512_fp16": "avx512fp16",
    "avx_vnni": "avxvnni",
    "avx_ifma": "avxifma",
    "avx_ne_convert": "avxneconvert",
    "avx_vnni_int8": "avxvnniint8",
    "avx_vnni_int16": "avxvnniint16",
    **{same: same for same in (
        "adx", "aes", "avx", "avx2", "avx512bw", "avx512cd", "avx512dq", "avx512f", "avx512ifma",
        "avx512vbmi", "avx512vl", "bmi1", "bmi2", "f16c", "fma", "fxsr", "gfni", "movbe", "pclmulqdq",
        "popcnt", "rdrand", "rdseed", "rtm", "sha512", "sm3", "sm4", "sse", "sse2", "sse4a", "ssse3", "tbm",
        "vaes", "vpclmulqdq", "xop", "xsave", "xsavec", "xsaveopt", "xsaves",
    )},
}
RUSTC_TO_CPUINFO: dict[str, str] = {rustc: cpuinfo for cpuinfo, rustc in CPUINFO_TO_RUSTC.items()}

# The x86-64 micro-architecture levels in /proc/cpuinfo names, each level adding to the one before.
# osxsave (the OS has enabled XSAVE) is part of v3 in the psABI, but Linux does not list it in
# /proc/cpuinfo, so it cannot be asked of a worker's cpuinfo.
LEVEL_NAMES: tuple[str, ...] = ("x86-64", "x86-64-v2", "x86-64-v3", "x86-64-v4")
_LEVEL_ADDS: dict[str, tuple[str, ...]] = {
    "x86-64": ("cmov", "cx8", "fpu", "fxsr", "mmx", "syscall", "sse", "sse2"),
    "x86-64-v2": ("cx16", "lahf_lm", "popcnt", "pni", "ssse3", "sse4_1", "sse4_2"),
    "x86-64-v3": ("avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"),
    "x86-64-v4": ("avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"),
}


def _cumulative(adds: Mapping[str, tuple[str, ...]]) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    acc: frozenset[str] = frozenset()
    for name in LEVEL_NAMES:
        acc = acc | frozenset(adds[name])
        out[name] = acc
    return out


LEVEL_CPUINFO: dict[str, frozenset[str]] = _cumulative(_LEVEL_ADDS)

# What LLVM's x86-64-vN CPU enables, in rustc's names (stable or not); cfg shows the stable ones.
LEVEL_RUSTC_FEATURES: dict[str, frozenset[str]] = _cumulative({
    "x86-64": ("fxsr", "sse", "sse2"),
    "x86-64-v2": ("cmpxchg16b", "lahfsahf", "popcnt", "sse3", "sse4.1", "sse4.2", "ssse3"),
    "x86-64-v3": ("avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "lzcnt", "movbe", "xsave"),
    "x86-64-v4": ("avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"),
})

_OLDEST = (1, 27)  # cfg(target_feature) and the first x86 names became stable in 1.27
_AVX512_ERA = (
    "avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl", "avx512ifma", "avx512vbmi", "avx512vbmi2",
    "avx512vnni", "avx512bitalg", "avx512vpopcntdq", "avx512bf16", "avx512fp16", "avx512vp2intersect",
    "vaes", "vpclmulqdq", "gfni", "avxvnni", "avxifma", "avxneconvert", "avxvnniint8", "avxvnniint16",
    "kl", "widekl", "sha512", "sm3", "sm4",
)
# rustc name -> the first stable rustc whose cfg(target_feature) shows it. Absent: not stable (yet).
CFG_STABLE_SINCE: dict[str, RustcVersion] = {
    **{name: _OLDEST for name in (
        "aes", "avx", "avx2", "bmi1", "bmi2", "fma", "fxsr", "lzcnt", "pclmulqdq", "popcnt", "rdrand",
        "rdseed", "sha", "sse", "sse2", "sse3", "sse4.1", "sse4.2", "ssse3", "xsave", "xsavec", "xsaveopt",
        "xsaves")},
    "adx": (1, 61),
    "f16c": (1, 68),
    "cmpxchg16b": (1, 69),
    "movbe": (1, 70),
    **{name: (1, 89) for name in _AVX512_ERA},
    "sse4a": (1, 91),
    "tbm": (1, 91),
}

# Implied features as cfg shows them, rustc >= 1.82 (its own table; read from rustc 1.95).
IMPLIES: dict[str, tuple[str, ...]] = {
    "sse2": ("sse",), "sse3": ("sse2",), "ssse3": ("sse3",), "sse4.1": ("ssse3",), "sse4.2": ("sse4.1",),
    "sse4a": ("sse3",), "avx": ("sse4.2",), "avx2": ("avx",), "fma": ("avx",), "f16c": ("avx",),
    "avx512f": ("avx2", "fma", "f16c"), "avx512bw": ("avx512f",), "avx512cd": ("avx512f",),
    "avx512dq": ("avx512f",), "avx512vl": ("avx512f",), "avx512ifma": ("avx512f",),
    "avx512vbmi": ("avx512bw",), "avx512vbmi2": ("avx512bw",), "avx512vnni": ("avx512f",),
    "avx512bitalg": ("avx512bw",), "avx512vpopcntdq": ("avx512f",), "avx512bf16": ("avx512bw",),
    "avx512fp16": ("avx512bw",), "avx512vp2intersect": ("avx512f",),
    "avxvnni": ("avx2",), "avxifma": ("avx2",), "avxneconvert": ("avx2",), "avxvnniint8": ("avx2",),
    "avxvnniint16": ("avx2",), "sha": ("sse2",), "sha512": ("avx2",), "sm3": ("avx",), "sm4": ("avx2",),
    "aes": ("sse2",), "pclmulqdq": ("sse2",), "vaes": ("avx2", "aes"), "vpclmulqdq": ("avx", "pclmulqdq"),
    "gfni": ("sse2",), "xop": ("avx", "sse4a"), "widekl": ("kl",), "xsavec": ("xsave",),
    "xsaveopt": ("xsave",), "xsaves": ("xsave",),
    "avx10.1": ("avx512bf16", "avx512bitalg", "avx512bw", "avx512cd", "avx512dq", "avx512f", "avx512fp16",
                "avx512ifma", "avx512vbmi", "avx512vbmi2", "avx512vl", "avx512vnni", "avx512vpopcntdq"),
    "avx10.2": ("avx10.1",),
}
IMPLIES_SINCE: RustcVersion = (1, 82)
# Where rustc < 1.82 (LLVM's view, read from rustc 1.63) differs: sse4.2 is lost under avx (#128426),
# vaes implies avx rather than avx2, and names LLVM 14 did not know yet are ignored (rustc warns).
_UNKNOWN_TO_LLVM_14 = ("avxifma", "avxneconvert", "avxvnniint8", "avxvnniint16", "sha512", "sm3", "sm4", "kl",
                       "widekl", "avx10.1", "avx10.2")
_IMPLIES_BEFORE_1_82: dict[str, tuple[str, ...]] = {
    **{name: implied for name, implied in IMPLIES.items() if name not in _UNKNOWN_TO_LLVM_14},
    "avx": ("sse4.1",), "vaes": ("avx", "aes"),
}


def parse_rustc_version(text: str | None) -> RustcVersion | None:
    """`1.72.0`, `rustc 1.95.0 (59807616e ...)`, `1.80.0-nightly` -> (1, 72); None when not a version."""
    if not text:
        return None
    for word in text.replace("rustc", " ").split():
        parts = word.split("-")[0].split(".")
        if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
            return int(parts[0]), int(parts[1])
    return None


def is_cfg_stable(feature: str, version: RustcVersion | None) -> bool:
    """Whether `cfg(target_feature = "feature")` can be true on this stable rustc (None: the newest)."""
    since = CFG_STABLE_SINCE.get(feature)
    return since is not None and (version is None or version >= since)


def with_implied(features: Iterable[str], version: RustcVersion | None = None) -> set[str]:
    """The features plus every one they imply, as that rustc's cfg would show the implications."""
    table = IMPLIES if version is None or version >= IMPLIES_SINCE else _IMPLIES_BEFORE_1_82
    out = set(features)
    pending = list(out)
    while pending:
        for implied in table.get(pending.pop(), ()):
            if implied not in out:
                out.add(implied)
                pending.append(implied)
    return out


@dataclass(frozen=True, kw_only=True)
class CodegenFeatures:
    """What `-C target-cpu` / `-C target-feature` enable, before and after the cfg filter."""

    enabled: frozenset[str]  # everything the code generator may use (rustc names, stable or not)
    cfg: frozenset[str]      # what cfg(target_feature) shows on that rustc


def codegen_features(options: Iterable[tuple[str, str | None]], *, rustc_version: RustcVersion | None,
                     host_features: Iterable[str] | None,
                     baseline: Iterable[str] = LEVEL_RUSTC_FEATURES["x86-64"]) -> CodegenFeatures:
    """Apply `-C target-cpu=` and `-C target-feature=` (in command-line order) to the x86_64 baseline.

    native takes the build host's features in rustc's names (`rustc_features(cpuinfo flags)`; None:
    unknown, the features stay as they were); the x86-64-vN levels are known; any other CPU name keeps
    the baseline. rustc_version None means the newest behaviour.
    """
    features = set(baseline)
    for name, value in options:
        if name == "target-cpu" and value:
            if value == "native":
                if host_features is not None:
                    features = set(host_features)
            elif value in LEVEL_RUSTC_FEATURES:
                features = set(LEVEL_RUSTC_FEATURES[value])
        elif name == "target-feature" and value:
            # -C target-feature accumulates across occurrences; each item is +name or -name.
            for item in value.split(","):
                item = item.strip()
                if item.startswith("+"):
                    features |= with_implied({item[1:]}, rustc_version)
                elif item.startswith("-"):
                    features.discard(item[1:])
    features = with_implied(features, rustc_version)
    return CodegenFeatures(enabled=frozenset(features),
                           cfg=frozenset(f for f in features if is_cfg_stable(f, rustc_version)))


def rustc_features(cpuinfo_flags: Iterable[str]) -> frozenset[str]:
    """The rustc target features named by cpuinfo flags; flags rustc has no name for are dropped."""
    return frozenset(CPUINFO_TO_RUSTC[flag] for flag in cpuinfo_flags if flag in CPUINFO_TO_RUSTC)


def level_of(cpuinfo_flags: Iterable[str]) -> str | None:
    """The highest x86-64 level whose every flag is present; None below x86-64 (v1)."""
    flags = frozenset(cpuinfo_flags)
    best = None
    for name in LEVEL_NAMES:
        if LEVEL_CPUINFO[name] <= flags:
            best = name
        else:
            break
    return best


def level_short(level: str | None) -> str:
    """x86-64 -> v1, x86-64-v3 -> v3 (for tables); None -> '-'."""
    if level is None:
        return "-"
    return "v1" if level == "x86-64" else level.rsplit("-", 1)[1]
