"""`scan()`: every source of debug settings, resolved in cargo's order, in one visible place.

Order: the toolchain (its version decides several rules), the config layers,
the target, the workspace and its profiles, the package graph, the rustflags
tiers, the Makefile trap, C/C++/CUDA flags, then the findings. Nothing here
prints; renderers take the ScanResult.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from packaging.version import Version

from buildcheck.cargo.discover import Workspace, cargo_home, find_workspace, nearest_manifest
from buildcheck.cargo.toml_source import load_toml
from buildcheck.cargo.env_config import ConfigReader
from buildcheck.cargo.graph import PackageGraph, build_graph, empty_graph
from buildcheck.cargo.layers import ConfigLayer, LoadedConfig, load_config
from buildcheck.cargo.levels import (DEBUG_LEVELS, DebugLevel, StripLevel, effective_debuginfo, max_level,
                                     strip_from_flags)
from buildcheck.cargo.makefile import MakeRustflags, detect_make_rustflags
from buildcheck.cargo.native_flags import NativeFlagSetting, native_flag_settings
from buildcheck.cargo.profiles import (ResolvedProfile, final_strip, manifest_profiles, resolve_profile,
                                       unit_profile)
from buildcheck.cargo.rustflags import RustflagsResolution, resolve_rustflags
from buildcheck.cargo.toolchain import Toolchain, find_toolchain
from buildcheck.model import Finding, Origin, Sourced

SCHEMA_VERSION = 1
# Environment variables that can change what cargo, rustc, cc or nvcc do about debug info (reported as found).
_RELEVANT_ENV = ("CARGO_ENCODED_RUSTFLAGS", "RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS", "CARGO_BUILD_TARGET", "CARGO_HOME",
                 "RUSTUP_TOOLCHAIN", "CRATE_CC_NO_DEFAULTS", "NVCC_PREPEND_FLAGS", "NVCC_APPEND_FLAGS",
                 "EC_GPU_CUDA_NVCC_ARGS")
_RELEVANT_PREFIXES = ("CARGO_PROFILE_", "CARGO_TARGET_", "CFLAGS", "CXXFLAGS", "HOST_CFLAGS", "HOST_CXXFLAGS",
                      "TARGET_CFLAGS", "TARGET_CXXFLAGS")


def relevant_environment(env: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((name, value) for name, value in env.items()
                        if name in _RELEVANT_ENV or name.startswith(_RELEVANT_PREFIXES)))
# The name used for the member cargo would build when there is no workspace yet (before cloning).
NO_WORKSPACE_MEMBER = "<workspace member>"


@dataclass(frozen=True)
class UnitSettings:
    package: str
    host: bool
    debuginfo: Sourced[DebugLevel]  # the profile's level for this unit, with where it came from
    strip: Sourced[StripLevel]  # what cargo passes as -C strip= ("none" = nothing)
    rustflags: tuple[str, ...]  # what cargo appends for this unit
    effective_debuginfo: DebugLevel  # what rustc uses: last of profile -C debuginfo and rustflags

    @property
    def effective_strip(self) -> StripLevel:
        """rustc's view: a `-C strip=` in rustflags comes after cargo's and wins."""
        return strip_from_flags(self.rustflags) or self.strip.value

    def to_json(self) -> dict[str, Any]:
        return {"package": self.package, "host": self.host, "debuginfo": self.debuginfo.to_json(),
                "strip": self.strip.to_json(), "rustflags": list(self.rustflags),
                "effective_debuginfo": self.effective_debuginfo, "effective_strip": self.effective_strip}


@dataclass(frozen=True)
class ScanResult:
    cwd: Path
    workspace_root: Path | None
    profile: str
    target: str
    explicit_target: bool
    toolchain: Toolchain
    layers: tuple[ConfigLayer, ...]
    rustflags: RustflagsResolution  # for target units
    make: MakeRustflags | None
    make_rustflags: RustflagsResolution | None  # the resolution when building through make, if different
    native_flags: tuple[NativeFlagSetting, ...]
    environment: tuple[tuple[str, str], ...]  # the debug-relevant variables that are set, as found
    findings: tuple[Finding, ...]
    members: tuple[str, ...]
    packages: tuple[str, ...]
    built: tuple[str, ...]  # what a plain `cargo build` here builds: the cwd's package, else every member
    _profile: ResolvedProfile = field(repr=False)
    _graph: PackageGraph = field(repr=False)
    _units: dict[tuple[str, bool], UnitSettings] = field(default_factory=dict, repr=False, compare=False)

    @property
    def cargo_version(self) -> Version | None:
        return self.toolchain.version

    def unit(self, package: str, *, host: bool = False) -> UnitSettings:
        """The settings cargo gives `package` (host=True: as a build-script/proc-macro dependency)."""
        key = (package, host)
        if key not in self._units:  # a cache of pure results: the JSON, text and findings all ask
            self._units[key] = _unit(self._profile, self._graph, self.cargo_version, self.rustflags,
                                     self.explicit_target, package, host, self.built)
        return self._units[key]

    def member_units(self) -> tuple[UnitSettings, ...]:
        return tuple(self.unit(name) for name in (self.members or (NO_WORKSPACE_MEMBER,)))

    @property
    def debuginfo(self) -> DebugLevel:
        return max_level(u.effective_debuginfo for u in self.member_units())

    @property
    def strip(self) -> StripLevel:
        """The strip of the linked binaries: the weakest among the members (they link the binaries)."""
        order = ("none", "debuginfo", "symbols")
        return min((u.effective_strip for u in self.member_units()), key=order.index)  # type: ignore[return-value]

    @property
    def debug_sections_expected(self) -> bool:
        # Unstripped, the binary keeps at least the prebuilt standard library's DWARF.
        return self.strip == "none"

    def package_levels(self) -> dict[str, DebugLevel]:
        return {name: self.unit(name).effective_debuginfo for name in self.packages}

    @property
    def exit_code(self) -> int:
        return 1 if any(f.severity == "error" for f in self.findings) else 0

    def to_json(self) -> dict[str, Any]:
        rustflags_source = self.rustflags.to_json()
        effective: dict[str, Any] = {
            "debuginfo": self.debuginfo, "strip": self.strip,
            "debug_sections_expected": self.debug_sections_expected,
            "rustflags": list(self.rustflags.winner.flags), "rustflags_source": rustflags_source,
            "packages": self.package_levels(),
            "members": {u.package: u.to_json() for u in self.member_units()},
        }
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION, "command": "scan",
            "project": str(self.workspace_root) if self.workspace_root else None,
            "profile": self.profile, "target": self.target,
            "toolchain": self.toolchain.to_json(),
            "layers": [layer.to_json() for layer in self.layers],
            "environment": dict(self.environment),
            "effective": effective,
            "native_flags": [{"variable": n.variable, "value": n.value, "language": n.language,
                              "debug_flag": n.debug_flag} for n in self.native_flags],
            "make": None,
            "findings": [f.to_json() for f in self.findings],
        }
        if self.make is not None:
            out["make"] = {"location": self.make.origin.to_json(), "rustflags_under_make": self.make.value_under_make,
                           "rustflags_resolution": self.make_rustflags.to_json() if self.make_rustflags else None}
        return out


def _unit(profile: ResolvedProfile, graph: PackageGraph, version: Version | None, rustflags: RustflagsResolution,
          explicit_target: bool, package: str, host: bool, built: tuple[str, ...] = ()) -> UnitSettings:
    node = graph.packages.get(package)
    is_member = node.is_member if node else (package == NO_WORKSPACE_MEMBER or not graph.packages)
    pkg_version = node.version if node else None
    unit = unit_profile(profile, package, version=pkg_version, is_member=is_member, host=host, cargo_version=version,
                        explicit_target=explicit_target)
    dep_levels = []
    for dep in graph.dependencies(package, host=host):
        dep_node = graph.packages.get(dep)
        dep_host = host or bool(dep_node and dep_node.is_proc_macro)  # a proc-macro is always a host unit
        dep_unit = unit_profile(profile, dep, version=dep_node.version if dep_node else None,
                                is_member=bool(dep_node and dep_node.is_member), host=dep_host,
                                cargo_version=version, explicit_target=explicit_target)
        dep_levels.append(dep_unit.debuginfo.value)
    if unit.deferred_debuginfo is not None and package not in built and package in graph.target_side(built):
        # Cargo builds a crate once when its host and target units would be identical: the host unit then keeps
        # the deferred level instead of dropping it (cargo 1.95, dev profile; found by the differential suite).
        target_unit = unit_profile(profile, package, version=pkg_version, is_member=is_member, host=False,
                                   cargo_version=version, explicit_target=explicit_target)
        if (target_unit.opt_level, target_unit.debuginfo.value) == (unit.opt_level, unit.deferred_debuginfo.value):
            unit = replace(unit, debuginfo=unit.deferred_debuginfo, debuginfo_for_strip=target_unit.debuginfo_for_strip)
    strip = final_strip(unit, dep_levels, version)
    flags = () if (host and explicit_target) else rustflags.winner.flags
    return UnitSettings(package, host, unit.debuginfo, strip, flags, effective_debuginfo(unit.debuginfo.value, flags))


def _built_packages(cwd: Path, workspace: Workspace | None, members: tuple[str, ...]) -> tuple[str, ...]:
    """The packages `cargo build` selects from `cwd`: the nearest manifest's package; a virtual root: all members."""
    if workspace is None:
        return ()
    manifest = nearest_manifest(cwd)
    doc = workspace.root_manifest if manifest is None or manifest == workspace.root_manifest.path else \
        load_toml(manifest)
    package = doc.data.get("package")
    name = package.get("name") if isinstance(package, dict) else None
    return (name,) if isinstance(name, str) else members


