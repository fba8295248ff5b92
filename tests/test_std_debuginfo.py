"""The measured table of the standard library's debug info, measured again with every listed toolchain installed.

A toolchain the table does not list (a newer stable on CI) is skipped, not guessed at: add its row
by running the commands in buildcheck/std_debuginfo.py's docstring.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from buildcheck import std_debuginfo
from buildcheck.elf.inspect import inspect_binary
from helpers import binutils as ref
from helpers.fresh import DEBIAN_RUSTC, RUSTUP_BIN

pytestmark = pytest.mark.toolchain

HELLO = 'fn main() {\n    println!("hello, world");\n}\n'
NIGHTLY = Path.home() / ".rustup" / "toolchains" / "nightly-x86_64-unknown-linux-gnu" / "bin" / "rustc"
# The same toolchain with another linker or C library moves a few KB; more is another measurement.
TOLERANCE = 0.02


def _version(rustc: Path) -> tuple[str, str] | None:
    if not rustc.exists():
        return None
    text = subprocess.run([str(rustc), "--version"], capture_output=True, text=True).stdout.split()
    return (text[1], "debian" if rustc == DEBIAN_RUSTC else "rustup") if len(text) > 1 else None


@pytest.mark.parametrize("rustc", [RUSTUP_BIN / "rustc", DEBIAN_RUSTC, NIGHTLY], ids=["rustup", "debian", "nightly"])
def test_each_installed_listed_toolchain_measures_as_the_table_says(rustc, tmp_path):
    found = _version(rustc)
    if found is None:
        pytest.skip(f"{rustc} is not installed")
    row = std_debuginfo.measured_for(*found)
    if row is None:
        pytest.skip(f"{found[1]} rustc {found[0]} is not in the table (add its row: see std_debuginfo.py)")
    (tmp_path / "hello.rs").write_text(HELLO)
    subprocess.run([str(rustc), "-C", "opt-level=3", "hello.rs", "-o", "hello"], cwd=tmp_path, check=True,
                   capture_output=True)
    report = inspect_binary(tmp_path / "hello")
    std = [o for o in report.origins if o.kind == "rust-std"]
    assert [o.kind for o in report.origins] == ["rust-std"] * len(std)  # all of it is std's
    assert report.debug_bytes == pytest.approx(row.debug_section_bytes, rel=TOLERANCE)
    assert sum(o.debug_info_bytes for o in std) == pytest.approx(row.debug_info_bytes, rel=TOLERANCE)
    assert sum(o.units for o in std) == row.units
    if ref.READELF:
        sizes = [s.size for s in ref.readelf_sections(tmp_path / "hello") if s.name.startswith(".debug_")]
        assert sum(sizes) == report.debug_bytes
    if ref.OBJCOPY:
        assert ref.stripped_size(tmp_path / "hello") == pytest.approx(row.stripped_bytes, rel=0.05)


def test_the_table_is_consistent():
    for row in std_debuginfo.MEASURED:
        assert row.debug_info_bytes < row.debug_section_bytes < row.file_bytes
        assert row.file_bytes - row.stripped_bytes >= row.debug_section_bytes
    low, high = std_debuginfo.debug_section_range()
    assert low < 4_000_000 < 11_000_000 < high
    assert std_debuginfo.debug_section_range("rustup")[1] < 4_000_000
    assert std_debuginfo.measured_for("1.63.0", "debian").units == 54
    assert std_debuginfo.measured_for("1.0.0") is None
