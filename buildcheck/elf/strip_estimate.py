"""How big the file would be after `strip --strip-debug` (= `objcopy --strip-debug`), without running it.

We replay what objcopy does, as measured against binutils 2.40:
- it drops the debugging sections (.debug*, .zdebug*, .stab*, .gdb_index, ...) and the
  relocation sections that apply to them;
- from .symtab it drops STT_FILE symbols and symbols defined in dropped sections; it rebuilds
  .strtab and .shstrtab with each name once and suffixes merged (".text" inside ".rela.text");
- executables and shared objects keep every loaded section where it was; the other kept
  sections follow, each at its alignment: first in section order, then .symtab and .strtab,
  then relocations, then .shstrtab; the section header table comes last, aligned to 8
  (64-bit) or 4 (32-bit). In a relocatable object, section symbols no kept relocation
  uses are dropped too.
  A relocatable object is laid out the same way from the end of its ELF header.
"""

from __future__ import annotations

import struct
from typing import Any

from buildcheck.elf.reader import ElfHeader, RawSection, file_span

SHT_SYMTAB, SHT_RELA, SHT_REL, SHT_NOBITS = 2, 4, 9, 8
SHF_ALLOC = 0x2
STT_SECTION, STT_FILE = 3, 4
# Above this many symbols the per-symbol pass is skipped: the bytes it accounts for
# (one 24-byte entry per object file) are far below 1% of such a binary.
MAX_SYMBOLS_SCANNED = 200_000
EXACT_MERGE_LIMIT = 20_000

_DEBUG_PREFIXES = (".debug", ".zdebug", ".gnu.linkonce.wi.", ".stab", ".gnu.debuglto_")
_DEBUG_NAMES = frozenset({".line", ".gdb_index"})


def is_strippable_debug(name: str, flags: int = 0) -> bool:
    """Sections `strip --strip-debug` removes: debugging names, unless loaded (BFD marks only
    non-SHF_ALLOC sections as debugging, so Rust's `.debug_gdb_scripts` stays)."""
    return not flags & SHF_ALLOC and (name.startswith(_DEBUG_PREFIXES) or name in _DEBUG_NAMES)


def _align(value: int, alignment: int) -> int:
    if alignment <= 1:
        return value
    return (value + alignment - 1) // alignment * alignment


def _merged_strtab_size(names: list[bytes]) -> int:
    """Size of a string table as BFD writes it: each distinct name once, and a name that ends
    another one (".text" in ".rela.text") stored inside it."""
    # Reversed, "ends with" becomes "starts with", and after a plain sort a prefix sits right
    # before a string it starts (sorting bytes needs no key function: fast for 10^5 names).
    backwards = sorted({n[::-1] for n in names if n})
    size = 1  # the leading NUL
    for i, name in enumerate(backwards):
        if i + 1 < len(backwards) and backwards[i + 1].startswith(name):
            continue
        size += len(name) + 1
    return size


def _symbols_used_by_relocations(data: Any, header: ElfHeader, relocations: list[RawSection]) -> set[int]:
    """Indices of the symbols the given relocation sections refer to."""
    is64 = header.class_ == 64
    used: set[int] = set()
    for reloc in relocations:
        fmt = header.byte_order + ("QQ" if is64 else "II")
        entry = reloc.entsize or ((24 if is64 else 12) if reloc.type == SHT_RELA else (16 if is64 else 8))
        start, end = file_span(reloc, len(data))
        if entry < struct.calcsize(fmt) or (end - start) // entry > MAX_SYMBOLS_SCANNED:
            continue
        for pos in range(start, end - entry + 1, entry):
            info = struct.unpack_from(fmt, data, pos)[1]
            used.add(info >> 32 if is64 else info >> 8)
    return used


def _symbols_after_strip(data: Any, header: ElfHeader, symtab: RawSection, strtab: RawSection | None,
                         removed: set[int], section_symbols_used: set[int] | None = None) -> tuple[int, int | None]:
    """(bytes .symtab loses, the size of the rebuilt .strtab or None if unknown) when debugging
    symbols go: STT_FILE symbols and those defined in removed sections. In a relocatable object
    BFD also leaves out section symbols no remaining relocation uses (`section_symbols_used`)."""
    is64 = header.class_ == 64
    entsize = 24 if is64 else 16
    start, end = file_span(symtab, len(data))
    count = (end - start) // entsize
    if count > MAX_SYMBOLS_SCANNED or count == 0:
        return 0, None
    fmt = header.byte_order + ("IBBHQQ" if is64 else "IIIBBH")
    s_start, s_end = file_span(strtab, len(data)) if strtab is not None else (0, 0)
    view = memoryview(data)[start:start + count * entsize]
    kept_offsets: set[int] = set()
    dropped = 0
    try:
        for index, entry in enumerate(struct.iter_unpack(fmt, view)):
            if is64:
                name, info, shndx = entry[0], entry[1], entry[3]
            else:
                name, info, shndx = entry[0], entry[3], entry[5]
            if ((info & 0xF) == STT_FILE or shndx in removed
                    or (section_symbols_used is not None and (info & 0xF) == STT_SECTION
                        and index not in section_symbols_used)):
                dropped += 1
            elif name:
                kept_offsets.add(name)
    finally:
        view.release()
    if strtab is None:
        return dropped * entsize, None
    # read each name in place: copying the table or indexing all its strings would cost
    # memory in proportion to it (tens of MB for a large Rust binary)
    names = []
    for offset in kept_offsets:
        at = s_start + offset
        if at < s_end:
            stop = data.find(b"\0", at, s_end)
            names.append(bytes(data[at:stop if stop >= 0 else s_end]))
    if len(names) > EXACT_MERGE_LIMIT:
        # Suffix sharing between symbol names saves ~100 bytes per 1,000 names (measured on
        # rustc binaries): not worth a sort of 10^5 strings for a binary of that size.
        return dropped * entsize, 1 + sum(len(n) + 1 for n in set(names) if n)
    return dropped * entsize, _merged_strtab_size(names)


