"""The unit index of a DWARF package (.dwp): which bytes of each section belong to which unit.

`dwp` (binutils, DWARF 4 "GNU" version 2), `llvm-dwp` and rustc's thorin (versions 2 and 5)
concatenate the .dwo files' sections; `.debug_cu_index` (and `.debug_tu_index` for type units)
record, per unit, its signature (the DWO id its skeleton carries) and the offset and size of its
contribution to each section. Offsets inside a unit (its abbreviation offset, its string offsets
base) are relative to those contributions, so a walk of `.debug_info.dwo` needs them.

Layout (DWARF 5 section 7.3.5, the same in the GNU version 2 apart from the version field):
header (version, number of columns, units, hash slots), a hash table of 8-byte signatures,
a parallel table of 4-byte row numbers (1-based, 0 = empty slot), one row of column section ids,
then the offsets and the sizes of every row, 4 bytes each.
"""

from __future__ import annotations

import bisect
import struct
from dataclasses import dataclass

from buildcheck.elf.compressed import Span
from buildcheck.elf.dwarf import DwarfError
from buildcheck.i18n import _

DW_SECT_INFO, DW_SECT_ABBREV, DW_SECT_STR_OFFSETS = 1, 3, 6  # the same numbers in versions 2 and 5
MAX_COLUMNS = 64


@dataclass(frozen=True, slots=True, kw_only=True)
class Contribution:
    signature: int        # a compile unit's DWO id, a type unit's type signature
    info_offset: int
    info_size: int
    abbrev_offset: int
    str_offsets_offset: int
    type_unit: bool


@dataclass(frozen=True)
class PackageIndex:
    """The contributions of every unit, ordered by where they start in .debug_info.dwo."""

    contributions: tuple[Contribution, ...]
    starts: tuple[int, ...]  # their info offsets, for bisection

    def at(self, info_offset: int) -> Contribution | None:
        """The contribution holding the unit at this offset of .debug_info.dwo."""
        i = bisect.bisect_right(self.starts, info_offset) - 1
        if i >= 0:
            c = self.contributions[i]
            if info_offset < c.info_offset + c.info_size:
                return c
        return None

    def bases(self, info_offset: int) -> tuple[int, int]:
        """(abbreviation base, string offsets base) for the unit at this offset: dwarf.walk_units' `bases`."""
        c = self.at(info_offset)
        return (c.abbrev_offset, c.str_offsets_offset) if c is not None else (0, 0)


def read_index(span: Span, byte_order: str, *, type_units: bool) -> list[Contribution]:
    """The rows of one index section; DwarfError when its tables do not fit in it."""
    buf, start, size = span.buf, span.start, len(span)
    if size == 0:
        return []
    if size < 16:
        raise DwarfError(_("unit index shorter than its header"))
    (version,) = struct.unpack_from(byte_order + "I", buf, start)
    if version not in (2,):
        (version,) = struct.unpack_from(byte_order + "H", buf, start)
    if version not in (2, 5):
        raise DwarfError(_("unit index version {version} is not 2 or 5").format(version=version))
    columns, units, slots = struct.unpack_from(byte_order + "III", buf, start + 4)
    if columns > MAX_COLUMNS or 16 + slots * 12 + columns * 4 + 2 * units * columns * 4 > size:
        raise DwarfError(_("unit index tables ({units} units, {slots} slots) do not fit in its {size} bytes").format(
            units=units, slots=slots, size=size))
    hashes_at = start + 16
    rows_at = hashes_at + slots * 8
    ids_at = rows_at + slots * 4
    offsets_at = ids_at + columns * 4
    sizes_at = offsets_at + units * columns * 4
    column_ids = struct.unpack_from(byte_order + "I" * columns, buf, ids_at)

    def column(wanted: int) -> int | None:
        return column_ids.index(wanted) if wanted in column_ids else None

    info, abbrev, str_offsets = column(DW_SECT_INFO), column(DW_SECT_ABBREV), column(DW_SECT_STR_OFFSETS)
    if info is None:
        return []  # a version 2 type index describes .debug_types.dwo, which is not walked
    found = []
    for slot in range(slots):
        (row,) = struct.unpack_from(byte_order + "I", buf, rows_at + slot * 4)
        if row == 0:
            continue
        if row > units:
            raise DwarfError(_("unit index row {row} past its {units} units").format(row=row, units=units))
        (signature,) = struct.unpack_from(byte_order + "Q", buf, hashes_at + slot * 8)
        offsets = struct.unpack_from(byte_order + "I" * columns, buf, offsets_at + (row - 1) * columns * 4)
        sizes = struct.unpack_from(byte_order + "I" * columns, buf, sizes_at + (row - 1) * columns * 4)
        found.append(Contribution(signature=signature, info_offset=offsets[info], info_size=sizes[info],
                                  abbrev_offset=offsets[abbrev] if abbrev is not None else 0,
                                  str_offsets_offset=offsets[str_offsets] if str_offsets is not None else 0,
                                  type_unit=type_units))
    return found


def package_index(cu_index: Span, tu_index: Span, byte_order: str) -> PackageIndex | None:
    """Both indexes of a package as one lookup; None when the file has neither (a plain .dwo)."""
    rows = read_index(cu_index, byte_order, type_units=False) + read_index(tu_index, byte_order, type_units=True)
    if not rows:
        return None
    ordered = tuple(sorted(rows, key=lambda c: c.info_offset))
    return PackageIndex(ordered, tuple(c.info_offset for c in ordered))
