"""Relocations that a relocatable object (.o) applies to its .debug_info.

In an x86-64 (RELA) object every string offset in .debug_info is stored as 0 and
the real value sits in `.rela.debug_info`'s addend; without applying them every
unit of a .o would read the first string of .debug_str as its name. REL targets
(i386) keep the addend in place, so only the symbol value is added there.
"""

from __future__ import annotations

import struct
from typing import Any

from buildcheck.elf.reader import ElfHeader, RawSection, file_span

SHT_RELA, SHT_REL = 4, 9
MAX_RELOCATIONS = 5_000_000


def debug_info_relocations(data: Any, header: ElfHeader, sections: list[RawSection],
                           target: RawSection) -> dict[int, tuple[int, bool]] | None:
    """Section offset -> (value to add, replaces the stored value?) for relocations against `target`.

    None when the file is not relocatable or nothing relocates the section.
    """
    if header.type != "REL":
        return None
    is64 = header.class_ == 64
    bo = header.byte_order
    result: dict[int, tuple[int, bool]] = {}
    for reloc in sections:
        if reloc.type not in (SHT_RELA, SHT_REL) or reloc.info != target.index:
            continue
        symbols = sections[reloc.link] if 0 < reloc.link < len(sections) else None
        sym_start, sym_end = file_span(symbols, len(data)) if symbols else (0, 0)
        sym_size = 24 if is64 else 16
        rela = reloc.type == SHT_RELA
        fmt = bo + ("QQq" if is64 else "IIi") if rela else bo + ("QQ" if is64 else "II")
        entry = struct.calcsize(fmt)
        start, end = file_span(reloc, len(data))
        for i, pos in enumerate(range(start, end - entry + 1, entry)):
            if i >= MAX_RELOCATIONS:
                break
            fields = struct.unpack_from(fmt, data, pos)
            offset, info = fields[0], fields[1]
            addend = fields[2] if rela else 0
            sym = info >> 32 if is64 else info >> 8
            value = 0
            at = sym_start + sym * sym_size
            if sym and at + sym_size <= sym_end:
                value = struct.unpack_from(bo + ("Q" if is64 else "I"), data, at + (8 if is64 else 4))[0]
            result[offset] = (value + addend, rela)
    return result or None
