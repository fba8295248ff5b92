"""The ELF file header, section header table and program header table, read with `struct` over an mmap.

Why not pyelftools here: it is fine for headers, but listing the sections of a
65,000-section file takes it 1.5 s (measured; the whole report here takes ~0.7 s),
and its exceptions on truncated input are varied. This reader validates every
offset against the file size before use and never copies the file: sections are
read in place as (map, start, end) spans.

A header that points outside the file (the section or program header table, a
section's or a segment's bytes) is one clean InputError, never a report: a binary
cut short by an interrupted copy would otherwise be described as if it were whole
(readelf warns about the same cases; docs/en/exit-codes.md promises exit 2).
"""

from __future__ import annotations

import mmap
import os
import stat
import struct
from dataclasses import dataclass
from typing import Literal

from buildcheck.errors import InputError
from buildcheck.i18n import _

ELF_MAGIC = b"\x7fELF"
SHN_XINDEX = 0xFFFF
PN_XNUM = 0xFFFF  # e_phnum escape: the real count is in section 0's sh_info
SHT_NOBITS = 8
SHF_COMPRESSED = 0x800

# A hard ceiling so that a header claiming billions of sections is refused
# before we build a list of them (the ELF extended numbering allows 2**32).
MAX_SECTIONS = 1_000_000
MAX_SEGMENTS = 1_000_000

ELF_TYPES = {0: "NONE", 1: "REL", 2: "EXEC", 3: "DYN", 4: "CORE"}

MACHINES = {
    2: "sparc", 3: "x86", 8: "mips", 20: "ppc", 21: "ppc64", 22: "s390", 40: "arm",
    43: "sparcv9", 50: "ia64", 62: "x86_64", 183: "aarch64", 243: "riscv", 247: "bpf",
    258: "loongarch",
}

SECTION_TYPES = {
    0: "NULL", 1: "PROGBITS", 2: "SYMTAB", 3: "STRTAB", 4: "RELA", 5: "HASH", 6: "DYNAMIC",
    7: "NOTE", 8: "NOBITS", 9: "REL", 10: "SHLIB", 11: "DYNSYM", 14: "INIT_ARRAY",
    15: "FINI_ARRAY", 16: "PREINIT_ARRAY", 17: "GROUP", 18: "SYMTAB_SHNDX", 19: "RELR",
    0x6FFFFFF5: "GNU_ATTRIBUTES", 0x6FFFFFF6: "GNU_HASH", 0x6FFFFFF7: "GNU_LIBLIST",
    0x6FFFFFF8: "CHECKSUM", 0x6FFFFFFD: "VERDEF", 0x6FFFFFFE: "VERNEED", 0x6FFFFFFF: "VERSYM",
    0x6FFF4C00: "LLVM_ODRTAB", 0x6FFF4C01: "LLVM_LINKER_OPTIONS", 0x6FFF4C03: "LLVM_ADDRSIG",
    0x6FFF4C04: "LLVM_DEPENDENT_LIBRARIES", 0x6FFF4C05: "LLVM_SYMPART",
    0x6FFF4C09: "LLVM_BB_ADDR_MAP", 0x6FFF4C0C: "LLVM_BB_ADDR_MAP",
}
SEGMENT_TYPES = {0: "NULL", 1: "LOAD", 2: "DYNAMIC", 3: "INTERP", 4: "NOTE", 5: "SHLIB", 6: "PHDR", 7: "TLS",
                 0x6474E550: "GNU_EH_FRAME", 0x6474E551: "GNU_STACK", 0x6474E552: "GNU_RELRO",
                 0x6474E553: "GNU_PROPERTY"}
# Processor-specific types whose readelf names depend on the machine.
MACHINE_SECTION_TYPES = {
    (62, 0x70000001): "X86_64_UNWIND",
    (183, 0x70000003): "AARCH64_ATTRIBUTES",
    (40, 0x70000001): "ARM_EXIDX", (40, 0x70000003): "ARM_ATTRIBUTES",
    (243, 0x70000003): "RISCV_ATTRIBUTES",
    (8, 0x70000006): "MIPS_REGINFO", (8, 0x7000002A): "MIPS_ABIFLAGS",
}

# (flag bit, letter) in the order readelf walks the bits: lowest first.
_FLAG_LETTERS = {
    0x1: "W", 0x2: "A", 0x4: "X", 0x10: "M", 0x20: "S", 0x40: "I", 0x80: "L",
    0x100: "O", 0x200: "G", 0x400: "T", 0x800: "C", 0x80000000: "E",
}
_GNU_RETAIN = 0x200000
_GNU_MBIND = 0x01000000
_GNU_OSABIS = (3, 9)  # ELFOSABI_GNU, ELFOSABI_FREEBSD
_SHF_MASKOS = 0x0FF00000
_SHF_MASKPROC = 0xF0000000
_X86_64_LARGE = 0x10000000


