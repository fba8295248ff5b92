"""Toolchains for tests, as they look on disk: a system cargo, or rustup with its proxies and installed toolchains.

Nothing here runs rustup: a proxy is a `cargo` link to a file named `rustup` (which is how rustup installs them),
and an installed toolchain is the directory rustup leaves (`toolchains/<name>-<host>` with its component list and
channel manifest). buildcheck reads those; the real rustup is compared in tests/test_cargo_toolchain.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

HOST = "x86_64-unknown-linux-gnu"


def system_cargo(directory: Path, version: str) -> Path:
    """A `cargo` that is not a rustup proxy (Debian's /usr/bin/cargo), answering `--version`."""
    directory.mkdir(parents=True, exist_ok=True)
    cargo = directory / "cargo"
    cargo.write_text(f"#!/bin/sh\necho 'cargo {version} (fake 2023-01-01)'\n")
    cargo.chmod(0o755)
    return cargo


def rustup(root: Path, installed: Iterable[str] = (), *, default: str | None = None,
           components: dict[str, Iterable[str]] | None = None, overrides: dict[str, str] | None = None,
           host: str = HOST, bin_dir: str = "cargo-bin", home_dir: str = "rustup-home") -> dict[str, str]:
    """A rustup installation under `root`; returns the env entries (PATH, RUSTUP_HOME) that select it.

    installed: toolchain versions ("1.72.0", "stable=1.95.0" for a named channel and its rustc version).
    bin_dir, home_dir: where the proxies and rustup's home go under `root` (".cargo/bin" and ".rustup" lay them out
    as rustup does in a home directory)."""
    bindir = root / bin_dir
    bindir.mkdir(parents=True, exist_ok=True)
    (bindir / "rustup").write_text("#!/bin/sh\necho 'a proxy must never run in a test' >&2\nexit 99\n")
    (bindir / "rustup").chmod(0o755)
    if not (bindir / "cargo").exists():
        os.symlink("rustup", bindir / "cargo")
    home = root / home_dir
    for entry in installed:
        name, _, version = entry.partition("=")
        version = version or name
        rustlib = home / "toolchains" / f"{name}-{host}" / "lib" / "rustlib"
        rustlib.mkdir(parents=True, exist_ok=True)
        (home / "toolchains" / f"{name}-{host}" / "bin").mkdir(exist_ok=True)
        wanted = ["cargo", "rustc", "rust-std", *((components or {}).get(name, ()))]
        (rustlib / "components").write_text("".join(f"{c}-{host}\n" for c in wanted))
        (rustlib / "multirust-channel-manifest.toml").write_text(
            f'[pkg.rustc]\nversion = "{version} (fake 2023-01-01)"\n')
    settings = ['version = "12"']
    if default:
        settings.append(f'default_toolchain = "{default}-{host}"')
    settings.append("[overrides]")
    settings += [f'"{path}" = "{name}"' for path, name in (overrides or {}).items()]
    home.mkdir(parents=True, exist_ok=True)
    (home / "settings.toml").write_text("\n".join(settings) + "\n")
    return {"PATH": str(bindir), "RUSTUP_HOME": str(home)}


def pinned_toolchains(root: Path, env: dict[str, str]) -> list[str]:
    """The toolchains a fixture tree asks for: RUSTUP_TOOLCHAIN and every rust-toolchain file's channel."""
    pins = [env["RUSTUP_TOOLCHAIN"]] if "RUSTUP_TOOLCHAIN" in env else []
    for path in root.rglob("rust-toolchain*"):
        for line in path.read_text().splitlines():
            if line.strip().startswith("channel"):
                pins.append(line.split("=", 1)[1].strip().strip('"'))
    return pins
