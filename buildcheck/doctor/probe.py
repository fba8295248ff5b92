"""The only code of `buildcheck doctor` that looks at the machine: files, PATH, and a few system tools.

Everything goes through the `Probe` protocol, so the decisions (check.py) are made on plain facts
and tested against fixture trees. `HostProbe` looks the way the build scripts look:

- programs: PATH (from the environment it was given), or the variable that names another (CC, NVCC);
- pkg-config modules: by running `pkg-config` as the pkg-config crate does (PKG_CONFIG,
  PKG_CONFIG_PATH, PKG_CONFIG_LIBDIR, their HOST_ / per-target forms), or, without pkg-config, by
  reading the `.pc` files on its search path;
- libraries: `lib<name>.so` / `lib<name>.a` in the directories the linker searches (the C
  compiler's `-print-search-dirs`, LIBRARY_PATH), plus the directories a build script adds;
- libclang: clang-sys 1.6's search (LIBCLANG_PATH alone when set, else `llvm-config --prefix`,
  LD_LIBRARY_PATH and its directory patterns; ELF class checked; libclang-cpp is not libclang).

With a `root` other than `/` (a container image, a chroot, a fixture tree) every path is read below
it, PATH included, and nothing is run. Only system tools are ever run (pkg-config, llvm-config,
cc -print-search-dirs, nvcc --version, and cargo tree --offline with toolchain downloads disabled),
never anything a project names, always with a timeout.
"""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

TOOL_TIMEOUT_S = 10
TREE_TIMEOUT_S = 30  # cargo tree over a few hundred packages
HOST_TRIPLE = "x86_64-unknown-linux-gnu"

# pkg-config's built-in search path on Debian/Ubuntu (multiarch) and on RHEL/Fedora (lib64).
DEFAULT_PC_DIRS = ("/usr/local/lib/x86_64-linux-gnu/pkgconfig", "/usr/local/lib/pkgconfig",
                   "/usr/local/share/pkgconfig", "/usr/lib/x86_64-linux-gnu/pkgconfig", "/usr/lib64/pkgconfig",
                   "/usr/lib/pkgconfig", "/usr/share/pkgconfig")
# GNU ld's own SEARCH_DIRs (Debian multiarch and RHEL lib64 builds), searched after the compiler's -L dirs.
DEFAULT_LIBRARY_DIRS = ("/usr/local/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
                        "/usr/local/lib64", "/lib64", "/usr/lib64", "/usr/local/lib", "/lib", "/usr/lib")
# clang-sys 1.6.1 build/common.rs DIRECTORIES_LINUX, in its order of preference.
CLANG_SYS_DIRECTORIES = ("/usr/local/llvm*/lib*", "/usr/local/lib*/*/*", "/usr/local/lib*/*", "/usr/local/lib*",
                         "/usr/lib*/*/*", "/usr/lib*/*", "/usr/lib*")
# clang-sys 1.6.1 build/dynamic.rs: the file names it accepts on Linux (the last two only with its
# `runtime` feature, which bindgen's `runtime` turns on for librocksdb-sys).
LIBCLANG_NAMES = ("libclang.so", "libclang-*.so")
LIBCLANG_RUNTIME_NAMES = ("libclang.so.*", "libclang-*.so.*")


@dataclass(frozen=True)
class PkgConfigFacts:
    found: bool
    version: str | None = None
    location: str | None = None   # the .pc file, or the directory pkg-config reported
    how: str = "pkg-config"       # "pkg-config" (ran it) or "pc file" (read the files)
    error: str | None = None


@dataclass(frozen=True)
class LibraryFacts:
    path: str | None
    searched: tuple[str, ...]


@dataclass(frozen=True)
class LibclangFacts:
    path: str | None
    candidates: tuple[str, ...]   # every file clang-sys would accept, in its order
    rejected: tuple[str, ...]     # matched a name but not this target (wrong ELF class)
    searched: str                 # how it searched: "LIBCLANG_PATH=...", or the default


class Probe(Protocol):
    """What doctor asks of the machine. `HostProbe` answers from the real system (or a root tree)."""

    def os_release(self) -> Mapping[str, str]: ...
    def find_program(self, name: str) -> str | None: ...
    def program_version(self, path: str) -> str | None: ...
    def pkg_config(self, module: str) -> PkgConfigFacts: ...
    def find_library(self, name: str, extra_dirs: Sequence[str]) -> LibraryFacts: ...
    def find_libclang(self, *, runtime: bool) -> LibclangFacts: ...
    def find_header(self, header: str, directories: Sequence[str]) -> str | None: ...
    def cargo_tree(self, workspace: Path, features: Sequence[str], default_features: bool,
                   cargo: str | None) -> dict[str, frozenset[str]] | None: ...


