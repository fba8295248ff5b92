"""What a BinaryReport says about how the binary was built: whose debug info it carries and why it may be there.

One pure reading of the inspector's origins, shared by `explain` (which joins it
with the settings) and `check` (which turns it into BC100/BC102 findings), so the
two commands never disagree about what a binary shows.

The groups, by the origin kinds the inspector assigns (buildcheck/elf/origins.py):
- crates: Rust units of crates other than the standard library. rustc writes them
  only when the crate was compiled with debuginfo (a profile `debug`, or `-g` /
  `-C debuginfo` in rustflags).
- std: the prebuilt standard library's units. Every unstripped Rust binary has them
  (rustup ships std with debug info), so they say "nothing stripped", not "built with -g".
- native: C, C++, assembly and CUDA units outside std. GCC records its switches in
  DW_AT_producer (`-grecord-gcc-switches` is its default), so a `-g` there is the
  compile's own debug switch.
- unknown: bytes the inspector could not attribute (damaged or undecodable DWARF).

Split DWARF (`-C split-debuginfo=packed|unpacked`, `gcc -gsplit-dwarf`) leaves skeleton units in
the binary and the debug info itself in a .dwp beside it or in .dwo files; the inspector reads
those (split_origins) and they count here like the binary's own: their crates are crates with
debug info, their C/C++ is native. Their bytes are .debug_info.dwo bytes, outside the binary's
debug_info_bytes (split_debug_info_bytes says how many).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from buildcheck.args.cc import c_debug_switch
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only types: reading evidence needs no ELF reader loaded
    from buildcheck.elf.inspect import BinaryReport, DebugOrigin

_NATIVE_KINDS = frozenset({"c", "c++", "asm", "cuda"})
_RUSTC_VERSION = re.compile(r"rustc version ([0-9]+\.[0-9]+\.[0-9]+)")
# GCC's producer: "GNU C17 12.2.0 -mtune=generic -march=x86-64 -g -O2 ...": the words after the version.
_GCC_PRODUCER = re.compile(r"^GNU \S+ [0-9][^ ]*(?P<switches>( .*)?)$")


def recorded_debug_switch(producer: str | None) -> str | None:
    """The debug switch GCC recorded in its producer string (the one in force, by gcc's rules), or None."""
    if not producer:
        return None
    match = _GCC_PRODUCER.match(producer)
    if not match:
        return None
    switch = c_debug_switch(match.group("switches").split())
    return switch.token if switch.on else None


@dataclass(frozen=True, kw_only=True)
class NativeDebug:
    """C/C++/asm/CUDA debug info of one origin, with the switch its compiler recorded (if it records any)."""

    name: str
    kind: str
    crate: str | None
    debug_info_bytes: int
    producer: str | None
    debug_switch: str | None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "crate": self.crate, "debug_info_bytes": self.debug_info_bytes,
                "producer": self.producer, "debug_switch": self.debug_switch}


