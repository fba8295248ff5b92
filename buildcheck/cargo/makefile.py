"""The damocles Makefile trap: `export RUSTFLAGS` makes an unset RUSTFLAGS set-but-empty under make.

GNU make exports an exported-but-undefined variable as an empty string, and
cargo treats a set RUSTFLAGS (even empty) as the rustflags source, so
`build.rustflags` / `target.*.rustflags` from config files stop applying when
the build runs through `make`. Only reading: the Makefile is never run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from buildcheck.model import Origin

MAKEFILE_NAMES = ("GNUmakefile", "makefile", "Makefile")
MAX_MAKEFILE_BYTES = 1024 * 1024

_EXPORT_NAMES = re.compile(r"^\s*export\s+([A-Za-z0-9_ \t]+?)\s*$")
_EXPORT_ASSIGN = re.compile(r"^\s*export\s+RUSTFLAGS\s*(\?=|:=|::=|=|\+=)\s*(.*?)\s*$")
_EXPORT_ALL = re.compile(r"^\s*(export\s*|\.EXPORT_ALL_VARIABLES\s*:.*)$")
_ASSIGN = re.compile(r"^\s*(?:override\s+)?RUSTFLAGS\s*(\?=|:=|::=|=|\+=)\s*(.*?)\s*$")


@dataclass(frozen=True)
class MakeRustflags:
    """How RUSTFLAGS looks to cargo when the build runs through this Makefile."""

    origin: Origin  # the Makefile line
    value_under_make: str | None  # None: make leaves RUSTFLAGS as the environment has it


def _candidates(directories: list[Path]) -> list[Path]:
    out: list[Path] = []
    for directory in directories:
        for name in MAKEFILE_NAMES:
            path = directory / name
            if path.is_file() and path not in out:
                out.append(path)
                break  # make reads the first of these names it finds
    return out


def detect_make_rustflags(directories: list[Path], env: Mapping[str, str]) -> MakeRustflags | None:
    """The first Makefile in `directories` (workspace root, then cwd) that exports RUSTFLAGS to cargo."""
    for path in _candidates(directories):
        try:
            text = path.read_bytes()[:MAX_MAKEFILE_BYTES].decode("utf-8", errors="replace")
        except OSError:
            continue
        assigned: str | None = None
        export_all_line: int | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if line.startswith("\t"):
                continue  # a recipe line, run by the shell
            match = _EXPORT_ASSIGN.match(line)
            if match:
                op, value = match.groups()
                if op == "?=" and "RUSTFLAGS" in env:
                    return MakeRustflags(Origin.file(str(path), number), None)
                return MakeRustflags(Origin.file(str(path), number), value)
            match = _EXPORT_NAMES.match(line)
            if match and "RUSTFLAGS" in match.group(1).split():
                value = env.get("RUSTFLAGS", assigned if assigned is not None else "")
                return MakeRustflags(Origin.file(str(path), number),
                                     None if "RUSTFLAGS" in env and assigned is None else value)
            match = _ASSIGN.match(line)
            if match:
                assigned = match.group(2)
            if _EXPORT_ALL.match(line):
                export_all_line = number
        # A bare `export` exports every *defined* variable: it changes RUSTFLAGS only when the Makefile sets it.
        if export_all_line is not None and assigned is not None:
            return MakeRustflags(Origin.file(str(path), export_all_line), assigned)
    return None
