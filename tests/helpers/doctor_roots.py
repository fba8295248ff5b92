"""Machine file trees for `buildcheck doctor --root` tests: what a Debian machine with the -dev packages has."""

from __future__ import annotations

from pathlib import Path

ELF64 = b"\x7fELF\x02\x01\x01" + b"\0" * 57
ELF32 = b"\x7fELF\x01\x01\x01" + b"\0" * 45
MULTIARCH = "usr/lib/x86_64-linux-gnu"


def os_release(root: Path, text: str = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n') -> None:
    (root / "etc").mkdir(parents=True, exist_ok=True)
    (root / "etc" / "os-release").write_text(text)


def program(root: Path, name: str, directory: str = "usr/bin", script: str = "#!/bin/sh\nexit 0\n") -> Path:
    path = root / directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(script)
    path.chmod(0o755)
    return path


def pc_file(root: Path, module: str, version: str, directory: str = f"{MULTIARCH}/pkgconfig") -> Path:
    path = root / directory / f"{module}.pc"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"prefix=/usr\nlibdir=${{prefix}}/lib\nName: {module}\nDescription: test\n"
                    f"Version: {version}\nLibs: -L${{libdir}} -l{module}\n")
    return path


def library(root: Path, filename: str, directory: str = MULTIARCH, content: bytes = ELF64) -> Path:
    path = root / directory / filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def ready_debian(root: Path) -> Path:
    """Everything damocles-worker's default build looks for, as Debian's packages install it."""
    os_release(root)
    for name in ("cc", "c++", "pkg-config", "make", "jq", "git"):
        program(root, name)
    pc_file(root, "hwloc", "2.9.0")
    pc_file(root, "openssl", "3.0.11")
    library(root, "libhwloc.so")
    library(root, "libOpenCL.so")
    library(root, "libclang.so.1", "usr/lib/llvm-14/lib")
    library(root, "libclang-14.so.1")
    return root
