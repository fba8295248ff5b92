"""Cargo profiles: the built-in ones, `[profile.*]` from the workspace root, config/env overrides, per-unit settings.

Per unit cargo applies (checked with cargo 1.95 `build -v`): the profile after its
`inherits` chain, then `build-override` (host units only), then `package."*"`
(non-members only), then the first matching `package.<spec>`. An override layer
that does not set `strip` puts strip back to cargo's deferred default, and from
cargo 1.77 a deferred strip becomes `-C strip=debuginfo` when the unit and all
its direct dependencies compile without debuginfo.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from packaging.version import Version

from buildcheck.cargo.env_config import ConfigReader
from buildcheck.cargo.levels import (STRIP_LEVELS, DebugLevel, InvalidValue, StripLevel, is_on, parse_profile_debug,
                                     parse_profile_strip)
from buildcheck.cargo.toml_source import TomlDocument
from buildcheck.errors import ConfigError
from buildcheck.i18n import N_, _
from buildcheck.model import Origin, Sourced

IMPLICIT_STRIP_SINCE = Version("1.77")
# With --target / build.target the implicit strip starts only in 1.79 (cargo#13618); from 1.77.1 it skips MSVC
# targets, whose debug info lives in .pdb files (cargo#13630).
IMPLICIT_STRIP_WITH_TARGET_SINCE = Version("1.79")
IMPLICIT_STRIP_SKIPS_MSVC_SINCE = Version("1.77.1")
# Build scripts and proc-macros stopped getting debuginfo by default in dev builds (cargo 1.65 gave them
# `-C debuginfo=2`, 1.95 gives nothing; checked). The exact release is taken from the changelog, not run.
HOST_DEBUG_OFF_SINCE = Version("1.69")

BUILTIN_PARENT = {"test": "dev", "bench": "release", "doc": "dev"}
ROOT_PROFILES = ("dev", "release")
_FIELDS = ("debug", "strip", "split-debuginfo", "inherits", "opt-level")


@dataclass(frozen=True)
class ProfileLayer:
    """One profile table (or package/build override) with each field's origin; None = not set here."""

    debug: Sourced[DebugLevel] | None = None
    strip: Sourced[StripLevel] | None = None
    split_debuginfo: Sourced[str] | None = None
    inherits: Sourced[str] | None = None
    opt_level: Sourced[str] | None = None  # only compared: a build dependency shares the target unit when equal
    package: Mapping[str, ProfileLayer] = field(default_factory=dict)
    build_override: ProfileLayer | None = None

    def over(self, parent: ProfileLayer) -> ProfileLayer:
        """This layer's fields over `parent`'s (used for config over manifest and child over inherited parent)."""
        def pick(mine: Sourced[Any] | None, theirs: Sourced[Any] | None) -> Sourced[Any] | None:
            if mine is None:
                return theirs
            if theirs is None:
                return mine
            return Sourced(mine.value, mine.origin, (theirs, *theirs.overridden, *mine.overridden))

        package = dict(parent.package)
        for spec, layer in self.package.items():
            package[spec] = layer.over(package[spec]) if spec in package else layer
        if self.build_override and parent.build_override:
            build_override: ProfileLayer | None = self.build_override.over(parent.build_override)
        else:
            build_override = self.build_override or parent.build_override
        return ProfileLayer(debug=pick(self.debug, parent.debug), strip=pick(self.strip, parent.strip),
                            split_debuginfo=pick(self.split_debuginfo, parent.split_debuginfo),
                            inherits=pick(self.inherits, parent.inherits),
                            opt_level=pick(self.opt_level, parent.opt_level), package=package,
                            build_override=build_override)


def _parse_field(name: str, value: Any, origin: Origin, version: Version | None) -> Sourced[Any]:
    try:
        if name == "debug":
            return Sourced(parse_profile_debug(value, version), origin)
        if name == "strip":
            return Sourced(parse_profile_strip(value), origin)
    except InvalidValue as exc:
        key_hint = origin.env or ""
        raise ConfigError(f"{key_hint + ': ' if key_hint else ''}{exc}", path=origin.path, line=origin.line) \
            from None
    if name == "opt-level" and isinstance(value, int) and not isinstance(value, bool):
        return Sourced(str(value), origin)
    if not isinstance(value, str):
        raise ConfigError(_("invalid type for `{name}`: expected a string, found {value!r}").format(
            name=name, value=value), path=origin.path, line=origin.line)
    return Sourced(value, origin)