def flags_string(flags: int, machine: int = 62, osabi: int = 0) -> str:
    """The sh_flags letters exactly as `readelf -S -W` (binutils 2.40) prints them.

    Bits are walked lowest first; the first OS-specific bit prints one `o` and consumes
    the whole OS range, likewise `p` for the processor range; each unknown bit is an `x`.
    SHF_GNU_RETAIN is `R` only in ELFOSABI_GNU/FreeBSD files, otherwise just OS-specific.
    """
    out: list[str] = []
    rest = flags
    while rest:
        bit = rest & -rest
        rest &= ~bit
        if bit in _FLAG_LETTERS:
            out.append(_FLAG_LETTERS[bit])
        elif bit == _GNU_MBIND:
            out.append("D")
        elif bit == _X86_64_LARGE and machine == 62:
            out.append("l")
        elif bit & _SHF_MASKOS:
            if bit == _GNU_RETAIN and osabi in _GNU_OSABIS:
                out.append("R")
            else:
                out.append("o")
                rest &= ~_SHF_MASKOS
        elif bit & _SHF_MASKPROC:
            out.append("p")
            rest &= ~_SHF_MASKPROC
        else:
            out.append("x")
    return "".join(out)


@dataclass(frozen=True, kw_only=True)
class ElfHeader:
    class_: Literal[32, 64]
    endianness: Literal["little", "big"]
    type: str
    machine: str
    machine_code: int
    osabi: int
    ehsize: int
    phoff: int
    phentsize: int
    phnum: int
    shoff: int
    shentsize: int
    shnum: int
    shstrndx: int

    @property
    def program_headers_end(self) -> int:
        return self.phoff + self.phnum * self.phentsize if self.phoff else 0

    @property
    def byte_order(self) -> str:
        return "<" if self.endianness == "little" else ">"


@dataclass(frozen=True, kw_only=True)
class RawSection:
    """One section header, its name resolved; `index` is its position in the table."""

    index: int
    name: str
    type: int
    flags: int
    offset: int
    size: int
    link: int
    info: int
    addralign: int
    entsize: int
    addr: int = 0  # sh_addr: where the section is loaded (the ISA analysis maps code addresses with it)

    @property
    def occupies_file(self) -> bool:
        return self.type != SHT_NOBITS and self.type != 0


