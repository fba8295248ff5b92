"""What `scan()` resolved for one build: every setting cargo will use, with where it came from.

A ScanResult describes one way of building one workspace (a direct `cargo build` from a directory with an
environment, or the cargo call a Makefile makes). It holds no advice: causes, findings, explanations and fixes are
pure functions of it (buildcheck/causes.py and what renders causes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from packaging.version import Version

from buildcheck.cargo.discover import Workspace
from buildcheck.cargo.graph import PackageGraph
from buildcheck.cargo.layers import ConfigLayer, LoadedConfig
from buildcheck.cargo.levels import DebugLevel, StripLevel, max_level
from buildcheck.cargo.native_flags import CcRule, NativeFlagSetting
from buildcheck.cargo.profiles import ResolvedProfile
from buildcheck.cargo.rustflags import RustflagsResolution
from buildcheck.cargo.toolchain import Toolchain
from buildcheck.cargo.units import NO_WORKSPACE_MEMBER, UnitContext, UnitSettings, resolve_unit
from buildcheck.model import Origin

Via = Literal["cargo", "make"]
SCAN_SCHEMA_VERSION = 2


@dataclass(frozen=True, kw_only=True)
class ScanResult:
    cwd: Path
    workspace: Workspace | None
    profile: str
    target: str
    host: str
    explicit_target: bool
    toolchain: Toolchain
    loaded: LoadedConfig
    rustflags: RustflagsResolution  # for target units
    native_flags: tuple[NativeFlagSetting, ...]
    cc_rules: frozenset[CcRule]
    environment: tuple[tuple[str, str], ...]  # the debug-relevant variables that are set, as the build sees them
    env_origins: Mapping[str, Origin] = field(default_factory=dict)  # variables a Makefile line set or exported
    members: tuple[str, ...]
    packages: tuple[str, ...]
    built: tuple[str, ...]  # what the build selects: the cwd's package, else every member (or -p / --workspace)
    via: Via = "cargo"
    invocation: tuple[str, ...] = ("cargo", "build", "--release")
    resolved_profile: ResolvedProfile = field(repr=False)
    graph: PackageGraph = field(repr=False)
    _units: dict[tuple[str, bool], UnitSettings] = field(default_factory=dict, repr=False, compare=False)

    @property
    def workspace_root(self) -> Path | None:
        return self.workspace.root if self.workspace else None

    @property
    def layers(self) -> tuple[ConfigLayer, ...]:
        return self.loaded.layers

    @property
    def cargo_version(self) -> Version | None:
        return self.toolchain.version

    def env_origin(self, name: str) -> Origin:
        """Where the build's value of `name` comes from: the user's environment, or a Makefile line."""
        return self.env_origins.get(name) or Origin.environment(name)

    def unit(self, package: str, *, host: bool = False) -> UnitSettings:
        """The settings cargo gives `package` (host=True: as a build-script/proc-macro dependency)."""
        key = (package, host)
        if key not in self._units:  # a cache of pure results: the JSON, text and causes all ask
            self._units[key] = resolve_unit(UnitContext(
                profile=self.resolved_profile, graph=self.graph, cargo_version=self.cargo_version,
                rustflags=self.rustflags, explicit_target=self.explicit_target, built=self.built,
                target=self.target), package, host)
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

    def effective_json(self) -> dict[str, Any]:
        """The `effective` object: what rustc gets on this build path (one shape for every path)."""
        return {
            "via": self.via, "invocation": list(self.invocation), "cwd": str(self.cwd),
            "debuginfo": self.debuginfo, "strip": self.strip,
            "debug_sections_expected": self.debug_sections_expected,
            "rustflags": list(self.rustflags.winner.flags), "rustflags_source": self.rustflags.to_json(),
            "packages": self.package_levels(),
            "members": {u.package: u.to_json() for u in self.member_units()},
            "environment": dict(self.environment),
            "environment_set_by_make": {name: origin.to_json() for name, origin in self.env_origins.items()},
        }
