"""Who put a unit's debug info there: a Rust crate, the standard library, or C/C++/asm built by some crate.

Pure functions over a unit's top-entry strings; no I/O. The rules follow the
paths cargo and rustc actually write (see docs/inspect.md):
- Rust units are named `<crate root>/@/<crate>.<hash>-cgu.<n>`; the crate is the part after `/@/`.
- The standard library is compiled at `/rustc/<commit>` (rustup) or `/usr/src/rustc-<ver>` (Debian),
  its sources under `library/<crate>/`, its vendored dependencies under `/rust/deps/` or `/cargo/registry/`.
- Registry crates live at `.cargo/registry/src/<index>/<name>-<version>/`, git ones at
  `.cargo/git/checkouts/<name>-<hash>/`; C compiled by a build script usually sits in the
  crate's sources or in `target/<profile>/build/<crate>-<hash>/out/`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

OriginKind = Literal["rust", "rust-std", "c", "c++", "asm", "cuda", "other"]

DW_LANG_RUST = 0x1C
DW_LANG_MIPS_ASSEMBLER = 0x8001
# DWARF 5 codes, plus the DWARF 6 additions C_plus_plus_17/20 (0x2a/0x2b) and C17 (0x2c).
_C_LANGS = {0x01, 0x02, 0x0C, 0x1D, 0x2C}
_CXX_LANGS = {0x04, 0x19, 0x1A, 0x21, 0x2A, 0x2B}
_LANG_NAMES = {0x01: "C89", 0x02: "C", 0x0C: "C99", 0x1D: "C11", 0x2C: "C17", 0x04: "C++", 0x19: "C++03",
               0x1A: "C++11", 0x21: "C++14", 0x2A: "C++17", 0x2B: "C++20", DW_LANG_RUST: "Rust",
               DW_LANG_MIPS_ASSEMBLER: "assembly", 0x8E57: "Go", 0x16: "Go"}

_STD_CRATES = frozenset({
    "std", "core", "alloc", "proc_macro", "test", "panic_unwind", "panic_abort", "unwind", "compiler_builtins",
    "std_detect", "rustc_std_workspace_core", "rustc_std_workspace_alloc", "rustc_std_workspace_std",
    "hashbrown", "addr2line", "gimli", "object", "miniz_oxide", "adler", "adler2", "rustc_demangle",
    "memchr", "libc", "cfg_if", "getopts", "unicode_width", "dlmalloc", "fortanix_sgx_abi", "r_efi",
    "wasi", "hermit_abi", "sysroot", "profiler_builtins",
})
_STD_LIBRARY_PATH = re.compile(r"(?:^|/)library/(?:std|core|alloc|proc_macro|test|panic_unwind|panic_abort|"
                               r"unwind|backtrace|portable-simd|stdarch|profiler_builtins|rtstartup|"
                               r"rustc-std-workspace-[a-z]+)/")
_STD_ROOT = re.compile(r"^(?:/rustc/[0-9a-f]{7,}|/usr/src/rustc-[0-9][^/]*|/rust/deps/)")
_RUST_UNIT = re.compile(r"/@/([A-Za-z_][A-Za-z0-9_]*)\.[0-9a-f]{0,32}-cgu\.[0-9]+$")
_RUST_UNIT_LOOSE = re.compile(r"/@/([A-Za-z_][A-Za-z0-9_]*)\.")
_REGISTRY = re.compile(r"\.cargo/registry/src/[^/]+/([^/]+?)-(\d+\.\d+\.\d+[^/]*)/")
_VENDORED = re.compile(r"(?:/rust/deps|/cargo/registry/src/[^/]+|/vendor)/([^/]+?)-(\d+\.\d+\.\d+[^/]*)/")
_GIT = re.compile(r"\.cargo/git/checkouts/([^/]+)-[0-9a-f]{8,}/")
_BUILD_OUT = re.compile(r"(?:^|/)target/(?:[^/]+/)*?build/([^/]+)-[0-9a-f]{16}/out(?:/|$)")
_CRATE_DIR = re.compile(r"(?:^|/)([^/]+)/src/[^/]+\.rs$")


@dataclass(frozen=True, kw_only=True)
class Attribution:
    """What one unit is charged to: origin name and kind, the crate behind it, its language."""

    name: str
    kind: OriginKind
    crate: str | None
    language: str


def language_name(code: int | None, producer: str | None) -> str:
    if producer:
        if "rustc version" in producer:
            return "Rust"
        if producer.startswith("GNU AS"):
            return "assembly"
        m = re.match(r"GNU (C\+\+\d*|C\d*|Fortran\d*|Go|D|Ada|Objective-C\+?\+?)\b", producer)
        if m:
            return m.group(1)
    if code is None:
        return "unknown"
    return _LANG_NAMES.get(code, f"DW_LANG 0x{code:x}")


def _kind_of(code: int | None, producer: str | None, name: str) -> OriginKind:
    """Language family, trusting the producer first (GCC and rustc write it reliably), then DW_AT_language."""
    p = producer or ""
    if "rustc version" in p or code == DW_LANG_RUST:
        return "rust"
    if name.endswith(".cudafe1.cpp") or name.endswith(".cudafe1.c") or name.endswith(".cu"):
        return "cuda"
    if p.startswith("GNU AS") or code == DW_LANG_MIPS_ASSEMBLER or name.endswith((".S", ".s", ".asm")):
        return "asm"
    if re.match(r"GNU C\+\+", p) or code in _CXX_LANGS:
        return "c++"
    if re.match(r"GNU C\d*\b", p) or code in _C_LANGS:
        return "c"
    return "other"


def _is_std_path(path: str) -> bool:
    return bool(_STD_ROOT.match(path) or _STD_LIBRARY_PATH.search(path))


def crate_from_path(path: str) -> str | None:
    """The crate a source path belongs to, from cargo's directory layout (None if it says nothing)."""
    for pattern in (_BUILD_OUT, _REGISTRY, _GIT):
        m = pattern.search(path)
        if m:
            return m.group(1)
    return None


