"""What one workspace's build needs from the machine: the table's crates found in its Cargo.lock,
those the selected features build, in which mode, and the programs its Makefiles run.

Whether a crate is built is answered by `cargo tree --offline` when it could run (exact), else
from the workspace's own manifests (features.py): a crate reached only through packages outside
the workspace counts as built when the way there is on, and a crate the table gates (`only_with`)
when a feature of that name is asked of the package outside the workspace that leads to it (the
Filecoin proofs crates forward `cuda`, `cuda-supraseal`, `opencl` and `multicore-sdr` under those
names; see docs/en/doctor.md). Those that are not built say which feature would build them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from buildcheck.cargo.graph import read_lock_packages
from buildcheck.doctor.features import ExternalRequest, FeatureResolver
from buildcheck.doctor.table import CrateRow, NeedRef, SysTable
from buildcheck.model import Origin

Decided = Literal["cargo tree", "manifests"]


@dataclass(frozen=True)
class CrateUse:
    """A crate of the table that Cargo.lock holds, and whether this build compiles it."""

    name: str
    version: str | None
    row: CrateRow
    built: bool
    decided_by: Decided
    mode: Literal["bundled", "system"] | None = None
    mode_origin: str | None = None          # the feature or variable that switched the mode
    via: tuple[str, ...] = ()               # the packages outside the workspace that lead to it
    gate: tuple[str, ...] = ()              # the gate features that are on
    only_with: tuple[str, ...] = ()         # when not built: member features that would build it
    dependents: tuple[str, ...] = ()        # who depends on it in Cargo.lock

    @property
    def row_covers_version(self) -> bool:
        return self.row.covers(self.version)

    def needs(self) -> tuple[NeedRef, ...]:
        if self.row.modes is not None and self.mode is not None and self.mode != self.row.modes.default:
            return self.row.modes.other_needs
        return self.row.needs


@dataclass(frozen=True)
class ToolUse:
    """A program a Makefile of the build runs (make itself, jq, git)."""

    need: str
    origin: Origin
    required: bool


@dataclass(frozen=True)
class WorkspaceNeeds:
    root: Path
    crates: tuple[CrateUse, ...]
    tools: tuple[ToolUse, ...]
    features: tuple[str, ...]
    decided_by: Decided
    metadata_note: str | None = None        # why cargo metadata did not decide
    libclang_runtime: bool = True           # clang-sys built with `runtime` (it then depends on libloading)


# -- Cargo.lock -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LockGraph:
    versions: dict[str, tuple[str, ...]]      # name -> versions present
    edges: dict[str, frozenset[str]]          # name -> dependency names (all features, all kinds)
    reverse: dict[str, frozenset[str]]

    def reachable(self, start: str) -> frozenset[str]:
        seen = {start}
        queue = [start]
        while queue:
            for dep in self.edges.get(queue.pop(), ()):
                if dep not in seen:
                    seen.add(dep)
                    queue.append(dep)
        return frozenset(seen)


def read_lock(path: Path) -> LockGraph:
    versions: dict[str, list[str]] = {}
    edges: dict[str, set[str]] = {}
    reverse: dict[str, set[str]] = {}
    for package in read_lock_packages(path):
        name = package.get("name")
        if not isinstance(name, str):
            continue
        versions.setdefault(name, []).append(str(package.get("version", "")))
        for dep in package.get("dependencies", []) or []:
            dep_name = str(dep).split(" ", 1)[0]
            edges.setdefault(name, set()).add(dep_name)
            reverse.setdefault(dep_name, set()).add(name)
    return LockGraph({k: tuple(v) for k, v in versions.items()}, {k: frozenset(v) for k, v in edges.items()},
                     {k: frozenset(v) for k, v in reverse.items()})


# -- modes ----------------------------------------------------------------------------------------

def _mode(row: CrateRow, env: Mapping[str, str], own_features: Iterable[str] | None) -> tuple[str | None, str | None]:
    if row.modes is None:
        return None, None
    other = "system" if row.modes.default == "bundled" else "bundled"
    for name in row.modes.switch_env:
        if name in env:
            return other, name
    if own_features is not None:
        for feature in row.modes.switch_features:
            if feature in own_features:
                return other, f"feature {feature}"
    return row.modes.default, None


# -- deciding with the manifests ------------------------------------------------------------------

def _gate_open(row: CrateRow, request: ExternalRequest, crate: str) -> tuple[bool, tuple[str, ...]]:
    """Whether the way through `request.package` builds `crate` (and runs its gated probe)."""
    if not row.only_with:
        return True, ()
    if request.package == crate and not row.gate_is_own_feature:
        return True, ()  # a direct dependency is built whatever its features
    named = tuple(sorted(set(row.only_with) & request.features))
    if named:
        return True, named
    if row.gate_on_by_default and request.default_features:
        return True, ("default",)
    return False, ()


def _decide_by_manifests(row: CrateRow, crate: str, requests: Mapping[str, ExternalRequest],
                         lock: LockGraph, reach: dict[str, frozenset[str]]) -> tuple[bool, tuple[str, ...], tuple[str, ...]]:
    via: list[str] = []
    gates: set[str] = set()
    built = False
    for name, request in requests.items():
        if name not in reach:
            reach[name] = lock.reachable(name)
        if crate not in reach[name]:
            continue
        open_, named = _gate_open(row, request, crate)
        if open_:
            built = True
            via.append(name)
            gates.update(named)
    return built, tuple(sorted(via)), tuple(sorted(gates - {"default"}))


def _would_build(row: CrateRow, crate: str, resolver: FeatureResolver, selected: Sequence[str],
                 default_features: bool, lock: LockGraph, reach: dict[str, frozenset[str]]) -> tuple[str, ...]:
    """The member features that, added to the selection, would build the crate (root package first)."""
    found: list[str] = []
    for member in resolver.members:
        for feature in resolver.member_features(member):
            if feature == "default" or feature in selected:
                continue
            requests = resolver.resolve([*selected, f"{member}/{feature}"], default_features=default_features)
            if _decide_by_manifests(row, crate, requests, lock, reach)[0]:
                found.append(feature if member == resolver.members[0] else f"{member}/{feature}")
        if found:
            break  # the first member (the workspace root package) is the one the Makefile's --features reach
    return tuple(found)


# -- the Makefiles --------------------------------------------------------------------------------

_MAKEFILE_TOOLS = (("jq", re.compile(r"(?:\|\s*|\$\(shell\s+|^\t\s*)jq\b"), True),
                   ("git", re.compile(r"(?:\$\(shell\s+|\|\|\s*|^\t\s*)git\s"), False))


def makefile_tools(workspace_root: Path) -> tuple[ToolUse, ...]:
    """make, jq and git where the workspace's Makefile, or its parent's Makefile that builds it, runs them.

    git is not required: damocles' Makefiles fall back to a fixed version string without it.
    """
    makefiles = [workspace_root / "Makefile"]
    parent = workspace_root.parent / "Makefile"
    try:
        if parent.is_file() and workspace_root.name in parent.read_text(encoding="utf-8", errors="replace")[:262144]:
            makefiles.append(parent)
    except OSError:
        pass
    tools: dict[str, ToolUse] = {}
    for makefile in makefiles:
        try:
            lines = makefile.read_text(encoding="utf-8", errors="replace")[:262144].splitlines()
        except OSError:
            continue
        tools.setdefault("make", ToolUse("make", Origin.file(str(makefile)), True))
        for number, line in enumerate(lines, 1):
            if line.lstrip().startswith("#"):
                continue
            for need, pattern, required in _MAKEFILE_TOOLS:
                if need not in tools and pattern.search(line):
                    tools[need] = ToolUse(need, Origin.file(str(makefile), number), required)
    return tuple(tools.values())


# -- one workspace --------------------------------------------------------------------------------

def workspace_needs(*, root: Path, display_root: Path | None = None, table: SysTable, resolver: FeatureResolver, features: Sequence[str],
                    default_features: bool, env: Mapping[str, str], built: Mapping[str, frozenset[str]] | None,
                    metadata_note: str | None = None) -> WorkspaceNeeds:
    lock_path = root / "Cargo.lock"
    lock = read_lock(lock_path) if lock_path.is_file() else LockGraph({}, {}, {})
    requests = resolver.resolve(features, default_features=default_features)
    built_by_tree = built
    reach: dict[str, frozenset[str]] = {}
    uses: list[CrateUse] = []
    for crate, row in table.crates.items():
        if crate not in lock.versions:
            continue
        version = ", ".join(dict.fromkeys(lock.versions[crate]))
        dependents = tuple(sorted(lock.reverse.get(crate, ())))
        own_features: Iterable[str] | None = None
        if built_by_tree is not None:
            present = crate in built_by_tree
            own = built_by_tree.get(crate, frozenset())
            gates = tuple(sorted(set(row.only_with) & own)) if row.gate_is_own_feature else ()
            built = present and (not row.gate_is_own_feature or bool(gates))
            via: tuple[str, ...] = ()
            own_features = own
            decided: Decided = "cargo tree"
        else:
            built, via, gates = _decide_by_manifests(row, crate, requests, lock, reach)
            if crate in requests:
                own_features = requests[crate].features
            decided = "manifests"
        only_with = () if built else _would_build(row, crate, resolver, features, default_features, lock, reach)
        mode, mode_origin = _mode(row, env, own_features)
        uses.append(CrateUse(name=crate, version=version, row=row, built=built, decided_by=decided, mode=mode,
                             mode_origin=mode_origin, via=via, gate=gates, only_with=only_with,
                             dependents=dependents))
    return WorkspaceNeeds(root=display_root or root, crates=tuple(uses), tools=makefile_tools(root), features=tuple(features),
                          decided_by="cargo tree" if built_by_tree is not None else "manifests",
                          metadata_note=metadata_note,
                          libclang_runtime="libloading" in lock.edges.get("clang-sys", frozenset({"libloading"})))