def parse_os_release(text: str) -> dict[str, str]:
    """os-release(5): KEY=value lines, values optionally quoted with shell escapes."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        out[key.strip()] = value
    return out


_PC_VARIABLE = re.compile(r"\$\{([A-Za-z0-9_.]+)\}")


def read_pc_version(path: Path) -> str | None:
    """The Version: field of a .pc file, with ${variables} expanded as pkg-config does."""
    variables: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8", errors="replace")[:65536]
    except OSError:
        return None
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        match = re.match(r"^([A-Za-z0-9_.]+)\s*([=:])\s*(.*)$", line)
        if not match:
            continue
        name, sep, value = match.groups()
        value = _PC_VARIABLE.sub(lambda m: variables.get(m.group(1), ""), value).strip()
        if sep == "=":
            variables[name] = value
        elif name == "Version":
            return value
    return None


def _elf_class(path: Path) -> int | None:
    try:
        with open(path, "rb") as handle:
            head = handle.read(5)
    except OSError:
        return None
    return head[4] if len(head) == 5 and head[:4] == b"\x7fELF" else None


def clang_version_key(filename: str) -> tuple[int, ...]:
    """clang-sys's parse_version: the numbers after `libclang.so.` or inside `libclang-N.so`."""
    if filename.startswith("libclang.so."):
        version = filename[len("libclang.so."):]
    elif filename.startswith("libclang-"):
        version = filename[len("libclang-"):-3] if filename.endswith(".so") else filename[len("libclang-"):]
        version = version.split(".so", 1)[0] if ".so" in version else version
    else:
        return ()
    parts = []
    for piece in version.split("."):
        parts.append(int(piece) if piece.isdigit() else 0)
    return tuple(parts)


