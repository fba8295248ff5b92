"""The two ways a binary names its separate debug file: the GNU build-id note and `.gnu_debuglink`."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

from buildcheck.elf.reader import ElfHeader, RawSection, file_span

SHT_NOTE = 7
NT_GNU_BUILD_ID = 3
_MAX_NOTES = 1024


@dataclass(frozen=True, kw_only=True)
class DebugLink:
    file: str
    crc32: int


def build_id(data: Any, header: ElfHeader, sections: list[RawSection]) -> str | None:
    """The NT_GNU_BUILD_ID descriptor as lowercase hex, from any note section (usually .note.gnu.build-id)."""
    bo = header.byte_order
    for section in sections:
        if section.type != SHT_NOTE:
            continue
        pos, end = file_span(section, len(data))
        for _note in range(_MAX_NOTES):
            if pos + 12 > end:
                break
            namesz, descsz, ntype = struct.unpack_from(bo + "III", data, pos)
            name_at = pos + 12
            desc_at = name_at + ((namesz + 3) & ~3)
            next_at = desc_at + ((descsz + 3) & ~3)
            if next_at > end or next_at <= pos:
                break
            if ntype == NT_GNU_BUILD_ID and bytes(data[name_at:name_at + namesz]) == b"GNU\0":
                return bytes(data[desc_at:desc_at + descsz]).hex()
            pos = next_at
    return None


def debuglink(data: Any, header: ElfHeader, sections: list[RawSection]) -> DebugLink | None:
    """`.gnu_debuglink`: a NUL-terminated file name, padding to 4, then the CRC32 of that file."""
    for section in sections:
        if section.name != ".gnu_debuglink":
            continue
        start, end = file_span(section, len(data))
        stop = data.find(b"\0", start, end)
        if stop < 0:
            return None
        crc_at = start + ((stop - start + 1 + 3) & ~3)
        crc = struct.unpack_from(header.byte_order + "I", data, crc_at)[0] if crc_at + 4 <= end else 0
        return DebugLink(file=bytes(data[start:stop]).decode("utf-8", "replace"), crc32=crc)
    return None
