"""Code addresses stored in data: the slots of vtables, dispatch tables, init arrays and ifunc relocations.

A function reached only through such a pointer has no direct caller; the ISA analysis follows these
slots as edges. Two sources, because linkers differ: the dynamic relocations (a position-independent
file stores its pointers as R_X86_64_RELATIVE addends, and lld leaves the slots themselves zero) and
the 8-byte words of the data sections (only a fixed-address executable stores them in place).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from typing import Any

from buildcheck.elf import reader

SHT_RELA = 4
R_X86_64_64 = 1
R_X86_64_RELATIVE = 8
R_X86_64_IRELATIVE = 37
SHF_ALLOC = 0x2
SHF_EXECINSTR = 0x4
# Sections that hold no code pointers worth reading (unwind tables, strings, symbol tables, notes).
_SKIP = (".eh_frame", ".eh_frame_hdr", ".gcc_except_table", ".dynstr", ".dynsym", ".gnu.hash", ".hash",
         ".gnu.version", ".gnu.version_r", ".interp", ".note", ".rela", ".rel.", ".strtab", ".symtab")


def code_pointers(data: Any, header: reader.ElfHeader, sections: list[reader.RawSection],
                  is_code: Callable[[int], bool]) -> Iterator[tuple[int, int, bool]]:
    """(slot address, code address, from_ifunc) for every stored pointer `is_code` accepts."""
    if header.class_ != 64 or header.machine_code != 62:
        return
    size = len(data)
    for section in sections:
        if section.type == SHT_RELA and section.occupies_file:
            start, end = reader.file_span(section, size)
            symbols = _symbol_values(data, header, sections, section.link)
            for offset, info, addend in struct.iter_unpack(header.byte_order + "QQq",
                                                          data[start:start + (end - start) // 24 * 24]):
                kind = info & 0xFFFFFFFF
                if kind in (R_X86_64_RELATIVE, R_X86_64_IRELATIVE):
                    target = addend
                elif kind == R_X86_64_64 and symbols is not None:
                    index = info >> 32
                    target = (symbols[index] if index < len(symbols) else 0) + addend
                else:
                    continue
                if is_code(target):
                    yield offset, target, kind == R_X86_64_IRELATIVE
        elif (header.type == "EXEC" and section.flags & SHF_ALLOC and not section.flags & SHF_EXECINSTR
              and section.occupies_file and not section.name.startswith(_SKIP)):
            # only a fixed-address file stores pointers in place: in a position-independent one every
            # pointer has a relocation, and an 8-byte word that happens to equal a code address is noise
            start, end = reader.file_span(section, size)
            first = start + (-section.addr % 8)  # 8-byte aligned addresses only
            count = (end - first) // 8
            base = section.addr + (first - start)
            for i, (value,) in enumerate(struct.iter_unpack(header.byte_order + "Q", data[first:first + count * 8])):
                if value and is_code(value):
                    yield base + i * 8, value, False


def _symbol_values(data: Any, header: reader.ElfHeader, sections: list[reader.RawSection],
                   link: int) -> list[int] | None:
    if not 0 < link < len(sections):
        return None
    table = sections[link]
    start, end = reader.file_span(table, len(data))
    return [value for _n, _i, _o, _s, value, _z in
            struct.iter_unpack(header.byte_order + "IBBHQQ", data[start:start + (end - start) // 24 * 24])]
