"""Function ranges of a stripped binary, from the unwind tables' FDEs (.eh_frame).

A stripped executable keeps .eh_frame (the unwinder needs it): one FDE per function that can be
unwound, with its start address and length. Only what locating functions needs is read: the
length, the CIE's augmentation (for the pointer encoding) and the FDE's first two fields. Every
offset is checked against the section, so a damaged table ends the walk instead of raising.
"""

from __future__ import annotations

import struct
from typing import Any

from buildcheck.elf import reader

# DW_EH_PE pointer encodings
_ABSPTR, _ULEB, _UDATA2, _UDATA4, _UDATA8 = 0x00, 0x01, 0x02, 0x03, 0x04
_SLEB, _SDATA2, _SDATA4, _SDATA8 = 0x09, 0x0A, 0x0B, 0x0C
_PCREL, _DATAREL = 0x10, 0x30
_OMIT = 0xFF
_FORMATS = {_UDATA2: "<H", _UDATA4: "<I", _UDATA8: "<Q", _SDATA2: "<h", _SDATA4: "<i", _SDATA8: "<q", _ABSPTR: "<Q"}
MAX_FDES = 5_000_000


def _leb(data: Any, pos: int, end: int, signed: bool) -> tuple[int, int]:
    result = shift = 0
    while pos < end:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            if signed and byte & 0x40:
                result -= 1 << shift
            return result, pos
    raise ValueError("truncated LEB128")


def _pointer(data: Any, pos: int, end: int, encoding: int, section_addr: int, section_offset: int) -> tuple[int, int]:
    fmt = _FORMATS.get(encoding & 0x0F)
    if fmt is None:
        raise ValueError("pointer encoding")
    width = struct.calcsize(fmt)
    if pos + width > end:
        raise ValueError("truncated pointer")
    (value,) = struct.unpack_from(fmt, data, pos)
    if encoding & 0x70 == _PCREL:
        value += section_addr + (pos - section_offset)
    return value & 0xFFFFFFFFFFFFFFFF, pos + width


def _cie_encoding(data: Any, pos: int, end: int) -> int:
    """The FDE pointer encoding named by a CIE's 'R' augmentation (absolute 8-byte pointers without one)."""
    version = data[pos]
    pos += 1
    aug_end = data.find(b"\0", pos, end)
    if aug_end < 0:
        raise ValueError("CIE augmentation")
    augmentation = bytes(data[pos:aug_end])
    pos = aug_end + 1
    if not augmentation.startswith(b"z"):
        return _ABSPTR
    _, pos = _leb(data, pos, end, False)   # code alignment
    _, pos = _leb(data, pos, end, True)    # data alignment
    if version == 1:
        pos += 1                           # return address register
    else:
        _, pos = _leb(data, pos, end, False)
    _, pos = _leb(data, pos, end, False)   # augmentation length
    for letter in augmentation[1:]:
        if letter == ord("R"):
            return data[pos]
        if letter == ord("P"):
            personality_encoding = data[pos]
            _, pos = _pointer(data, pos + 1, end, personality_encoding & 0x0F, 0, 0)
        elif letter == ord("L"):
            pos += 1
    return _ABSPTR


def function_ranges(data: Any, section: reader.RawSection) -> list[tuple[int, int]]:
    """(start address, length) of every FDE in an .eh_frame section, in table order."""
    start, end = reader.file_span(section, len(data))
    ranges: list[tuple[int, int]] = []
    encodings: dict[int, int] = {}
    pos = start
    try:
        while pos + 4 <= end and len(ranges) < MAX_FDES:
            (length,) = struct.unpack_from("<I", data, pos)
            if length == 0:  # the terminator
                break
            header = 4
            if length == 0xFFFFFFFF:
                (length,) = struct.unpack_from("<Q", data, pos + 4)
                header = 12
            body = pos + header
            record_end = body + length
            if record_end > end or length < 4:
                break
            (cie_pointer,) = struct.unpack_from("<I", data, body)
            if cie_pointer == 0:
                encodings[pos] = _cie_encoding(data, body + 4, record_end)
            else:
                cie_at = body - cie_pointer
                encoding = encodings.get(cie_at)
                if encoding is None:
                    encoding = encodings[cie_at] = _cie_encoding(data, cie_at + 8, end) if cie_at >= start else _ABSPTR
                if encoding != _OMIT:
                    where = body + 4
                    first, where = _pointer(data, where, record_end, encoding, section.addr, section.offset)
                    size, _ = _pointer(data, where, record_end, encoding & 0x0F, 0, 0)
                    if first and size:
                        ranges.append((first, size))
            pos = record_end
    except (ValueError, struct.error, IndexError):
        pass  # a damaged table: keep what was read
    return ranges
