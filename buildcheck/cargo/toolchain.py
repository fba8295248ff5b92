"""The toolchain that will really build, found without starting a download or a proxy.

Which `cargo` runs: `--cargo PATH`, else the first `cargo` on the PATH of the environment the build gets. Whether it
is a **rustup proxy** decides everything else:
- a proxy picks a toolchain as rustup does (rustup's order): RUSTUP_TOOLCHAIN, then a directory override
  (`rustup override set`, kept in `$RUSTUP_HOME/settings.toml`), then the nearest `rust-toolchain` /
  `rust-toolchain.toml` walking up from the cwd, then the default toolchain. Installed toolchains are directories
  `$RUSTUP_HOME/toolchains/<name>-<host>`; their `lib/rustlib/components` lists the installed components and the
  channel manifest next to it their versions. All of that is *read*: a proxy for a missing toolchain is never run
  (before rustup 1.28.1 `RUSTUP_AUTO_INSTALL=0` is ignored and running it may download hundreds of MB). A missing
  toolchain gets the exact `rustup toolchain install` command and the server the build would download it from:
  RUSTUP_DIST_SERVER, else the deprecated RUSTUP_DIST_ROOT less its `/dist` (rustup's own order), else
  static.rust-lang.org. RUSTUP_UPDATE_ROOT is reported when set, for what it is: the source of rustup's
  self-update only, never of a toolchain (mirror guides set both; setting only that one is a common slip).
- any other cargo (Debian's `/usr/bin/cargo`) ignores toolchain files: its own `cargo --version` decides, and a pin
  only gets a note. Running it is safe: it is the program the user is about to build with.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from packaging.version import InvalidVersion, Version

from buildcheck.cargo.discover import ancestors
from buildcheck.cargo.toml_source import load_toml
from buildcheck.errors import ConfigError, UsageError
from buildcheck.i18n import N_, _
from buildcheck.model import Origin

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CARGO_VERSION_TIMEOUT_S = 10
DEFAULT_DIST_SERVER = "https://static.rust-lang.org"
_VERSION = re.compile(r"^(\d+\.\d+(?:\.\d+)?)")
_CARGO_VERSION_OUTPUT = re.compile(r"cargo (\d+\.\d+\.\d+)")
_MANIFEST_RUSTC = re.compile(r"^(\d+\.\d+\.\d+)")
_RUSTC_VERSION_OUTPUT = re.compile(r"rustc (\d+\.\d+\.\d+)")

Manager = Literal["rustup", "none"]
RunCargoVersion = Callable[[str, Mapping[str, str]], "str | None"]


@dataclass(frozen=True)
class Toolchain:
    """The cargo whose rules apply, how it was chosen, and whether it is there."""

    version: Version | None
    source: str            # RUSTUP_TOOLCHAIN | rustup override | rust-toolchain.toml | rust-toolchain |
    #                        rustup default | cargo --version | assumed
    origin: Origin
    channel: str | None = None            # the toolchain name rustup uses, when rustup chooses
    manager: Manager | None = None        # None: no cargo found to build with
    cargo_path: str | None = None
    installed: bool | None = None         # rustup: is the chosen toolchain installed; None: unknown
    components: tuple[str, ...] = ()      # what the toolchain file asks for (components, then rust-std-<target>)
    missing_components: tuple[str, ...] = ()
    profile: str | None = None            # the toolchain file's rustup profile
    targets: tuple[str, ...] = ()
    ignored_pin: Origin | None = None     # a toolchain file the cargo that builds does not read
    dist_server: str | None = None        # where rustup would download a missing toolchain from
    dist_server_origin: Origin | None = None
    update_root: str | None = None        # RUSTUP_UPDATE_ROOT when set: rustup's self-update, not toolchains
    rustc_version: Version | None = None  # the rustc that compiles (Debian pairs cargo 1.65 with rustc 1.63)

    @property
    def install_command(self) -> str | None:
        """The rustup command that installs what the build needs, when something is missing."""
        if self.manager != "rustup" or self.channel is None:
            return None
        components = [c for c in self.components if not c.startswith("rust-std-")]
        if self.installed is False:
            parts = ["rustup", "toolchain", "install", self.channel, "--profile", self.profile or "minimal"]
            for component in components:
                parts += ["-c", component]
            for target in self.targets:
                parts += ["-t", target]
            return " ".join(parts)
        missing = [c for c in self.missing_components if not c.startswith("rust-std-")]
        missing_targets = [c[len("rust-std-"):] for c in self.missing_components if c.startswith("rust-std-")]
        commands = []
        if missing:
            commands.append(" ".join(["rustup", "component", "add", "--toolchain", self.channel, *missing]))
        if missing_targets:
            commands.append(" ".join(["rustup", "target", "add", "--toolchain", self.channel, *missing_targets]))
        return " && ".join(commands) or None

    def to_json(self) -> dict[str, Any]:
        return {"cargo_version": str(self.version) if self.version else None, "source": self.source,
                "location": self.origin.to_json(), "channel": self.channel, "manager": self.manager,
                "cargo_path": self.cargo_path, "installed": self.installed, "components": list(self.components),
                "missing_components": list(self.missing_components), "install_command": self.install_command,
                "download_from": self.dist_server if self.installed is False else None,
                "download_from_location": self.dist_server_origin.to_json()
                if self.installed is False and self.dist_server_origin else None,
                "update_root": self.update_root,
                "ignored_pin": self.ignored_pin.to_json() if self.ignored_pin else None}


def version_of_channel(channel: str) -> Version | None:
    """`1.72.0`, `1.72`, `1.72.0-x86_64-unknown-linux-gnu` -> a Version; named channels -> None."""
    match = _VERSION.match(channel.strip())
    if not match:
        return None
    try:
        return Version(match.group(1))
    except InvalidVersion:
        return None


# -- the toolchain file -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ToolchainFile:
    path: Path
    channel: str
    origin: Origin
    components: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    profile: str | None = None


def _strings(value: object, path: Path, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(_("`toolchain.{key}` must be an array of strings").format(key=key), path=str(path))
    return tuple(value)


def find_toolchain_file(cwd: Path) -> ToolchainFile | None:
    """The nearest `rust-toolchain` / `rust-toolchain.toml` from `cwd` upwards, as rustup reads it."""
    for directory in ancestors(cwd):
        for name in ("rust-toolchain", "rust-toolchain.toml"):
            path = directory / name
            if not path.is_file():
                continue
            text = path.read_text(encoding="utf-8", errors="replace")[:65536].lstrip("\ufeff")
            stripped = text.strip()
            if name == "rust-toolchain" and stripped and "\n" not in stripped and "[" not in stripped:
                return ToolchainFile(path, stripped, Origin.file(str(path), 1))  # the legacy one-line form
            doc = load_toml(path)
            table = doc.data.get("toolchain")
            channel = table.get("channel") if isinstance(table, dict) else None
            if not isinstance(channel, str):
                raise ConfigError(_("no `toolchain.channel` in the toolchain file"), path=str(path))
            profile = table.get("profile") if isinstance(table.get("profile"), str) else None
            return ToolchainFile(path, channel, Origin.file(str(path), doc.line_of(("toolchain", "channel"))),
                                 _strings(table.get("components"), path, "components"),
                                 _strings(table.get("targets"), path, "targets"), profile)
    return None


# -- rustup's own state --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RustupState:
    home: Path
    default_toolchain: str | None = None
    default_host: str | None = None
    overrides: Mapping[str, str] = field(default_factory=dict)  # directory -> toolchain (`rustup override set`)


def rustup_home(cwd: Path, env: Mapping[str, str]) -> Path | None:
    value = env.get("RUSTUP_HOME")
    if value:
        return cwd / value  # rustup joins a relative RUSTUP_HOME to the cwd
    home = env.get("HOME")
    return Path(home) / ".rustup" if home else None


def read_rustup_state(home: Path) -> RustupState | None:
    """rustup's settings, or None when there is no rustup home at all (rustup is not installed here)."""
    if not home.is_dir():
        return None
    try:
        data = tomllib.loads((home / "settings.toml").read_text(encoding="utf-8", errors="replace")[:1 << 20])
    except (OSError, tomllib.TOMLDecodeError):
        return RustupState(home)
    overrides = data.get("overrides")
    return RustupState(home, data.get("default_toolchain") if isinstance(data.get("default_toolchain"), str) else None,
                       data.get("default_host_triple") if isinstance(data.get("default_host_triple"), str) else None,
                       {k: v for k, v in overrides.items() if isinstance(v, str)} if isinstance(overrides, dict)
                       else {})


