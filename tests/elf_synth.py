"""Build small ELF files with hand-made DWARF for the inspector's unit tests.

Written from the ELF and DWARF specifications, independently of buildcheck.elf, so that
the tests check the reader against the format rather than against itself. Covers what
no compiler on this machine emits: big-endian, 64-bit DWARF, DWARF 2/3, strx forms,
implicit_const, indirect, GNU forms, absurd lengths.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_NOTE, SHT_NOBITS = 1, 2, 3, 7, 8
SHF_ALLOC, SHF_EXECINSTR, SHF_MERGE, SHF_STRINGS, SHF_COMPRESSED = 0x2, 0x4, 0x10, 0x20, 0x800

# attributes and forms used by the tests
AT_name, AT_stmt_list, AT_language, AT_comp_dir, AT_producer = 0x03, 0x10, 0x13, 0x1B, 0x25
AT_str_offsets_base, AT_dwo_name, AT_GNU_dwo_name, AT_low_pc, AT_high_pc = 0x72, 0x76, 0x2130, 0x11, 0x12
FORM = dict(addr=0x01, block2=0x03, block4=0x04, data2=0x05, data4=0x06, data8=0x07, string=0x08, block=0x09,
            block1=0x0A, data1=0x0B, flag=0x0C, sdata=0x0D, strp=0x0E, udata=0x0F, ref_addr=0x10, ref4=0x13,
            indirect=0x16, sec_offset=0x17, exprloc=0x18, flag_present=0x19, strx=0x1A, addrx=0x1B,
            data16=0x1E, line_strp=0x1F, ref_sig8=0x20, implicit_const=0x21, loclistx=0x22, rnglistx=0x23,
            strx1=0x25, strx2=0x26, strx3=0x27, strx4=0x28, addrx4=0x2C, GNU_addr_index=0x1F01,
            GNU_str_index=0x1F02, GNU_ref_alt=0x1F20, GNU_strp_alt=0x1F21)


def uleb(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def sleb(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        done = (value == 0 and not byte & 0x40) or (value == -1 and byte & 0x40)
        out.append(byte | (0 if done else 0x80))
        if done:
            return bytes(out)


@dataclass
class Strings:
    """A string pool (.debug_str or .debug_line_str) that hands out offsets."""

    data: bytearray = field(default_factory=lambda: bytearray())

    def add(self, text: str) -> int:
        at = len(self.data)
        self.data += text.encode() + b"\0"
        return at


@dataclass
class Attr:
    attr: int
    form: str
    value: object = None          # int, bytes (raw encoded value), or str for `string`
    implicit: int = 0             # for implicit_const
    indirect_form: str | None = None


def abbrev_table(code: int, tag: int, attrs: list[Attr], children: bool = False, extra_before: int = 0) -> bytes:
    """One table; `extra_before` unrelated declarations come first, so lookups have to scan."""
    out = bytearray()
    for i in range(extra_before):
        out += uleb(code + 100 + i) + uleb(0x24) + b"\0" + uleb(AT_name) + uleb(FORM["string"]) + b"\0\0"
    out += uleb(code) + uleb(tag) + (b"\1" if children else b"\0")
    for a in attrs:
        out += uleb(a.attr) + uleb(FORM[a.form])
        if a.form == "implicit_const":
            out += sleb(a.implicit)
    out += b"\0\0"
    return bytes(out) + b"\0"


def encode_value(a: Attr, *, bo: str, offset_size: int, address_size: int) -> bytes:
    form = a.form
    if form == "indirect":
        inner = Attr(a.attr, a.indirect_form or "udata", a.value)
        return uleb(FORM[inner.form]) + encode_value(inner, bo=bo, offset_size=offset_size, address_size=address_size)
    if isinstance(a.value, bytes) and form not in ("block", "block1", "block2", "block4", "exprloc"):
        return a.value
    osz = "I" if offset_size == 4 else "Q"
    v = a.value
    if form == "string":
        return str(v).encode() + b"\0"
    if form in ("strp", "line_strp", "sec_offset", "GNU_ref_alt", "GNU_strp_alt", "ref_addr"):
        return struct.pack(bo + osz, v)
    if form in ("udata", "strx", "addrx", "loclistx", "rnglistx", "GNU_addr_index", "GNU_str_index"):
        return uleb(int(v))  # type: ignore[arg-type]
    if form == "sdata":
        return sleb(int(v))  # type: ignore[arg-type]
    if form == "addr":
        return struct.pack(bo + ("I" if address_size == 4 else "Q"), v)
    sizes = {"data1": "B", "flag": "B", "strx1": "B", "data2": "H", "strx2": "H", "data4": "I", "strx4": "I",
             "ref4": "I", "addrx4": "I", "data8": "Q", "ref_sig8": "Q"}
    if form in sizes:
        return struct.pack(bo + sizes[form], v)
    if form == "strx3":
        return int(v).to_bytes(3, "little" if bo == "<" else "big")  # type: ignore[arg-type]
    if form == "data16":
        return bytes(16)
    if form in ("flag_present", "implicit_const"):
        return b""
    payload = bytes(v or b"")  # type: ignore[arg-type]
    if form in ("block", "exprloc"):
        return uleb(len(payload)) + payload
    if form == "block1":
        return bytes([len(payload)]) + payload
    if form == "block2":
        return struct.pack(bo + "H", len(payload)) + payload
    if form == "block4":
        return struct.pack(bo + "I", len(payload)) + payload
    raise ValueError(form)


def unit(*, version: int, attrs: list[Attr], abbrev_offset: int, code: int = 1, bo: str = "<",
         dwarf64: bool = False, address_size: int = 8, unit_type: int = 1, body: bytes = b"\0",
         padding: int = 0) -> bytes:
    """A whole unit: header, the top entry, then `body` (children / filler) and `padding` zero bytes."""
    offset_size = 8 if dwarf64 else 4
    osz = "Q" if dwarf64 else "I"
    if version >= 5:
        header = struct.pack(bo + "H", version) + bytes([unit_type, address_size]) + struct.pack(bo + osz, abbrev_offset)
        if unit_type in (4, 5):
            header += struct.pack(bo + "Q", 0x1122334455667788)
    else:
        header = struct.pack(bo + "H", version) + struct.pack(bo + osz, abbrev_offset) + bytes([address_size])
    entry = uleb(code) + b"".join(encode_value(a, bo=bo, offset_size=offset_size, address_size=address_size)
                                  for a in attrs)
    content = header + entry + body + bytes(padding)
    if dwarf64:
        return b"\xff\xff\xff\xff" + struct.pack(bo + "Q", len(content)) + content
    return struct.pack(bo + "I", len(content)) + content


@dataclass
class Section:
    name: str
    data: bytes = b""
    type: int = SHT_PROGBITS
    flags: int = 0
    align: int = 1
    link: int = 0
    info: int = 0
    entsize: int = 0
    size: int | None = None  # sh_size override (NOBITS, or lies)


def compress_section(data: bytes, *, bo: str, class_: int, kind: int = 1) -> bytes:
    """An SHF_COMPRESSED payload: Chdr + zlib stream (kind 2 = zstd header over zlib bytes: undecodable)."""
    if class_ == 64:
        return struct.pack(bo + "IIQQ", kind, 0, len(data), 1) + zlib.compress(data)
    return struct.pack(bo + "III", kind, len(data), 1) + zlib.compress(data)


def gnu_zdebug(data: bytes) -> bytes:
    return b"ZLIB" + struct.pack(">Q", len(data)) + zlib.compress(data)


def note(name: bytes, ntype: int, desc: bytes, *, bo: str = "<", align: int = 4) -> bytes:
    """One ELF note: namesz, descsz, type, name, descriptor; the descriptor and the next note start at a
    multiple of `align` from the note's start (the gABI's 4; 8 for GNU property notes in 64-bit files)."""
    def pad(b: bytes) -> bytes:
        return b + bytes(-len(b) % align)
    return pad(pad(struct.pack(bo + "III", len(name), len(desc), ntype) + name) + desc)


def build_elf(sections: list[Section], *, class_: int = 64, bo: str = "<", etype: int = 2, machine: int = 62,
              osabi: int = 0, segments: list[tuple[int, str]] | None = None) -> bytes:
    """An ELF file: header, program headers, section contents in order, .shstrtab, then the section header table.

    `segments` are (p_type, section name): one program header covering exactly that section's bytes.
    """
    is64 = class_ == 64
    ehsize = 64 if is64 else 52
    shentsize = 64 if is64 else 40
    phentsize = 56 if is64 else 32
    segments = segments or []
    names = bytearray(b"\0")
    name_offsets = []
    all_sections = [*sections, Section(".shstrtab", type=SHT_STRTAB)]
    for s in all_sections:
        name_offsets.append(len(names))
        names += s.name.encode() + b"\0"
    all_sections[-1].data = bytes(names)
    body = bytearray(phentsize * len(segments))  # filled in once the sections are placed
    offsets = []
    pos = ehsize + len(body)
    for s in all_sections:
        align = max(s.align, 1)
        pad = (-pos) % align
        body += bytes(pad)
        pos += pad
        offsets.append(pos)
        if s.type != SHT_NOBITS:
            body += s.data
            pos += len(s.data)
    pad = (-pos) % 8
    body += bytes(pad)
    shoff = pos + pad
    shdrs = bytearray(bytes(shentsize))  # the null section
    fmt = bo + ("IIQQQQIIQQ" if is64 else "IIIIIIIIII")
    for s, name_at, off in zip(all_sections, name_offsets, offsets):
        size = s.size if s.size is not None else len(s.data)
        shdrs += struct.pack(fmt, name_at, s.type, s.flags, 0, off, size, s.link, s.info, s.align, s.entsize)
    for i, (p_type, name) in enumerate(segments):
        at = next(k for k, s in enumerate(all_sections) if s.name == name)
        size = len(all_sections[at].data)
        entry = (struct.pack(bo + "IIQQQQQQ", p_type, 4, offsets[at], 0, 0, size, size, 1) if is64
                 else struct.pack(bo + "IIIIIIII", p_type, offsets[at], 0, 0, size, size, 4, 1))
        body[i * phentsize:(i + 1) * phentsize] = entry
    shnum = len(all_sections) + 1
    ident = b"\x7fELF" + bytes([2 if is64 else 1, 1 if bo == "<" else 2, 1, osabi]) + bytes(8)
    hfmt = bo + ("HHIQQQIHHHHHH" if is64 else "HHIIIIIHHHHHH")
    phoff = ehsize if segments else 0
    header = ident + struct.pack(hfmt, etype, machine, 1, 0, phoff, shoff, 0, ehsize, phentsize if segments else 0,
                                 len(segments), shentsize, shnum, shnum - 1)
    return header + bytes(body) + bytes(shdrs)


def dwarf_elf(units: list[bytes], abbrev: bytes, *, debug_str: bytes = b"", line_str: bytes = b"",
              str_offsets: bytes = b"", debug_line: bytes = b"", class_: int = 64, bo: str = "<",
              compress: str | None = None, extra: list[Section] | None = None) -> bytes:
    """An executable-looking ELF with a .text and the given DWARF sections."""
    info = b"".join(units)
    sections = [Section(".text", b"\x90" * 64, flags=SHF_ALLOC | SHF_EXECINSTR, align=16)]
    dwarf = [(".debug_info", info), (".debug_abbrev", abbrev), (".debug_str", debug_str),
             (".debug_line_str", line_str), (".debug_str_offsets", str_offsets), (".debug_line", debug_line)]
    for name, data in dwarf:
        if not data and name != ".debug_info":
            continue
        if compress == "zlib" and name in (".debug_info", ".debug_abbrev", ".debug_str"):
            sections.append(Section(name, compress_section(data, bo=bo, class_=class_), flags=SHF_COMPRESSED,
                                    align=8))
        elif compress == "zstd" and name == ".debug_info":
            sections.append(Section(name, compress_section(data, bo=bo, class_=class_, kind=2),
                                    flags=SHF_COMPRESSED, align=8))
        elif compress == "gnu" and name in (".debug_info", ".debug_abbrev"):
            sections.append(Section(".z" + name[1:], gnu_zdebug(data)))
        else:
            flags = SHF_MERGE | SHF_STRINGS if name in (".debug_str", ".debug_line_str") else 0
            sections.append(Section(name, data, flags=flags))
    sections += extra or []
    return build_elf(sections, class_=class_, bo=bo)
