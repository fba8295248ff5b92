"""Split files are read with the same bounds as the binary: a damaged .dwo or package index is a warning.

The unit index is built by hand from DWARF 5 section 7.3.5 (and the GNU version 2 it extends),
independently of buildcheck.elf.dwp_index.
"""

from __future__ import annotations

import os
import shutil
import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from buildcheck.elf import dwarf, dwp_index
from buildcheck.elf.compressed import Span
from buildcheck.elf.inspect import inspect_binary

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "binaries"


def index_bytes(rows: list[tuple[int, dict[int, tuple[int, int]]]], *, version: int = 5, slots: int = 4,
                columns: tuple[int, ...] = (1, 3, 6)) -> bytes:
    """An index: rows of (signature, {section id: (offset, size)}), placed at slot signature % slots."""
    head = struct.pack("<HHIII", version, 0, len(columns), len(rows), slots) if version == 5 else struct.pack(
        "<IIII", version, len(columns), len(rows), slots)
    hashes, numbers = [0] * slots, [0] * slots
    for row, (signature, _cells) in enumerate(rows, 1):
        slot = signature % slots
        while numbers[slot]:
            slot = (slot + 1) % slots
        hashes[slot], numbers[slot] = signature, row
    body = struct.pack(f"<{slots}Q", *hashes) + struct.pack(f"<{slots}I", *numbers)
    body += struct.pack(f"<{len(columns)}I", *columns)
    for _signature, cells in rows:
        body += struct.pack(f"<{len(columns)}I", *(cells.get(c, (0, 0))[0] for c in columns))
    for _signature, cells in rows:
        body += struct.pack(f"<{len(columns)}I", *(cells.get(c, (0, 0))[1] for c in columns))
    return head + body


def span(data: bytes) -> Span:
    return Span(data, 0, len(data))


@pytest.mark.parametrize("version", [2, 5])
def test_rows_give_each_unit_its_contribution_bases(version):
    rows = [(0x1111, {1: (0x54, 0xDC), 3: (0x49, 0xBF), 6: (0x10, 0x3C)}),
            (0x2222, {1: (0, 0x54), 3: (0, 0x49), 6: (0, 0x10)})]
    index = dwp_index.package_index(span(index_bytes(rows, version=version)), span(b""), "<")
    assert [c.signature for c in index.contributions] == [0x2222, 0x1111]  # ordered by info offset
    assert index.bases(0) == (0, 0) and index.bases(0x54) == (0x49, 0x10) and index.bases(0x100) == (0x49, 0x10)
    assert index.at(0x130) is None and index.bases(0x130) == (0, 0)


@pytest.mark.parametrize("damage,needle", [
    (lambda b: b[:12], "shorter than its header"),
    (lambda b: struct.pack("<HH", 3, 0) + b[4:], "version 3"),
    (lambda b: b[:16 + 8 * 4] + struct.pack("<I", 9) + b[16 + 8 * 4 + 4:], "row 9 past"),
    (lambda b: b[:12] + struct.pack("<I", 1 << 28) + b[16:], "do not fit"),
    (lambda b: b[:-4], "do not fit"),
])
def test_a_damaged_index_is_a_dwarf_error(damage, needle):
    good = index_bytes([(5, {1: (0, 10), 3: (0, 4), 6: (0, 8)})])
    with pytest.raises(dwarf.DwarfError, match=needle):
        dwp_index.read_index(span(damage(good)), "<", type_units=False)


def test_a_version_2_type_index_without_an_info_column_is_ignored():
    """GNU version 2 type units live in .debug_types.dwo, which is not walked."""
    assert dwp_index.read_index(span(index_bytes([(7, {2: (0, 9)})], version=2, columns=(2, 3))), "<",
                                type_units=True) == []


@pytest.fixture
def split_copy(tmp_path: Path) -> Path:
    for name in ("c-split-dwarf", "c-split-dwarf.dwo"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    return tmp_path / "c-split-dwarf"


@settings(max_examples=int(os.environ.get("BC_FUZZ_EXAMPLES", "150")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_damaged_dwo_never_fails_the_binary(split_copy, data):
    """Whatever happens to the .dwo beside it, the binary is reported; the .dwo at worst with a problem."""
    dwo = split_copy.parent / "c-split-dwarf.dwo"
    blob = bytearray((FIXTURES / "c-split-dwarf.dwo").read_bytes())
    for at, value in data.draw(st.lists(st.tuples(st.integers(0, len(blob) - 1), st.integers(0, 255)),
                                        min_size=1, max_size=8)):
        blob[at] = value
    cut = data.draw(st.one_of(st.none(), st.integers(0, len(blob))))
    dwo.write_bytes(bytes(blob[:cut] if cut is not None else blob))
    report = inspect_binary(split_copy)
    assert report.split_dwarf and len(report.dwo_files) == 1
    (found,) = report.dwo_files
    assert found.exists and found.path == str(dwo)
    assert report.split_debug_info_bytes == sum(o.debug_info_bytes for o in report.split_origins)
    if found.problem is None and found.units:
        assert found.debug_info_bytes == report.split_debug_info_bytes


def test_a_directory_named_like_the_dwo_is_not_read(split_copy):
    dwo = split_copy.parent / "c-split-dwarf.dwo"
    dwo.unlink()
    dwo.mkdir()
    report = inspect_binary(split_copy)
    assert [d.exists for d in report.dwo_files] == [False] and report.split_units == 0


def test_a_dwo_name_naming_an_ordinary_binary_charges_nothing(tmp_path):
    """Only .debug_info.dwo is split debug info: a binary's own .debug_info at that path is not counted."""
    shutil.copy(FIXTURES / "c-split-dwarf", tmp_path / "c-split-dwarf")
    shutil.copy(FIXTURES / "c-debug", tmp_path / "c-split-dwarf.dwo")
    report = inspect_binary(tmp_path / "c-split-dwarf")
    (found,) = report.dwo_files
    assert found.exists and found.units == 0 and "no split DWARF" in found.problem
    assert report.split_units == 0 and report.split_origins == ()


def test_an_unreadable_dwo_is_named_once_with_its_reason(split_copy):
    dwo = split_copy.parent / "c-split-dwarf.dwo"
    dwo.write_bytes(b"not an ELF file at all")
    report = inspect_binary(split_copy)
    (found,) = report.dwo_files
    assert found.exists and found.problem == "not an ELF file" and found.units == 0
    assert [w for w in report.warnings if "not an ELF" in w] == [f"{dwo}: not an ELF file"]