def _fields(get: Any, version: Version | None) -> dict[str, Sourced[Any]]:
    out = {}
    for name in _FIELDS:
        found = get(name)
        if found is not None:
            parsed = _parse_field(name, found.value, found.origin, version)
            out[name.replace("-", "_")] = Sourced(parsed.value, parsed.origin, found.overridden)
    return out


def layer_from_table(table: Mapping[str, Any], origin_of: Any, version: Version | None,
                     nested: bool = True) -> ProfileLayer:
    """A profile table from TOML; `origin_of(key_tuple)` gives each key's Origin."""
    def get(name: str) -> Sourced[Any] | None:
        return Sourced(table[name], origin_of((name,))) if name in table else None

    fields: dict[str, Any] = _fields(get, version)
    if nested:
        package = table.get("package")
        if isinstance(package, dict):
            fields["package"] = {
                spec: layer_from_table(sub, lambda key, s=spec: origin_of(("package", s) + key), version, False)
                for spec, sub in package.items() if isinstance(sub, dict)}
        build = table.get("build-override")
        if isinstance(build, dict):
            fields["build_override"] = layer_from_table(
                build, lambda key: origin_of(("build-override",) + key), version, False)
    return ProfileLayer(**fields)


def manifest_profiles(doc: TomlDocument | None, version: Version | None) -> dict[str, ProfileLayer]:
    if doc is None or not isinstance(doc.data.get("profile"), dict):
        return {}
    path = str(doc.path)
    return {name: layer_from_table(table, lambda key, n=name: Origin.file(path, doc.line_of(("profile", n) + key),
                                                                          ("profile", n) + key),
                                   version)
            for name, table in doc.data["profile"].items() if isinstance(table, dict)}


def config_profile(reader: ConfigReader, name: str, version: Version | None) -> ProfileLayer:
    """`profile.<name>` from config files, `--config` and CARGO_PROFILE_<NAME>_* (package overrides: files only)."""
    base = ("profile", name)
    fields: dict[str, Any] = _fields(lambda key: reader.scalar(base + (key,)), version)
    build = _fields(lambda key: reader.scalar(base + ("build-override", key)), version)
    if build:
        fields["build_override"] = ProfileLayer(**build)
    package = reader.node(base + ("package",))
    if package is not None and package.kind == "table":
        fields["package"] = {
            spec: layer_from_table(node.plain(), lambda key, n=node: (n.get(*key) or n).origin, version, False)
            for spec, node in package.value.items() if node.kind == "table"}
    return ProfileLayer(**fields)


def _defined_names(manifest: Mapping[str, ProfileLayer], reader: ConfigReader) -> set[str]:
    names = set(manifest) | {"dev", "release", "test", "bench", "doc"}
    node = reader.node(("profile",))
    if node is not None and node.kind == "table":
        names |= set(node.value)
    return names


@dataclass(frozen=True)
class ResolvedProfile:
    name: str
    root: str  # dev or release
    chain: tuple[str, ...]  # the profile, then what it inherits, up to the root
    layer: ProfileLayer  # everything merged, child over parent, config over manifest

    @property
    def debug(self) -> Sourced[DebugLevel]:
        assert self.layer.debug is not None
        return self.layer.debug


# Scalar profile keys: an env variable CARGO_PROFILE_<N>_<KEY>_... (for a profile named `<n>-<key>`) makes cargo
# read `profile.<n>.<key>` as a table and fail (checked with cargo 1.95: `dist` + CARGO_PROFILE_DIST_LTO_DEBUG).
_SCALAR_PROFILE_KEYS = ("opt-level", "lto", "codegen-backend", "codegen-units", "debug", "split-debuginfo",
                        "debug-assertions", "overflow-checks", "rpath", "panic", "incremental", "strip", "inherits",
                        "trim-paths")


