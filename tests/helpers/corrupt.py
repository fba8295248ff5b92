"""Corrupt ELF inputs, made from the committed fixtures by patching a few bytes.

Offsets are found with a small struct reader written here (ELF64 little-endian only,
which is all the patched fixtures are), so the corruption does not depend on the code
under test.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

_EHDR64 = struct.Struct("<16sHHIQQQIHHHHHH")
_SHDR64 = struct.Struct("<IIQQQQIIQQ")
SHF_COMPRESSED = 0x800


@dataclass(frozen=True)
class Header64:
    shoff: int
    shentsize: int
    shnum: int
    shstrndx: int


@dataclass(frozen=True)
class Section64:
    index: int
    name: str
    header_offset: int   # where this section's header sits in the file
    offset: int          # sh_offset
    size: int            # sh_size
    flags: int


def header(data: bytes) -> Header64:
    fields = _EHDR64.unpack_from(data, 0)
    assert fields[0][:4] == b"\x7fELF" and fields[0][4] == 2 and fields[0][5] == 1, "ELF64 LE only"
    return Header64(shoff=fields[6], shentsize=fields[11], shnum=fields[12], shstrndx=fields[13])


def sections(data: bytes) -> list[Section64]:
    h = header(data)
    raw = [_SHDR64.unpack_from(data, h.shoff + i * h.shentsize) for i in range(h.shnum)]
    strtab_off = raw[h.shstrndx][4]

    def name(at: int) -> str:
        start = strtab_off + at
        return data[start:data.index(b"\0", start)].decode()

    return [Section64(index=i, name=name(r[0]), header_offset=h.shoff + i * h.shentsize,
                      offset=r[4], size=r[5], flags=r[2]) for i, r in enumerate(raw)]


def section(data: bytes, name: str) -> Section64:
    for s in sections(data):
        if s.name == name:
            return s
    raise KeyError(name)


def patched(data: bytes, at: int, fmt: str, *values: int) -> bytes:
    out = bytearray(data)
    struct.pack_into(fmt, out, at, *values)
    return bytes(out)


# --- ELF-level corruption: buildcheck must refuse the file (exit 2, one line) ---

def truncations(data: bytes) -> dict[str, bytes]:
    """The file cut at several places: inside e_ident, inside the ELF header, just after it,
    in the middle, and one byte short (the section header table, at the end, is cut)."""
    size = len(data)
    return {f"truncated-at-{n}": data[:n] for n in (4, 16, 40, 63, 64, size // 2, size - 1)}


def shoff_past_end(data: bytes) -> bytes:
    return patched(data, 0x28, "<Q", len(data) + 4096)


def shnum_absurd(data: bytes) -> bytes:
    return patched(data, 0x3C, "<H", 65535)


def shnum_extended_huge(data: bytes) -> bytes:
    """e_shnum = 0 means "the real count is section 0's sh_size": make that 2**40."""
    h = header(data)
    out = patched(data, 0x3C, "<H", 0)
    return patched(out, h.shoff + 32, "<Q", 1 << 40)


def shstrndx_out_of_range(data: bytes) -> bytes:
    h = header(data)
    return patched(data, 0x3E, "<H", h.shnum + 100)


def section_size_past_end(data: bytes, name: str = ".debug_info") -> bytes:
    """The section's sh_size reaches one byte past the end of the file."""
    s = section(data, name)
    return patched(data, s.header_offset + 32, "<Q", len(data) - s.offset + 1)


def section_offset_past_end(data: bytes, name: str = ".text") -> bytes:
    return patched(data, section(data, name).header_offset + 24, "<Q", len(data))


def segment_filesz_past_end(data: bytes, p_type: int = 4) -> bytes:
    """The first segment of type `p_type` (PT_NOTE by default) maps bytes past the end of the file."""
    phoff, phentsize, phnum = struct.unpack_from("<QxxxxxxxxxxxxHH", data, 0x20)[0], *struct.unpack_from(
        "<HH", data, 0x36)
    for i in range(phnum):
        at = phoff + i * phentsize
        if struct.unpack_from("<I", data, at)[0] == p_type:
            return patched(data, at + 32, "<Q", len(data))
    raise KeyError(p_type)


def note_descsz_past_section(data: bytes, name: str = ".note.gnu.build-id") -> bytes:
    return patched(data, section(data, name).offset + 4, "<I", 4096)


def chdr_larger_than_section(data: bytes, name: str = ".debug_info") -> bytes:
    """An SHF_COMPRESSED section of 10 bytes: too small for its 24-byte Elf64_Chdr."""
    s = section(data, name)
    assert s.flags & SHF_COMPRESSED, f"{name} is not compressed"
    return patched(data, s.header_offset + 32, "<Q", 10)


# --- DWARF-level corruption inside a good ELF: sections still reported, with a warning ---

def debug_info_length(data: bytes, unit_length: int, length64: int | None = None, unit: int = 0) -> bytes:
    """Overwrite the unit_length of the `unit`-th unit (0 = first) in .debug_info.

    `length64` is written after a 0xffffffff escape to make a 64-bit DWARF length.
    """
    info = section(data, ".debug_info")
    at = info.offset
    for _ in range(unit):
        (length,) = struct.unpack_from("<I", data, at)
        at += 4 + length if length != 0xFFFFFFFF else 12 + struct.unpack_from("<Q", data, at + 4)[0]
    out = patched(data, at, "<I", unit_length)
    if length64 is not None:
        out = patched(out, at + 4, "<Q", length64)
    return out


def compressed_size_absurd(data: bytes, name: str = ".debug_info") -> bytes:
    """An SHF_COMPRESSED section whose Elf64_Chdr claims 1 TiB uncompressed (ch_size)."""
    s = section(data, name)
    assert s.flags & SHF_COMPRESSED, f"{name} is not compressed"
    return patched(data, s.offset + 8, "<Q", 1 << 40)


def debug_abbrev_garbage(data: bytes) -> bytes:
    """Every byte of .debug_abbrev set to 0xff: ULEB128 codes that never end."""
    s = section(data, ".debug_abbrev")
    out = bytearray(data)
    out[s.offset:s.offset + s.size] = b"\xff" * s.size
    return bytes(out)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
