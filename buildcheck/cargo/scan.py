"""`scan()`: every source of debug settings for one build, resolved in cargo's order, in one visible place.

Order: the toolchain (its version decides several rules), the config layers, the target, the workspace and its
profiles, the package graph, the rustflags tiers, then C/C++/CUDA flags. One call describes one build: a direct
`cargo build` from `cwd` with `env`, or the cargo call a Makefile makes (then `env` is what make hands cargo,
`env_origins` names the Makefile lines behind it and `invocation` is the recipe's command line). Nothing here
decides what is wrong or prints: buildcheck/causes.py takes the ScanResult.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from packaging.version import Version

from buildcheck.args import rustc
from buildcheck.cargo.discover import Workspace, find_workspace, nearest_manifest
from buildcheck.cargo.env_config import ConfigReader
from buildcheck.cargo.graph import build_graph, empty_graph
from buildcheck.cargo.invocation import CargoInvocation
from buildcheck.cargo.layers import LoadedConfig, load_config
from buildcheck.cargo.native_flags import cc_rules, native_flag_settings
from buildcheck.cargo.profiles import manifest_profiles, resolve_profile
from buildcheck.cargo.resolved import ScanResult, Via
from buildcheck.cargo.rustflags import resolve_rustflags
from buildcheck.cargo.toolchain import RunCargoVersion, Toolchain, find_toolchain
from buildcheck.errors import ConfigError
from buildcheck.i18n import _
from buildcheck.model import Origin

DEFAULT_HOST = "x86_64-unknown-linux-gnu"
# Environment variables that can change what cargo, rustc, cc or nvcc do about debug info (reported as found).
_RELEVANT_ENV = ("CARGO_ENCODED_RUSTFLAGS", "RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS", "CARGO_BUILD_TARGET", "CARGO_HOME",
                 "RUSTUP_TOOLCHAIN", "CRATE_CC_NO_DEFAULTS", "NVCC_PREPEND_FLAGS", "NVCC_APPEND_FLAGS",
                 "EC_GPU_CUDA_NVCC_ARGS")
_RELEVANT_PREFIXES = ("CARGO_PROFILE_", "CARGO_TARGET_", "CFLAGS", "CXXFLAGS", "HOST_CFLAGS", "HOST_CXXFLAGS",
                      "TARGET_CFLAGS", "TARGET_CXXFLAGS")


def relevant_environment(env: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((name, value) for name, value in env.items()
                        if name in _RELEVANT_ENV or name.startswith(_RELEVANT_PREFIXES)))


def _built_packages(cwd: Path, workspace: Workspace | None, members: tuple[str, ...],
                    invocation: CargoInvocation | None) -> tuple[str, ...]:
    """The packages the build selects: `-p`, `--workspace`, else the nearest manifest's package (a virtual root:
    every member)."""
    if workspace is None:
        return ()
    if invocation is not None and invocation.packages:
        return tuple(p.split("@")[0].split(":")[0] for p in invocation.packages)
    if invocation is not None and invocation.workspace:
        return members
    manifest = nearest_manifest(cwd)
    doc = workspace.root_manifest if manifest is None or manifest == workspace.root_manifest.path else \
        workspace.manifest(manifest)
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


def _check_rustc_accepts(flags: Sequence[str], origin_of: Any, version: Version | None) -> None:
    """rustc refuses to start on a value it does not know: cargo's build fails, so the scan does too."""
    option = rustc.rejected_option(flags, version)
    if option is None:
        return
    origin: Origin = origin_of(option)
    raise ConfigError(_("rustc rejects `{flag}` in the rustflags from {where}").format(
        flag=option.written, where=origin.describe()), path=origin.path if origin.kind == "file" else None,
        line=origin.line if origin.kind == "file" else None)


def scan(*, cwd: Path, env: Mapping[str, str], profile: str | None = None, target: str | None = None,
         config_args: Sequence[str] = (), cargo: str | None = None, host_triple: str = DEFAULT_HOST,
         run_cargo_version: RunCargoVersion | None = None, host_cpu_features: frozenset[str] | None = None,
         env_origins: Mapping[str, Origin] | None = None, via: Via = "cargo",
         invocation: CargoInvocation | None = None, toolchain: Toolchain | None = None) -> ScanResult:
    """Resolve what cargo will do from `cwd` with `env`.

    profile: the cargo profile (default: the invocation's, else release: buildcheck is about release builds).
    host_cpu_features: the build host's CPU features in rustc's names (read from /proc/cpuinfo by the caller);
    `-C target-cpu=native` in rustflags makes `cfg(target_feature = ...)` config keys follow them.
    toolchain: resolved already by the caller (several build paths of one workspace share it).
    """
    cwd = Path(cwd).resolve()
    if invocation is not None:
        profile = profile or invocation.profile
        target = target or (invocation.targets[0] if invocation.targets else None)
        config_args = (*config_args, *invocation.config_args)
    profile = profile or "release"
    if toolchain is None:
        toolchain = find_toolchain(cwd, env, cargo, run_cargo_version, host=host_triple)
    version = toolchain.version
    loaded: LoadedConfig = load_config(cwd=cwd, env=env, config_args=config_args, cargo_version=version)
    # `--config FILE` ranks like --config (above env) from cargo 1.66 (cargo#11077); 1.65 ranks it as a file.
    cli_file_rank = version is None or version >= Version("1.66")
    cli_files = frozenset(layer.path for layer in loaded.layers
                          if layer.kind == "cli-file" and layer.path and cli_file_rank)
    origins = dict(env_origins or {})
    reader = ConfigReader(loaded.merged, env, version, cli_files, origins)
    triple, explicit_target = _target_triple(target, reader, host_triple)

    workspace = find_workspace(cwd)
    manifest = manifest_profiles(workspace.root_manifest if workspace else None, version)
    resolved = resolve_profile(profile, manifest=manifest, reader=reader, version=version, env=env)
    graph = build_graph(workspace) if workspace else empty_graph()

    native_features = host_cpu_features if triple == host_triple else None
    rustflags = resolve_rustflags(reader, env, triple, native_features=native_features, env_origins=origins,
                                  rustc_version=toolchain.rustc_version)
    _check_rustc_accepts(rustflags.winner.flags, lambda option: rustflags.winner.items[option.start].origin, version)

    members = graph.members
    result = ScanResult(
        cwd=cwd, workspace=workspace, profile=profile, target=triple, host=host_triple,
        explicit_target=explicit_target, toolchain=toolchain, loaded=loaded, rustflags=rustflags,
        native_flags=native_flag_settings(env, triple, host_triple, cc_rules(graph.versions.get("cc", ()))),
        cc_rules=cc_rules(graph.versions.get("cc", ())), environment=relevant_environment(env), env_origins=origins,
        members=members, packages=tuple(graph.packages),
        built=_built_packages(cwd, workspace, members, invocation), via=via,
        invocation=invocation.argv if invocation is not None else ("cargo", "build", "--release"),
        resolved_profile=resolved, graph=graph)
    # Every unit is resolved now, so that what cargo would reject for any package (two package overrides matching
    # it, a strip value rustc refuses) fails the scan as it fails the build. Build scripts and their dependencies
    # are units too.
    for name, node in graph.packages.items():
        result.unit(name)
        if node.has_build_script:
            result.unit(name, host=True)
            for dep in graph.dependencies(name, host=True):
                result.unit(dep, host=True)
    return result


__all__ = ["scan", "ScanResult", "relevant_environment"]