def attribute(*, name: str | None, comp_dir: str | None, producer: str | None, language: int | None,
              is_skeleton: bool = False, dwo_name: str | None = None, is_type_unit: bool = False) -> Attribution:
    unit_name = name or ""
    directory = comp_dir or ""
    full = unit_name if unit_name.startswith("/") else f"{directory}/{unit_name}" if directory else unit_name
    lang = language_name(language, producer)

    if is_skeleton and not producer and not unit_name:
        where = f"{directory}/{dwo_name}" if dwo_name and directory else dwo_name or directory
        crate = crate_from_path(where) if where else None
        return Attribution(name=crate or "split DWARF skeleton", kind="other", crate=crate,
                           language="unknown (split DWARF)")

    kind = _kind_of(language, producer, unit_name)
    if kind == "rust":
        m = _RUST_UNIT.search(unit_name) or _RUST_UNIT_LOOSE.search(unit_name)
        crate = m.group(1) if m else None
        if _is_std_path(directory) or _is_std_path(unit_name) or (crate in _STD_CRATES and directory.startswith("/rust")):
            return Attribution(name="std", kind="rust-std", crate=crate or "std", language=lang)
        if crate is None:  # incremental builds name units by hash: fall back to the path
            crate = crate_from_path(full) or _crate_from_layout(unit_name, directory)
        return Attribution(name=crate or unit_name or "unknown Rust", kind="rust", crate=crate, language=lang)

    if is_type_unit:
        return Attribution(name="type units", kind=kind, crate=None, language=lang)
    if _is_std_path(directory) or _is_std_path(full):
        return Attribution(name="std", kind=kind, crate="std", language=lang)
    # the source path first; then the compile directory, which for a build script is its
    # package's directory (nvcc's host code, for one, is a temporary *.cudafe1.cpp)
    crate = crate_from_path(full) or (crate_from_path(directory + "/") if directory else None)
    if crate:
        return Attribution(name=crate, kind=kind, crate=crate, language=lang)
    # Not built by a crate we can name: group by the directory it was compiled in.
    return Attribution(name=directory or unit_name or (producer or "unknown"), kind=kind, crate=None,
                       language=lang)


def _crate_from_layout(unit_name: str, comp_dir: str) -> str | None:
    """`crates/foo/src/lib.rs` -> foo; `src/main.rs` compiled in /x/demo -> demo (package names, not crate names)."""
    path = unit_name.split("/@/")[0]
    m = _CRATE_DIR.search(path)
    if m:
        return m.group(1).replace("-", "_")
    if path.startswith("src/") and comp_dir:
        return comp_dir.rstrip("/").rsplit("/", 1)[-1].replace("-", "_") or None
    return None
