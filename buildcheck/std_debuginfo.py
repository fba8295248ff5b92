"""What the standard library's own debug info weighs: measured, per toolchain, for rule texts to quote.

Every unstripped Rust binary carries the prebuilt standard library's DWARF, whatever the
project's settings (cargo before 1.77 never strips release binaries). How much depends on how
the toolchain's std was built: rustup's with limited debug info (functions and line tables:
`llvm-dwarfdump --statistics` counts 0 source variables in it), Debian's with full debug info
(86,514 source variables in the 1.63 hello-world), so the same hello-world differs threefold.

How each row was measured (reproduce with the toolchain named; tests/test_std_debuginfo.py
repeats it for every toolchain of the table that is installed):

    printf 'fn main() {\\n    println!("hello, world");\\n}\\n' > hello.rs
    rustc -C opt-level=3 hello.rs -o hello          # = cargo build --release, strip = "none"
    buildcheck inspect --format json hello          # debug_bytes, and the rust-std origin
    readelf -S -W hello                             # the same .debug_* sizes
    objcopy --strip-debug hello stripped            # what strip = "debuginfo" takes away

Upstream's figures agree with the rustup rows: "the stdlib debug symbols, which take about 3-4 MiB
on x64 Linux" (rust-lang/cargo#4122, December 2023, around Rust 1.74) and "~4.5 MiB => ~450 KiB
for helloworld on Linux x64" (rust-lang/cargo#13257, the change that made cargo 1.77 strip).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, kw_only=True)
class StdDebugInfo:
    """The standard library's DWARF in an unstripped release hello-world built by one toolchain."""

    rustc_version: str
    distribution: Literal["rustup", "debian"]
    file_bytes: int             # the hello-world
    debug_section_bytes: int    # all .debug_* sections: what `strip = "debuginfo"` removes (they are all std's)
    debug_info_bytes: int       # of which .debug_info
    units: int                  # std's units in .debug_info
    stripped_bytes: int         # the file after objcopy --strip-debug
    measured: str               # when and with what

    @property
    def toolchain(self) -> str:
        return "{dist} rustc {version}".format(dist=self.distribution, version=self.rustc_version)


MEASURED: tuple[StdDebugInfo, ...] = (
    StdDebugInfo(rustc_version="1.63.0", distribution="debian", file_bytes=11_602_296,
                 debug_section_bytes=11_151_950, debug_info_bytes=3_134_930, units=54, stripped_bytes=445_320,
                 measured="2026-11-28, Debian bookworm rustc 1.63.0 and cargo 1.65.0, x86_64, GNU ld 2.40"),
    StdDebugInfo(rustc_version="1.95.0", distribution="rustup", file_bytes=4_336_280,
                 debug_section_bytes=3_889_913, debug_info_bytes=1_078_345, units=12, stripped_bytes=444_144,
                 measured="2026-11-28, rustup stable 1.95.0 (59807616e 2026-04-14), x86_64, GNU ld 2.40"),
    StdDebugInfo(rustc_version="1.97.0-nightly", distribution="rustup", file_bytes=4_358_800,
                 debug_section_bytes=3_913_222, debug_info_bytes=1_083_585, units=12, stripped_bytes=443_136,
                 measured="2026-11-28, rustup nightly 1.97.0 (e50aa6fba 2026-05-19), x86_64, GNU ld 2.40"),
)


def measured_for(rustc_version: str, distribution: str = "rustup") -> StdDebugInfo | None:
    """The row measured with exactly this toolchain, if there is one."""
    return next((m for m in MEASURED if m.rustc_version == rustc_version and m.distribution == distribution), None)


def debug_section_range(distribution: str | None = None) -> tuple[int, int]:
    """The smallest and largest measured std debug info (bytes of .debug_* sections), optionally of one distribution."""
    sizes = [m.debug_section_bytes for m in MEASURED if distribution is None or m.distribution == distribution]
    return min(sizes), max(sizes)