class HostProbe:
    """The machine as the build scripts see it; `root` re-roots every path (and then runs nothing)."""

    def __init__(self, env: Mapping[str, str], *, root: str | Path = "/", run_tools: bool | None = None,
                 triple: str = HOST_TRIPLE):
        self.env = env
        self.root = Path(root)
        self.rerooted = self.root.resolve() != Path("/")
        self.run_tools = (not self.rerooted) if run_tools is None else run_tools
        self.triple = triple
        self._library_dirs: tuple[str, ...] | None = None

    # -- paths -------------------------------------------------------------------------------------

    def _at(self, path: str | Path) -> Path:
        """A machine path under the root (absolute paths only; relative ones stay relative)."""
        path = Path(path)
        if self.rerooted and path.is_absolute():
            return self.root / path.relative_to("/")
        return path

    def _shown(self, path: Path) -> str:
        """A found path as the build would see it (without the root prefix)."""
        if self.rerooted:
            try:
                return "/" + str(path.relative_to(self.root))
            except ValueError:
                return str(path)
        return str(path)

    def _run(self, argv: list[str], *, env: Mapping[str, str] | None = None, cwd: Path | None = None,
             timeout: float = TOOL_TIMEOUT_S) -> subprocess.CompletedProcess | None:
        if not self.run_tools:
            return None
        try:
            return subprocess.run(argv, env=dict(env if env is not None else self.env), cwd=cwd,
                                  capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                                  check=False)
        except (OSError, subprocess.SubprocessError):
            return None

    def _targetted(self, base: str) -> str | None:
        """The pkg-config crate's lookup: VAR_<target>, VAR_<target_with_underscores>, HOST_VAR, VAR."""
        for name in (f"{base}_{self.triple}", f"{base}_{self.triple.replace('-', '_')}", f"HOST_{base}", base):
            if name in self.env:
                return self.env[name]
        return None

    # -- the protocol ------------------------------------------------------------------------------

    def os_release(self) -> Mapping[str, str]:
        for candidate in ("/etc/os-release", "/usr/lib/os-release"):
            try:
                return parse_os_release(self._at(candidate).read_text(encoding="utf-8", errors="replace")[:65536])
            except OSError:
                continue
        return {}

    def find_program(self, name: str) -> str | None:
        if "/" in name:
            path = self._at(name)
            return self._shown(path) if path.is_file() and os.access(path, os.X_OK) else None
        for directory in self.env.get("PATH", "").split(os.pathsep):
            if not directory:
                continue
            candidate = self._at(directory) / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return self._shown(candidate)
        return None

    def program_version(self, path: str) -> str | None:
        """`PROGRAM --version`, reduced to its release number (nvcc: `release 12.3, V12.3.107` -> 12.3)."""
        done = self._run([path, "--version"])
        if done is None or done.returncode != 0:
            return None
        match = re.search(r"release (\d+(?:\.\d+)*)", done.stdout) or re.search(r"(\d+\.\d+(?:\.\d+)?)", done.stdout)
        return match.group(1) if match else None

    def pkg_config(self, module: str) -> PkgConfigFacts:
        program = self._targetted("PKG_CONFIG") or "pkg-config"
        located = self.find_program(program)
        if located is not None and self.run_tools:
            env = dict(self.env)
            for var in ("PKG_CONFIG_PATH", "PKG_CONFIG_LIBDIR", "PKG_CONFIG_SYSROOT_DIR"):
                value = self._targetted(var)
                if value is not None:
                    env[var] = value
            done = self._run([located, "--modversion", module], env=env)
            if done is not None:
                if done.returncode != 0:
                    return PkgConfigFacts(found=False, error=done.stderr.strip().splitlines()[0][:300]
                                          if done.stderr.strip() else None)
                where = self._run([located, "--variable=pcfiledir", module], env=env)
                directory = where.stdout.strip() if where is not None and where.returncode == 0 else None
                return PkgConfigFacts(found=True, version=done.stdout.strip() or None,
                                      location=f"{directory}/{module}.pc" if directory else None)
        return self._pc_file(module)

    def pc_search_dirs(self) -> list[str]:
        dirs: list[str] = []
        for var in ("PKG_CONFIG_PATH",):
            value = self._targetted(var)
            if value:
                dirs.extend(d for d in value.split(os.pathsep) if d)
        libdir = self._targetted("PKG_CONFIG_LIBDIR")
        dirs.extend(d for d in (libdir.split(os.pathsep) if libdir is not None else DEFAULT_PC_DIRS) if d)
        return dirs

    def _pc_file(self, module: str) -> PkgConfigFacts:
        for directory in self.pc_search_dirs():
            candidate = self._at(directory) / f"{module}.pc"
            if candidate.is_file():
                return PkgConfigFacts(found=True, version=read_pc_version(candidate), location=self._shown(candidate),
                                      how="pc file")
        return PkgConfigFacts(found=False, how="pc file")

    def library_dirs(self) -> tuple[str, ...]:
        """LIBRARY_PATH, then what the C compiler's linker searches (its own answer when it can be asked)."""
        if self._library_dirs is None:
            dirs = [d for d in self.env.get("LIBRARY_PATH", "").split(os.pathsep) if d]
            compiler = self.find_program(self.env.get("CC") or "cc") if self.run_tools else None
            done = self._run([compiler, "-print-search-dirs"]) if compiler else None
            listed: list[str] = []
            if done is not None and done.returncode == 0:
                for line in done.stdout.splitlines():
                    if line.startswith("libraries:"):
                        listed = [os.path.normpath(p) for p in line.split("=", 1)[-1].split(os.pathsep) if p]
            # The compiler passes its directories as -L; GNU ld then searches its own SEARCH_DIRs too.
            dirs.extend([*listed, *DEFAULT_LIBRARY_DIRS])
            self._library_dirs = tuple(dict.fromkeys(dirs))
        return self._library_dirs

    def find_library(self, name: str, extra_dirs: Sequence[str]) -> LibraryFacts:
        searched = tuple(dict.fromkeys([*extra_dirs, *self.library_dirs()]))
        for directory in searched:
            for filename in (f"lib{name}.so", f"lib{name}.a"):
                candidate = self._at(directory) / filename
                if candidate.exists():  # a dangling symlink is not a library (exists follows links)
                    return LibraryFacts(self._shown(candidate), searched)
        return LibraryFacts(None, searched)

    def expand_dirs(self, patterns: Sequence[str]) -> list[str]:
        """Directory globs (below the root), each `*` within one path component, as the Rust glob crate does."""
        out: list[str] = []
        for pattern in patterns:
            out.extend(self._shown(p) for p in _glob_dirs(self._at(pattern)))
        return out

    def find_libclang(self, *, runtime: bool) -> LibclangFacts:
        names = LIBCLANG_NAMES + (LIBCLANG_RUNTIME_NAMES if runtime else ())
        found: list[Path] = []
        override = self.env.get("LIBCLANG_PATH")
        if override is not None:
            path = self._at(override)
            if any(fnmatch.fnmatchcase(path.name, n) for n in names) and "-cpp." not in path.name and path.is_file():
                found = [path]
            else:
                found = _matching(path, names)
            searched = f"LIBCLANG_PATH={override}"
        else:
            directories: list[Path] = []
            llvm_config = self.env.get("LLVM_CONFIG_PATH") or "llvm-config"
            located = self.find_program(llvm_config)
            done = self._run([located, "--prefix"]) if located else None
            if done is not None and done.returncode == 0 and done.stdout.strip():
                prefix = Path(done.stdout.splitlines()[0].strip())
                directories += [prefix / "bin", prefix / "lib", prefix / "lib64"]
            directories += [self._at(d) for d in self.env.get("LD_LIBRARY_PATH", "").split(os.pathsep) if d]
            for pattern in CLANG_SYS_DIRECTORIES:
                directories += _glob_dirs(self._at(pattern))
            for directory in directories:
                found.extend(_matching(directory, names))
            searched = "llvm-config --prefix, LD_LIBRARY_PATH, " + ", ".join(CLANG_SYS_DIRECTORIES)
        valid = [p for p in found if _elf_class(p) == 2]
        rejected = [p for p in found if _elf_class(p) != 2]
        best = None
        if valid:
            # Highest version wins; among equals the earliest found (clang-sys reverses, then max_by_key).
            best = max(reversed(valid), key=lambda p: clang_version_key(p.name))
        return LibclangFacts(path=self._shown(best) if best else None,
                             candidates=tuple(self._shown(p) for p in valid),
                             rejected=tuple(self._shown(p) for p in rejected), searched=searched)

    def find_header(self, header: str, directories: Sequence[str]) -> str | None:
        for directory in directories:
            candidate = self._at(directory) / header
            if candidate.is_file():
                return self._shown(candidate)
        return None

    def cargo_tree(self, workspace: Path, features: Sequence[str], default_features: bool,
                   cargo: str | None) -> dict[str, frozenset[str]] | None:
        """What `cargo build --workspace` compiles, with features: `cargo tree --offline -e normal,build`.

        cargo tree resolves features as the build does; cargo metadata's resolve also lists optional
        dependencies that only a weak `dep?/feature` names (checked: it disagrees with cargo build there).
        Never lets a rustup proxy download a toolchain; None when it cannot answer offline.
        """
        program = cargo or self.find_program("cargo")
        if program is None:
            return None
        argv = [program, "tree", "--offline", "--workspace", "-e", "normal,build", "--prefix", "none",
                "--format", "{p}|{f}", "--target", self.triple]
        if features:
            argv += ["--features", ",".join(features)]
        if not default_features:
            argv.append("--no-default-features")
        env = dict(self.env)
        env["RUSTUP_AUTO_INSTALL"] = "0"
        env["CARGO_NET_OFFLINE"] = "true"
        done = self._run(argv, env=env, cwd=workspace, timeout=TREE_TIMEOUT_S)
        if done is None or done.returncode != 0:
            return None
        return parse_cargo_tree(done.stdout)


