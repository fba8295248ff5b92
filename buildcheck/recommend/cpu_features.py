"""What `-C target-cpu=native` means on this host, and a portable alternative.

Sealing leans on a few x86 extensions: SHA-NI for PC1 (SDR is a chain of SHA-256),
ADX and BMI2 for blst's field arithmetic, AVX2 (and AVX-512 where present) for the
vectorised hashing. `native` compiles away the runtime checks in `sha2`/`cpufeatures`,
so a binary built on a SHA-NI host dies with SIGILL on a CPU without it.

/proc/cpuinfo and rustc name features differently (`sha_ni` vs `sha`, `pni` vs
`sse3`); `CPUINFO_TO_RUSTC` maps the ones rustc knows. The text is passed in: only
`read_cpuinfo` touches the file system, and the command calls it at the edge.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from buildcheck.errors import InputError
from buildcheck.i18n import _

# /proc/cpuinfo flag -> rustc target feature (x86_64). Names that are the same in both
# are listed too so that the set of features we report is explicit and testable
# against `rustc --print target-features`.
CPUINFO_TO_RUSTC: dict[str, str] = {
    "sha_ni": "sha",
    "pni": "sse3",
    "sse4_1": "sse4.1",
    "sse4_2": "sse4.2",
    "cx16": "cmpxchg16b",
    "abm": "lzcnt",
    "lahf_lm": "lahfsahf",
    "avx512_vnni": "avx512vnni",
    "avx512_bf16": "avx512bf16",
    "avx512_bitalg": "avx512bitalg",
    "avx512_vbmi2": "avx512vbmi2",
    "avx512_vpopcntdq": "avx512vpopcntdq",
    "avx512_vp2intersect": "avx512vp2intersect",
    "avx512_fp16": "avx512fp16",
    "avx_vnni": "avxvnni",
    **{same: same for same in (
        "adx", "aes", "avx", "avx2", "avx512bw", "avx512cd", "avx512dq", "avx512f", "avx512ifma",
        "avx512vbmi", "avx512vl", "bmi1", "bmi2", "f16c", "fma", "fxsr", "gfni", "movbe", "pclmulqdq",
        "popcnt", "rdrand", "rdseed", "rtm", "sse", "sse2", "sse4a", "ssse3", "tbm", "vaes",
        "vpclmulqdq", "xsave", "xsavec", "xsaveopt", "xsaves",
    )},
}

def N_(message: str) -> str:
    """Marks a message for extraction (xgettext --keyword=N_); it is translated where shown."""
    return message


# The features that matter for sealing, with why (shown to the user).
SEALING_FEATURES: dict[str, str] = {
    "sha": N_("SHA-NI: SHA-256 in hardware, the core of PC1 (SDR)"),
    "adx": N_("ADX: carry chains in blst's field arithmetic"),
    "bmi2": N_("BMI2: mulx in blst's field arithmetic"),
    "avx2": N_("AVX2: vectorised hashing and field operations"),
    "avx512f": N_("AVX-512F: wider vectors where the CPU has them"),
}

# x86-64-v3 as the x86-64 psABI defines it (v1 + v2 + v3 levels); `rustc --print cfg
# -C target-cpu=x86-64-v3` shows the same set minus unstable names such as lahfsahf.
# It has AVX2 and BMI2 but neither `sha` nor `adx`.
X86_64_V3: frozenset[str] = frozenset({
    "fxsr", "sse", "sse2",                                                   # v1 (with cmov, cx8, mmx)
    "cmpxchg16b", "lahfsahf", "popcnt", "sse3", "sse4.1", "sse4.2", "ssse3",  # v2
    "avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "lzcnt", "movbe", "xsave",  # v3
})


def read_cpuinfo(path: str | Path = "/proc/cpuinfo") -> str:
    """The cpuinfo text, read once at the edge of the program."""
    try:
        # /proc files report size 0; read with a cap so a wrong path cannot eat memory.
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read(8 * 1024 * 1024)
    except OSError as exc:
        raise InputError(_("cannot read {path}: {error}").format(path=path, error=exc.strerror or exc)) from None


def cpuinfo_flags(text: str) -> frozenset[str]:
    """The `flags` of the first processor in /proc/cpuinfo text (all cores of a host agree)."""
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() == "flags":
            return frozenset(value.split())
    return frozenset()


def rustc_features(cpu_flags: Iterable[str]) -> frozenset[str]:
    """The rustc target features named by cpuinfo flags; flags rustc has no name for are dropped."""
    return frozenset(CPUINFO_TO_RUSTC[flag] for flag in cpu_flags if flag in CPUINFO_TO_RUSTC)


@dataclass(frozen=True, kw_only=True)
class NativeSummary:
    """What native gives on this host for sealing, and the portable flags that keep it."""

    sealing_present: tuple[str, ...]
    sealing_missing: tuple[str, ...]
    portable_flags: tuple[str, ...]
    portable_baseline: str | None  # "x86-64-v3" or None when only target-feature is used


def summarize_native(host_features: frozenset[str]) -> NativeSummary:
    present = tuple(f for f in SEALING_FEATURES if f in host_features)
    missing = tuple(f for f in SEALING_FEATURES if f not in host_features)
    if X86_64_V3 <= host_features:
        baseline: str | None = "x86-64-v3"
        extra = [f for f in present if f not in X86_64_V3]
        flags: list[str] = ["-C", "target-cpu=x86-64-v3"]
    else:
        baseline = None
        extra = list(present)
        flags = []
    if extra:
        flags += ["-C", "target-feature=" + ",".join("+" + f for f in extra)]
    return NativeSummary(sealing_present=present, sealing_missing=missing,
                         portable_flags=tuple(flags), portable_baseline=baseline)


def describe_native(summary: NativeSummary) -> list[str]:
    """Human lines: what native enables for sealing here, the SIGILL warning, the portable choice."""
    lines = [_("`-C target-cpu=native` on this host enables, for sealing:")]
    for feature in summary.sealing_present:
        lines.append(_("  +{feature}  {why}").format(feature=feature, why=_(SEALING_FEATURES[feature])))
    if summary.sealing_missing:
        lines.append(_("  not on this host: {features}").format(features=", ".join(summary.sealing_missing)))
    lines.append(_("A native binary may die with SIGILL (Illegal instruction) on another CPU model; "
                   "build on the oldest CPU of the fleet, or use --portable."))
    if summary.portable_flags:
        lines.append(_("Portable alternative: {flags}").format(flags=" ".join(summary.portable_flags)))
        if summary.portable_baseline == "x86-64-v3":
            lines.append(_("x86-64-v3 has AVX2 and BMI2 but not SHA-NI or ADX, so those are named explicitly; "
                           "every machine that runs the binary needs them."))
    return lines