def open_map(path: str) -> tuple[mmap.mmap, int]:
    """Map the file read-only, with its size; InputError for anything that is not a readable, non-empty file."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError(_("{path}: no such file").format(path=path)) from None
    except OSError as exc:
        raise InputError(_("{path}: cannot read: {reason}").format(path=path, reason=exc.strerror)) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(_("{path}: is a directory, not an ELF binary").format(path=path))
    if not stat.S_ISREG(st.st_mode):
        raise InputError(_("{path}: not a regular file").format(path=path))
    if st.st_size == 0:
        raise InputError(_("{path}: empty file, not an ELF binary").format(path=path))
    try:
        with open(path, "rb") as handle:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ), st.st_size
    except OSError as exc:
        raise InputError(_("{path}: cannot read: {reason}").format(path=path, reason=exc.strerror)) from None


def read_header(data: mmap.mmap | bytes, path: str) -> ElfHeader:
    size = len(data)
    if size < 16 or data[:4] != ELF_MAGIC:
        raise InputError(_("{path}: not an ELF file").format(path=path))
    ei_class, ei_data = data[4], data[5]
    if ei_class not in (1, 2) or ei_data not in (1, 2):
        raise InputError(_("{path}: not a valid ELF file (class {c}, data {d})").format(
            path=path, c=ei_class, d=ei_data))
    bo = "<" if ei_data == 1 else ">"
    fmt = bo + ("HHIIIIIHHHHHH" if ei_class == 1 else "HHIQQQIHHHHHH")
    if size < 16 + struct.calcsize(fmt):
        raise InputError(_("{path}: truncated ELF header").format(path=path))
    (e_type, e_machine, _version, _entry, phoff, shoff, _flags, ehsize, phentsize, phnum,
     shentsize, shnum, shstrndx) = struct.unpack_from(fmt, data, 16)
    return ElfHeader(
        class_=32 if ei_class == 1 else 64,
        endianness="little" if ei_data == 1 else "big",
        type=ELF_TYPES.get(e_type, f"0x{e_type:x}"),
        machine=MACHINES.get(e_machine, f"0x{e_machine:x}"),
        machine_code=e_machine,
        osabi=data[7],
        ehsize=ehsize, phoff=phoff, phentsize=phentsize, phnum=phnum,
        shoff=shoff, shentsize=shentsize, shnum=shnum, shstrndx=shstrndx,
    )


def read_sections(data: mmap.mmap | bytes, header: ElfHeader, path: str) -> tuple[list[RawSection], list[str]]:
    """Every section header (index 0 included) and warnings about odd but survivable entries."""
    size = len(data)
    if header.shoff == 0:
        return [], []
    is64 = header.class_ == 64
    fmt = header.byte_order + ("IIQQQQIIQQ" if is64 else "IIIIIIIIII")
    entry = struct.calcsize(fmt)
    if header.shentsize < entry:
        raise InputError(_("{path}: bad section header size {n}").format(path=path, n=header.shentsize))
    if header.shoff + entry > size:
        raise InputError(_("{path}: truncated: section headers start past the end of the file").format(path=path))

    def unpack(i: int) -> tuple[int, ...]:
        return struct.unpack_from(fmt, data, header.shoff + i * header.shentsize)

    first = unpack(0)
    shnum = header.shnum or first[5]  # extended numbering: the count lives in section 0's sh_size
    shstrndx = first[6] if header.shstrndx == SHN_XINDEX else header.shstrndx
    if shnum > MAX_SECTIONS:
        raise InputError(_("{path}: absurd section count {n}").format(path=path, n=shnum))
    if header.shoff + shnum * header.shentsize > size:
        raise InputError(_("{path}: truncated: {n} section headers do not fit in the file").format(
            path=path, n=shnum))
    raws = [first] + [unpack(i) for i in range(1, shnum)]

    if shstrndx >= shnum and shnum:
        raise InputError(_("{path}: section name table index {n} is past the {count} section headers").format(
            path=path, n=shstrndx, count=shnum))
    names_at = names_end = 0
    if 0 < shstrndx < shnum and raws[shstrndx][4] + raws[shstrndx][5] <= size:
        names_at, names_end = raws[shstrndx][4], raws[shstrndx][4] + raws[shstrndx][5]

    sections: list[RawSection] = []
    for i, r in enumerate(raws):
        name_off, typ, flags, addr, offset, sh_size, link, info, align, entsize = r
        name = ""
        if names_end and name_off < names_end - names_at:
            start = names_at + name_off
            end = data.find(b"\0", start, names_end)
            name = bytes(data[start:end if end >= 0 else names_end]).decode("utf-8", "replace")
        if typ not in (0, SHT_NOBITS) and offset + sh_size > size:
            raise InputError(_("{path}: section {name} runs past the end of the file (bytes {start} to {end} of a "
                               "{size}-byte file): truncated or damaged").format(
                path=path, name=name or "#{i}".format(i=i), start=offset, end=offset + sh_size, size=size))
        sections.append(RawSection(index=i, name=name, type=typ, flags=flags, offset=offset, size=sh_size,
                                   link=link, info=info, addralign=align, entsize=entsize, addr=addr))
    return sections, []


@dataclass(frozen=True, kw_only=True)
class Segment:
    """One program header: what the loader maps from where."""

    index: int
    type: int
    offset: int
    filesz: int

    @property
    def type_name(self) -> str:
        return SEGMENT_TYPES.get(self.type, f"0x{self.type:x}")


def read_segments(data: mmap.mmap | bytes, header: ElfHeader, sections: list[RawSection],
                  path: str) -> list[Segment]:
    """Every program header, each checked to lie inside the file (the table and the bytes it maps)."""
    size = len(data)
    phnum = header.phnum
    if phnum == PN_XNUM and sections:
        phnum = sections[0].info  # extended numbering, as for sections
    if header.phoff == 0 or phnum == 0:
        return []
    is64 = header.class_ == 64
    fmt = header.byte_order + ("IIQQQQQQ" if is64 else "IIIIIIII")
    entry = struct.calcsize(fmt)
    if header.phentsize < entry:
        raise InputError(_("{path}: bad program header size {n}").format(path=path, n=header.phentsize))
    if phnum > MAX_SEGMENTS:
        raise InputError(_("{path}: absurd program header count {n}").format(path=path, n=phnum))
    if header.phoff + phnum * header.phentsize > size:
        raise InputError(_("{path}: truncated: {n} program headers at offset {offset} do not fit in the "
                           "{size}-byte file").format(path=path, n=phnum, offset=header.phoff, size=size))
    segments = []
    for i in range(phnum):
        fields = struct.unpack_from(fmt, data, header.phoff + i * header.phentsize)
        if is64:
            p_type, offset, filesz = fields[0], fields[2], fields[5]
        else:
            p_type, offset, filesz = fields[0], fields[1], fields[4]
        segment = Segment(index=i, type=p_type, offset=offset, filesz=filesz)
        if p_type != 0 and filesz and offset + filesz > size:
            raise InputError(_("{path}: segment {i} ({type}) runs past the end of the file (bytes {start} to "
                               "{end} of a {size}-byte file): truncated or damaged").format(
                path=path, i=i, type=segment.type_name, start=offset, end=offset + filesz, size=size))
        segments.append(segment)
    return segments


def section_type_name(typ: int, machine: int) -> str:
    if (machine, typ) in MACHINE_SECTION_TYPES:
        return MACHINE_SECTION_TYPES[(machine, typ)]
    if typ in SECTION_TYPES:
        return SECTION_TYPES[typ]
    if 0x60000000 <= typ <= 0x6FFFFFFF:
        return f"LOOS+0x{typ - 0x60000000:x}"
    if 0x70000000 <= typ <= 0x7FFFFFFF:
        return f"LOPROC+0x{typ - 0x70000000:x}"
    return f"0x{typ:x}"


def file_span(section: RawSection, file_size: int) -> tuple[int, int]:
    """The section's (start, end) in the file, clipped to it (a truncated section yields what is there)."""
    if not section.occupies_file:
        return 0, 0
    start = min(section.offset, file_size)
    return start, min(section.offset + section.size, file_size)
