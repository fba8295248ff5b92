"""Relocations against .debug_info in relocatable objects: applied in any table order, in bounded memory.

Real objects (gcc, g++, as, `ld -r`, LLVM through rustc) are compared with readelf in
test_binaries_vs_binutils.py (recipes `gcc-c-object`, `ld-r-objects`, `rustc-object`); all of them
write the table sorted by offset (tests below check that too). Here hand-made objects cover
what no tool on this machine writes: tables in reverse or random order, several tables, REL.
"""

from __future__ import annotations

import random
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import elf_synth as es
from buildcheck.elf import relocations
from buildcheck.elf.inspect import inspect_binary
from helpers import binutils as ref
from helpers.fresh import FreshBinaries

GCC = "GNU C17 12.2.0 -mtune=generic -march=x86-64 -g -O2"
R_X86_64_32 = 10
SHT_RELA = 4


def _object(tmp_path: Path, names: list[str], *, order: str = "sorted", filler: int = 0,
            name: str = "obj.o") -> Path:
    """A relocatable x86-64 object: one unit per name, every string offset stored as 0 and carried by a
    relocation against .debug_str's section symbol (as GNU as writes them); `filler` extra relocations
    point into the units' padding, where no top entry is."""
    strs = es.Strings()
    attrs = [es.Attr(es.AT_producer, "strp", 0), es.Attr(es.AT_language, "data1", 0x1D),
             es.Attr(es.AT_name, "strp", 0)]
    producer_at = strs.add(GCC)
    units, relocs = [], []
    offset = 0
    per_unit_filler = -(-filler // len(names)) if filler else 0
    for unit_name in names:
        name_at = strs.add(unit_name)
        padding = max(16, 4 * per_unit_filler + 8)
        unit = es.unit(version=4, attrs=attrs, abbrev_offset=0, padding=padding)
        top = offset + 4 + 2 + 4 + 1 + 1  # length, version, abbrev offset, address size, abbreviation code
        relocs.append((offset + 6, 2, 0))          # the abbreviation offset: .debug_abbrev's symbol + 0
        relocs.append((top, 1, producer_at))       # DW_AT_producer: .debug_str's symbol + offset
        relocs.append((top + 4 + 1, 1, name_at))   # DW_AT_name, after producer (4) and language (1)
        body_start = offset + len(unit) - padding
        relocs.extend((body_start + 4 * k, 1, 0) for k in range(per_unit_filler))
        units.append(unit)
        offset += len(unit)
    if order == "reversed":
        relocs.reverse()
    elif order == "random":
        random.Random(7).shuffle(relocs)
    # symbols: null, .debug_str's section symbol (index 1), .debug_abbrev's (index 2)
    symtab = bytes(24) + struct.pack("<IBBHQQ", 0, 3, 0, 3, 0, 0) + struct.pack("<IBBHQQ", 0, 3, 0, 2, 0, 0)
    rela = b"".join(struct.pack("<QQq", at, (symbol << 32) | R_X86_64_32, addend) for at, symbol, addend in relocs)
    sections = [es.Section(".debug_info", b"".join(units)),                      # 1
                es.Section(".debug_abbrev", es.abbrev_table(1, 0x11, attrs)),   # 2
                es.Section(".debug_str", bytes(strs.data)),                      # 3
                es.Section(".symtab", symtab, type=es.SHT_SYMTAB, link=5, info=1, entsize=24, align=8),  # 4
                es.Section(".strtab", b"\0", type=es.SHT_STRTAB),                # 5
                es.Section(".rela.debug_info", rela, type=SHT_RELA, link=4, info=1, entsize=24, align=8)]
    path = tmp_path / name
    path.write_bytes(es.build_elf(sections, etype=1))
    return path


@pytest.mark.parametrize("order", ["sorted", "reversed", "random"])
def test_relocated_names_in_any_table_order(tmp_path, order):
    names = [f"/src/crate{i}/lib.c" for i in range(40)]
    report = inspect_binary(_object(tmp_path, names, order=order, filler=400))
    assert report.elf.type == "REL" and report.units == 40 and report.warnings == ()
    assert {o.name for o in report.origins} == {"/src"} or {o.producer for o in report.origins} == {GCC}
    assert sum(o.units for o in report.origins if o.producer == GCC) == 40


def test_each_unit_gets_its_own_relocated_name(tmp_path):
    """Unit names decide origins for C only through paths; here each name is a registry crate."""
    reg = "/home/op/.cargo/registry/src/index.crates.io-6f17d22bba15001f"
    names = [f"{reg}/crate{i}-0.1.0/src/x.c" for i in range(12)]
    report = inspect_binary(_object(tmp_path, names, order="random", filler=100))
    assert sorted(o.crate for o in report.origins) == sorted(f"crate{i}" for i in range(12))


def _table(entries: list[tuple[int, int]]) -> relocations._Table:
    """A RELA table in memory: (r_offset, r_addend) pairs against symbol 0."""
    data = b"".join(struct.pack("<QQq", at, R_X86_64_32, addend) for at, addend in entries)
    return relocations._Table(data=data, start=0, count=len(entries), entry=24, entry_fmt="<QQq", is64=True,
                              rela=True, byte_order="<", sym_start=0, sym_end=0)


def test_the_last_of_two_relocations_at_one_offset_wins():
    """As the old mapping did (a later entry overwrote an earlier one), within a table and across tables."""
    one = _table([(8, 5), (16, 1), (8, 9)])
    assert relocations.Relocations([one]).resolve([8, 16, 24]) == {8: (9, True), 16: (1, True)}
    assert relocations.Relocations([one, _table([(16, 3)])]).resolve([16]) == {16: (3, True)}
    assert relocations.Relocations([one]).resolve([]) == {}


def test_chunk_edges_do_not_lose_entries(tmp_path, monkeypatch):
    monkeypatch.setattr(relocations, "CHUNK_ENTRIES", 7)
    names = [f"/src/c{i}.c" for i in range(25)]
    report = inspect_binary(_object(tmp_path, names, order="random", filler=60))
    assert sum(o.units for o in report.origins if o.producer == GCC) == 25


# Peak RSS from /proc/self/status (VmHWM, this process's own high-water mark): ru_maxrss would do on
# its own, but Linux carries it over from the parent through fork and exec (getrusage(2)), so a child
# of a 200 MB pytest starts at 200 MB and hides any growth below that.
_MEASURE = textwrap.dedent("""
    import re, sys
    from buildcheck.elf.inspect import inspect_binary

    def peak_kib():
        with open("/proc/self/status") as status:
            return int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1))

    inspect_binary(sys.argv[1])              # warm-up: imports, caches
    before = peak_kib()
    report = inspect_binary(sys.argv[2])
    print(peak_kib() - before, report.units)
""")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc/self/status")
def test_a_large_relocation_table_is_not_loaded_into_memory(tmp_path):
    """600,000 relocations (14 MB of table) for 3 units: the table is scanned in place, never held as a
    mapping (which took ~150 bytes a relocation: ~90 MB here, ~1 GB for a large `ld -r` object)."""
    small = _object(tmp_path, ["/src/a.c"], name="small.o")
    large = _object(tmp_path, ["/src/a.c", "/src/b.c", "/src/c.c"], filler=600_000, name="large.o")
    proc = subprocess.run([sys.executable, "-c", _MEASURE, str(small), str(large)], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    grown_kib, units = map(int, proc.stdout.split())
    assert units == 3
    # the table's own pages (14 MB, touched by the scan) are the file's, shared, and the most it may add
    assert grown_kib < 40 * 1024, f"peak RSS grew {grown_kib} KiB"


# --- what the real tools write: sorted tables (so a reader may assume so; ours does not) ---------

@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> FreshBinaries:
    return FreshBinaries(tmp_path_factory.mktemp("reloc-objects"))


@pytest.mark.skipif(not ref.READELF, reason="readelf (binutils) is not installed")
@pytest.mark.parametrize("recipe", ["gcc-c-object", "ld-r-objects", "rustc-object"])
def test_real_tools_write_debug_info_relocations_sorted_by_offset(fresh, recipe):
    path = fresh(recipe)
    text = ref.run([ref.READELF, "-r", "-W", str(path)])
    section = text.split("Relocation section '.rela.debug_info'")[1].split("Relocation section")[0]
    offsets = [int(line.split()[0], 16) for line in section.splitlines()[2:] if line.strip()]
    assert len(offsets) > 3 and offsets == sorted(offsets)
