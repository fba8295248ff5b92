"""Walk `.debug_info` unit by unit and decode only each unit's top entry.

A unit's size comes from its header alone, so charging bytes to units needs no
entry parsing; *who* produced a unit is in its first entry (DW_TAG_compile_unit
and friends: name, comp_dir, producer, language, stmt_list, dwo_name). So we
read the header with `struct`, look the top entry's abbreviation code up in its
table (parsed only as far as that code, cached by table offset), and decode
that one entry's attributes, skipping the ones we do not need by form size.

Everything read from the file is checked against the bounds of the section it
claims to be in; a bad length or offset raises `DwarfError`, which the caller
turns into a warning. Loops are capped, so garbage cannot make us spin or grow.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from buildcheck.elf.compressed import EMPTY, Span
from buildcheck.elf.relocations import Relocated, Relocations
from buildcheck.i18n import _

# Caps on loops driven by file contents (far above anything a compiler emits).
MAX_ABBREV_ENTRIES_SCANNED = 200_000
# Across the whole walk: every unit pointing at a different offset of a large garbage
# .debug_abbrev would otherwise cost units x section size. Compilers need about one
# declaration per unit (the top entry's comes first).
MAX_ABBREV_ENTRIES_TOTAL = 2_000_000
COPY_ABBREV_BELOW = 64 << 20
MAX_ATTRS_PER_ENTRY = 512
MAX_STRING = 1 << 16
MAX_INDIRECT = 4

DW_TAG_compile_unit = 0x11
DW_TAG_partial_unit = 0x3C
DW_TAG_type_unit = 0x41
DW_TAG_skeleton_unit = 0x4A

DW_UT_compile, DW_UT_type, DW_UT_partial, DW_UT_skeleton, DW_UT_split_compile, DW_UT_split_type = range(1, 7)

DW_AT_name = 0x03
DW_AT_stmt_list = 0x10
DW_AT_language = 0x13
DW_AT_comp_dir = 0x1B
DW_AT_producer = 0x25
DW_AT_str_offsets_base = 0x72
DW_AT_dwo_name = 0x76
DW_AT_GNU_dwo_name = 0x2130
DW_AT_GNU_dwo_id = 0x2131

_WANTED = frozenset({DW_AT_name, DW_AT_stmt_list, DW_AT_language, DW_AT_comp_dir, DW_AT_producer,
                     DW_AT_str_offsets_base, DW_AT_dwo_name, DW_AT_GNU_dwo_name, DW_AT_GNU_dwo_id})

# Forms of fixed size (bytes); sizes that depend on the unit are handled in _read_form.
_FIXED = {0x0B: 1, 0x0C: 1, 0x11: 1, 0x25: 1, 0x29: 1,     # data1 flag ref1 strx1 addrx1
          0x05: 2, 0x12: 2, 0x26: 2, 0x2A: 2,               # data2 ref2 strx2 addrx2
          0x27: 3, 0x2B: 3,                                 # strx3 addrx3
          0x06: 4, 0x13: 4, 0x1C: 4, 0x28: 4, 0x2C: 4,      # data4 ref4 ref_sup4 strx4 addrx4
          0x07: 8, 0x14: 8, 0x20: 8, 0x24: 8,               # data8 ref8 ref_sig8 ref_sup8
          0x1E: 16, 0x19: 0, 0x21: 0}                       # data16 flag_present implicit_const
_OFFSET_SIZED = {0x0E, 0x17, 0x1D, 0x1F, 0x1F20, 0x1F21}    # strp sec_offset strp_sup line_strp GNU_ref_alt GNU_strp_alt
_ULEB_FORMS = {0x0F, 0x15, 0x1A, 0x1B, 0x22, 0x23, 0x1F01, 0x1F02}  # udata ref_udata strx addrx loclistx rnglistx GNU_addr_index GNU_str_index
_STRX_FORMS = {0x1A, 0x25, 0x26, 0x27, 0x28, 0x1F02}
_BLOCK_FORMS = {0x0A: 1, 0x03: 2, 0x04: 4}                 # block1 block2 block4 (length prefix size)
_ULEB_BLOCK_FORMS = {0x09, 0x18}                            # block exprloc
FORM_string, FORM_strp, FORM_line_strp, FORM_sdata, FORM_addr, FORM_ref_addr, FORM_indirect = (
    0x08, 0x0E, 0x1F, 0x0D, 0x01, 0x10, 0x16)


class DwarfError(Exception):
    """The DWARF does not hold together (bad length, offset past a section, unknown form)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitTop:
    """One unit of .debug_info: where it is, how big, and its top entry's identifying attributes."""

    offset: int
    size: int            # bytes of the whole unit, length field included
    version: int
    unit_type: int       # DW_UT_* (derived from the tag before DWARF 5)
    offset_size: int     # 4 (32-bit DWARF) or 8 (64-bit DWARF)
    tag: int | None
    name: str | None = None
    comp_dir: str | None = None
    producer: str | None = None
    language: int | None = None
    stmt_list: int | None = None
    dwo_name: str | None = None
    dwo_id: int | None = None     # links a skeleton to its split unit (header in DWARF 5, DW_AT_GNU_dwo_id before)

    @property
    def is_skeleton(self) -> bool:
        return self.unit_type == DW_UT_skeleton or self.tag == DW_TAG_skeleton_unit or self.dwo_name is not None


