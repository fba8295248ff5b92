"""The two ways a binary names its separate debug file: the GNU build-id note and `.gnu_debuglink`."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

from buildcheck.elf.reader import ElfHeader, RawSection, file_span
from buildcheck.errors import InputError
from buildcheck.i18n import _

SHT_NOTE = 7
NT_GNU_BUILD_ID = 3
_MAX_NOTES = 1024


@dataclass(frozen=True, kw_only=True)
class DebugLink:
    file: str
    crc32: int


def _align_up(value: int, align: int) -> int:
    return (value + align - 1) // align * align


def build_id(data: Any, header: ElfHeader, sections: list[RawSection], path: str = "") -> str | None:
    """The NT_GNU_BUILD_ID descriptor as lowercase hex, from any note section (usually .note.gnu.build-id).

    Notes are laid out as readelf reads them: the descriptor starts at 12 + namesz and the
    next note at descriptor + descsz, each rounded up to 8 in an 8-aligned section
    (.note.gnu.property) and to 4 otherwise. A note whose name or descriptor runs past the
    end of its section is an InputError, like any other header pointing outside its bounds.
    """
    bo = header.byte_order
    for section in sections:
        if section.type != SHT_NOTE:
            continue
        pos, end = file_span(section, len(data))
        align = 8 if section.addralign == 8 else 4
        for _note in range(_MAX_NOTES):
            if pos + 12 > end:
                break
            namesz, descsz, ntype = struct.unpack_from(bo + "III", data, pos)
            name_at = pos + 12
            desc_at = pos + _align_up(12 + namesz, align)
            next_at = _align_up(desc_at + descsz, align)
            if desc_at + descsz > end:
                raise InputError(_("{path}: a note at offset {offset} of section {section} runs past the end of "
                                   "the section (name {namesz} and descriptor {descsz} bytes, {left} left)").format(
                    path=path, offset=pos - file_span(section, len(data))[0], section=section.name or section.index,
                    namesz=namesz, descsz=descsz, left=end - name_at))
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
