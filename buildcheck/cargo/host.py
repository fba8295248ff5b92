"""The host's target triple, derived once at the edge of the program from what the platform says.

rustc would say it (`rustc -vV`), but running rustc may mean running a rustup proxy for a toolchain that is not
installed (a download). The triple of a Linux host follows from the machine and the C library; other systems get
rustc's usual names. rustup's own `default_host_triple` (settings.toml) wins where rustup manages the toolchain.
"""

from __future__ import annotations

_ARCH = {"amd64": "x86_64", "x86_64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64", "i686": "i686",
         "i386": "i686", "ppc64le": "powerpc64le", "s390x": "s390x", "riscv64": "riscv64gc"}


def host_triple(machine: str, system: str, libc: str = "glibc") -> str:
    """`x86_64` + `Linux` + `glibc` -> `x86_64-unknown-linux-gnu`."""
    arch = _ARCH.get(machine.lower(), machine.lower() or "x86_64")
    system = system.lower()
    if system == "linux":
        return f"{arch}-unknown-linux-{'gnu' if libc in ('glibc', '') else 'musl'}"
    if system == "darwin":
        return f"{arch}-apple-darwin"
    if system == "windows":
        return f"{arch}-pc-windows-msvc"
    if system == "freebsd":
        return f"{arch}-unknown-freebsd"
    return f"{arch}-unknown-{system or 'linux'}"


def this_host() -> str:
    """The triple of the machine buildcheck runs on (called by the CLI, never deep inside)."""
    import platform

    return host_triple(platform.machine(), platform.system(), platform.libc_ver()[0] or "glibc")