def _check_env_collisions(name: str, env: Mapping[str, str]) -> None:
    prefix = f"CARGO_PROFILE_{name.upper().replace('-', '_')}_"
    for variable in env:
        if not variable.startswith(prefix):
            continue
        rest = variable[len(prefix):]
        for key in _SCALAR_PROFILE_KEYS:
            if rest.startswith(key.upper().replace("-", "_") + "_"):
                raise ConfigError(_("error in environment variable `{var}`: could not load config key "
                                    "`profile.{name}`: `{variable}` reads as a table under `profile.{name}.{key}` "
                                    "(invalid type: Option value)").format(
                    var=prefix.rstrip("_"), name=name, variable=variable, key=key))


def _validate_config_profiles(name: str, manifest: Mapping[str, ProfileLayer], reader: ConfigReader,
                              version: Version | None) -> None:
    """Cargo loads (and so rejects bad values in) config `profile.<n>` for every manifest profile, the requested
    one, what they inherit, and dev/release/test/bench — not only the profile being built (checked with 1.95)."""
    pending = {name, "dev", "release", "test", "bench", *manifest}
    seen: set[str] = set()
    while pending:
        current = pending.pop()
        seen.add(current)
        _check_env_collisions(current, reader.env)
        layer = config_profile(reader, current, version)
        inherits = layer.inherits or manifest.get(current, ProfileLayer()).inherits
        if inherits is not None and inherits.value not in seen:
            pending.add(inherits.value)


def resolve_profile(name: str, *, manifest: Mapping[str, ProfileLayer], reader: ConfigReader,
                    version: Version | None, env: Mapping[str, str]) -> ResolvedProfile:
    _validate_config_profiles(name, manifest, reader, version)
    defined = _defined_names(manifest, reader)
    chain: list[str] = []
    layers: list[ProfileLayer] = []
    current = name
    while True:
        if current in chain:
            raise ConfigError(_("profile inheritance loop detected with profile `{name}` inheriting `{parent}`").format(
                name=chain[-1], parent=current))
        explicit_env = any(key.startswith(f"CARGO_PROFILE_{current.upper().replace('-', '_')}_") for key in env)
        if current not in defined and not explicit_env:
            raise ConfigError(_("profile `{name}` is not defined").format(name=current))
        layer = config_profile(reader, current, version).over(manifest.get(current, ProfileLayer()))
        chain.append(current)
        layers.append(layer)
        if current in ROOT_PROFILES:
            if layer.inherits is not None:
                raise ConfigError(_("`inherits` must not be specified in root profile `{name}`").format(name=current),
                                  path=layer.inherits.origin.path, line=layer.inherits.origin.line)
            break
        if layer.inherits is not None:
            current = layer.inherits.value
        elif current in BUILTIN_PARENT:
            current = BUILTIN_PARENT[current]
        else:
            raise ConfigError(_("profile `{name}` is missing an `inherits` directive (`inherits` is required for all "
                                "profiles except `dev` or `release`)").format(name=current))
    root = chain[-1]
    default_debug: DebugLevel = "full" if root == "dev" else "none"
    merged = ProfileLayer(debug=Sourced(default_debug, Origin.default(
        N_("cargo's built-in `dev` profile") if root == "dev" else N_("cargo's built-in `release` profile"))))
    for layer in reversed(layers):
        merged = layer.over(merged)
    assert merged.debug is not None
    return ResolvedProfile(name, root, tuple(chain), merged)


# -- per unit ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitProfile:
    debuginfo: Sourced[DebugLevel]
    strip: Sourced[StripLevel] | None  # None = cargo's deferred default
    debuginfo_for_strip: DebugLevel  # the level cargo's implicit-strip test looks at
    opt_level: str = "3"
    deferred_debuginfo: Sourced[DebugLevel] | None = None  # set when cargo weakened a host unit's level


def _matches(spec: str, package: str, version: str | None) -> bool:
    for sep in ("@", ":"):
        if sep in spec:
            name, _sep, wanted = spec.partition(sep)
            return name == package and (version is None or version == wanted)
    return spec == package