@dataclass(frozen=True, kw_only=True)
class StringSections:
    str: Span = EMPTY
    line_str: Span = EMPTY
    str_offsets: Span = EMPTY


def uleb(buf, pos: int, end: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= end or shift > 63:
            raise DwarfError(_("LEB128 runs past its section"))
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


def sleb(buf, pos: int, end: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= end or shift > 63:
            raise DwarfError(_("LEB128 runs past its section"))
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            if byte & 0x40:
                result -= 1 << shift
            return result, pos


def _cstring(span: Span, offset: int) -> str:
    """The NUL-terminated string at `offset` inside the span (bounded, never past the span)."""
    if offset < 0 or offset >= len(span):
        raise DwarfError(_("string offset past its section"))
    start = span.start + offset
    stop = min(span.end, start + MAX_STRING)
    end = span.buf.find(b"\0", start, stop)
    return bytes(span.buf[start:end if end >= 0 else stop]).decode("utf-8", "replace")


_UNIT_TAGS = frozenset({DW_TAG_compile_unit, DW_TAG_partial_unit, DW_TAG_type_unit, DW_TAG_skeleton_unit})


class AbbrevTables:
    """Abbreviation declarations, parsed lazily: each table only as far as the codes asked for.

    Only unit declarations (the tags a top entry has) are kept: GCC orders a table by use,
    so its one DW_TAG_compile_unit declaration comes last, after ~100 others that a
    28,000-unit walk would otherwise keep in memory (190 MB, measured) for nothing.
    """

    def __init__(self, span: Span):
        if len(span) <= COPY_ABBREV_BELOW and not isinstance(span.buf, bytes):
            # indexing bytes is cheaper than indexing an mmap, and tables are small
            span = Span(bytes(span.buf[span.start:span.end]), 0, len(span))
        self._span = span
        self._budget = MAX_ABBREV_ENTRIES_TOTAL
        # table offset -> (code -> (tag, attribute specs) of unit declarations, [next position or -1])
        self._tables: dict[int, tuple[dict[int, tuple[int, tuple[tuple[int, int, int], ...]]], list[int]]] = {}

    def lookup(self, table_offset: int, code: int) -> tuple[int, tuple[tuple[int, int, int], ...]]:
        entry = self._tables.get(table_offset)
        if entry is None:
            if table_offset >= len(self._span):
                raise DwarfError(_("abbreviation offset past .debug_abbrev"))
            entry = ({}, [self._span.start + table_offset])
            self._tables[table_offset] = entry
        decls, state = entry
        found = decls.get(code)
        if found is not None:
            return found
        if state[0] >= 0:
            found = self._scan(state, code, keep=decls)
        if found is None:
            # a code passed over earlier (not a unit tag): look again, keeping nothing
            found = self._scan([self._span.start + table_offset], code, keep=None)
        if found is None:
            raise DwarfError(_("abbreviation code {code} not in its table").format(code=code))
        return found

    def _scan(self, state: list[int], code: int, keep: dict | None):
        """Parse declarations from state[0] until `code`; state[0] ends past it, or -1 at the table's end."""
        buf, end = self._span.buf, self._span.end
        pos = state[0]
        scanned = 0
        while True:
            scanned += 1
            self._budget -= 1
            if scanned > MAX_ABBREV_ENTRIES_SCANNED or self._budget < 0:
                state[0] = -1
                raise DwarfError(_("abbreviation table too long"))
            if pos < end and buf[pos] < 0x80:
                this_code = buf[pos]
                pos += 1
            else:
                this_code, pos = uleb(buf, pos, end)
            if this_code == 0:
                state[0] = -1
                return None
            if pos < end and buf[pos] < 0x80:
                tag = buf[pos]
                pos += 1
            else:
                tag, pos = uleb(buf, pos, end)
            if pos >= end:
                raise DwarfError(_("abbreviation runs past .debug_abbrev"))
            pos += 1  # DW_CHILDREN_yes/no
            wanted = this_code == code or (keep is not None and tag in _UNIT_TAGS)
            specs = []
            count = 0
            while True:
                # nearly every attribute and form code fits in one byte: read those inline
                # (this loop is most of the walk's time on GCC-built code)
                if pos + 1 < end and buf[pos] < 0x80 and buf[pos + 1] < 0x80:
                    attr, form = buf[pos], buf[pos + 1]
                    pos += 2
                else:
                    attr, pos = uleb(buf, pos, end)
                    form, pos = uleb(buf, pos, end)
                if attr == 0 and form == 0:
                    break
                implicit = 0
                if form == 0x21:
                    implicit, pos = sleb(buf, pos, end)
                count += 1
                if count > MAX_ATTRS_PER_ENTRY:
                    raise DwarfError(_("abbreviation with too many attributes"))
                if wanted:
                    specs.append((attr, form, implicit))
            if wanted:
                decl = (tag, tuple(specs))
                if keep is not None:
                    keep.setdefault(this_code, decl)
                if this_code == code:
                    state[0] = pos
                    return decl


def _read_form(buf, pos: int, end: int, form: int, want: bool, offset_size: int, address_size: int,
               version: int, implicit: int, endian: str):
    """Decode (want=True) or skip one attribute value; returns (value, new position).

    String values come back as ("strp"|"line_strp"|"strx", number) or a str, resolved later
    because DW_AT_str_offsets_base may follow DW_AT_name in the entry.
    """
    for _hop in range(MAX_INDIRECT):
        if form != FORM_indirect:
            break
        form, pos = uleb(buf, pos, end)
    size = _FIXED.get(form)
    if size is not None:
        if pos + size > end:
            raise DwarfError(_("attribute runs past its unit"))
        if form == 0x21:
            return implicit, pos
        if not want:
            return None, pos + size
        if form in _STRX_FORMS:
            return ("strx", int.from_bytes(buf[pos:pos + size], endian)), pos + size
        return (int.from_bytes(buf[pos:pos + size], endian) if size <= 8 else None), pos + size
    if form in _OFFSET_SIZED:
        if pos + offset_size > end:
            raise DwarfError(_("attribute runs past its unit"))
        value = int.from_bytes(buf[pos:pos + offset_size], endian) if want else None
        if form == FORM_strp:
            value = ("strp", value)
        elif form == FORM_line_strp:
            value = ("line_strp", value)
        elif form in (0x1D, 0x1F21):
            value = None  # in a supplementary / alternate file we do not have
        return value, pos + offset_size
    if form in _ULEB_FORMS:
        value, pos = uleb(buf, pos, end)
        return (("strx", value) if form in _STRX_FORMS else value), pos
    if form == FORM_string:
        stop = buf.find(b"\0", pos, end)
        if stop < 0:
            raise DwarfError(_("string runs past its unit"))
        value = bytes(buf[pos:min(stop, pos + MAX_STRING)]).decode("utf-8", "replace") if want else None
        return value, stop + 1
    if form == FORM_sdata:
        return sleb(buf, pos, end)
    if form == FORM_addr or (form == FORM_ref_addr and version <= 2):
        size = address_size
    elif form == FORM_ref_addr:
        size = offset_size
    elif form in _BLOCK_FORMS:
        prefix = _BLOCK_FORMS[form]
        if pos + prefix > end:
            raise DwarfError(_("block runs past its unit"))
        size = int.from_bytes(buf[pos:pos + prefix], endian)
        pos += prefix
    elif form in _ULEB_BLOCK_FORMS:
        size, pos = uleb(buf, pos, end)
    else:
        raise DwarfError(_("unknown attribute form 0x{form:x}").format(form=form))
    if pos + size > end:
        raise DwarfError(_("attribute runs past its unit"))
    return None, pos + size


def _resolve_string(value, strings: StringSections, str_offsets_base: int, offset_size: int,
                    endian: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, tuple):
        return None
    kind, number = value
    if kind == "strp":
        return _cstring(strings.str, number)
    if kind == "line_strp":
        return _cstring(strings.line_str, number)
    # strx: an index into .debug_str_offsets, from this unit's base
    at = str_offsets_base + number * offset_size
    if at + offset_size > len(strings.str_offsets):
        raise DwarfError(_("string index past .debug_str_offsets"))
    so = strings.str_offsets
    return _cstring(strings.str, int.from_bytes(so.buf[so.start + at:so.start + at + offset_size], endian))


class _UnitHeader(NamedTuple):
    """A unit's header (a NamedTuple: built once per unit on the walk's hot path, where a frozen
    dataclass's __init__ costs a tenth of the walk)."""

    offset: int          # of the unit in the section
    size: int
    offset_size: int
    version: int
    unit_type: int
    address_size: int
    abbrev_offset: int   # as stored (before relocation and the .dwp contribution base)
    abbrev_at: int       # section offset of that field: where a relocatable object relocates it
    dwo_id: int | None   # DWARF 5 skeleton / split units carry it in the header
    entry_at: int        # buffer position of the top entry
    end: int             # buffer position of the unit's end


# (abbreviation base, string offsets base) of the unit at a section offset: a .dwp's
# contributions (its .debug_cu_index), which offsets inside a unit are relative to.
Bases = Callable[[int], tuple[int, int]]
_NO_BASES = (0, 0)


def walk_units(info: Span, abbrev: Span, strings: StringSections, *, byte_order: str,
               problems: list[str], progress: Callable[[int, int], None] | None = None,
               progress_every: int = 256, relocations: Relocations | None = None,
               bases: Bases | None = None) -> Iterator[UnitTop]:
    """Yield every unit of `.debug_info` in order.

    A unit whose header holds but whose top entry does not decode is still yielded
    (tag None) so its bytes are charged; a header that does not hold ends the walk,
    and the caller charges the rest of the section to "unparsed". Problems are
    appended to `problems` (first few only). `relocations` (a relocatable object's)
    are applied to the offsets read; `bases` gives a .dwp unit's contribution bases.
    """
    if relocations is not None:
        yield from _walk_relocated(info, abbrev, strings, byte_order=byte_order, problems=problems,
                                   progress=progress, progress_every=progress_every, relocations=relocations,
                                   bases=bases)
        return
    bo = byte_order
    endian = "little" if bo == "<" else "big"
    buf, base, total = info.buf, info.start, len(info)
    abbrevs = AbbrevTables(abbrev)
    pos = 0
    count = 0
    while pos < total:
        size, offset_size, header_len = _unit_bounds(buf, base, pos, total, bo)
        abbrev_base, str_base = bases(pos) if bases is not None else _NO_BASES
        try:
            header = _parse_header(buf, base, pos, size, offset_size, header_len, bo)
            tag, values = _read_top(buf, base, header, abbrevs, abbrev_base + header.abbrev_offset, endian)
            yield _finish(header, tag, values, strings, problems, endian, str_base)
        except DwarfError as exc:
            yield _unreadable(pos, size, offset_size, exc, problems, buf, base, bo)
        pos += size
        count += 1
        if progress is not None and count % progress_every == 0:
            progress(pos, total)
    if progress is not None:
        progress(total, total)


def _walk_relocated(info: Span, abbrev: Span, strings: StringSections, *, byte_order: str, problems: list[str],
                    progress: Callable[[int, int], None] | None, progress_every: int,
                    relocations: Relocations, bases: Bases | None) -> Iterator[UnitTop]:
    """The walk of a relocatable object, in three passes so that relocations are looked up in two batches.

    Which relocations a unit needs is known only as it is decoded: first the one at its
    abbreviation offset field, then those at its top entry's attributes (found through the
    relocated abbreviation). Asking for each across all units at once makes two passes
    over the relocation table in all, however many units and relocations there are.
    """
    bo = byte_order
    endian = "little" if bo == "<" else "big"
    buf, base, total = info.buf, info.start, len(info)
    abbrevs = AbbrevTables(abbrev)
    headers: list[_UnitHeader | UnitTop] = []
    stopped: DwarfError | None = None
    pos = 0
    while pos < total:
        try:
            size, offset_size, header_len = _unit_bounds(buf, base, pos, total, bo)
        except DwarfError as exc:
            stopped = exc
            break
        try:
            headers.append(_parse_header(buf, base, pos, size, offset_size, header_len, bo))
        except DwarfError as exc:
            headers.append(_unreadable(pos, size, offset_size, exc, problems, buf, base, bo))
        pos += size

    at_abbrev = relocations.resolve([h.abbrev_at for h in headers if isinstance(h, _UnitHeader)])
    tops: list[tuple[_UnitHeader, int, dict[int, object], dict[int, int]] | UnitTop] = []
    for h in headers:
        if not isinstance(h, _UnitHeader):
            tops.append(h)
            continue
        abbrev_base = bases(h.offset)[0] if bases is not None else 0
        positions: dict[int, int] = {}
        try:
            tag, values = _read_top(buf, base, h, abbrevs,
                                    abbrev_base + _relocated(h.abbrev_offset, h.abbrev_at, at_abbrev), endian,
                                    positions)
            tops.append((h, tag, values, positions))
        except DwarfError as exc:
            tops.append(_unreadable(h.offset, h.size, h.offset_size, exc, problems, buf, base, bo, h))
    del headers
    at_values = relocations.resolve([at for top in tops if not isinstance(top, UnitTop) for at in top[3].values()])
    for count, top in enumerate(tops, 1):
        if isinstance(top, UnitTop):
            unit = top
        else:
            h, tag, values, positions = top
            _apply(values, positions, at_values)
            unit = _finish(h, tag, values, strings, problems, endian, bases(h.offset)[1] if bases is not None else 0)
        yield unit
        if progress is not None and count % progress_every == 0:
            progress(unit.offset + unit.size, total)
    if stopped is not None:
        raise stopped
    if progress is not None:
        progress(total, total)


def _unit_bounds(buf, base: int, pos: int, total: int, bo: str) -> tuple[int, int, int]:
    """(size, offset size, length field size) of the unit at `pos`; DwarfError ends the walk."""
    if total - pos < 4:
        raise DwarfError(_("{n} stray bytes at the end of .debug_info").format(n=total - pos))
    (length,) = struct.unpack_from(bo + "I", buf, base + pos)
    offset_size, header_len = 4, 4
    if length == 0xFFFFFFFF:
        if total - pos < 12:
            raise DwarfError(_("truncated 64-bit unit header"))
        (length,) = struct.unpack_from(bo + "Q", buf, base + pos + 4)
        offset_size, header_len = 8, 12
    elif length >= 0xFFFFFFF0:
        raise DwarfError(_("reserved unit length 0x{length:x} at offset 0x{pos:x}").format(length=length, pos=pos))
    size = header_len + length
    if size > total - pos or length < 2:
        raise DwarfError(_("unit at offset 0x{pos:x} claims {size} bytes, {left} remain").format(
            pos=pos, size=size, left=total - pos))
    return size, offset_size, header_len


def _parse_header(buf, base: int, offset: int, size: int, offset_size: int, header_len: int,
                  bo: str) -> _UnitHeader:
    p = base + offset + header_len
    end = base + offset + size
    if p + 2 > end:
        raise DwarfError(_("unit header truncated"))
    (version,) = struct.unpack_from(bo + "H", buf, p)
    p += 2
    osz = "I" if offset_size == 4 else "Q"
    unit_type = DW_UT_compile
    dwo_id = None
    if version == 5:
        if p + 2 + offset_size > end:
            raise DwarfError(_("unit header truncated"))
        unit_type, address_size = buf[p], buf[p + 1]
        abbrev_at = p + 2
        p += 2 + offset_size
        if unit_type in (DW_UT_skeleton, DW_UT_split_compile):
            if p + 8 > end:
                raise DwarfError(_("unit header truncated"))
            (dwo_id,) = struct.unpack_from(bo + "Q", buf, p)
            p += 8
        elif unit_type in (DW_UT_type, DW_UT_split_type):
            p += 8 + offset_size
    elif 2 <= version <= 4:
        if p + offset_size + 1 > end:
            raise DwarfError(_("unit header truncated"))
        abbrev_at = p
        address_size = buf[p + offset_size]
        p += offset_size + 1
    else:
        raise DwarfError(_("unsupported DWARF version {version}").format(version=version))
    (abbrev_offset,) = struct.unpack_from(bo + osz, buf, abbrev_at)
    return _UnitHeader(offset=offset, size=size, offset_size=offset_size, version=version, unit_type=unit_type,
                       address_size=address_size, abbrev_offset=abbrev_offset, abbrev_at=abbrev_at - base,
                       dwo_id=dwo_id, entry_at=p, end=end)


def _read_top(buf, base: int, h: _UnitHeader, abbrevs: AbbrevTables, abbrev_offset: int, endian: str,
              positions: dict[int, int] | None = None) -> tuple[int, dict[int, object]]:
    """The top entry's tag and wanted attributes; `positions` (if given) receives each one's section offset."""
    p, end = h.entry_at, h.end
    code, p = uleb(buf, p, end)
    if code == 0:
        raise DwarfError(_("unit without a top entry"))
    tag, specs = abbrevs.lookup(abbrev_offset, code)
    values: dict[int, object] = {}
    for attr, form, implicit in specs:
        want = attr in _WANTED
        at = p
        value, p = _read_form(buf, p, end, form, want, h.offset_size, h.address_size, h.version, implicit, endian)
        if want:
            values[attr] = value
            if positions is not None:
                positions[attr] = at - base
    return tag, values


def _relocated(value: int, at: int, relocated: Relocated | None) -> int:
    found = relocated.get(at) if relocated is not None else None
    if found is None:
        return value
    addend, replaces = found
    return addend if replaces else value + addend


_UNIT_TYPE_OF_TAG = {DW_TAG_partial_unit: DW_UT_partial, DW_TAG_type_unit: DW_UT_type,
                     DW_TAG_skeleton_unit: DW_UT_skeleton}


def _apply(values: dict[int, object], positions: dict[int, int], relocated: Relocated) -> None:
    """Relocate the values read from a relocatable object, in place."""
    for attr, at in positions.items():
        value = values[attr]
        if isinstance(value, tuple):
            values[attr] = (value[0], _relocated(value[1], at, relocated))
        elif isinstance(value, int):
            values[attr] = _relocated(value, at, relocated)


def _finish(h: _UnitHeader, tag: int, values: dict[int, object], strings: StringSections,
            problems: list[str], endian: str, str_offsets_base: int) -> UnitTop:
    unit_type = h.unit_type
    if h.version < 5:
        unit_type = _UNIT_TYPE_OF_TAG.get(tag, DW_UT_compile)
    base = values.get(DW_AT_str_offsets_base)
    if not isinstance(base, int):
        # a .dwo has no base attribute: DWARF 5's table starts after its header, the GNU
        # (DWARF 4) split-DWARF table has none
        base = (8 if h.offset_size == 4 else 16) if h.version >= 5 else 0
    base += str_offsets_base
    fields: dict[str, object] = {}
    for attr, key in ((DW_AT_name, "name"), (DW_AT_comp_dir, "comp_dir"), (DW_AT_producer, "producer"),
                      (DW_AT_dwo_name, "dwo_name"), (DW_AT_GNU_dwo_name, "dwo_name")):
        if attr in values:
            try:
                fields[key] = _resolve_string(values[attr], strings, base, h.offset_size, endian)
            except DwarfError as exc:
                _note(problems, _("unit at 0x{offset:x}: {problem}").format(offset=h.offset, problem=exc))
    language = values.get(DW_AT_language)
    stmt_list = values.get(DW_AT_stmt_list)
    dwo_id = h.dwo_id if h.dwo_id is not None else values.get(DW_AT_GNU_dwo_id)
    return UnitTop(offset=h.offset, size=h.size, version=h.version, unit_type=unit_type,
                   offset_size=h.offset_size, tag=tag, language=language if isinstance(language, int) else None,
                   stmt_list=stmt_list if isinstance(stmt_list, int) else None,
                   dwo_id=dwo_id if isinstance(dwo_id, int) else None, **fields)  # type: ignore[arg-type]


def _unreadable(offset: int, size: int, offset_size: int, exc: DwarfError, problems: list[str], buf, base: int,
                bo: str, header: _UnitHeader | None = None) -> UnitTop:
    """A unit whose header holds but whose top entry does not: charged, without a tag."""
    _note(problems, _("unit at 0x{offset:x}: {problem}").format(offset=offset, problem=exc))
    version = header.version if header is not None else 0
    length_field = 4 if offset_size == 4 else 12
    if header is None and size >= length_field + 2:
        # the version is worth keeping (dwarf_versions) even when what follows it is garbage
        (version,) = struct.unpack_from(bo + "H", buf, base + offset + length_field)
    return UnitTop(offset=offset, size=size, version=version,
                   unit_type=header.unit_type if header is not None else DW_UT_compile,
                   offset_size=offset_size, tag=None)


def _note(problems: list[str], text: str, limit: int = 20) -> None:
    if len(problems) < limit:
        problems.append(text)
    elif len(problems) == limit:
        problems.append(_("(further DWARF problems not listed)"))


def line_table_size(line: Span, offset: int, byte_order: str) -> int | None:
    """The byte size of the .debug_line table at `offset` (from its unit_length), or None if it does not fit."""
    if offset < 0 or offset + 4 > len(line):
        return None
    (length,) = struct.unpack_from(byte_order + "I", line.buf, line.start + offset)
    header = 4
    if length == 0xFFFFFFFF:
        if offset + 12 > len(line):
            return None
        (length,) = struct.unpack_from(byte_order + "Q", line.buf, line.start + offset + 4)
        header = 12
    elif length >= 0xFFFFFFF0:
        return None
    size = header + length
    return size if offset + size <= len(line) else None
