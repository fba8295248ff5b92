"""What binutils (and llvm-dwarfdump) say about an ELF file: the reference the inspector is tested against.

Each function runs one real tool and parses its output, so a test compares buildcheck with
an independent implementation instead of with numbers written into the test. Parsing is
strict: a line that looks like a section header but does not parse raises, so a change in
readelf's format fails loudly instead of silently comparing nothing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

READELF = shutil.which("readelf")
OBJCOPY = shutil.which("objcopy")
LLVM_DWARFDUMP = shutil.which("llvm-dwarfdump-14") or shutil.which("llvm-dwarfdump")

# ELF header bytes that name the class and byte order; objcopy only understands foreign
# machines (s390x, powerpc on an x86 Debian binutils) through its generic targets.
_GENERIC_BFD = {(1, 1): "elf32-little", (1, 2): "elf32-big", (2, 1): "elf64-little", (2, 2): "elf64-big"}


@dataclass(frozen=True)
class RefSection:
    index: int
    name: str
    type: str
    size: int
    flags: str


@dataclass(frozen=True)
class RefUnit:
    offset: int
    size: int            # whole unit, header included (unit_length + 4 or + 12)
    version: int
    unit_type: str | None  # DW_UT_* for DWARF 5, None before
    producer: str | None
    name: str | None
    language: str | None
    comp_dir: str | None = None


def run(args: list[str], **kwargs) -> str:
    """Run a tool, return stdout; its failure is a test failure with the tool's stderr."""
    proc = subprocess.run(args, capture_output=True, text=True, errors="replace", **kwargs)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return proc.stdout


# `  [ 3] .text.low   PROGBITS  0000000000000000 000046 000008 00  AX  0   0  2`
_SECTION_LINE = re.compile(r"^\s*\[\s*(\d+)\]\s(.*)$")
_HEX = re.compile(r"^[0-9a-f]+$")


def parse_readelf_sections(text: str) -> list[RefSection]:
    """Parse `readelf -S -W` output (32- or 64-bit layout) into sections, header order, null section included.

    The line is split from the right because the name may be empty (section 0) and the flags
    column may be empty: the last three columns are Lk Inf Al, then come optional flags,
    then ES Size Off Addr Type, and whatever is left is the name. Flag letters are never
    lower-case hex digits (W A X M S I L O G T C x o E D p l y R), so a hex token is ES.
    """
    sections = []
    for line in text.splitlines():
        match = _SECTION_LINE.match(line)
        if not match or match.group(1) == "Nr":
            continue
        index = int(match.group(1))
        tokens = match.group(2).split()
        if len(tokens) < 8:
            raise ValueError(f"unparsable readelf section line: {line!r}")
        lk_inf_al = tokens[-3:]
        if not all(t.isdigit() for t in lk_inf_al):
            raise ValueError(f"unparsable readelf section line: {line!r}")
        rest = tokens[:-3]
        flags = ""
        if not _HEX.match(rest[-1]):
            flags = rest.pop()
        es, size, off, addr, type_ = rest[-1], rest[-2], rest[-3], rest[-4], rest[-5]
        for value in (es, size, off, addr):
            if not _HEX.match(value):
                raise ValueError(f"unparsable readelf section line: {line!r}")
        name = " ".join(rest[:-5])
        sections.append(RefSection(index=index, name=name, type=type_, size=int(size, 16), flags=flags))
    if sections and [s.index for s in sections] != list(range(len(sections))):
        raise ValueError("readelf section indexes are not 0..n-1")
    return sections


def readelf_sections(path: str | Path) -> list[RefSection]:
    return parse_readelf_sections(run([READELF, "-S", "-W", str(path)]))


def _elf_ident(path: str | Path) -> tuple[int, int]:
    with open(path, "rb") as f:
        ident = f.read(6)
    return ident[4], ident[5]


def _objcopy(args: list[str], src: str | Path, dst: str | Path) -> None:
    """objcopy with its native target when it knows the machine, else the generic ELF target."""
    proc = subprocess.run([OBJCOPY, *args, str(src), str(dst)], capture_output=True, text=True)
    if proc.returncode == 0:
        return
    if "Unable to recognise the format" in proc.stderr:
        run([OBJCOPY, "-I", _GENERIC_BFD[_elf_ident(src)], *args, str(src), str(dst)])
        return
    raise AssertionError(f"objcopy {' '.join(args)} {src} failed: {proc.stderr.strip()}")


