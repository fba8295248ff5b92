"""The unit walk and top-entry decoding on hand-built DWARF (tests/elf_synth.py).

Every DWARF version 2-5, 32- and 64-bit DWARF, both byte orders, every form a top
entry can use, compressed sections, and damaged DWARF inside a good ELF.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

import elf_synth as es
from buildcheck.elf.inspect import inspect_binary

RUST_PRODUCER = "clang LLVM (rustc version 1.72.0 (5680fa18f 2023-08-23))"
GCC_PRODUCER = "GNU C17 12.2.0 -mtune=generic -march=x86-64 -g -O2"


def write(tmp_path: Path, data: bytes, name: str = "bin") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def rust_unit_attrs(strs: es.Strings, crate: str, form: str = "strp") -> list[es.Attr]:
    return [
        es.Attr(es.AT_producer, form, strs.add(RUST_PRODUCER)),
        es.Attr(es.AT_language, "data2", 0x1C),
        es.Attr(es.AT_name, form, strs.add(f"src/lib.rs/@/{crate}.a1b2c3d4e5f60718-cgu.0")),
        es.Attr(es.AT_stmt_list, "sec_offset", 0),
        es.Attr(es.AT_comp_dir, form, strs.add("/home/op/work")),
        es.Attr(es.AT_low_pc, "addr", 0x1000),
    ]


@pytest.mark.parametrize("version", [2, 3, 4, 5])
@pytest.mark.parametrize("dwarf64", [False, True], ids=["dwarf32", "dwarf64"])
@pytest.mark.parametrize("bo,class_", [("<", 64), (">", 64), ("<", 32), (">", 32)],
                         ids=["le64", "be64", "le32", "be32"])
def test_every_version_offset_size_and_byte_order(tmp_path, version, dwarf64, bo, class_):
    strs = es.Strings()
    abbrev = es.abbrev_table(1, 0x11, rust_unit_attrs(strs, "x"), children=True)
    strs = es.Strings()  # same layout, fresh offsets for each unit's strings
    units = []
    for crate, padding in (("alpha", 300), ("beta", 40), ("alpha", 7)):
        units.append(es.unit(version=version, attrs=rust_unit_attrs(strs, crate), abbrev_offset=0, bo=bo,
                             dwarf64=dwarf64, address_size=class_ // 8, padding=padding))
    data = es.dwarf_elf(units, abbrev, debug_str=bytes(strs.data), class_=class_, bo=bo)
    report = inspect_binary(write(tmp_path, data))

    assert report.warnings == ()
    assert report.elf.class_ == class_ and report.elf.endianness == ("little" if bo == "<" else "big")
    assert report.units == 3
    assert report.dwarf_versions == (version,)
    assert report.debug_info_bytes == sum(len(u) for u in units)
    by_name = {o.name: o for o in report.origins}
    assert set(by_name) == {"alpha", "beta"}
    assert by_name["alpha"].debug_info_bytes == len(units[0]) + len(units[2])
    assert by_name["alpha"].units == 2 and by_name["alpha"].kind == "rust"
    assert by_name["beta"].debug_info_bytes == len(units[1])
    assert by_name["alpha"].producer == RUST_PRODUCER
    assert [o.name for o in report.origins] == ["alpha", "beta"]  # sorted by bytes


@pytest.mark.parametrize("form", ["strx", "strx1", "strx2", "strx3", "strx4"])
def test_dwarf5_string_index_forms_use_str_offsets_base(tmp_path, form):
    strs = es.Strings()
    strings = [strs.add(GCC_PRODUCER), strs.add("zstd/lib/compress/zstd_compress.c"),
               strs.add("/home/op/.cargo/registry/src/index.crates.io-6f17d22bba15001f/zstd-sys-2.0.8+zstd.1.5.5")]
    # .debug_str_offsets (DWARF 5): unit_length, version 5, padding, then the offsets; the base
    # points past that 8-byte header. Put a decoy table first so a missing base would read the wrong one.
    decoy = struct.pack("<IHH", 4 + 4 * 3, 5, 0) + struct.pack("<III", 0, 0, 0)
    table = struct.pack("<IHH", 4 + 4 * 3, 5, 0) + b"".join(struct.pack("<I", s) for s in strings)
    base = len(decoy) + 8
    attrs = [es.Attr(es.AT_producer, form, 0), es.Attr(es.AT_language, "data1", 0x1D),
             es.Attr(es.AT_name, form, 1), es.Attr(es.AT_comp_dir, form, 2),
             es.Attr(es.AT_str_offsets_base, "sec_offset", base)]
    abbrev = es.abbrev_table(1, 0x11, attrs)
    unit = es.unit(version=5, attrs=attrs, abbrev_offset=0)
    data = es.dwarf_elf([unit], abbrev, debug_str=bytes(strs.data), str_offsets=decoy + table)
    report = inspect_binary(write(tmp_path, data))
    assert report.warnings == ()
    (origin,) = report.origins
    assert origin.name == "zstd-sys" and origin.crate == "zstd-sys"
    assert origin.kind == "c" and origin.producer == GCC_PRODUCER


def test_line_strp_implicit_const_indirect_and_skipped_forms(tmp_path):
    strs, line_strs = es.Strings(), es.Strings()
    attrs = [
        es.Attr(0x3E, "implicit_const", implicit=-3),          # DW_AT_base_types-ish: value in the abbrev
        es.Attr(0x2001, "data16"),
        es.Attr(0x2002, "block", b"\x01\x02\x03"),
        es.Attr(0x2003, "block1", b"\x04"),
        es.Attr(0x2004, "block2", b"\x05\x06"),
        es.Attr(0x2005, "block4", b""),
        es.Attr(0x2006, "exprloc", b"\x9c"),
        es.Attr(0x2007, "sdata", -129),
        es.Attr(0x2008, "flag_present"),
        es.Attr(0x2009, "addrx", 3),
        es.Attr(0x200A, "rnglistx", 1),
        es.Attr(0x200B, "loclistx", 2),
        es.Attr(0x200C, "ref_sig8", 7),
        es.Attr(0x200D, "GNU_strp_alt", 9),
        es.Attr(0x200E, "GNU_ref_alt", 9),
        es.Attr(0x200F, "GNU_addr_index", 4),
        es.Attr(0x2010, "data8", 1),
        es.Attr(0x2011, "ref_addr", 0),
        es.Attr(0x2012, "addrx4", 0),
        es.Attr(es.AT_producer, "indirect", GCC_PRODUCER.replace("C17", "C++17"), indirect_form="string"),
        es.Attr(es.AT_language, "indirect", 0x21, indirect_form="udata"),
        es.Attr(es.AT_name, "line_strp", line_strs.add("rocksdb/db/db_impl.cc")),
        es.Attr(es.AT_comp_dir, "line_strp",
                line_strs.add("/home/op/damocles/target/release/build/librocksdb-sys-0123456789abcdef/out")),
    ]
    abbrev = es.abbrev_table(1, 0x11, attrs, extra_before=5)
    unit = es.unit(version=5, attrs=attrs, abbrev_offset=0)
    data = es.dwarf_elf([unit], abbrev, debug_str=bytes(strs.data) or b"\0", line_str=bytes(line_strs.data))
    report = inspect_binary(write(tmp_path, data))
    assert report.warnings == ()
    (origin,) = report.origins
    assert (origin.name, origin.kind, origin.crate) == ("librocksdb-sys", "c++", "librocksdb-sys")
    assert origin.producer.startswith("GNU C++17")


def test_abbreviation_tables_are_found_by_offset_and_code(tmp_path):
    strs = es.Strings()
    a_attrs = rust_unit_attrs(strs, "first")
    table_a = es.abbrev_table(1, 0x11, a_attrs)
    b_attrs = [es.Attr(es.AT_producer, "string", "GNU AS 2.40"), es.Attr(es.AT_language, "data2", 0x8001),
               es.Attr(es.AT_name, "string", "../sysdeps/x86_64/start.S")]
    table_b = es.abbrev_table(7, 0x11, b_attrs, extra_before=3)
    units = [es.unit(version=4, attrs=a_attrs, abbrev_offset=0),
             es.unit(version=4, attrs=b_attrs, abbrev_offset=len(table_a), code=7)]
    data = es.dwarf_elf(units, table_a + table_b, debug_str=bytes(strs.data))
    report = inspect_binary(write(tmp_path, data))
    assert report.warnings == ()
    kinds = {o.name: o.kind for o in report.origins}
    assert kinds == {"first": "rust", "../sysdeps/x86_64/start.S": "asm"}


@pytest.mark.parametrize("compress", ["zlib", "gnu"])
@pytest.mark.parametrize("class_", [32, 64])
def test_compressed_debug_info_is_walked(tmp_path, compress, class_):
    strs = es.Strings()
    attrs = rust_unit_attrs(strs, "packed")
    abbrev = es.abbrev_table(1, 0x11, attrs)
    units = [es.unit(version=4, attrs=attrs, abbrev_offset=0, padding=5000, address_size=class_ // 8)]
    data = es.dwarf_elf(units, abbrev, debug_str=bytes(strs.data), compress=compress, class_=class_)
    report = inspect_binary(write(tmp_path, data))
    assert report.warnings == ()
    info = next(s for s in report.sections if s.name in (".debug_info", ".zdebug_info"))
    assert info.compressed and info.compression == ("zlib" if compress == "zlib" else "zlib-gnu")
    assert info.uncompressed_size == len(units[0]) > info.size
    assert report.debug_info_bytes == len(units[0])
    assert [(o.name, o.debug_info_bytes) for o in report.origins] == [("packed", len(units[0]))]


def test_zstd_without_a_decompressor_warns_and_keeps_the_sum(tmp_path, monkeypatch):
    from buildcheck.elf import compressed

    monkeypatch.setattr(compressed, "zstd_module", lambda: None)
    strs = es.Strings()
    attrs = rust_unit_attrs(strs, "z")
    units = [es.unit(version=5, attrs=attrs, abbrev_offset=0)]
    data = es.dwarf_elf(units, es.abbrev_table(1, 0x11, attrs), debug_str=bytes(strs.data), compress="zstd")
    report = inspect_binary(write(tmp_path, data))
    assert any("zstd-compressed DWARF: origins not computed" in w for w in report.warnings)
    assert not report.origins_computed
    assert sum(o.debug_info_bytes for o in report.origins) == report.debug_info_bytes == len(units[0])


def test_declared_uncompressed_size_bounds_the_output(tmp_path):
    """A Chdr claiming fewer bytes than the stream holds: we stop at the claim and say so."""
    strs = es.Strings()
    attrs = rust_unit_attrs(strs, "c")
    unit = es.unit(version=4, attrs=attrs, abbrev_offset=0, padding=1000)
    payload = bytearray(es.compress_section(unit, bo="<", class_=64))
    struct.pack_into("<Q", payload, 8, 100)  # ch_size: 100 bytes
    data = es.build_elf([es.Section(".debug_info", bytes(payload), flags=es.SHF_COMPRESSED, align=8),
                         es.Section(".debug_abbrev", es.abbrev_table(1, 0x11, attrs)),
                         es.Section(".debug_str", bytes(strs.data))])
    report = inspect_binary(write(tmp_path, data))
    assert report.debug_info_bytes == 100
    assert sum(o.debug_info_bytes for o in report.origins) == 100
    assert report.warnings  # the unit claims more than the 100 bytes there are


# --- damaged DWARF inside a good ELF: the section report comes out, with a warning --------------

def _two_units(**overrides) -> tuple[list[bytes], bytes, bytes]:
    strs = es.Strings()
    attrs = rust_unit_attrs(strs, "good")
    abbrev = es.abbrev_table(1, 0x11, attrs)
    units = [es.unit(version=4, attrs=attrs, abbrev_offset=0, padding=64),
             es.unit(version=4, attrs=attrs, abbrev_offset=0, padding=64)]
    return units, abbrev, bytes(strs.data)


@pytest.mark.parametrize("damage", [
    "length_past_end", "length_64_huge", "reserved_length", "bad_version", "abbrev_offset_past_end",
    "unknown_code", "stray_bytes", "string_offset_past_end", "unknown_form",
])
def test_damaged_dwarf_gives_a_warning_and_keeps_the_sum(tmp_path, damage):
    units, abbrev, strs = _two_units()
    second = bytearray(units[1])
    if damage == "length_past_end":
        struct.pack_into("<I", second, 0, 0x7FFFFFF0)
    elif damage == "length_64_huge":
        second = bytearray(b"\xff\xff\xff\xff" + struct.pack("<Q", 2**62) + bytes(second[4:]))
    elif damage == "reserved_length":
        struct.pack_into("<I", second, 0, 0xFFFFFFF5)
    elif damage == "bad_version":
        struct.pack_into("<H", second, 4, 77)
    elif damage == "abbrev_offset_past_end":
        struct.pack_into("<I", second, 6, 0x7FFFFFFF)
    elif damage == "unknown_code":
        second[11] = 0x55
    elif damage == "stray_bytes":
        second += b"\x01\x02"
    elif damage == "string_offset_past_end":
        struct.pack_into("<I", second, 12, 0x7FFFFFF0)  # DW_AT_producer's strp
    elif damage == "unknown_form":
        abbrev = abbrev[:4] + bytes([0x7F]) + abbrev[5:]  # producer's form becomes 0x7f
    data = es.dwarf_elf([units[0], bytes(second)], abbrev, debug_str=strs)
    report = inspect_binary(write(tmp_path, data))
    assert report.warnings, damage
    assert any("DWARF" in w for w in report.warnings)
    assert len(report.sections) >= 4
    assert sum(o.debug_info_bytes for o in report.origins) == report.debug_info_bytes
    if damage not in ("unknown_form",):
        assert any(o.name == "good" for o in report.origins)


def test_a_unit_without_a_top_entry_is_still_charged(tmp_path):
    units, abbrev, strs = _two_units()
    empty = es.unit(version=4, attrs=[], abbrev_offset=0, code=0, body=b"")
    data = es.dwarf_elf([units[0], empty], abbrev, debug_str=strs)
    report = inspect_binary(write(tmp_path, data))
    assert report.units == 2
    assert sum(o.units for o in report.origins) == 2
    assert sum(o.debug_info_bytes for o in report.origins) == len(units[0]) + len(empty)


def test_split_dwarf_skeleton_points_at_dwo_files(tmp_path):
    strs = es.Strings()
    attrs = [es.Attr(es.AT_comp_dir, "strp", strs.add(str(tmp_path))),
             es.Attr(es.AT_dwo_name, "strp", strs.add("present.dwo"))]
    attrs_missing = [es.Attr(es.AT_comp_dir, "strp", strs.add("/nowhere/at/all")),
                     es.Attr(es.AT_GNU_dwo_name, "strp", strs.add("gone.dwo"))]
    abbrev_a = es.abbrev_table(1, 0x4A, attrs)
    abbrev_b = es.abbrev_table(1, 0x11, attrs_missing)
    units = [es.unit(version=5, unit_type=4, attrs=attrs, abbrev_offset=0),
             es.unit(version=4, attrs=attrs_missing, abbrev_offset=len(abbrev_a))]
    (tmp_path / "present.dwo").write_bytes(b"x" * 123)
    data = es.dwarf_elf(units, abbrev_a + abbrev_b, debug_str=bytes(strs.data))
    report = inspect_binary(write(tmp_path, data))
    assert report.split_dwarf
    found = {Path(d.path).name: (d.exists, d.size) for d in report.dwo_files}
    assert found == {"present.dwo": (True, 123), "gone.dwo": (False, None)}
    assert all(o.kind == "other" for o in report.origins)
    assert sum(o.units for o in report.origins) == 2


def test_debug_line_bytes_follow_stmt_list(tmp_path):
    strs = es.Strings()
    line = struct.pack("<I", 40) + bytes(40) + struct.pack("<I", 10) + bytes(10)
    a = rust_unit_attrs(strs, "one")
    b = [x if x.attr != es.AT_stmt_list else es.Attr(es.AT_stmt_list, "sec_offset", 44)
         for x in rust_unit_attrs(strs, "two")]
    abbrev = es.abbrev_table(1, 0x11, a)
    units = [es.unit(version=4, attrs=a, abbrev_offset=0), es.unit(version=4, attrs=b, abbrev_offset=0)]
    data = es.dwarf_elf(units, abbrev, debug_str=bytes(strs.data), debug_line=line)
    report = inspect_binary(write(tmp_path, data))
    lines = {o.name: o.debug_line_bytes for o in report.origins}
    assert lines == {"one": 44, "two": 14}


def test_declared_size_larger_than_the_stream_counts_what_is_there(tmp_path):
    """A corrupt ch_size of 1 TiB: the section row keeps the header's claim, the totals keep the real bytes."""
    strs = es.Strings()
    attrs = rust_unit_attrs(strs, "c")
    unit = es.unit(version=4, attrs=attrs, abbrev_offset=0, padding=1000)
    payload = bytearray(es.compress_section(unit, bo="<", class_=64))
    struct.pack_into("<Q", payload, 8, 2**40)
    data = es.build_elf([es.Section(".debug_info", bytes(payload), flags=es.SHF_COMPRESSED, align=8),
                         es.Section(".debug_abbrev", es.abbrev_table(1, 0x11, attrs)),
                         es.Section(".debug_str", bytes(strs.data))])
    report = inspect_binary(write(tmp_path, data))
    assert report.sections[0].uncompressed_size == 2**40
    assert report.debug_info_bytes == len(unit)
    assert [(o.name, o.debug_info_bytes) for o in report.origins] == [("c", len(unit))]
    assert any("declares" in w for w in report.warnings)


def test_abbreviation_scanning_has_a_budget_across_units(monkeypatch):
    """Lookups at many offsets of a long table without the code asked for stop costing work."""
    from buildcheck.elf import dwarf
    from buildcheck.elf.compressed import Span

    monkeypatch.setattr(dwarf, "MAX_ABBREV_ENTRIES_TOTAL", 1000)
    entry = es.uleb(1000) + es.uleb(0x24) + b"\0" + b"\0\0"   # 6 bytes: code 1000, no attributes
    table = entry * 300 + b"\0"
    tables = dwarf.AbbrevTables(Span(table, 0, len(table)))
    outcomes = []
    for i in range(10):  # each lookup scans from its own offset to the end: ~300, 299, ... entries
        with pytest.raises(dwarf.DwarfError) as info:
            tables.lookup(i * len(entry), 7)
        outcomes.append(str(info.value))
    assert "not in its table" in outcomes[0]
    assert "too long" in outcomes[-1]  # the budget ran out after ~1,000 entries, not 3,000
