"""The ELF header / section table reader: both classes and byte orders, bad input as one clean InputError."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import elf_synth as es
from buildcheck.elf import reader
from buildcheck.elf.inspect import inspect_binary
from buildcheck.errors import InputError


def write(tmp_path: Path, data: bytes, name: str = "bin") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def sample_sections() -> list[es.Section]:
    return [
        es.Section(".text", b"\xc3" * 100, flags=es.SHF_ALLOC | es.SHF_EXECINSTR, align=16),
        es.Section(".bss", type=es.SHT_NOBITS, flags=es.SHF_ALLOC | 0x1, size=4096, align=32),
        es.Section(".debug_info", b"\0" * 77),
        es.Section(".zdebug_line", es.gnu_zdebug(b"L" * 500)),
        es.Section(".comment", b"GCC: 12\0", flags=es.SHF_MERGE | es.SHF_STRINGS),
        es.Section(".weird", b"abc", flags=0x80000000 | 0x200 | 0x400 | 0x0F000000, type=0x6FFFFFF6),
    ]


@pytest.mark.parametrize("class_,bo", [(64, "<"), (64, ">"), (32, "<"), (32, ">")])
@pytest.mark.parametrize("etype,name", [(1, "REL"), (2, "EXEC"), (3, "DYN"), (4, "CORE")])
def test_header_and_sections_in_every_class_and_byte_order(tmp_path, class_, bo, etype, name):
    data = es.build_elf(sample_sections(), class_=class_, bo=bo, etype=etype, machine=21 if bo == ">" else 62)
    report = inspect_binary(write(tmp_path, data))
    assert report.elf.class_ == class_
    assert report.elf.endianness == ("little" if bo == "<" else "big")
    assert report.elf.type == name
    assert report.elf.machine == ("ppc64" if bo == ">" else "x86_64")
    assert report.file_size == len(data)
    got = [(s.name, s.type, s.size, s.flags, s.debug) for s in report.sections]
    assert got == [
        (".text", "PROGBITS", 100, "AX", False),
        (".bss", "NOBITS", 4096, "WA", False),
        (".debug_info", "PROGBITS", 77, "", True),
        (".zdebug_line", "PROGBITS", len(es.gnu_zdebug(b"L" * 500)), "", True),
        (".comment", "PROGBITS", 8, "MS", False),
        (".weird", "GNU_HASH", 3, "GTDoE", False),
        (".shstrtab", "STRTAB", report.sections[-1].size, "", False),
    ]
    zdebug = report.sections[3]
    assert zdebug.compressed and zdebug.compression == "zlib-gnu" and zdebug.uncompressed_size == 500
    # on-disk bytes of debug sections; NOBITS takes none
    assert report.debug_bytes == 77 + zdebug.size
    assert report.to_json()["sections"][0]["name"] == ".text"  # no null section 0


def test_flag_letters_follow_readelf():
    assert reader.flags_string(0x1 | 0x2 | 0x4) == "WAX"
    assert reader.flags_string(0x10 | 0x20 | 0x40 | 0x80 | 0x100) == "MSILO"
    assert reader.flags_string(0x200 | 0x400 | 0x800) == "GTC"
    assert reader.flags_string(0x80000000) == "E"
    assert reader.flags_string(0x10000000, machine=62) == "l"
    assert reader.flags_string(0x10000000, machine=183) == "p"
    assert reader.flags_string(0x200000, osabi=0) == "o"   # SHF_GNU_RETAIN outside the GNU OSABI
    assert reader.flags_string(0x200000, osabi=3) == "R"
    assert reader.flags_string(0x8 | 0x1000) == "xx"
    assert reader.flags_string(0x01000000 | 0x02000000 | 0x04000000) == "Do"  # D, then one o for the rest


def test_extended_section_numbering(tmp_path):
    """Beyond 0xff00 sections, e_shnum is 0 and the count lives in section 0's sh_size."""
    count = 0xFF00 + 10
    sections = [es.Section(f".s{i}", b"") for i in range(count - 2)]
    data = bytearray(es.build_elf(sections))
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shnum = struct.unpack_from("<H", data, 0x3C)[0] or count
    struct.pack_into("<H", data, 0x3C, 0)                 # e_shnum = 0
    struct.pack_into("<Q", data, shoff + 32, count)       # section 0's sh_size
    struct.pack_into("<H", data, 0x3E, 0xFFFF)            # e_shstrndx = SHN_XINDEX ...
    struct.pack_into("<I", data, shoff + 40, count - 1)   # ... real index in section 0's sh_link
    assert shnum == count & 0xFFFF or shnum
    report = inspect_binary(write(tmp_path, bytes(data)))
    assert len(report.sections) == count - 1
    assert report.sections[0].name == ".s0" and report.sections[-1].name == ".shstrtab"


