"""From a `ScanResult` to what `flags` and `fix` propose: a FlagsPlan, config-file edits, env causes.

The scanner says what cargo will do and where each value came from; this module
decides what to change. Two kinds of cause:

- config-file causes (a config layer or the workspace Cargo.toml): `buildcheck fix`
  edits them. Each `ConfigCause` names the file, the line, the key path (read from
  `Origin.key`, stamped by the scanner) and the `Edit` that neutralises it;
- environment causes: only the shell can change them, so `buildcheck flags` prints the
  lines and `fix` points there.

Which values count. For profile `debug` we walk each unit's value and the values it
overrode (nearest first) and collect every value that turns debug info on, up to the
first one that turns it off: removing `CARGO_PROFILE_RELEASE_DEBUG=true` reveals a
`debug = 2` in Cargo.toml below it, so both are causes; a `debug = false` below stops
the walk because it shields everything under it. Rustflags in config files count in
every tier, the winning one and those hidden by a higher tier (unsetting RUSTFLAGS
would reveal them). An explicit `strip = "none"`/`false` in a file becomes
`strip = "debuginfo"`. The implicit no-strip of cargo < 1.77 is not a file edit
(there is no line to change): `flags` sets CARGO_PROFILE_<NAME>_STRIP instead.

Nothing here reads the environment or a file: the scan already did.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import Version

from buildcheck.args import rustc
from buildcheck.cargo.levels import DEBUG_LEVELS, InvalidValue, is_on, parse_profile_debug
from buildcheck.cargo.profiles import IMPLICIT_STRIP_SINCE
from buildcheck.cargo.scan import ScanResult, UnitSettings
from buildcheck.i18n import _
from buildcheck.model import Origin, Sourced
from buildcheck.recommend.config_edit import Edit, RemoveRustflags, SetKey
from buildcheck.recommend.flags_plan import FlagsPlan


@dataclass(frozen=True, kw_only=True)
class ConfigCause:
    """A config-file value that puts debug info in the build, and the edit that takes it out.

    rule       the scan rule it corresponds to (BC001 rustflags, BC002 profile, BC003 package
               override, BC004 build-override, BC006 strip)
    effective  True when it applies to the build as configured now; False when a higher
               source hides it today but removing that source would reveal it
    """

    origin: Origin
    edit: Edit
    rule: str
    effective: bool

    @property
    def path(self) -> str:
        assert self.origin.path is not None
        return self.origin.path


@dataclass(frozen=True, kw_only=True)
class EnvCause:
    """An environment variable that turns debug info on (or keeps it), with its value as found."""

    name: str
    value: str
    rule: str


def _same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


def scanned_files(result: ScanResult) -> tuple[Path, ...]:
    """The files the scan read settings from: the config layers and the workspace root manifest."""
    files = [layer.path for layer in result.layers if layer.path is not None]
    if result.workspace_root is not None:
        files.append(result.workspace_root / "Cargo.toml")
    return tuple(files)


def _turns_on(value: Any, version: Version | None) -> bool:
    """Overridden values are kept as written (`true`, `2`, `"limited"`); parse them as cargo would."""
    try:
        return is_on(value if isinstance(value, str) and value in DEBUG_LEVELS else parse_profile_debug(value, version))
    except InvalidValue:
        return False


def _on_chain(value: Sourced[Any], version: Version | None) -> Iterable[tuple[Sourced[Any], bool]]:
    """The values in `value`'s chain that turn debug info on, when the value in force does.

    Yields (entry, effective): only the head applies today; the others would apply once the
    head is removed. The chain is not in strict priority order (a layer's own overridden
    values follow the layers below it), so every value that turns debug info on counts,
    which may also name a file shadowed by another file's `debug = false` (documented).
    """
    if not _turns_on(value.value, version):
        return
    for index, entry in enumerate((value, *value.overridden)):
        if entry.origin.kind != "default" and _turns_on(entry.value, version):
            yield entry, index == 0


def _is_editable(origin: Origin) -> bool:
    return origin.kind == "file" and origin.path is not None and origin.key is not None


def _rustflags_key(key: tuple[str, ...]) -> tuple[str, ...] | None:
    """`("build", "rustflags", "0")` -> `("build", "rustflags")`: array items carry their index."""
    if "rustflags" not in key:
        return None
    last = len(key) - 1 - key[::-1].index("rustflags")
    return key[: last + 1]


def _debug_rule(origin_key: tuple[str, ...]) -> str:
    if "build-override" in origin_key:
        return "BC004"
    if len(origin_key) > 3 and origin_key[2] == "package":
        return "BC003"
    return "BC002"


def _debug_units(result: ScanResult) -> Iterator[UnitSettings]:
    packages = dict.fromkeys((*result.members, *result.packages)) or {None: None}
    for package in packages:
        if package is None:
            yield from result.member_units()
            continue
        yield result.unit(package)
        # Host units see build-override; their debug info does not reach the binary (BC004).
        yield result.unit(package, host=True)


def _rustflags_drop(values: Sequence[str]) -> tuple[str, ...]:
    """The options, as written, that turn debug info on or undo strip (`-C strip=none`)."""
    found = rustc.options_matching(values, lambda o: rustc.turns_debuginfo_on(o) or rustc.strip_keeps_debuginfo(o))
    return tuple(dict.fromkeys(option.written for option in found))


def config_causes(result: ScanResult) -> tuple[ConfigCause, ...]:
    """Every config-file value that puts debug info in the build, each once, in a stable order."""
    causes: dict[tuple[str, tuple[str, ...]], ConfigCause] = {}

    def add(cause: ConfigCause) -> None:
        key = (os.path.realpath(cause.path), cause.edit.key_path)
        previous = causes.get(key)
        if previous is None or (cause.effective and not previous.effective):
            causes[key] = cause

    # Profile debug, package overrides, build-override.
    for unit in _debug_units(result):
        for entry, effective in _on_chain(unit.debuginfo, result.cargo_version):
            if _is_editable(entry.origin):
                assert entry.origin.key is not None
                add(ConfigCause(origin=entry.origin, edit=SetKey(entry.origin.key, False),
                                rule=_debug_rule(entry.origin.key), effective=effective))

    # Rustflags in config files, in the winning tier and in the tiers it hides.
    tiers = ((result.rustflags.winner, True), *((tier, False) for tier in result.rustflags.hidden))
    for tier, effective in tiers:
        by_key: dict[tuple[str, tuple[str, ...]], list[Sourced[str]]] = {}
        for item in tier.items:
            if not _is_editable(item.origin):
                continue
            assert item.origin.key is not None and item.origin.path is not None
            key_path = _rustflags_key(item.origin.key)
            if key_path is not None:
                by_key.setdefault((item.origin.path, key_path), []).append(item)
        for (_path, key_path), items in by_key.items():
            drop = _rustflags_drop([item.value for item in items])
            if drop:
                first = next((item for item in items if _rustflags_drop([item.value])), items[0])
                add(ConfigCause(origin=first.origin, edit=RemoveRustflags(key_path, drop), rule="BC001",
                                effective=effective))

    # An explicit strip = "none"/false keeps whatever was compiled in, the standard library's included.
    for unit in result.member_units():
        if unit.strip.value == "none" and _is_editable(unit.strip.origin):
            assert unit.strip.origin.key is not None
            add(ConfigCause(origin=unit.strip.origin, edit=SetKey(unit.strip.origin.key, "debuginfo"), rule="BC006",
                            effective=True))

    allowed = scanned_files(result)
    return tuple(cause for cause in causes.values() if any(_same_file(cause.path, f) for f in allowed))


def edits_by_file(causes: Sequence[ConfigCause]) -> dict[str, list[Edit]]:
    """The edits grouped per file (in the causes' order), ready for `config_edit.edit_config_file`."""
    out: dict[str, list[Edit]] = {}
    for cause in causes:
        out.setdefault(cause.path, []).append(cause.edit)
    return out


def env_causes(result: ScanResult) -> tuple[EnvCause, ...]:
    """Environment variables that turn debug info on, or keep the binary unstripped."""
    env = dict(result.environment)
    found: dict[str, EnvCause] = {}

    def add(name: str | None, rule: str) -> None:
        if name and name not in found and name in env:
            found[name] = EnvCause(name=name, value=env[name], rule=rule)

    winner = result.rustflags.winner
    if winner.tier in ("CARGO_ENCODED_RUSTFLAGS", "RUSTFLAGS"):
        if _rustflags_drop(winner.flags) and winner.source is not None:
            add(winner.source.env, "BC001")
    for tier in (winner, *result.rustflags.hidden):
        env_items = [item for item in tier.items if item.origin.kind == "env"]
        for name in dict.fromkeys(item.origin.env for item in env_items):
            if _rustflags_drop([item.value for item in env_items if item.origin.env == name]):
                add(name, "BC001")
    for unit in _debug_units(result):
        for entry, _effective in _on_chain(unit.debuginfo, result.cargo_version):
            if entry.origin.kind == "env":
                add(entry.origin.env, "BC004" if "_BUILD_OVERRIDE_" in (entry.origin.env or "") else "BC002")
    for unit in result.member_units():
        if unit.strip.value == "none" and unit.strip.origin.kind == "env":
            add(unit.strip.origin.env, "BC006")
    for setting in result.native_flags:
        if setting.debug_flag is not None:
            found.setdefault(setting.variable, EnvCause(
                name=setting.variable, value=setting.value, rule="BC011" if setting.language == "cuda" else "BC010"))
    return tuple(found.values())


def needs_strip(result: ScanResult) -> bool:
    """The toolchain will not strip on its own: cargo < 1.77 and no explicit strip anywhere."""
    version: Version | None = result.cargo_version
    if version is None or version >= IMPLICIT_STRIP_SINCE:
        return False
    return any(u.strip.value == "none" and u.strip.origin.kind == "default" for u in result.member_units())


def flags_plan(result: ScanResult, *, portable_flags: Sequence[str] = ()) -> FlagsPlan:
    """What `buildcheck flags` needs from the scan."""
    winner = result.rustflags.winner
    rustflags_var: str | None = None
    if winner.source is not None:
        rustflags_var = winner.source.env
    else:
        env_names = [item.origin.env for item in winner.items if item.origin.kind == "env"]
        rustflags_var = env_names[0] if env_names else None
    debug_env = tuple((c.name, c.value) for c in env_causes(result) if c.name != rustflags_var)
    # The rustflags set here hide every config file's rustflags, so a hidden rustflags cause stays hidden;
    # build-override never reaches the binary. The rest still need their file changed.
    file_causes = tuple(c.origin for c in config_causes(result)
                        if c.rule != "BC004" and (c.rule != "BC001" or c.effective))
    return FlagsPlan(rustflags_var=rustflags_var, current_flags=winner.flags, debug_env_vars=debug_env,
                     needs_strip=needs_strip(result), config_causes=file_causes,
                     portable_flags=tuple(portable_flags), profile=result.profile)


def describe_cause(cause: ConfigCause) -> str:
    return _("{where}: {edit}").format(where=cause.origin.describe(), edit=cause.edit.describe())
