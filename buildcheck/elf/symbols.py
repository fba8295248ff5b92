"""Function and data symbols of an ELF file, read with `struct` over the mapped file.

The ISA analysis needs every function's address range (to decode functions, not padding or data
in code) and the data objects' ranges (to tell a CPU-feature cache from its neighbours). Names are
read only when asked for: a Rust binary has tens of thousands of long mangled names and most are
never shown.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

from buildcheck.elf import reader

SHT_SYMTAB = 2
SHT_DYNSYM = 11
STT_OBJECT = 1
STT_FUNC = 2
STT_GNU_IFUNC = 10
SHN_UNDEF = 0
SHN_LORESERVE = 0xFF00


@dataclass(frozen=True, kw_only=True)
class Symbols:
    """Defined, sized symbols: functions and objects, as (address, size, name offset) rows sorted by address."""

    functions: tuple[tuple[int, int, int], ...]
    objects: tuple[tuple[int, int, int], ...]
    strtab: tuple[int, int]  # the string table's file span (start, end); (0, 0) without one
    source: str              # ".symtab", ".dynsym" or "" (none)

    def name(self, data: Any, name_offset: int) -> str:
        start, end = self.strtab
        if not end or name_offset >= end - start:
            return ""
        at = start + name_offset
        stop = data.find(b"\0", at, end)
        return bytes(data[at:stop if stop >= 0 else end]).decode("utf-8", "replace")


def read_symbols(data: Any, header: reader.ElfHeader, sections: list[reader.RawSection], *,
                 dynamic_only: bool = False) -> Symbols:
    """The .symtab when there is one (it names local functions too), else .dynsym; empty for a stripped file.

    dynamic_only: the exported symbols (.dynsym) even when a .symtab exists.
    """
    if header.class_ != 64:
        return Symbols(functions=(), objects=(), strtab=(0, 0), source="")
    table = None if dynamic_only else next((s for s in sections if s.type == SHT_SYMTAB and s.occupies_file), None)
    table = table or next((s for s in sections if s.type == SHT_DYNSYM and s.occupies_file), None)
    if table is None or not 0 < table.link < len(sections):
        return Symbols(functions=(), objects=(), strtab=(0, 0), source="")
    start, end = reader.file_span(table, len(data))
    strtab = reader.file_span(sections[table.link], len(data))
    fmt = header.byte_order + "IBBHQQ"
    size = struct.calcsize(fmt)
    functions: dict[int, tuple[int, int, int]] = {}
    objects: dict[int, tuple[int, int, int]] = {}
    body = data[start:start + (end - start) // size * size]
    for name_off, info, _other, shndx, value, sym_size in struct.iter_unpack(fmt, body):
        if not sym_size or not value or shndx == SHN_UNDEF or shndx >= SHN_LORESERVE:
            continue
        kind = info & 0xF
        if kind in (STT_FUNC, STT_GNU_IFUNC):
            # the first name wins for aliases at one address, except that a longer range is kept
            old = functions.get(value)
            if old is None or sym_size > old[1]:
                functions[value] = (value, sym_size, name_off)
        elif kind == STT_OBJECT:
            objects.setdefault(value, (value, sym_size, name_off))
    return Symbols(functions=tuple(sorted(functions.values())), objects=tuple(sorted(objects.values())),
                   strtab=strtab, source=table.name)