def unit_profile(profile: ResolvedProfile, package: str, *, version: str | None, is_member: bool, host: bool,
                 cargo_version: Version | None, explicit_target: bool = False) -> UnitProfile:
    debug = profile.debug
    strip = profile.layer.strip
    for_strip = debug.value
    opt_level = profile.layer.opt_level.value if profile.layer.opt_level else ("0" if profile.root == "dev" else "3")
    deferred: Sourced[DebugLevel] | None = None
    if host:
        opt_level = "0"  # cargo's default for build dependencies
    if host and not explicit_target and (cargo_version is None or cargo_version >= HOST_DEBUG_OFF_SINCE):
        # Cargo defers host units' debuginfo and drops it when the unit is not shared with the target build;
        # with --target cargo 1.95 keeps it (cargo 1.95: build scripts get no debuginfo even
        # with `debug = 2`, but get it back with --target; checked). A build-override/package `debug` wins.
        # Not modelled: a dependency shared by build scripts and the binary keeps its debuginfo.
        deferred = debug
        debug = debug.override_with("none", Origin.default(N_("cargo builds build scripts and proc-macros without "
                                                              "debuginfo unless build-override or a package "
                                                              "override sets it")))
    overrides: list[ProfileLayer] = []
    if host and profile.layer.build_override:
        overrides.append(profile.layer.build_override)
    if not is_member and "*" in profile.layer.package:
        overrides.append(profile.layer.package["*"])
    matching = [spec for spec in profile.layer.package if spec != "*" and _matches(spec, package, version)]
    if len(matching) > 1:
        raise ConfigError(_("multiple package overrides in profile `{profile}` match package `{package}`; found "
                            "package specs: {specs}").format(profile=profile.name, package=package,
                                                            specs=", ".join(matching)))
    if matching:
        overrides.append(profile.layer.package[matching[0]])
    for layer in overrides:
        if layer.debug is not None:
            debug = debug.override_with(layer.debug.value, layer.debug.origin)
            for_strip = layer.debug.value
            deferred = None
        if layer.opt_level is not None:
            opt_level = layer.opt_level.value
        strip = layer.strip  # a layer without `strip` resets it to the deferred default (checked)
    return UnitProfile(debug, strip, for_strip, opt_level, deferred)


def implicit_strip_applies(cargo_version: Version | None, *, explicit_target: bool, target: str = "") -> bool:
    """Whether this cargo strips a unit whose strip is unset and whose debuginfo is off (None: the newest rules)."""
    if cargo_version is None:
        return True
    if cargo_version < (IMPLICIT_STRIP_WITH_TARGET_SINCE if explicit_target else IMPLICIT_STRIP_SINCE):
        return False
    return not ("msvc" in target and cargo_version >= IMPLICIT_STRIP_SKIPS_MSVC_SINCE)


def final_strip(unit: UnitProfile, dependency_levels: Sequence[str], cargo_version: Version | None, *,
                explicit_target: bool = False, target: str = "") -> Sourced[StripLevel]:
    """What cargo passes as `-C strip=` ("none" = nothing), including the implicit strip of cargo >= 1.77.

    Per unit: strip unset in every layer, and neither the unit nor any of its direct dependencies compiled with
    debuginfo."""
    if unit.strip is not None:
        if unit.strip.value not in STRIP_LEVELS:
            raise ConfigError(_("rustc rejects `strip = {value!r}`: incorrect value for codegen option `strip` - "
                                "either `none`, `debuginfo`, or `symbols` was expected").format(value=unit.strip.value),
                              path=unit.strip.origin.path, line=unit.strip.origin.line)
        return unit.strip
    implicit = implicit_strip_applies(cargo_version, explicit_target=explicit_target, target=target)
    if implicit and not is_on(unit.debuginfo_for_strip) and not any(is_on(level) for level in dependency_levels):
        return Sourced("debuginfo", Origin.default(N_("cargo >= 1.77 strips debuginfo when no unit asks for it")))
    if implicit:
        reason = N_("cargo strips nothing: this unit or a dependency compiles with debuginfo")
    elif cargo_version is not None and cargo_version >= IMPLICIT_STRIP_SINCE:
        reason = N_("cargo strips nothing by default when building for an explicit --target before 1.79")
    else:
        reason = N_("cargo < 1.77 never strips by default")
    return Sourced("none", Origin.default(reason))