def _target_triple(target: str | None, reader: ConfigReader, host_triple: str) -> tuple[str, bool]:
    if target:
        return target, True
    configured = reader.scalar(("build", "target"))
    node = reader.node(("build", "target"))
    value: Any = configured.value if configured else None
    if node is not None and node.kind == "array":
        value = node.plain()[0] if node.plain() else None
    if isinstance(value, str) and value:
        # A custom target spec file names the target by its file stem.
        return (Path(value).stem if value.endswith(".json") else value), True
    return host_triple, False


def scan(*, cwd: Path, env: Mapping[str, str], profile: str = "release", target: str | None = None,
         config_args: Sequence[str] = (), cargo: str | None = None,
         host_triple: str = "x86_64-unknown-linux-gnu",
         run_cargo_version: Callable[[str, Mapping[str, str]], str | None] | None = None,
         host_cpu_features: frozenset[str] | None = None) -> ScanResult:
    """Resolve what cargo will do from `cwd` with `env`.

    host_cpu_features: the build host's CPU features in rustc's names (read from /proc/cpuinfo
    by the caller); `-C target-cpu=native` in rustflags makes `cfg(target_feature = ...)`
    config keys follow them. None: such keys see only the target's baseline features.
    """
    from buildcheck.cargo.findings import build_findings  # the advice is the last step

    cwd = Path(cwd).resolve()
    toolchain = find_toolchain(cwd, env, cargo, run_cargo_version)
    version = toolchain.version
    loaded: LoadedConfig = load_config(cwd=cwd, env=env, config_args=config_args, cargo_version=version)
    # `--config FILE` ranks like --config (above env) from cargo 1.66 (cargo#11077); 1.65 ranks it as a file.
    cli_file_rank = version is None or version >= Version("1.66")
    cli_files = frozenset(layer.path for layer in loaded.layers
                          if layer.kind == "cli-file" and layer.path and cli_file_rank)
    reader = ConfigReader(loaded.merged, env, version, cli_files)
    triple, explicit_target = _target_triple(target, reader, host_triple)

    workspace: Workspace | None = find_workspace(cwd)
    manifest = manifest_profiles(workspace.root_manifest if workspace else None, version)
    resolved = resolve_profile(profile, manifest=manifest, reader=reader, version=version, env=env)
    graph = build_graph(workspace) if workspace else empty_graph()

    native = host_cpu_features if triple == host_triple else None
    rustflags = resolve_rustflags(reader, env, triple, native_features=native)
    directories = [workspace.root] if workspace else []
    if cwd not in directories:
        directories.append(cwd)
    make = detect_make_rustflags(directories, env)
    make_rustflags = None
    if make is not None and make.value_under_make is not None:
        make_env = dict(env)
        make_env["RUSTFLAGS"] = make.value_under_make
        alternative = resolve_rustflags(ConfigReader(loaded.merged, make_env, version, cli_files), make_env, triple,
                                        native_features=native)
        if alternative.winner != rustflags.winner:
            make_rustflags = alternative

    native = native_flag_settings(env, triple, host_triple)
    members = graph.members
    result = ScanResult(
        cwd=cwd, workspace_root=workspace.root if workspace else None, profile=profile, target=triple,
        explicit_target=explicit_target, toolchain=toolchain, layers=loaded.layers, rustflags=rustflags,
        make=make, make_rustflags=make_rustflags, native_flags=native,
        environment=relevant_environment(env), findings=(), members=members,
        packages=tuple(graph.packages), built=_built_packages(cwd, workspace, members), _profile=resolved,
        _graph=graph)
    # Build scripts and their dependencies are units too: a value rustc rejects there fails the build.
    for name, node in graph.packages.items():
        if node.has_build_script:
            result.unit(name, host=True)
            for dep in graph.dependencies(name, host=True):
                result.unit(dep, host=True)
    findings = build_findings(result, workspace=workspace, loaded=loaded, profile=resolved, env=env,
                              cargo_home=cargo_home(cwd, env)[0])
    return _with_findings(result, findings)


def _with_findings(result: ScanResult, findings: Sequence[Finding]) -> ScanResult:
    return replace(result, findings=tuple(findings))


__all__ = ["scan", "ScanResult", "UnitSettings", "DEBUG_LEVELS", "Origin"]