def stripped_size(path: str | Path) -> int:
    """The size of the file `objcopy --strip-debug` writes (what `strip --strip-debug` leaves)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "stripped"
        _objcopy(["--strip-debug"], path, out)
        return out.stat().st_size


def uncompressed_sizes(path: str | Path) -> dict[str, int]:
    """Section name (as in the original file) -> size after `objcopy --decompress-debug-sections`.

    objcopy renames legacy `.zdebug_x` to `.debug_x` when it decompresses, so those are
    reported under their original `.zdebug_` name too.
    """
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "decompressed"
        _objcopy(["--decompress-debug-sections"], path, out)
        after = {s.name: s.size for s in readelf_sections(out)}
    sizes = dict(after)
    for name, size in after.items():
        if name.startswith(".debug_"):
            sizes.setdefault(".zdebug_" + name[len(".debug_"):], size)
    return sizes


_UNIT_ATTRS = {"DW_AT_producer": "producer", "DW_AT_name": "name", "DW_AT_language": "language",
               "DW_AT_comp_dir": "comp_dir"}
_DIE_START = re.compile(r"^\s*<(\d+)><[0-9a-f]+>:")
_CHDR_LINE = re.compile(r"^\s+(ZLIB|ZSTD|[A-Z0-9]+), ([0-9a-f]+), ([0-9a-f]+)\s*$")


def readelf_compression(path: str | Path) -> dict[str, tuple[str, int]]:
    """SHF_COMPRESSED sections -> (ZLIB|ZSTD, ch_size) from the compression header `readelf -S -W -t` prints."""
    text = run([READELF, "-S", "-W", "-t", str(path)])
    found: dict[str, tuple[str, int]] = {}
    name = None
    for line in text.splitlines():
        if m := _SECTION_LINE.match(line):
            name = m.group(2).strip()
        elif name and (m := _CHDR_LINE.match(line)):
            found[name] = (m.group(1), int(m.group(2), 16))
    return found


_UNIT_START = re.compile(r"^\s*Compilation Unit @ offset (0x[0-9a-f]+|\d+):")
_UNIT_LENGTH = re.compile(r"^\s*Length:\s+(0x[0-9a-f]+) \((32|64)-bit\)")
_UNIT_VERSION = re.compile(r"^\s*Version:\s+(\d+)")
_UNIT_TYPE = re.compile(r"^\s*Unit Type:\s+(DW_UT_\w+)")
# binutils 2.40 shows the form first: `DW_AT_producer    : (strp) (offset: 0x21): GNU C17 ...`,
# `DW_AT_language    : (data1) 29\t(C11)`; older ones `(indirect string, offset: 0x21): GNU C17 ...`.
_ATTR = re.compile(r"^\s*<[0-9a-f]+>\s+(DW_AT_\w+)\s*:\s*(?:\(\w+\)\s+)?"
                   r"(?:\((?:indirect|indexed|offset|alt)[^)]*\):\s*)?(.*?)\s*$")


def readelf_units(path: str | Path) -> list[RefUnit]:
    """Every unit in .debug_info as `readelf --debug-dump=info --dwarf-depth=1` lists it (top DIE only).

    Not for .dwo files: readelf 2.40 resolves DW_FORM_strx there against the wrong
    string offsets (it prints producer "double"); use `llvm_units` for those.
    """
    # no-follow-links: report this file only, not a .gnu_debuglink target or a .dwo beside it
    text = run([READELF, "--debug-dump=info,no-follow-links", "--dwarf-depth=1", "--wide", str(path)])
    units: list[RefUnit] = []
    current: dict | None = None

    def finish() -> None:
        if current is not None:
            units.append(RefUnit(**current))

    in_top_die = False
    for line in text.splitlines():
        if m := _UNIT_START.match(line):
            finish()
            current = {"offset": int(m.group(1), 0), "size": 0, "version": 0, "unit_type": None,
                       "producer": None, "name": None, "language": None, "comp_dir": None}
            in_top_die = False
        elif current is None:
            continue
        elif m := _DIE_START.match(line):
            in_top_die = m.group(1) == "0"  # attributes of deeper DIEs are not the unit's
        elif _ATTR.match(line) and not in_top_die:
            continue
        elif m := _UNIT_LENGTH.match(line):
            current["size"] = int(m.group(1), 16) + (4 if m.group(2) == "32" else 12)
        elif m := _UNIT_VERSION.match(line):
            current["version"] = int(m.group(1))
        elif m := _UNIT_TYPE.match(line):
            current["unit_type"] = m.group(1)
        elif m := _ATTR.match(line):
            key = _UNIT_ATTRS.get(m.group(1))
            if key and current[key] is None:
                current[key] = m.group(2)
    finish()
    return units


# `0x00000e32: Compile Unit: length = 0x00026ad4, format = DWARF32, version = 0x0004, unit_type = ...`
_LLVM_UNIT = re.compile(r"^0x([0-9a-f]+): ([A-Za-z ]*)Unit: length = (0x[0-9a-f]+), format = DWARF(32|64), "
                        r"version = (0x[0-9a-f]+)(?:, unit_type = (DW_UT_\w+))?")
_LLVM_DIE = re.compile(r"^0x[0-9a-f]+:\s+(DW_TAG_\w+|NULL)")
_LLVM_ATTR = re.compile(r'^\s+(DW_AT_\w+)\t\((?:"(.*)"|(.*))\)\s*$')


def llvm_units(path: str | Path) -> list[RefUnit]:
    """Every unit in .debug_info (or .debug_info.dwo) as `llvm-dwarfdump --debug-info --recurse-depth=0` lists it."""
    text = run([LLVM_DWARFDUMP, "--debug-info", "--recurse-depth=0", str(path)])
    units: list[RefUnit] = []
    current: dict | None = None
    in_top_die = False
    for line in text.splitlines():
        if m := _LLVM_UNIT.match(line):
            if current is not None:
                units.append(RefUnit(**current))
            current = {"offset": int(m.group(1), 16),
                       "size": int(m.group(3), 16) + (4 if m.group(4) == "32" else 12),
                       "version": int(m.group(5), 16), "unit_type": m.group(6),
                       "producer": None, "name": None, "language": None, "comp_dir": None}
            in_top_die = False
        elif current is None:
            continue
        elif m := _LLVM_DIE.match(line):
            in_top_die = current["producer"] is None and current["name"] is None and not in_top_die \
                and m.group(1) != "NULL"
        elif in_top_die and (m := _LLVM_ATTR.match(line)):
            key = _UNIT_ATTRS.get(m.group(1))
            if key and current[key] is None:
                current[key] = m.group(2) if m.group(2) is not None else m.group(3)
    if current is not None:
        units.append(RefUnit(**current))
    return units


def llvm_unit_count(path: str | Path) -> int:
    """Units in .debug_info by llvm-dwarfdump's headers (`Compile Unit:`, `Type Unit:`, ...)."""
    return len(llvm_units(path))


