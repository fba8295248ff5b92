"""Which cargo will run the build, and its version, without ever starting a toolchain download.

rustup's order: RUSTUP_TOOLCHAIN, then the nearest rust-toolchain.toml /
rust-toolchain walking up from the cwd, then overrides and the default. A pinned
`channel = "1.72.0"` gives the version without running anything. Otherwise the
scanner runs `cargo --version` with RUSTUP_AUTO_INSTALL=0 and a timeout.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from buildcheck.cargo.discover import ancestors
from buildcheck.cargo.toml_source import load_toml
from buildcheck.errors import ConfigError
from buildcheck.i18n import _
from buildcheck.model import Origin

CARGO_VERSION_TIMEOUT_S = 10
_VERSION = re.compile(r"^(\d+\.\d+(?:\.\d+)?)")
_CARGO_VERSION_OUTPUT = re.compile(r"cargo (\d+\.\d+\.\d+)")

RunCargoVersion = Callable[[str, Mapping[str, str]], "str | None"]


@dataclass(frozen=True)
class Toolchain:
    version: Version | None
    source: str  # "RUSTUP_TOOLCHAIN" | "rust-toolchain.toml" | "rust-toolchain" | "cargo --version" | "assumed"
    origin: Origin
    channel: str | None = None  # the toolchain name when it is not a version (stable, nightly-2024-01-01...)

    def to_json(self) -> dict:
        out = {"cargo_version": str(self.version) if self.version else None, "source": self.source,
               "location": self.origin.to_json()}
        if self.channel:
            out["channel"] = self.channel
        return out


def version_of_channel(channel: str) -> Version | None:
    """`1.72.0`, `1.72`, `1.72.0-x86_64-unknown-linux-gnu` -> a Version; named channels -> None."""
    match = _VERSION.match(channel.strip())
    if not match:
        return None
    try:
        return Version(match.group(1))
    except InvalidVersion:
        return None


def _toolchain_file(cwd: Path) -> tuple[Path, str, int | None] | None:
    for directory in ancestors(cwd):
        for name in ("rust-toolchain", "rust-toolchain.toml"):
            path = directory / name
            if not path.is_file():
                continue
            text = path.read_text(encoding="utf-8", errors="replace")[:65536]
            stripped = text.strip()
            if name == "rust-toolchain" and stripped and "\n" not in stripped and "[" not in stripped:
                return path, stripped, 1  # the legacy one-line form
            doc = load_toml(path)
            toolchain = doc.data.get("toolchain")
            channel = toolchain.get("channel") if isinstance(toolchain, dict) else None
            if not isinstance(channel, str):
                raise ConfigError(_("no `toolchain.channel` in the toolchain file"), path=str(path))
            return path, channel, doc.line_of(("toolchain", "channel"))
    return None


def default_run_cargo_version(cargo: str, env: Mapping[str, str], cwd: Path | None = None) -> str | None:
    # The cwd matters: a rustup proxy picks the toolchain from the rust-toolchain files above it.
    child_env = dict(env)
    child_env["RUSTUP_AUTO_INSTALL"] = "0"  # never let a rustup proxy download a toolchain
    try:
        done = subprocess.run([cargo, "--version"], env=child_env, capture_output=True, text=True,
                              timeout=CARGO_VERSION_TIMEOUT_S, cwd=cwd, stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def find_toolchain(cwd: Path, env: Mapping[str, str], cargo: str | None,
                   run_cargo_version: RunCargoVersion | None) -> Toolchain:
    """The cargo version and what decided it: --cargo, RUSTUP_TOOLCHAIN, a toolchain file, `cargo --version`."""
    def ask(program: str) -> Toolchain | None:
        if run_cargo_version is not None:
            output = run_cargo_version(program, env)
        else:
            output = default_run_cargo_version(program, env, cwd)
        match = _CARGO_VERSION_OUTPUT.search(output or "")
        if not match:
            return None
        return Toolchain(Version(match.group(1)), "cargo --version", Origin.command(f"{program} --version"))

    if cargo is not None:  # the user named the cargo that will build
        answered = ask(cargo)
        if answered:
            return answered
    pinned: Toolchain | None = None
    channel = env.get("RUSTUP_TOOLCHAIN")
    if channel:
        pinned = Toolchain(version_of_channel(channel), "RUSTUP_TOOLCHAIN", Origin.environment("RUSTUP_TOOLCHAIN"),
                           None if version_of_channel(channel) else channel)
    else:
        found = _toolchain_file(cwd)
        if found:
            path, channel, line = found
            version = version_of_channel(channel)
            pinned = Toolchain(version, path.name, Origin.file(str(path), line), None if version else channel)
    if pinned is not None and pinned.version is not None:
        return pinned  # a pinned version needs no process at all
    # A named channel (stable, nightly) or nothing pinned: the cargo on PATH answers, through rustup if it is a
    # proxy (which then honours the same RUSTUP_TOOLCHAIN / toolchain file, and never downloads).
    answered = ask("cargo") if cargo is None else None
    if answered:
        return Toolchain(answered.version, answered.source, answered.origin, pinned.channel if pinned else None)
    if pinned is not None:
        return Toolchain(None, "assumed", pinned.origin, pinned.channel)
    return Toolchain(None, "assumed", Origin.default(_("newest cargo rules")))
