"""Relocations that a relocatable object (.o) applies to its .debug_info, looked up in batches.

In an x86-64 (RELA) object every string offset in .debug_info is stored as 0 and
the real value sits in `.rela.debug_info`'s addend; without applying them every
unit of a .o would read the first string of .debug_str as its name. REL targets
(i386) keep the addend in place, so only the symbol value is added there.

The unit walk needs a handful of them per unit (the abbreviation offset, the top
entry's strings), while the table can hold millions (one per string attribute:
`ld -r` of 760 gcc -g objects gives 2.7 million). So the table is never loaded:
the walk asks for a batch of offsets, and one pass over the mmapped table, a chunk
of r_offset fields at a time (unpacked in C), picks out the entries asked for.
That needs no assumption about the table's order: GNU as, LLVM and `ld -r` write
it sorted by offset, but nothing in ELF requires it. Memory is the batch, not the table.
"""

from __future__ import annotations

import contextlib
import mmap
import struct
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from buildcheck.elf.reader import ElfHeader, RawSection, file_span

SHT_RELA, SHT_REL = 4, 9
# Entries unpacked at once while scanning: ~100 KB of the table per struct call.
CHUNK_ENTRIES = 4096
# Scanned pages of the file mapping are given back this often: they count in the process's RSS
# until then (a 2.7-million-entry table is 65 MB), and stay in the page cache for the next pass.
RELEASE_EVERY_BYTES = 8 << 20

Relocated = dict[int, tuple[int, bool]]  # section offset -> (value, replaces the stored value?)


@dataclass(frozen=True)
class _Table:
    data: Any
    start: int
    count: int
    entry: int            # bytes per entry
    entry_fmt: str        # r_offset, r_info[, r_addend]
    is64: bool
    rela: bool
    byte_order: str
    sym_start: int
    sym_end: int

    def _offsets(self, n: int) -> struct.Struct:
        # only r_offset, the rest of each entry skipped: the C unpacker reads n of them in one call
        field = "Q" if self.is64 else "I"
        return struct.Struct(self.byte_order + "{field}{skip}x".format(field=field, skip=self.entry - (
            8 if self.is64 else 4)) * n)

    def scan(self, wanted: set[int], found: Relocated) -> None:
        full = self._offsets(CHUNK_ENTRIES)
        released = self.start
        for first in range(0, self.count, CHUNK_ENTRIES):
            if self.start + first * self.entry - released >= RELEASE_EVERY_BYTES:
                released = self._release(released, self.start + first * self.entry)
            n = min(CHUNK_ENTRIES, self.count - first)
            unpack = full if n == CHUNK_ENTRIES else self._offsets(n)
            offsets = unpack.unpack_from(self.data, self.start + first * self.entry)
            hits = wanted.intersection(offsets)
            for offset in hits:
                # every entry at this offset, in table order: the last one wins, as the linker applies them
                i = offsets.index(offset)
                while True:
                    found[offset] = self._value(first + i)
                    try:
                        i = offsets.index(offset, i + 1)
                    except ValueError:
                        break
        self._release(released, self.start + self.count * self.entry + mmap.PAGESIZE - 1)

    def _release(self, start: int, end: int) -> int:
        """Drop the mapping's pages in [start, end) (whole pages only); returns where the next release starts."""
        advice = getattr(mmap, "MADV_DONTNEED", None)
        if advice is None or not hasattr(self.data, "madvise"):
            return end
        first = start // mmap.PAGESIZE * mmap.PAGESIZE
        last = end // mmap.PAGESIZE * mmap.PAGESIZE
        if last > first:
            with contextlib.suppress(OSError, ValueError):
                self.data.madvise(advice, first, last - first)
        return last

    def _value(self, index: int) -> tuple[int, bool]:
        fields = struct.unpack_from(self.entry_fmt, self.data, self.start + index * self.entry)
        info = fields[1]
        addend = fields[2] if self.rela else 0
        sym = info >> 32 if self.is64 else info >> 8
        value = 0
        sym_size = 24 if self.is64 else 16
        at = self.sym_start + sym * sym_size
        if sym and at + sym_size <= self.sym_end:
            value = struct.unpack_from(self.byte_order + ("Q" if self.is64 else "I"), self.data,
                                       at + (8 if self.is64 else 4))[0]
        return value + addend, self.rela


class Relocations:
    """The relocation sections of a relocatable object that apply to one section."""

    def __init__(self, tables: list[_Table]):
        self._tables = tables

    @property
    def entries(self) -> int:
        return sum(t.count for t in self._tables)

    def resolve(self, offsets: Collection[int]) -> Relocated:
        """The relocations at these section offsets (absent: none applies there); one pass per table."""
        wanted = set(offsets)
        found: Relocated = {}
        if wanted:
            for table in self._tables:
                table.scan(wanted, found)
        return found


def debug_info_relocations(data: Any, header: ElfHeader, sections: list[RawSection],
                           target: RawSection) -> Relocations | None:
    """The relocations against `target`; None when the file is not relocatable or nothing relocates it."""
    if header.type != "REL":
        return None
    is64 = header.class_ == 64
    bo = header.byte_order
    tables = []
    for reloc in sections:
        if reloc.type not in (SHT_RELA, SHT_REL) or reloc.info != target.index:
            continue
        symbols = sections[reloc.link] if 0 < reloc.link < len(sections) else None
        sym_start, sym_end = file_span(symbols, len(data)) if symbols else (0, 0)
        rela = reloc.type == SHT_RELA
        fmt = bo + (("QQq" if is64 else "IIi") if rela else ("QQ" if is64 else "II"))
        entry = struct.calcsize(fmt)
        start, end = file_span(reloc, len(data))
        count = (end - start) // entry
        if count:
            tables.append(_Table(data=data, start=start, count=count, entry=entry, entry_fmt=fmt, is64=is64,
                                 rela=rela, byte_order=bo, sym_start=sym_start, sym_end=sym_end))
    return Relocations(tables) if tables else None