def _override_for(cwd: Path, state: RustupState) -> tuple[str, Path] | None:
    for directory in ancestors(cwd):
        name = state.overrides.get(str(directory))
        if name:
            return name, directory
    return None


def _installed_dir(state: RustupState, name: str, host: str) -> Path | None:
    """The directory of toolchain `name` when it is installed (a full name, `<name>-<host>`, or a linked one)."""
    for candidate in (name, f"{name}-{host}"):
        directory = state.home / "toolchains" / candidate
        if (directory / "bin").is_dir() or (directory / "lib" / "rustlib").is_dir():
            return directory
    return None


def _installed_version(directory: Path) -> Version | None:
    """rustc's version from the channel manifest rustup keeps beside an installed toolchain."""
    manifest = directory / "lib" / "rustlib" / "multirust-channel-manifest.toml"
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8", errors="replace"))
        text = data["pkg"]["rustc"]["version"]
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError):
        return version_of_channel(directory.name)
    match = _MANIFEST_RUSTC.match(str(text))
    return Version(match.group(1)) if match else None


def _installed_components(directory: Path) -> frozenset[str]:
    try:
        text = (directory / "lib" / "rustlib" / "components").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def _missing(wanted: Sequence[str], installed: frozenset[str], host: str) -> tuple[str, ...]:
    def present(component: str) -> bool:
        forms = {component, f"{component}-{host}", f"{component}-preview", f"{component}-preview-{host}"}
        return bool(forms & installed)
    return tuple(c for c in wanted if not present(c))


