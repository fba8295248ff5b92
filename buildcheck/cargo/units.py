"""One unit's settings: the profile after its overrides, cargo's strip decision, the rustflags it gets.

A unit is a package compiled for the target (host=False) or as a build script / proc-macro / build dependency
(host=True). Cargo derives its `-C debuginfo` and `-C strip` from the profile (buildcheck/cargo/profiles.py) and the
package graph (its direct dependencies decide the implicit strip), then appends the winning rustflags tier.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from packaging.version import Version

from buildcheck.cargo.graph import PackageGraph
from buildcheck.cargo.levels import DebugLevel, StripLevel, effective_debuginfo, strip_from_flags
from buildcheck.cargo.profiles import ResolvedProfile, final_strip, unit_profile
from buildcheck.cargo.rustflags import RustflagsResolution
from buildcheck.model import Sourced

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


@dataclass(frozen=True, kw_only=True)
class UnitContext:
    """What every unit of one build shares."""

    profile: ResolvedProfile
    graph: PackageGraph
    cargo_version: Version | None
    rustflags: RustflagsResolution
    explicit_target: bool
    built: tuple[str, ...]
    target: str = ""


def resolve_unit(context: UnitContext, package: str, host: bool) -> UnitSettings:
    profile, graph, version = context.profile, context.graph, context.cargo_version
    node = graph.packages.get(package)
    is_member = node.is_member if node else (package == NO_WORKSPACE_MEMBER or not graph.packages)
    pkg_version = node.version if node else None
    unit = unit_profile(profile, package, version=pkg_version, is_member=is_member, host=host, cargo_version=version,
                        explicit_target=context.explicit_target)
    dep_levels = []
    for dep in graph.dependencies(package, host=host):
        dep_node = graph.packages.get(dep)
        dep_host = host or bool(dep_node and dep_node.is_proc_macro)  # a proc-macro is always a host unit
        dep_unit = unit_profile(profile, dep, version=dep_node.version if dep_node else None,
                                is_member=bool(dep_node and dep_node.is_member), host=dep_host,
                                cargo_version=version, explicit_target=context.explicit_target)
        dep_levels.append(dep_unit.debuginfo.value)
    if unit.deferred_debuginfo is not None and package not in context.built \
            and package in graph.target_side(context.built):
        # Cargo builds a crate once when its host and target units would be identical: the host unit then keeps
        # the deferred level instead of dropping it (cargo 1.95, dev profile; found by the differential suite).
        target_unit = unit_profile(profile, package, version=pkg_version, is_member=is_member, host=False,
                                   cargo_version=version, explicit_target=context.explicit_target)
        if (target_unit.opt_level, target_unit.debuginfo.value) == (unit.opt_level, unit.deferred_debuginfo.value):
            unit = replace(unit, debuginfo=unit.deferred_debuginfo, debuginfo_for_strip=target_unit.debuginfo_for_strip)
    strip = final_strip(unit, dep_levels, version, explicit_target=context.explicit_target,
                        target=context.target)
    flags = () if (host and context.explicit_target) else context.rustflags.winner.flags
    return UnitSettings(package, host, unit.debuginfo, strip, flags,
                        effective_debuginfo(unit.debuginfo.value, flags, version))