_BUILD_ID = re.compile(r"Build ID:\s*([0-9a-f]+)")


def build_id(path: str | Path) -> str | None:
    ids = _BUILD_ID.findall(run([READELF, "-n", "-W", str(path)]))
    return ids[0] if ids else None


def debuglink(path: str | Path) -> str | None:
    """The file name in .gnu_debuglink (readelf's first string in the section), or None."""
    if not any(s.name == ".gnu_debuglink" for s in readelf_sections(path)):
        return None
    text = run([READELF, "--string-dump=.gnu_debuglink", str(path)])
    for line in text.splitlines():
        if m := re.match(r"^\s*\[\s*0\]\s+(.*)$", line):
            return m.group(1)
    raise AssertionError(f"no string at offset 0 in .gnu_debuglink of {path}")


def kind_of_unit(unit: RefUnit) -> str | None:
    """The origin kind a unit must get, judged from readelf's producer and name alone.

    Only the unambiguous cases; None means "the test does not judge this unit"
    (split-DWARF skeletons carry no producer, for example).
    """
    producer = unit.producer or ""
    name = unit.name or ""
    if "rustc version" in producer:
        # The standard library is prebuilt by the Rust project (sources under /rustc/<commit>/,
        # vendored deps under /rust/deps/) or by Debian (/usr/src/rustc-<version>/).
        std_roots = ("/rustc/", "/usr/src/rustc-", "/rust/deps/")
        where = (unit.comp_dir or "") + " " + name
        return "rust-std" if any(root in where for root in std_roots) else "rust"
    if producer.startswith("GNU C++") or producer.startswith("GNU Objective-C++"):
        return "c++"
    if producer.startswith("GNU C"):
        return "c"
    if producer.startswith("GNU AS"):
        return "asm"
    return None
