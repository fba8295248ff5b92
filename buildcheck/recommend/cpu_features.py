"""What `-C target-cpu=native` means on this host, and a portable alternative.

Sealing leans on a few x86 extensions: SHA-NI for PC1 (SDR is a chain of SHA-256),
ADX and BMI2 for blst's field arithmetic, AVX2 (and AVX-512 where present) for the
vectorised hashing. `native` compiles away the runtime checks in `sha2`/`cpufeatures`,
so a binary built on a SHA-NI host dies with SIGILL on a CPU without it.

/proc/cpuinfo and rustc name features differently (`sha_ni` vs `sha`, `pni` vs
`sse3`); buildcheck.x86_features holds that table and the levels. The text is passed in: only
`read_cpuinfo` touches the file system, and the command calls it at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from buildcheck.errors import InputError
from buildcheck.i18n import _
from buildcheck.x86_features import LEVEL_RUSTC_FEATURES

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

# x86-64-v3 as LLVM's x86-64-v3 CPU enables it (`rustc --print cfg` shows it minus unstable names such as
# lahfsahf). It has AVX2 and BMI2 but neither `sha` nor `adx`.
X86_64_V3: frozenset[str] = LEVEL_RUSTC_FEATURES["x86-64-v3"]


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
