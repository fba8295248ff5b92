"""Split DWARF: find the .dwp and .dwo files a binary's skeleton units point at, and read their units.

`rustc -C split-debuginfo=packed|unpacked` and `gcc -gsplit-dwarf` leave only a small skeleton
unit per compilation in the binary: its DW_AT_dwo_name (DW_AT_GNU_dwo_name before DWARF 5),
DW_AT_comp_dir and DWO id. The debug info itself is in a .dwo file per unit, or packed into one
.dwp. We look where a debugger looks (gdb's dwarf2/read.c; lldb likewise), and nowhere else:
- the package `<binary>.dwp` (cargo uplifts `target/<profile>/<name>.dwp` beside the binary),
  and `<real path>.dwp` when the binary is a symbolic link; its units are matched to the
  skeletons by DWO id through its `.debug_cu_index`;
- for each skeleton the package does not hold: `dwo_name` when absolute, else `comp_dir/dwo_name`;
  then the binary's directory (`dwo_name`, then its base name), and cargo's `deps/` beside the
  binary, where rustc writes the .dwo files of `split-debuginfo = "unpacked"`.
No directory is listed, at most MAX_SPLIT_FILES files are opened, and each is read through the
same bounded reader as the binary (an unreadable one is reported, not fatal).

A .dwo whose unit carries another DWO id than its skeleton is stale (left by an earlier build)
and is not counted; a package's compile units that no skeleton names are not counted either.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from buildcheck.elf import dwarf, dwarf_file, reader
from buildcheck.errors import BuildcheckError
from buildcheck.i18n import _

MAX_SPLIT_FILES = 20_000


@dataclass(frozen=True, kw_only=True)
class Skeleton:
    """What a skeleton unit in the binary says about its split unit."""

    dwo_name: str
    comp_dir: str | None
    dwo_id: int | None


@dataclass(frozen=True, kw_only=True)
class SplitFile:
    """A .dwo or .dwp file: where it was found (or first looked for), and what of it counts for the binary."""

    path: str
    exists: bool
    size: int | None
    dwo_name: str | None = None     # as the skeleton records it; None for the package
    units: int = 0                  # units charged to the binary
    debug_info_bytes: int = 0       # their bytes of .debug_info.dwo
    problem: str | None = None      # unreadable, stale, units of no skeleton

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "exists": self.exists, "size": self.size, "dwo_name": self.dwo_name,
                "units": self.units, "debug_info_bytes": self.debug_info_bytes, "problem": self.problem}


@dataclass(frozen=True, kw_only=True)
class SplitUnit:
    """A unit read from a split file, with the compile directory its skeleton recorded."""

    unit: dwarf.UnitTop
    comp_dir: str | None

    @property
    def is_type_unit(self) -> bool:
        return _is_type_unit(self.unit)


@dataclass(frozen=True, kw_only=True)
class SplitDebug:
    dwp: SplitFile | None
    dwo_files: tuple[SplitFile, ...]    # one per skeleton the package does not hold
    units: tuple[SplitUnit, ...]
    warnings: tuple[str, ...] = ()

    @property
    def debug_info_bytes(self) -> int:
        return sum(u.unit.size for u in self.units)

    @property
    def missing(self) -> tuple[SplitFile, ...]:
        return tuple(f for f in self.dwo_files if not f.exists)


@dataclass(frozen=True)
class _Read:
    size: int
    units: tuple[dwarf.UnitTop, ...]
    signature_at: dict[int, int]  # unit offset -> its row's signature (packages only)
    has_split_dwarf: bool = True  # it has a .debug_info.dwo at all


def package_path(binary: str) -> str | None:
    """`<binary>.dwp`, or `<real path>.dwp` for a symbolic link, if it is a file."""
    candidates = [binary + ".dwp"]
    with contextlib.suppress(OSError):
        real = os.path.realpath(binary)
        if real != os.path.abspath(binary):
            candidates.append(real + ".dwp")
    for candidate in candidates:
        if os.path.isfile(candidate):
            return candidate
    return None


def dwo_candidates(binary: str, skeleton: Skeleton) -> list[str]:
    """Where a debugger looks for a skeleton's .dwo, in order, without duplicates."""
    name = skeleton.dwo_name
    here = os.path.dirname(binary)
    found: list[str] = []
    if os.path.isabs(name):
        found.append(name)
    else:
        if skeleton.comp_dir:
            found.append(os.path.join(skeleton.comp_dir, name))
        found.append(os.path.join(here, name))
    base = os.path.basename(name)
    found += [os.path.join(here, base), os.path.join(here, "deps", base)]
    return list(dict.fromkeys(os.path.normpath(p) for p in found))


def _read(path: str, warnings: list[str]) -> _Read:
    """Every unit of a .dwo / .dwp file; InputError when it is not a readable ELF file."""
    data, size = reader.open_map(path)
    with contextlib.ExitStack() as stack:
        stack.callback(data.close)
        header = reader.read_header(data, path)
        sections, _unused = reader.read_sections(data, header, path)
        try:
            found = dwarf_file.open_dwarf(path, data, header, sections, stack, warnings, split_only=True)
        except dwarf_file.Undecodable:
            return _Read(size, (), {})
        if found is None:
            return _Read(size, (), {}, has_split_dwarf=False)
        problems: list[str] = []
        units: list[dwarf.UnitTop] = []
        try:
            units.extend(found.units(problems, dwarf_file.releasing(None, data, found.spans)))
        except dwarf.DwarfError as exc:
            problems.append(str(exc))
        if problems:
            warnings.append(_("damaged DWARF in {path}: {first}{more}").format(
                path=path, first=problems[0],
                more=_(" (and {n} more)").format(n=len(problems) - 1) if len(problems) > 1 else ""))
        signatures = {}
        if found.index is not None:
            for unit in units:
                row = found.index.at(unit.offset)
                if row is not None:
                    signatures[unit.offset] = row.signature
        return _Read(size, tuple(units), signatures)


