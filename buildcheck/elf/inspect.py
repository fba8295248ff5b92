"""inspect_binary(): one ELF file in, one BinaryReport out (sections, debug share, origins of the debug info).

This module only assembles; the parsing lives in reader.py (ELF), compressed.py,
dwarf.py (units), origins.py (who produced a unit), notes.py and strip_estimate.py.
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from buildcheck.elf import compressed, dwarf, dwarf_file, notes, origins, reader, split_dwarf, strip_estimate
from buildcheck.errors import InputError
from buildcheck.i18n import _

SCHEMA_VERSION = 1


@dataclass(frozen=True, kw_only=True)
class ElfIdentity:
    class_: Literal[32, 64]
    endianness: Literal["little", "big"]
    type: str
    machine: str

    def to_json(self) -> dict[str, Any]:
        return {"class": self.class_, "endianness": self.endianness, "type": self.type, "machine": self.machine}


@dataclass(frozen=True, kw_only=True)
class SectionInfo:
    index: int
    name: str
    type: str
    size: int                 # sh_size as the header has it (compressed size for compressed sections)
    flags: str                # as readelf -S -W prints them
    offset: int
    compressed: bool
    compression: str | None   # zlib | zstd | zlib-gnu | unknown
    uncompressed_size: int
    debug: bool               # a .debug_* / .zdebug_* section
    file_bytes: int           # bytes it occupies in the file (0 for NOBITS)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "size": self.size, "flags": self.flags,
                "compressed": self.compressed, "uncompressed_size": self.uncompressed_size, "debug": self.debug,
                "offset": self.offset, "compression": self.compression}


@dataclass(frozen=True, kw_only=True)
class DebugOrigin:
    name: str
    kind: origins.OriginKind
    debug_info_bytes: int
    units: int
    producer: str | None              # the most common producer string
    producers: Counter[str]
    crate: str | None                 # the crate: its own code, or the crate whose build script compiled this C/C++
    language: str
    debug_line_bytes: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "debug_info_bytes": self.debug_info_bytes, "units": self.units,
                "producer": self.producer, "crate": self.crate, "language": self.language,
                "debug_line_bytes": self.debug_line_bytes,
                "producers": dict(self.producers.most_common(5))}


# A .dwo or .dwp file found (or looked for) beside the binary: path, exists, size, and what of it counts.
DwoFile = split_dwarf.SplitFile


@dataclass(frozen=True, kw_only=True)
class BinaryReport:
    path: str
    file_size: int
    elf: ElfIdentity
    sections: tuple[SectionInfo, ...]
    debug_bytes: int
    debug_info_bytes: int
    stripped_size_estimate: int
    build_id: str | None
    debuglink: str | None
    split_dwarf: bool
    origins: tuple[DebugOrigin, ...]
    warnings: tuple[str, ...] = ()
    debuglink_crc32: int | None = None
    symtab_bytes: int = 0
    dwarf_versions: tuple[int, ...] = ()
    units: int = 0
    dwo_files: tuple[DwoFile, ...] = ()
    dwp_file: DwoFile | None = None
    origins_computed: bool = True
    # the split units the skeletons point at, read from the .dwp / .dwo files (not part of debug_info_bytes)
    split_origins: tuple[DebugOrigin, ...] = ()
    split_units: int = 0
    split_debug_info_bytes: int = 0

    @property
    def split_files_missing(self) -> tuple[DwoFile, ...]:
        return tuple(d for d in self.dwo_files if not d.exists)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION, "command": "inspect", "path": self.path, "file_size": self.file_size,
            "elf": self.elf.to_json(),
            "sections": [s.to_json() for s in self.sections],
            "debug_bytes": self.debug_bytes,
            "debug_info_bytes": self.debug_info_bytes,
            "stripped_size_estimate": self.stripped_size_estimate,
            "build_id": self.build_id,
            "debuglink": self.debuglink,
            "debuglink_crc32": self.debuglink_crc32,
            "split_dwarf": self.split_dwarf,
            "dwo_files": [d.to_json() for d in self.dwo_files],
            "dwp_file": self.dwp_file.to_json() if self.dwp_file else None,
            "split_units": self.split_units,
            "split_debug_info_bytes": self.split_debug_info_bytes,
            "split_origins": [o.to_json() for o in self.split_origins],
            "symtab_bytes": self.symtab_bytes,
            "dwarf_versions": list(self.dwarf_versions),
            "units": self.units,
            "origins_computed": self.origins_computed,
            "origins": [o.to_json() for o in self.origins],
            "warnings": list(self.warnings),
        }


def is_debug_section(name: str) -> bool:
    return name.startswith((".debug_", ".zdebug_"))


def inspect_binary(path: str | os.PathLike[str], *,
                   progress: Callable[[int, int], None] | None = None) -> BinaryReport:
    """Read one ELF file; InputError if it is not a readable ELF, warnings for damaged DWARF inside one."""
    name = os.fspath(path)
    data, file_size = reader.open_map(name)
    with contextlib.ExitStack() as stack:
        stack.callback(data.close)
        return _inspect(name, data, file_size, stack, progress)


def _inspect(path: str, data: Any, file_size: int, stack: contextlib.ExitStack,
             progress: Callable[[int, int], None] | None) -> BinaryReport:
    header = reader.read_header(data, path)
    raw_sections, warnings = reader.read_sections(data, header, path)
    reader.read_segments(data, header, raw_sections, path)  # only checked: they must lie inside the file
    sections = tuple(_section_info(data, header, s, path) for s in raw_sections[1:])

    debug_bytes = sum(s.file_bytes for s in sections if s.debug)
    symtab_bytes = sum(s.file_bytes for s in sections if s.name in (".symtab", ".strtab"))
    by_name = {}
    for raw in raw_sections[1:]:
        by_name.setdefault(raw.name, raw)
    info_raw = by_name.get(".debug_info") or by_name.get(".zdebug_info")
    info_section = next((s for s in sections if info_raw is not None and s.index == info_raw.index), None)
    # A .debug_info without file bytes (NOBITS, or a damaged type) holds no debug info to charge.
    has_info = info_section is not None and info_raw is not None and info_raw.occupies_file
    debug_info_bytes = info_section.uncompressed_size if has_info else 0

    link = notes.debuglink(data, header, raw_sections)
    walk = _walk_debug_info(path, data, header, raw_sections, stack, progress, warnings)
    return BinaryReport(
        path=path, file_size=file_size,
        elf=ElfIdentity(class_=header.class_, endianness=header.endianness, type=header.type,
                        machine=header.machine),
        sections=sections, debug_bytes=debug_bytes,
        debug_info_bytes=walk.info_bytes if walk.info_bytes is not None else debug_info_bytes,
        stripped_size_estimate=min(file_size, strip_estimate.stripped_size(data, header, raw_sections)),
        build_id=notes.build_id(data, header, raw_sections, path),
        debuglink=link.file if link else None, debuglink_crc32=link.crc32 if link else None,
        split_dwarf=walk.split_dwarf, origins=walk.origins, warnings=tuple(warnings),
        symtab_bytes=symtab_bytes, dwarf_versions=walk.versions, units=walk.units,
        dwo_files=walk.split.dwo_files if walk.split else (),
        dwp_file=walk.split.dwp if walk.split else _dwp_beside(path), origins_computed=walk.computed,
        split_origins=walk.split_origins, split_units=len(walk.split.units) if walk.split else 0,
        split_debug_info_bytes=walk.split.debug_info_bytes if walk.split else 0,
    )


def _section_info(data: Any, header: reader.ElfHeader, raw: reader.RawSection, path: str) -> SectionInfo:
    maybe_compressed = raw.flags & reader.SHF_COMPRESSED or raw.name.startswith(".zdebug")
    if raw.flags & reader.SHF_COMPRESSED and raw.occupies_file and raw.size < compressed.chdr_size(header):
        raise InputError(_("{path}: section {name} is too small for its compression header ({size} of {need} "
                           "bytes)").format(path=path, name=raw.name or raw.index, size=raw.size,
                                            need=compressed.chdr_size(header)))
    comp = compressed.compression_of(data, header, raw) if maybe_compressed and raw.occupies_file else None
    start, end = reader.file_span(raw, len(data))
    return SectionInfo(
        index=raw.index, name=raw.name, type=reader.section_type_name(raw.type, header.machine_code),
        size=raw.size, flags=reader.flags_string(raw.flags, header.machine_code, header.osabi), offset=raw.offset,
        compressed=comp is not None, compression=comp.kind if comp else None,
        uncompressed_size=comp.uncompressed_size if comp else raw.size,
        debug=is_debug_section(raw.name), file_bytes=end - start,
    )


@dataclass(frozen=True, kw_only=True)
class _Walk:
    origins: tuple[DebugOrigin, ...] = ()
    units: int = 0
    versions: tuple[int, ...] = ()
    split_dwarf: bool = False
    split: split_dwarf.SplitDebug | None = None
    split_origins: tuple[DebugOrigin, ...] = ()
    computed: bool = True
    info_bytes: int | None = None  # bytes of .debug_info actually read (None: not walked)


class _Tally:
    """Running totals for one origin while the walk goes on."""

    __slots__ = ("attribution", "bytes", "units", "producers", "line_bytes")

    def __init__(self, attribution: origins.Attribution):
        self.attribution = attribution
        self.bytes = 0
        self.units = 0
        self.line_bytes = 0
        self.producers: Counter[str] = Counter()


class _Tallies:
    """Units charged to origins: attribution cached by what decides it, totals per origin."""

    def __init__(self) -> None:
        self._tallies: dict[tuple[str, str], _Tally] = {}
        self._cache: dict[tuple[Any, ...], origins.Attribution] = {}

    def attribute(self, unit: dwarf.UnitTop, comp_dir: str | None) -> origins.Attribution:
        if unit.tag is None:
            return _UNPARSED
        skeleton = unit.is_skeleton
        key = (unit.name, comp_dir, unit.producer, unit.language, skeleton, unit.dwo_name, unit.unit_type)
        attribution = self._cache.get(key)
        if attribution is None:
            attribution = self._cache[key] = origins.attribute(
                name=unit.name, comp_dir=comp_dir, producer=unit.producer, language=unit.language,
                is_skeleton=skeleton, dwo_name=unit.dwo_name,
                is_type_unit=unit.unit_type in (dwarf.DW_UT_type, dwarf.DW_UT_split_type))
        return attribution

    def charge(self, attribution: origins.Attribution, size: int, units: int = 1, producer: str | None = None,
               line_bytes: int = 0) -> None:
        tally = self._tallies.get((attribution.name, attribution.kind))
        if tally is None:
            tally = self._tallies[(attribution.name, attribution.kind)] = _Tally(attribution)
        tally.bytes += size
        tally.units += units
        tally.line_bytes += line_bytes
        if producer:
            tally.producers[producer] += 1

    def origins(self) -> tuple[DebugOrigin, ...]:
        return tuple(sorted(
            (DebugOrigin(name=t.attribution.name, kind=t.attribution.kind, debug_info_bytes=t.bytes, units=t.units,
                         producer=t.producers.most_common(1)[0][0] if t.producers else None, producers=t.producers,
                         crate=t.attribution.crate, language=t.attribution.language, debug_line_bytes=t.line_bytes)
             for t in self._tallies.values()),
            key=lambda o: (-o.debug_info_bytes, o.name, o.kind)))


def _walk_debug_info(path: str, data: Any, header: reader.ElfHeader, raw_sections: list[reader.RawSection],
                     stack: contextlib.ExitStack, progress: Callable[[int, int], None] | None,
                     warnings: list[str]) -> _Walk:
    try:
        found = dwarf_file.open_dwarf(path, data, header, raw_sections, stack, warnings)
    except dwarf_file.Undecodable as exc:
        return _Walk(computed=False, origins=_undecoded(header, data, exc.info_raw))
    if found is None:
        return _Walk()
    info, line = found.info, found.line
    problems: list[str] = []
    tallies = _Tallies()
    versions: set[int] = set()
    split = False
    skeletons: dict[tuple[str, str | None, int | None], None] = {}
    units = 0
    charged = 0
    try:
        for unit in found.units(problems, dwarf_file.releasing(progress, data, found.spans)):
            units += 1
            charged += unit.size
            if unit.version:
                versions.add(unit.version)
            if unit.is_skeleton:
                split = True
                if unit.dwo_name:
                    skeletons[(unit.dwo_name, unit.comp_dir, unit.dwo_id)] = None
            line_bytes = 0
            if unit.stmt_list is not None and len(line):
                line_bytes = dwarf.line_table_size(line, unit.stmt_list, header.byte_order) or 0
            tallies.charge(tallies.attribute(unit, unit.comp_dir), unit.size, producer=unit.producer,
                           line_bytes=line_bytes)
    except dwarf.DwarfError as exc:
        problems.append(str(exc))
    # Keep the sum over origins equal to the bytes .debug_info really has, even when the walk
    # stopped early. A section cut short by its compressed stream counts what is there (a
    # warning says so): a corrupt ch_size must not claim a terabyte.
    rest = len(info) - charged
    if rest > 0:
        tallies.charge(_UNPARSED, rest, units=0)
    if problems:
        warnings.append(_("damaged DWARF in {path}: {first}{more}").format(
            path=path, first=problems[0],
            more=_(" (and {n} more)").format(n=len(problems) - 1) if len(problems) > 1 else ""))

    found_split, split_origins = None, ()
    if skeletons:
        found_split, split_origins = _read_split(path, skeletons, warnings)
    return _Walk(origins=tallies.origins(), units=units, versions=tuple(sorted(versions)), split_dwarf=split,
                 split=found_split, split_origins=split_origins, info_bytes=len(info))


def _read_split(path: str, skeletons: dict[tuple[str, str | None, int | None], None],
                warnings: list[str]) -> tuple[split_dwarf.SplitDebug, tuple[DebugOrigin, ...]]:
    """The .dwp / .dwo files the skeletons point at, their units charged to origins like the binary's own."""
    found = split_dwarf.find_split_debug(path, [split_dwarf.Skeleton(dwo_name=name, comp_dir=comp_dir, dwo_id=dwo_id)
                                                for name, comp_dir, dwo_id in skeletons])
    warnings.extend(found.warnings)
    for file in (*((found.dwp,) if found.dwp else ()), *found.dwo_files):
        if file.problem:
            warnings.append(_("{path}: {problem}").format(path=file.path, problem=file.problem))
    tallies = _Tallies()
    for split_unit in found.units:
        unit = split_unit.unit
        # the split unit names the sources; its skeleton, in the binary, where they were compiled
        tallies.charge(tallies.attribute(unit, unit.comp_dir or split_unit.comp_dir), unit.size,
                       producer=unit.producer)
    return found, tallies.origins()




def _undecoded(header: reader.ElfHeader, data: Any, info_raw: reader.RawSection) -> tuple[DebugOrigin, ...]:
    """One placeholder origin holding all of .debug_info, so the origins still add up to its size."""
    comp = compressed.compression_of(data, header, info_raw)
    size = comp.uncompressed_size if comp else info_raw.size
    if not size:
        return ()
    # origin names are identifiers in the JSON output, so they stay untranslated
    return (DebugOrigin(name="not decoded (compressed)", kind="other", debug_info_bytes=size, units=0,
                        producer=None, producers=Counter(), crate=None, language="unknown"),)


_UNPARSED = origins.Attribution(name="unparsed (damaged DWARF)", kind="other", crate=None, language="unknown")


def _dwp_beside(binary: str) -> DwoFile | None:
    """A package beside a binary without skeletons: listed, not read (there is nothing to match it to)."""
    candidate = split_dwarf.package_path(binary)
    with contextlib.suppress(OSError):
        if candidate is not None:
            return DwoFile(path=candidate, exists=True, size=os.path.getsize(candidate))
    return None


__all__ = ["BinaryReport", "DebugOrigin", "DwoFile", "ElfIdentity", "InputError", "SectionInfo", "inspect_binary"]