# -- which cargo runs ----------------------------------------------------------------------------------------------

def cargo_on_path(env: Mapping[str, str], cwd: Path) -> str | None:
    for entry in env.get("PATH", "").split(os.pathsep):
        if not entry:
            continue
        candidate = (cwd / entry / "cargo") if not os.path.isabs(entry) else Path(entry) / "cargo"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def is_rustup_proxy(cargo: str) -> bool:
    """rustup installs `cargo` as a link to (or a copy of) its own binary, next to `rustup` itself."""
    real = Path(os.path.realpath(cargo))
    if real.name in ("rustup", "rustup-init"):
        return True
    sibling = Path(cargo).parent / "rustup"
    if not sibling.is_file():
        return False
    try:
        if os.path.samefile(cargo, sibling):
            return True
        if os.path.getsize(cargo) != os.path.getsize(sibling):
            return False
        with open(cargo, "rb") as a, open(sibling, "rb") as b:
            return a.read(1 << 20) == b.read(1 << 20)
    except OSError:
        return False


def default_run_cargo_version(cargo: str, env: Mapping[str, str], cwd: Path | None = None) -> str | None:
    """`cargo --version` of a cargo that is *not* a rustup proxy (the caller checked)."""
    try:
        done = subprocess.run([cargo, "--version"], env=dict(env), capture_output=True, text=True,
                              timeout=CARGO_VERSION_TIMEOUT_S, cwd=cwd, stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _system_rustc_version(cargo: str, env: Mapping[str, str], cwd: Path, run: RunCargoVersion) -> Version | None:
    """The version of the rustc a system cargo runs: RUSTC, else the `rustc` beside it; never a rustup proxy."""
    rustc = env.get("RUSTC") or str(Path(cargo).parent / "rustc")
    path = cwd / rustc if not os.path.isabs(rustc) else Path(rustc)
    if not (path.is_file() and os.access(path, os.X_OK)) or is_rustup_proxy(str(path)):
        return None
    match = _RUSTC_VERSION_OUTPUT.search(run(str(path), env) or "")
    return Version(match.group(1)) if match else None


def rustup_dist_server(env: Mapping[str, str]) -> tuple[str, Origin]:
    """Where rustup downloads toolchains from, and what says so (rustup's `Cfg::from_env`): a non-empty
    RUSTUP_DIST_SERVER, else a non-empty RUSTUP_DIST_ROOT with its trailing `/dist` removed, else the default."""
    if env.get("RUSTUP_DIST_SERVER"):
        return env["RUSTUP_DIST_SERVER"], Origin.environment("RUSTUP_DIST_SERVER")
    if env.get("RUSTUP_DIST_ROOT"):
        root = env["RUSTUP_DIST_ROOT"]
        while root.endswith("/dist"):  # Rust's trim_end_matches removes every repetition
            root = root[:-len("/dist")]
        return root, Origin.environment("RUSTUP_DIST_ROOT")
    return DEFAULT_DIST_SERVER, Origin.default(N_("rustup's default server"))


def _rustup_choice(cwd: Path, env: Mapping[str, str], state: RustupState | None,
                   pinned: ToolchainFile | None) -> tuple[str, str, Origin] | None:
    """(toolchain name, source, origin) in rustup's order."""
    if env.get("RUSTUP_TOOLCHAIN"):
        return env["RUSTUP_TOOLCHAIN"], "RUSTUP_TOOLCHAIN", Origin.environment("RUSTUP_TOOLCHAIN")
    override = _override_for(cwd, state) if state is not None else None
    if override is not None:
        assert state is not None
        return override[0], "rustup override", Origin.file(str(state.home / "settings.toml"))
    if pinned is not None:
        return pinned.channel, pinned.path.name, pinned.origin
    if state is not None and state.default_toolchain:
        return state.default_toolchain, "rustup default", Origin.file(str(state.home / "settings.toml"))
    return None


def find_toolchain(cwd: Path, env: Mapping[str, str], cargo: str | None,
                   run_cargo_version: RunCargoVersion | None = None, *, host: str) -> Toolchain:
    """The cargo that builds from `cwd` with `env`, its version and what decided it (see the module docstring)."""
    if cargo is not None:
        path = Path(cwd) / cargo if not os.path.isabs(cargo) else Path(cargo)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise UsageError(_("--cargo {path}: no such executable").format(path=cargo))
        cargo_path: str | None = str(path)
    else:
        cargo_path = cargo_on_path(env, cwd)
    pinned = find_toolchain_file(cwd)

    if cargo_path is not None and not is_rustup_proxy(cargo_path):
        run = run_cargo_version or (lambda c, e: default_run_cargo_version(c, e, cwd))
        match = _CARGO_VERSION_OUTPUT.search(run(cargo_path, env) or "")
        version = Version(match.group(1)) if match else None
        return Toolchain(version, "cargo --version" if version else "assumed",
                         Origin.command(f"{cargo_path} --version"), manager="none", cargo_path=cargo_path,
                         installed=True, ignored_pin=pinned.origin if pinned else None,
                         rustc_version=_system_rustc_version(cargo_path, env, cwd, run))

    home = rustup_home(cwd, env)
    state = read_rustup_state(home) if home is not None else None
    if state is None and cargo_path is not None:
        state = RustupState(home or Path(cwd))  # a proxy without a home: nothing is installed yet
    rustup_host = (state.default_host if state else None) or host
    choice = _rustup_choice(cwd, env, state, pinned)
    manager: Manager | None = "rustup" if cargo_path is not None else None
    if choice is None:
        return Toolchain(None, "assumed", Origin.default(N_("newest cargo rules")), manager=manager,
                         cargo_path=cargo_path)
    name, source, origin = choice
    from_file = pinned if (pinned is not None and source == pinned.path.name) else None
    components = (*(from_file.components if from_file else ()),
                  *(f"rust-std-{t}" for t in (from_file.targets if from_file else ())))
    directory = _installed_dir(state, name, rustup_host) if state is not None else None
    installed: bool | None = (directory is not None) if state is not None else None
    version = _installed_version(directory) if directory is not None else version_of_channel(name)
    missing = _missing(components, _installed_components(directory), rustup_host) if directory is not None \
        else (components if installed is False else ())
    server, server_origin = rustup_dist_server(env) if installed is False else (None, None)
    return Toolchain(version, source, origin, channel=name, manager=manager, rustc_version=version,
                     cargo_path=cargo_path, installed=installed, components=components, missing_components=missing,
                     profile=from_file.profile if from_file else None,
                     targets=from_file.targets if from_file else (),
                     dist_server=server, dist_server_origin=server_origin,
                     update_root=env.get("RUSTUP_UPDATE_ROOT") or None)
