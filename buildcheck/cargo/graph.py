"""The package graph: who depends on whom, from Cargo.lock, else from the members' path dependencies.

Cargo's implicit strip (1.77+) looks at a unit's direct dependencies, so the
scanner needs the edges, not just the package list. Cargo.lock records them as
`dependencies = ["name", "name version", "name version (source)"]`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from buildcheck.cargo.discover import Workspace, _path_dependencies
from buildcheck.cargo.toml_source import load_toml


@dataclass(frozen=True)
class PackageNode:
    name: str
    version: str | None
    is_member: bool
    dependencies: tuple[str, ...]  # package names


@dataclass(frozen=True)
class PackageGraph:
    packages: dict[str, PackageNode]  # by name; several versions of one name are folded together

    def dependencies(self, name: str) -> tuple[str, ...]:
        node = self.packages.get(name)
        return node.dependencies if node else ()

    @property
    def members(self) -> tuple[str, ...]:
        return tuple(name for name, node in self.packages.items() if node.is_member)


def _package_name(directory: Path) -> str | None:
    manifest = directory / "Cargo.toml"
    if not manifest.is_file():
        return None
    package = load_toml(manifest).data.get("package")
    name = package.get("name") if isinstance(package, dict) else None
    return name if isinstance(name, str) else None


def _fold(entries: Iterable[tuple[str, str | None, bool, list[str]]]) -> dict[str, PackageNode]:
    out: dict[str, PackageNode] = {}
    for name, version, member, deps in entries:
        if name in out:
            old = out[name]
            merged = tuple(dict.fromkeys((*old.dependencies, *deps)))
            out[name] = PackageNode(name, old.version, old.is_member or member, merged)
        else:
            out[name] = PackageNode(name, version, member, tuple(dict.fromkeys(deps)))
    return out


def build_graph(workspace: Workspace) -> PackageGraph:
    member_names = {name for name in (_package_name(d) for d in workspace.members) if name}
    lock = workspace.root / "Cargo.lock"
    if lock.is_file():
        data = load_toml(lock).data
        entries = []
        for package in data.get("package", []) or []:
            if not isinstance(package, dict) or not isinstance(package.get("name"), str):
                continue
            deps = [str(dep).split(" ", 1)[0] for dep in package.get("dependencies", []) or []]
            name = package["name"]
            entries.append((name, package.get("version"), name in member_names and "source" not in package, deps))
        graph = _fold(entries)
        for name in member_names - set(graph):  # a member added since the lock file was written
            graph[name] = PackageNode(name, None, True, ())
        return PackageGraph(graph)
    # No lock file: members and the path dependencies their manifests name (registry deps are unknown).
    entries = []
    queue = list(workspace.members)
    seen = set(queue)
    while queue:
        directory = queue.pop(0)
        name = _package_name(directory)
        if name is None:
            continue
        doc = load_toml(directory / "Cargo.toml")
        dep_dirs = [d for d in _path_dependencies(doc) if (d / "Cargo.toml").is_file()]
        deps = [n for n in (_package_name(d) for d in dep_dirs) if n]
        entries.append((name, None, name in member_names, deps))
        for dep in dep_dirs:
            if dep not in seen:
                seen.add(dep)
                queue.append(dep)
    return PackageGraph(_fold(entries))


def empty_graph() -> PackageGraph:
    return PackageGraph({})