def parse_cargo_tree(text: str) -> dict[str, frozenset[str]]:
    """`name vX.Y.Z (source)|feat,feat` lines (a trailing ` (*)` marks a repeat) -> name -> features."""
    out: dict[str, set[str]] = {}
    for line in text.splitlines():
        head, sep, features = line.partition("|")
        if not sep or not head.strip():
            continue
        name = head.split(" ", 1)[0]
        features = features.replace("(*)", "").strip()
        out.setdefault(name, set()).update(f for f in features.split(",") if f)
    return {k: frozenset(v) for k, v in out.items()}


def _matching(directory: Path, names: Sequence[str]) -> list[Path]:
    """Files in `directory` matching clang-sys's name patterns, without libclang-cpp (another library)."""
    try:
        entries = sorted(os.listdir(directory))
    except OSError:
        return []
    out = []
    for pattern in names:
        for entry in entries:
            if fnmatch.fnmatchcase(entry, pattern) and "-cpp." not in entry and (directory / entry).is_file():
                out.append(directory / entry)
    return out


def _glob_dirs(pattern: Path) -> list[Path]:
    """Directories matching an absolute pattern whose `*` stays within a component (case-insensitive, as clang-sys)."""
    parts = pattern.parts
    current = [Path(parts[0])]
    for part in parts[1:]:
        if not any(ch in part for ch in "*?["):
            current = [c / part for c in current if (c / part).is_dir()]
            continue
        matched = []
        lowered = part.lower()
        for base in current:
            try:
                entries = sorted(os.listdir(base))
            except OSError:
                continue
            matched += [base / e for e in entries if fnmatch.fnmatchcase(e.lower(), lowered) and (base / e).is_dir()]
        current = matched
    return current
