"""The package graph: who depends on whom, from Cargo.lock, else from the members' path dependencies.

Cargo's implicit strip (1.77+) looks at a unit's direct dependencies, so the
scanner needs the edges, not just the package list. Cargo.lock records them as
`dependencies = ["name", "name version", "name version (source)"]`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from buildcheck.cargo.discover import Workspace, _path_dependencies
from buildcheck.cargo.toml_source import TomlDocument, load_toml


@dataclass(frozen=True)
class PackageNode:
    name: str
    version: str | None
    is_member: bool
    dependencies: tuple[str, ...]  # package names (for registry packages: all kinds, as Cargo.lock lists them)
    build_dependencies: tuple[str, ...] | None = None  # known for path packages, whose manifest is read
    has_build_script: bool | None = None  # known for path packages
    is_proc_macro: bool = False  # known for path packages; always compiled for the host


@dataclass(frozen=True)
class PackageGraph:
    packages: dict[str, PackageNode]  # by name; several versions of one name are folded together
    versions: dict[str, tuple[str, ...]] = field(default_factory=dict)  # every version Cargo.lock holds per name

    def dependencies(self, name: str, *, host: bool = False) -> tuple[str, ...]:
        """The direct dependencies of `name`'s unit; host=True: of its build script when its manifest is known."""
        node = self.packages.get(name)
        if node is None:
            return ()
        if host and node.build_dependencies is not None:
            return node.build_dependencies
        return node.dependencies

    def target_side(self, built: Iterable[str]) -> frozenset[str]:
        """Packages compiled for the target: the `built` ones and what their (normal) dependencies reach."""
        seen = set(built)
        queue = list(seen)
        while queue:
            for dep in self.dependencies(queue.pop()):
                node = self.packages.get(dep)
                if node is not None and node.is_proc_macro:
                    continue  # a proc-macro and its dependencies are built for the host only
                if dep not in seen:
                    seen.add(dep)
                    queue.append(dep)
        return frozenset(seen)

    @property
    def members(self) -> tuple[str, ...]:
        return tuple(name for name, node in self.packages.items() if node.is_member)


_LOCK_FIELD = re.compile(r'^(name|version|source|checksum) = "([^"\\]*)"$')
_LOCK_DEP = re.compile(r'^ "([^"\\]*)",?$')


def read_lock_packages(path: Path) -> list[dict[str, Any]]:
    """Cargo.lock's [[package]] entries (name, version, source, dependencies).

    Cargo writes the file in one fixed layout, which a line scan reads several
    times faster than a TOML parser (it matters at ~400 packages); anything
    unexpected falls back to the full TOML parser.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    packages: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    in_deps = False
    for line in text.splitlines():
        if in_deps:
            if line == "]":
                in_deps = False
                continue
            match = _LOCK_DEP.match(line)
            if match is None or current is None:
                break
            current["dependencies"].append(match.group(1))
            continue
        if line == "[[package]]":
            current = {"dependencies": []}
            packages.append(current)
        elif current is not None and line == "dependencies = [":
            in_deps = True
        elif current is not None and (match := _LOCK_FIELD.match(line)):
            current[match.group(1)] = match.group(2)
        elif line.startswith("#") or not line.strip() or (current is None and line.startswith("version = ")):
            continue
        else:
            break  # not the layout cargo writes: let the TOML parser decide
    else:
        if not in_deps and all("name" in p for p in packages):
            return packages
    data = load_toml(path, locate=False).data.get("package", []) or []
    return [p for p in data if isinstance(p, dict)]


def _package_name(workspace: Workspace, directory: Path) -> str | None:
    manifest = directory / "Cargo.toml"
    if not manifest.is_file():
        return None
    package = workspace.manifest(manifest).data.get("package")
    name = package.get("name") if isinstance(package, dict) else None
    return name if isinstance(name, str) else None


def _manifest_dependencies(doc) -> tuple[list[str], list[str]]:
    """(normal, build) dependency package names a manifest declares, target-specific tables included."""
    scopes = [doc.data] + [t for t in (doc.data.get("target") or {}).values() if isinstance(t, dict)]
    normal: list[str] = []
    build: list[str] = []
    for scope in scopes:
        for key, into in (("dependencies", normal), ("build-dependencies", build), ("build_dependencies", build)):
            table = scope.get(key)
            if not isinstance(table, dict):
                continue
            for name, spec in table.items():
                real = spec.get("package") if isinstance(spec, dict) else None
                into.append(real if isinstance(real, str) else name)
    return normal, build


def _has_build_script(doc: TomlDocument) -> bool:
    package = doc.data.get("package")
    build = package.get("build") if isinstance(package, dict) else None
    if build is False:
        return False
    if isinstance(build, str):
        return (doc.path.parent / build).is_file()
    return (doc.path.parent / "build.rs").is_file()


def _is_proc_macro(doc: TomlDocument) -> bool:
    lib = doc.data.get("lib")
    return isinstance(lib, dict) and (lib.get("proc-macro") is True or lib.get("proc_macro") is True)


def _path_packages(workspace: Workspace) -> dict[str, tuple[list[str], list[str], bool, bool]]:
    """Members and the path packages they reach: name -> (normal deps, build deps) from their manifests."""
    out: dict[str, tuple[list[str], list[str], bool, bool]] = {}
    queue = list(workspace.members)
    seen = set(queue)
    while queue:
        directory = queue.pop(0)
        manifest = directory / "Cargo.toml"
        if not manifest.is_file():
            continue
        doc = workspace.manifest(manifest)
        package = doc.data.get("package")
        name = package.get("name") if isinstance(package, dict) else None
        if isinstance(name, str):
            out[name] = (*_manifest_dependencies(doc), _has_build_script(doc), _is_proc_macro(doc))
        for dep in _path_dependencies(doc):
            if dep not in seen:
                seen.add(dep)
                queue.append(dep)
    return out


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
    member_names = {name for name in (_package_name(workspace, d) for d in workspace.members) if name}
    path_packages = _path_packages(workspace)
    entries: list[tuple[str, str | None, bool, list[str]]] = []
    versions: dict[str, list[str]] = {}
    lock = workspace.root / "Cargo.lock"
    if lock.is_file():
        for package in read_lock_packages(lock):
            if not isinstance(package.get("name"), str):
                continue
            name = package["name"]
            if isinstance(package.get("version"), str):
                versions.setdefault(name, []).append(package["version"])
            if name in path_packages and "source" not in package:
                continue  # its manifest says which dependencies are build-dependencies
            deps = [str(dep).split(" ", 1)[0] for dep in package.get("dependencies", []) or []]
            entries.append((name, package.get("version"), False, deps))
    graph = _fold(entries)
    for name, (normal, build, script, proc_macro) in path_packages.items():
        graph[name] = PackageNode(name, graph[name].version if name in graph else None, name in member_names,
                                  tuple(dict.fromkeys(normal)), tuple(dict.fromkeys(build)), script, proc_macro)
    return PackageGraph(graph, {name: tuple(found) for name, found in versions.items()})


def empty_graph() -> PackageGraph:
    return PackageGraph({})