@dataclass(frozen=True, kw_only=True)
class BinaryEvidence:
    path: str
    file_size: int
    debug_bytes: int             # every .debug_*/.zdebug_* section, as stored in the file
    debug_info_bytes: int        # .debug_info, uncompressed: what the origins divide among themselves
    stripped_size_estimate: int
    crates: tuple[tuple[str, int], ...]  # (crate, .debug_info bytes), largest first; std excluded
    std_bytes: int
    native: tuple[NativeDebug, ...]
    unknown_bytes: int
    split_dwarf: bool
    origins_computed: bool
    rustc_versions: tuple[str, ...]  # from Rust producers: the compilers that built the units
    split_debug_info_bytes: int = 0  # the split units' .debug_info.dwo found beside the binary (in crates/native)
    split_files_missing: int = 0     # .dwo files the skeletons name that were found nowhere

    @property
    def has_dwarf(self) -> bool:
        # .debug_info is the test: rustc adds a 34-byte .debug_gdb_scripts even to stripped binaries.
        return self.debug_info_bytes > 0 or self.split_dwarf

    @property
    def debug_share(self) -> float:
        return self.debug_bytes / self.file_size if self.file_size else 0.0

    @property
    def crate_bytes(self) -> int:
        return sum(size for _name, size in self.crates)

    @property
    def native_bytes(self) -> int:
        return sum(n.debug_info_bytes for n in self.native)

    @property
    def std_only(self) -> bool:
        """Only the standard library's debug info: what an unstripped build without any debug setting leaves."""
        return self.std_bytes > 0 and not self.crates and not self.native and not self.unknown_bytes \
            and not self.split_dwarf

    def crate_names(self) -> frozenset[str]:
        return frozenset(name for name, _size in self.crates)

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "file_size": self.file_size, "debug_bytes": self.debug_bytes,
                "debug_info_bytes": self.debug_info_bytes, "debug_share": round(self.debug_share, 4),
                "stripped_size_estimate": self.stripped_size_estimate, "has_dwarf": self.has_dwarf,
                "crates_with_debug_info": [{"crate": name, "debug_info_bytes": size} for name, size in self.crates],
                "std_debug_info_bytes": self.std_bytes, "native": [n.to_json() for n in self.native],
                "unattributed_debug_info_bytes": self.unknown_bytes, "split_dwarf": self.split_dwarf,
                "split_debug_info_bytes": self.split_debug_info_bytes, "split_files_missing": self.split_files_missing,
                "origins_computed": self.origins_computed, "rustc_versions": list(self.rustc_versions)}


def _is_std(origin: DebugOrigin) -> bool:
    return origin.kind == "rust-std" or origin.name == "std"


def _rustc_versions(origins: Iterable[DebugOrigin]) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for origin in origins:
        for producer in origin.producers:
            match = _RUSTC_VERSION.search(producer)
            if match:
                found[match.group(1)] = None
    return tuple(sorted(found))


def read_evidence(report: BinaryReport) -> BinaryEvidence:
    crates: dict[str, int] = {}
    native: dict[tuple[str, str], NativeDebug] = {}
    std_bytes = unknown = 0
    for origin in (*report.origins, *report.split_origins):
        if origin.debug_info_bytes <= 0:
            continue
        if _is_std(origin):
            std_bytes += origin.debug_info_bytes
        elif origin.kind == "rust":
            name = origin.crate or origin.name
            crates[name] = crates.get(name, 0) + origin.debug_info_bytes
        elif origin.kind in _NATIVE_KINDS:
            # the same origin may have units in the binary and in its split files: one entry
            seen = native.get((origin.name, origin.kind))
            size = origin.debug_info_bytes + (seen.debug_info_bytes if seen else 0)
            producer = seen.producer if seen and seen.debug_info_bytes >= origin.debug_info_bytes else origin.producer
            native[(origin.name, origin.kind)] = NativeDebug(
                name=origin.name, kind=origin.kind, crate=origin.crate, debug_info_bytes=size, producer=producer,
                debug_switch=recorded_debug_switch(producer))
        else:
            unknown += origin.debug_info_bytes
    if not report.origins and report.debug_info_bytes:
        unknown = report.debug_info_bytes  # origins not walked at all: the bytes are there, their owner unknown
    return BinaryEvidence(
        path=report.path, file_size=report.file_size, debug_bytes=report.debug_bytes,
        debug_info_bytes=report.debug_info_bytes, stripped_size_estimate=report.stripped_size_estimate,
        crates=tuple(sorted(crates.items(), key=lambda item: (-item[1], item[0]))), std_bytes=std_bytes,
        native=tuple(sorted(native.values(), key=lambda n: (-n.debug_info_bytes, n.name))), unknown_bytes=unknown,
        split_dwarf=report.split_dwarf, origins_computed=report.origins_computed,
        rustc_versions=_rustc_versions((*report.origins, *report.split_origins)),
        split_debug_info_bytes=report.split_debug_info_bytes, split_files_missing=len(report.split_files_missing))