# --- input that is not a readable ELF: one InputError naming the file ----------------------------

def _good() -> bytes:
    return es.build_elf(sample_sections())


@pytest.mark.parametrize("make,needle", [
    (lambda: b"", "empty"),
    (lambda: b"#!/bin/sh\necho hi\n", "not an ELF"),
    (lambda: b"\x7fELF", "not an ELF"),
    (lambda: _good()[:40], "truncated ELF header"),
    (lambda: b"\x7fELF\x03\x01" + bytes(58), "not a valid ELF"),
    (lambda: _good()[:-100], "truncated"),
])
def test_bad_files_are_one_input_error(tmp_path, make, needle):
    path = write(tmp_path, make(), "input.bin")
    with pytest.raises(InputError) as info:
        inspect_binary(path)
    assert str(path) in str(info.value)
    assert needle in str(info.value)
    assert "\n" not in str(info.value)


def test_header_fields_pointing_past_the_end(tmp_path):
    data = bytearray(_good())
    struct.pack_into("<Q", data, 0x28, len(data) + 10)  # e_shoff
    with pytest.raises(InputError, match="past the end"):
        inspect_binary(write(tmp_path, bytes(data)))


def test_absurd_section_count(tmp_path):
    data = bytearray(_good())
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    struct.pack_into("<H", data, 0x3C, 0)
    struct.pack_into("<Q", data, shoff + 32, 2**40)  # extended count: a trillion sections
    with pytest.raises(InputError, match="absurd section count"):
        inspect_binary(write(tmp_path, bytes(data)))


def test_section_header_size_too_small(tmp_path):
    data = bytearray(_good())
    struct.pack_into("<H", data, 0x3A, 12)  # e_shentsize
    with pytest.raises(InputError, match="section header size"):
        inspect_binary(write(tmp_path, bytes(data)))


def test_directory_and_missing_path(tmp_path):
    with pytest.raises(InputError, match="directory"):
        inspect_binary(tmp_path)
    with pytest.raises(InputError, match="no such file"):
        inspect_binary(tmp_path / "nope")


# --- headers that point outside the file: exit 2, one line (docs/en/exit-codes.md) ----------------

PT_LOAD, PT_NOTE = 1, 4


def _with_segments() -> bytes:
    sections = [*sample_sections(),
                es.Section(".note.gnu.build-id", es.note(b"GNU\0", 3, bytes.fromhex("00112233")), type=es.SHT_NOTE,
                           flags=es.SHF_ALLOC, align=4)]
    return es.build_elf(sections, segments=[(PT_LOAD, ".text"), (PT_NOTE, ".note.gnu.build-id")])


def _section_header_at(data: bytes, index: int) -> int:
    return struct.unpack_from("<Q", data, 0x28)[0] + index * 64


def test_segments_of_a_good_file_are_accepted(tmp_path):
    report = inspect_binary(write(tmp_path, _with_segments()))
    assert report.build_id == "00112233"