def _reason(path: str, error: BuildcheckError) -> str:
    """The error without its leading `path: ` (the file's entry already names it)."""
    text = str(error)
    return text[len(path) + 2:] if text.startswith(path + ": ") else text


def _size(path: str) -> int | None:
    try:
        return os.path.getsize(path)
    except OSError:
        return None


def _is_type_unit(unit: dwarf.UnitTop) -> bool:
    return unit.unit_type in (dwarf.DW_UT_type, dwarf.DW_UT_split_type)


def find_split_debug(binary: str, skeletons: Sequence[Skeleton]) -> SplitDebug:
    """The split files of a binary with these skeletons, and the units in them that belong to it."""
    warnings: list[str] = []
    comp_dir_of = {s.dwo_id: s.comp_dir for s in skeletons if s.dwo_id is not None}
    units: list[SplitUnit] = []
    held: set[int] = set()  # DWO ids the package provides

    dwp = None
    dwp_path = package_path(binary)
    if dwp_path is not None:
        dwp, held = _from_package(dwp_path, comp_dir_of, units, warnings)

    dwo_files: list[SplitFile] = []
    read: dict[str, _Read | BuildcheckError] = {}
    charged: set[str] = set()  # a file two skeletons name is counted once
    for skeleton in skeletons:
        if skeleton.dwo_id is not None and skeleton.dwo_id in held:
            continue
        candidates = dwo_candidates(binary, skeleton)
        path = next((c for c in candidates if os.path.isfile(c)), None)
        if path is None:
            dwo_files.append(SplitFile(path=candidates[0], exists=False, size=None, dwo_name=skeleton.dwo_name))
            continue
        if path not in read:
            if len(read) >= MAX_SPLIT_FILES:
                dwo_files.append(SplitFile(path=path, exists=True, size=None, dwo_name=skeleton.dwo_name,
                                           problem=_("not read: more than {n} split-DWARF files").format(
                                               n=MAX_SPLIT_FILES)))
                continue
            try:
                read[path] = _read(path, warnings)
            except BuildcheckError as exc:  # InputError: not ELF, truncated, ...
                read[path] = exc
        dwo_files.append(_from_dwo(path, skeleton, read[path], units, charge=path not in charged))
        charged.add(path)
    return SplitDebug(dwp=dwp, dwo_files=tuple(dwo_files), units=tuple(units), warnings=tuple(warnings))


def _from_package(path: str, comp_dir_of: dict[int, str | None], units: list[SplitUnit],
                  warnings: list[str]) -> tuple[SplitFile, set[int]]:
    try:
        package = _read(path, warnings)
    except BuildcheckError as exc:
        return SplitFile(path=path, exists=True, size=_size(path), problem=_reason(path, exc)), set()
    held = set(package.signature_at.values()) & set(comp_dir_of)
    compile_units = [u for u in package.units if not _is_type_unit(u)]
    charged = strays = size = 0
    for unit in package.units:
        signature = package.signature_at.get(unit.offset)
        if not comp_dir_of:
            belongs = True  # skeletons without DWO ids cannot be matched: the package beside the binary is its
        elif _is_type_unit(unit):
            belongs = bool(held)  # type units serve the package's compile units
        else:
            belongs = signature in held
        if not belongs:
            strays += not _is_type_unit(unit)
            continue
        units.append(SplitUnit(unit=unit, comp_dir=comp_dir_of.get(signature) if signature is not None else None))
        charged += 1
        size += unit.size
    problem = None
    if strays:
        problem = _("{n} of its {total} compile units belong to no skeleton of the binary (left by another "
                    "build?)").format(n=strays, total=len(compile_units))
    return SplitFile(path=path, exists=True, size=package.size, units=charged, debug_info_bytes=size,
                     problem=problem), held


def _from_dwo(path: str, skeleton: Skeleton, read: _Read | BuildcheckError, units: list[SplitUnit], *,
              charge: bool) -> SplitFile:
    if isinstance(read, BuildcheckError):
        return SplitFile(path=path, exists=True, size=_size(path), dwo_name=skeleton.dwo_name,
                         problem=_reason(path, read))
    if not read.has_split_dwarf:
        return SplitFile(path=path, exists=True, size=read.size, dwo_name=skeleton.dwo_name,
                         problem=_("holds no split DWARF (.debug_info.dwo)"))
    own = [u for u in read.units if not _is_type_unit(u)]
    ids = {u.dwo_id for u in own if u.dwo_id is not None}
    if skeleton.dwo_id is not None and ids and skeleton.dwo_id not in ids:
        return SplitFile(path=path, exists=True, size=read.size, dwo_name=skeleton.dwo_name,
                         problem=_("stale: its unit's DWO id is not the skeleton's (left by an earlier build)"))
    if not charge:
        return SplitFile(path=path, exists=True, size=read.size, dwo_name=skeleton.dwo_name)
    for unit in read.units:
        units.append(SplitUnit(unit=unit, comp_dir=skeleton.comp_dir))
    return SplitFile(path=path, exists=True, size=read.size, dwo_name=skeleton.dwo_name, units=len(read.units),
                     debug_info_bytes=sum(u.size for u in read.units))
