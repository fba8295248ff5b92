"""The DWARF sections of one mapped ELF file, ready for the unit walk.

Which sections: `.debug_*` in a binary or an object, `.debug_*.dwo` in a split-DWARF object
(.dwo) or package (.dwp); legacy `.zdebug_*` as well. Compressed ones are decompressed
(compressed.py), a relocatable object's relocations are found (relocations.py), and a package's
unit index gives each unit's contribution bases (dwp_index.py). inspect.py walks a binary with
it, split_dwarf.py the .dwo and .dwp files beside it.
"""

from __future__ import annotations

import contextlib
import mmap
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from buildcheck.elf import compressed, dwarf, dwp_index, reader, relocations
from buildcheck.i18n import _

DWARF_SECTIONS = (".debug_info", ".debug_abbrev", ".debug_str", ".debug_line_str", ".debug_str_offsets",
                  ".debug_line")
INDEX_SECTIONS = (".debug_cu_index", ".debug_tu_index")


class Undecodable(Exception):
    """A section the walk needs could not be decompressed (the warning is already given)."""

    def __init__(self, info_raw: reader.RawSection):
        super().__init__(info_raw.name)
        self.info_raw = info_raw


@dataclass(frozen=True, kw_only=True)
class DwarfFile:
    info_raw: reader.RawSection
    spans: Mapping[str, compressed.Span]  # by plain name (".debug_info"), whichever variant the file has
    relocations: relocations.Relocations | None
    index: dwp_index.PackageIndex | None
    byte_order: str

    @property
    def info(self) -> compressed.Span:
        return self.spans[".debug_info"]

    @property
    def line(self) -> compressed.Span:
        return self.spans[".debug_line"]

    def units(self, problems: list[str],
              progress: Callable[[int, int], None] | None = None) -> Iterator[dwarf.UnitTop]:
        strings = dwarf.StringSections(str=self.spans[".debug_str"], line_str=self.spans[".debug_line_str"],
                                       str_offsets=self.spans[".debug_str_offsets"])
        return dwarf.walk_units(self.info, self.spans[".debug_abbrev"], strings, byte_order=self.byte_order,
                                problems=problems, progress=progress, relocations=self.relocations,
                                bases=self.index.bases if self.index is not None else None)


# Touched pages of a file mapping count in the process's RSS until unmapped, and recent
# kernels map whole large folios per fault: walking 540 MB of .debug_info would "use"
# 540 MB. Dropping the mappings every so often keeps RSS flat; the pages stay in the
# page cache, so a later touch is a cheap minor fault.
RELEASE_EVERY_BYTES = 32 << 20


def releasing(progress: Callable[[int, int], None] | None, data: Any,
              spans: Mapping[str, compressed.Span]) -> Callable[[int, int], None]:
    """A progress callback for the unit walk that also gives the walked pages back every 32 MB."""
    maps = {id(m): m for m in [data, *(s.buf for s in spans.values())] if hasattr(m, "madvise")}
    advice = getattr(mmap, "MADV_DONTNEED", None)
    last = 0

    def update(done: int, total: int) -> None:
        nonlocal last
        if advice is not None and done - last >= RELEASE_EVERY_BYTES:
            last = done
            for m in maps.values():
                with contextlib.suppress(OSError, ValueError):
                    m.madvise(advice)
        if progress is not None:
            progress(done, total)

    return update


def open_dwarf(path: str, data: Any, header: reader.ElfHeader, raw_sections: list[reader.RawSection],
               stack: contextlib.ExitStack, warnings: list[str], *, split_only: bool = False) -> DwarfFile | None:
    """The file's DWARF, or None when it has no .debug_info with bytes; Undecodable when it cannot be read.

    `split_only`: only the .dwo sections count (a skeleton's dwo_name naming an ordinary binary
    must not have that binary's units charged as split units).
    """
    by_name: dict[str, reader.RawSection] = {}
    for raw in raw_sections[1:]:
        by_name.setdefault(raw.name, raw)
    # a split-DWARF object (.dwo) or package (.dwp) holds the same sections with a .dwo suffix
    suffix = "" if not split_only and (".debug_info" in by_name or ".zdebug_info" in by_name) else ".dwo"

    def find(section: str, suffix: str = suffix) -> reader.RawSection | None:
        return by_name.get(section + suffix) or by_name.get(".z" + section[1:] + suffix)

    info_raw = find(".debug_info")
    if info_raw is None or not info_raw.occupies_file:
        return None
    spans: dict[str, compressed.Span] = {}
    for section in (*DWARF_SECTIONS, *INDEX_SECTIONS):
        raw = find(section, "") if section in INDEX_SECTIONS else find(section)
        if section == ".debug_line" and raw is not None and compressed.compression_of(data, header, raw):
            # per-origin line-table bytes are a bonus; not worth decompressing a section this large
            spans[section] = compressed.EMPTY
            continue
        try:
            span, problem = compressed.section_span(data, header, raw, stack)
        except compressed.TemporaryFileFailed as exc:
            raise compressed.TemporaryFileFailed(_("{path}: {problem}").format(path=path, problem=exc)) from None
        except compressed.CannotDecompress as exc:
            if isinstance(exc, compressed.NoRoomToDecompress):
                warnings.append(_("{section} not decompressed: {reason}; origins not computed").format(
                    section=section, reason=exc))
            elif str(exc) == "zstd":
                warnings.append(_("zstd-compressed DWARF: origins not computed (this Python has no zstd "
                                  "decompressor)"))
            else:
                warnings.append(_("{section}: cannot decompress ({reason}): origins not computed").format(
                    section=section, reason=exc))
            if section == ".debug_line":
                spans[section] = compressed.EMPTY
                continue
            raise Undecodable(info_raw) from None
        if problem:
            warnings.append(_("{section}: {problem}").format(section=section, problem=problem))
        spans[section] = span

    index = None
    try:
        index = dwp_index.package_index(spans[".debug_cu_index"], spans[".debug_tu_index"], header.byte_order)
    except dwarf.DwarfError as exc:
        warnings.append(_("{section}: {problem}").format(section=".debug_cu_index", problem=exc))
    return DwarfFile(info_raw=info_raw, spans=spans, index=index, byte_order=header.byte_order,
                     relocations=relocations.debug_info_relocations(data, header, raw_sections, info_raw))