def test_section_past_the_end_of_the_file_is_an_input_error(tmp_path):
    """Once a '157.2% of the file' report with exit 0; readelf calls it a section beyond the end of the file."""
    data = bytearray(_good())
    struct.pack_into("<Q", data, _section_header_at(data, 3) + 32, 10**12)  # .debug_info's sh_size
    path = write(tmp_path, bytes(data))
    with pytest.raises(InputError, match=r"section \.debug_info .*past the end of the file") as info:
        inspect_binary(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_section_offset_past_the_end_is_an_input_error(tmp_path):
    data = bytearray(_good())
    struct.pack_into("<Q", data, _section_header_at(data, 1) + 24, len(data) + 1)  # .text's sh_offset
    with pytest.raises(InputError, match=r"section \.text .*past the end of the file"):
        inspect_binary(write(tmp_path, bytes(data)))


def test_nobits_sections_may_point_anywhere(tmp_path):
    data = bytearray(_good())
    struct.pack_into("<Q", data, _section_header_at(data, 2) + 24, 10**12)  # .bss's sh_offset
    report = inspect_binary(write(tmp_path, bytes(data)))
    assert report.sections[1].type == "NOBITS"


def test_section_name_table_past_the_end_is_an_input_error(tmp_path):
    data = bytearray(_good())
    shstrndx = struct.unpack_from("<H", data, 0x3E)[0]
    struct.pack_into("<Q", data, _section_header_at(data, shstrndx) + 24, len(data) + 64)
    with pytest.raises(InputError, match="past the end of the file"):
        inspect_binary(write(tmp_path, bytes(data)))


@pytest.mark.parametrize("field,offset,value,needle", [
    ("e_phoff", 0x20, 1 << 40, "program headers"),
    ("e_phnum", 0x38, 0xFFF0, "program headers"),
    ("e_phentsize", 0x36, 8, "program header size"),
])
def test_program_header_table_outside_the_file(tmp_path, field, offset, value, needle):
    data = bytearray(_with_segments())
    struct.pack_into("<Q" if field == "e_phoff" else "<H", data, offset, value)
    path = write(tmp_path, bytes(data))
    with pytest.raises(InputError, match=needle) as info:
        inspect_binary(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("field,offset", [("p_offset", 8), ("p_filesz", 32)])
def test_segment_past_the_end_is_an_input_error(tmp_path, field, offset):
    data = bytearray(_with_segments())
    phoff = struct.unpack_from("<Q", data, 0x20)[0]
    struct.pack_into("<Q", data, phoff + 56 + offset, len(data) * 2)  # the second segment: PT_NOTE
    with pytest.raises(InputError, match=r"segment 1 \(NOTE\) .*past the end of the file"):
        inspect_binary(write(tmp_path, bytes(data)))


def test_extended_program_header_count_lives_in_section_0(tmp_path):
    """PN_XNUM: e_phnum = 0xffff means "section 0's sh_info holds the count"."""
    data = bytearray(_with_segments())
    struct.pack_into("<H", data, 0x38, 0xFFFF)
    struct.pack_into("<I", data, _section_header_at(data, 0) + 44, 2)
    assert inspect_binary(write(tmp_path, bytes(data), "ok")).build_id == "00112233"
    struct.pack_into("<I", data, _section_header_at(data, 0) + 44, 1 << 30)
    with pytest.raises(InputError, match="program header count"):
        inspect_binary(write(tmp_path, bytes(data), "bad"))


@pytest.mark.parametrize("field,offset,value", [("namesz", 0, 1 << 20), ("descsz", 4, 0xFFFFFFF0)])
def test_note_past_the_end_of_its_section_is_an_input_error(tmp_path, field, offset, value):
    data = bytearray(_with_segments())
    note_at = data.index(b"\x04\x00\x00\x00\x04\x00\x00\x00\x03\x00\x00\x00GNU\0")
    struct.pack_into("<I", data, note_at + offset, value)
    with pytest.raises(InputError, match=r"note .*\.note\.gnu\.build-id.* runs past"):
        inspect_binary(write(tmp_path, bytes(data)))


def test_eight_byte_aligned_notes_follow_readelf(tmp_path):
    """In an 8-aligned note section (.note.gnu.property) name and descriptor are padded to 8."""
    prop = es.note(b"GNU\0", 5, bytes(12), align=8)
    build = es.note(b"GNU\0", 3, bytes.fromhex("abcdef01"), align=8)
    sections = [es.Section(".note.all", prop + build, type=es.SHT_NOTE, flags=es.SHF_ALLOC, align=8)]
    report = inspect_binary(write(tmp_path, es.build_elf(sections)))
    assert report.build_id == "abcdef01"


def test_compression_header_larger_than_its_section_is_an_input_error(tmp_path):
    sections = [es.Section(".debug_info", b"\1\0\0\0\0\0", flags=es.SHF_COMPRESSED)]
    path = write(tmp_path, es.build_elf(sections))
    with pytest.raises(InputError, match=r"\.debug_info.*compression header") as info:
        inspect_binary(path)
    assert str(path) in str(info.value)


def _fuzz_original() -> bytearray:
    """An ELF with everything a header can point at: program headers (LOAD, NOTE), a build-id note,
    an SHF_COMPRESSED section, a legacy .zdebug section and DWARF units."""
    strs = es.Strings()
    attrs = [es.Attr(es.AT_producer, "strp", strs.add("GNU C17 12.2.0 -g")),
             es.Attr(es.AT_language, "data1", 0x1D), es.Attr(es.AT_name, "strp", strs.add("a.c")),
             es.Attr(es.AT_stmt_list, "sec_offset", 0)]
    units = [es.unit(version=v, attrs=attrs, abbrev_offset=0, padding=8) for v in (4, 5)]
    extra = [es.Section(".note.gnu.build-id", es.note(b"GNU\0", 3, bytes.fromhex("0123abcd")), type=es.SHT_NOTE,
                        flags=es.SHF_ALLOC, align=4),
             es.Section(".debug_ranges", es.compress_section(b"R" * 300, bo="<", class_=64), flags=es.SHF_COMPRESSED,
                        align=8),
             es.Section(".zdebug_aranges", es.gnu_zdebug(b"A" * 200))]
    data = es.dwarf_elf(units, es.abbrev_table(1, 0x11, attrs), debug_str=bytes(strs.data),
                        debug_line=struct.pack("<I", 4) + bytes(4), extra=extra)
    return bytearray(_with_program_headers(data))


def _with_program_headers(data: bytes) -> bytes:
    """Re-lay `data`'s sections (read back with the independent synth layout) behind two program headers."""
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shnum, shstrndx = struct.unpack_from("<HH", data, 0x3C)
    headers = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * 64) for i in range(shnum)]
    names_at = headers[shstrndx][4]
    sections = []
    for h in headers[1:shstrndx]:
        name = data[names_at + h[0]:data.index(b"\0", names_at + h[0])].decode()
        sections.append(es.Section(name, data[h[4]:h[4] + h[5]], type=h[1], flags=h[2], align=h[8] or 1))
    return es.build_elf(sections, segments=[(PT_LOAD, ".text"), (PT_NOTE, ".note.gnu.build-id")])