def stripped_size(data: Any, header: ElfHeader, sections: list[RawSection]) -> int:
    """The estimated size of the file after `strip --strip-debug`."""
    if not sections:
        return len(data)
    # Even without debug sections, strip drops STT_FILE symbols, so the model always runs.
    removed = {s.index for s in sections if s.index and is_strippable_debug(s.name, s.flags)}
    # relocations that apply to a removed section go with it
    for s in sections:
        if s.type in (SHT_RELA, SHT_REL) and s.link and 0 < s.size and _info_target(s, sections) in removed:
            removed.add(s.index)
    kept = [s for s in sections if s.index and s.index not in removed]

    symtab_loss, strtab_size = 0, None
    symtab = next((s for s in kept if s.type == SHT_SYMTAB), None)
    if symtab is not None:
        strtab = sections[symtab.link] if 0 < symtab.link < len(sections) else None
        used = None
        if header.type == "REL":
            kept_relocations = [s for s in kept if s.type in (SHT_RELA, SHT_REL) and s.link == symtab.index]
            used = _symbols_used_by_relocations(data, header, kept_relocations)
        symtab_loss, strtab_size = _symbols_after_strip(data, header, symtab, strtab, removed, used)
    shstrtab_index = _shstrtab_index(sections, header)
    if symtab is not None and symtab.size - symtab_loss <= symtab.entsize:
        # nothing but the null symbol left: objcopy writes no symbol table at all
        dropped = {symtab.index} | ({symtab.link} if symtab.link != shstrtab_index else set())
        kept = [s for s in kept if s.index not in dropped]
        symtab = None
    if symtab is not None and symtab.link == shstrtab_index:
        # LLVM shares one .strtab between symbol and section names; objcopy writes them
        # apart, adding a .shstrtab of its own
        shstrtab_index = -1
        kept.append(RawSection(index=-1, name=".shstrtab", type=3, flags=0, offset=0, size=0, link=0, info=0,
                               addralign=1, entsize=0))

    def new_size(s: RawSection) -> int:
        if s.index == shstrtab_index:
            return _merged_strtab_size([k.name.encode() for k in kept])
        if symtab is not None and s.index == symtab.index:
            return s.size - symtab_loss
        if symtab is not None and s.index == symtab.link and strtab_size is not None:
            return strtab_size
        return s.size

    relocatable = header.type == "REL"
    fixed = [s for s in kept if s.flags & SHF_ALLOC and not relocatable]
    position = max([header.ehsize, header.program_headers_end]
                   + [s.offset + s.size for s in fixed if s.type != SHT_NOBITS])
    movable = [s for s in kept if relocatable or not s.flags & SHF_ALLOC]
    # BFD writes the tables it rebuilds itself after the copied sections, whatever their index
    tables = [] if symtab is None else [symtab.index, symtab.link]
    ordered = ([s for s in movable if s.type not in (SHT_RELA, SHT_REL) and s.index != shstrtab_index
                and s.index not in tables]
               + sorted((s for s in movable if s.index in tables), key=lambda s: tables.index(s.index))
               + [s for s in movable if s.type in (SHT_RELA, SHT_REL)]
               + [s for s in movable if s.index == shstrtab_index])
    for s in ordered:
        if s.type == SHT_NOBITS:
            continue
        position = _align(position, s.addralign) + new_size(s)
    position = _align(position, 8 if header.class_ == 64 else 4)
    return position + (len(kept) + 1) * header.shentsize


def _info_target(reloc: RawSection, sections: list[RawSection]) -> int:
    """The index of the section a relocation section applies to (sh_info)."""
    return reloc.info if 0 < reloc.info < len(sections) else -1


def _shstrtab_index(sections: list[RawSection], header: ElfHeader) -> int:
    index = header.shstrndx
    if index == 0xFFFF and sections:
        index = sections[0].link
    return index