FUZZ_ORIGINAL = bytes(_fuzz_original())


@settings(max_examples=int(__import__("os").environ.get("BC_FUZZ_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_random_damage_never_escapes_as_anything_but_input_error(tmp_path, data):
    """Flip bytes anywhere in an ELF with DWARF, notes, segments and compressed sections: a report or an
    InputError, nothing else; and a report only for a file whose headers all point inside it."""
    original = bytearray(FUZZ_ORIGINAL)
    # half of the flips land in the headers (ELF header, program headers, section header table),
    # where a single byte decides whether something points outside the file
    shoff = struct.unpack_from("<Q", original, 0x28)[0]
    anywhere = st.integers(0, len(original) - 1)
    headers = st.one_of(st.integers(0, 64 + 2 * 56 - 1), st.integers(shoff, len(original) - 1))
    flips = data.draw(st.lists(st.tuples(st.one_of(anywhere, headers), st.integers(0, 255)), min_size=1, max_size=8))
    for at, value in flips:
        original[at] = value
    cut = data.draw(st.one_of(st.none(), st.integers(1, len(original))))
    blob = bytes(original[:cut] if cut else original)
    path = write(tmp_path, blob, "fuzzed")
    try:
        report = inspect_binary(path)
    except InputError as exc:
        assert str(path) in str(exc) and "\n" not in str(exc)
        return
    assert sum(o.debug_info_bytes for o in report.origins) == report.debug_info_bytes or not report.origins_computed
    # accepted means whole: every section and segment lies inside the file
    for s in report.sections:
        if s.type != "NOBITS" and s.type != "NULL":
            assert s.offset + s.size <= len(blob), s
    header = reader.read_header(blob, str(path))
    if header.class_ == 64 and header.phoff and header.phnum not in (0, 0xFFFF):
        assert header.phoff + header.phnum * header.phentsize <= len(blob)
        for i in range(header.phnum):
            p_type, _flags, p_offset, _va, _pa, p_filesz = struct.unpack_from(
                header.byte_order + "IIQQQQ", blob, header.phoff + i * header.phentsize)
            assert p_type == 0 or p_filesz == 0 or p_offset + p_filesz <= len(blob)


def test_section_name_index_past_the_table_is_an_input_error(tmp_path):
    data = bytearray(_good())
    struct.pack_into("<H", data, 0x3E, 200)  # e_shstrndx far beyond e_shnum
    path = write(tmp_path, bytes(data))
    with pytest.raises(InputError, match="section name table index 200") as info:
        inspect_binary(path)
    assert str(path) in str(info.value)


def test_no_section_name_table_is_allowed(tmp_path):
    """e_shstrndx = SHN_UNDEF is legal ELF: sections without names, not an error."""
    data = bytearray(_good())
    struct.pack_into("<H", data, 0x3E, 0)
    report = inspect_binary(write(tmp_path, bytes(data)))
    assert {s.name for s in report.sections} == {""}
    assert len(report.sections) == len(sample_sections()) + 1
