"""Which dependencies outside the workspace the selected features turn on, read from the workspace's own manifests.

This is the fallback for when `cargo tree --offline` cannot answer (no registry cache, or a
cargo that might download a toolchain). It resolves features exactly as cargo does for the
packages whose manifests are here (the members and their path dependencies): `default`,
`dep:name`, `name/feature`, `name?/feature`, implicit features of optional dependencies,
`default-features = false`, `workspace = true` inheritance and `[target.'cfg(..)']` tables. The
packages outside the workspace are opaque: what it reports for them is which of their features the
workspace asks for, and whether their defaults stay on. Dev-dependencies are not built by
`cargo build`, so they are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from buildcheck.cargo.cfg import cfg_for_triple, evaluate, parse_cfg_key
from buildcheck.cargo.toml_source import load_toml

_DEPENDENCY_TABLES = ("dependencies", "build-dependencies", "build_dependencies")


@dataclass(frozen=True)
class DepSpec:
    key: str                      # the name the manifest uses (the feature namespace)
    package: str                  # the package it resolves to
    optional: bool
    default_features: bool
    features: tuple[str, ...]
    path: Path | None             # a local package's directory


@dataclass(frozen=True)
class LocalPackage:
    name: str
    directory: Path
    features: dict[str, tuple[str, ...]]
    deps: tuple[DepSpec, ...]     # normal and build dependencies that apply to the target

    def dep(self, key: str) -> list[DepSpec]:
        return [d for d in self.deps if d.key == key]


@dataclass(frozen=True)
class ExternalRequest:
    """What the workspace asks of one package outside it: features, and whether its defaults stay on."""

    package: str
    features: frozenset[str]
    default_features: bool
    requested_by: tuple[str, ...]  # local packages whose enabled edges reach it


@dataclass
class _State:
    features: dict[str, set[str]] = field(default_factory=dict)     # local package -> enabled features
    enabled_deps: dict[str, set[str]] = field(default_factory=dict)  # local package -> enabled optional dep keys
    weak: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (pkg, dep key) -> pending features
    external: dict[str, tuple[set[str], bool, set[str]]] = field(default_factory=dict)


def _as_bool(value: Any, default: bool) -> bool:
    return value if isinstance(value, bool) else default


def _dep_spec(key: str, spec: Any, directory: Path, inherited: dict[str, Any]) -> DepSpec:
    if isinstance(spec, str):
        return DepSpec(key, key, False, True, (), None)
    if not isinstance(spec, dict):
        return DepSpec(key, key, False, True, (), None)
    base: dict[str, Any] = {}
    base_dir = directory
    if spec.get("workspace") is True:
        found = inherited.get(key)
        base = {"version": found} if isinstance(found, str) else (found if isinstance(found, dict) else {})
        base_dir = inherited.get("__root__", directory)
    features = [f for f in (*base.get("features", ()), *spec.get("features", ())) if isinstance(f, str)]
    path_value = spec.get("path", base.get("path"))
    path_dir = directory if "path" in spec else base_dir
    package = spec.get("package", base.get("package", key))
    default = _as_bool(spec.get("default-features", spec.get("default_features",
                       base.get("default-features", base.get("default_features")))), True)
    return DepSpec(key=key, package=package if isinstance(package, str) else key,
                   optional=_as_bool(spec.get("optional"), False), default_features=default,
                   features=tuple(features),
                   path=(path_dir / path_value).resolve() if isinstance(path_value, str) else None)


def read_local_package(directory: Path, triple: str, inherited: dict[str, Any]) -> LocalPackage | None:
    """A local manifest's name, features and the dependencies cargo builds for the target `triple`."""
    cfg = cfg_for_triple(triple)
    manifest = directory / "Cargo.toml"
    if not manifest.is_file():
        return None
    data = load_toml(manifest, locate=False).data
    package = data.get("package")
    if not isinstance(package, dict) or not isinstance(package.get("name"), str):
        return None
    scopes: list[dict[str, Any]] = [data]
    for key, table in (data.get("target") or {}).items():
        if not isinstance(table, dict):
            continue
        expr = parse_cfg_key(key)
        applies = evaluate(expr, cfg) if expr is not None else key == triple
        if applies:
            scopes.append(table)
    deps: list[DepSpec] = []
    for scope in scopes:
        for table_name in _DEPENDENCY_TABLES:
            table = scope.get(table_name)
            if isinstance(table, dict):
                deps.extend(_dep_spec(key, spec, directory, inherited) for key, spec in table.items())
    raw_features = data.get("features") or {}
    features = {name: tuple(v for v in values if isinstance(v, str))
                for name, values in raw_features.items() if isinstance(values, list)}
    return LocalPackage(name=package["name"], directory=directory, features=features, deps=tuple(deps))


class FeatureResolver:
    """Feature resolution over the local packages of one workspace."""

    def __init__(self, packages: Iterable[LocalPackage], members: Iterable[str]):
        self.packages = {p.name: p for p in packages}
        self.by_dir = {p.directory: p for p in self.packages.values()}
        self.members = tuple(m for m in members if m in self.packages)

    def member_features(self, member: str) -> tuple[str, ...]:
        return tuple(self.packages[member].features)

    def resolve(self, selected: Iterable[str], *, default_features: bool = True,
                only: Iterable[str] | None = None) -> dict[str, ExternalRequest]:
        """Packages outside the workspace that the build reaches directly, with what is asked of them.

        `selected` holds `feature` (for every built member that has it, as cargo applies `--features`
        with `--workspace`) or `member/feature`.
        """
        state = self._run(selected, default_features, only)
        return {name: ExternalRequest(name, frozenset(feats), default, tuple(sorted(by)))
                for name, (feats, default, by) in state.external.items()}

    def activated(self, selected: Iterable[str], *, default_features: bool = True) -> dict[str, frozenset[str]]:
        """The local packages the build compiles, with their enabled features (what cargo tree -e normal,build shows)."""
        state = self._run(selected, default_features, None)
        out = {}
        for name, features in state.features.items():
            package = self.packages[name]
            # cargo reports the [features] table's features and the implicit feature of each optional
            # dependency turned on, which exists only while no feature names it as `dep:key`
            explicit = {item[4:] for items in package.features.values() for item in items if item.startswith("dep:")}
            out[name] = (frozenset(f for f in features if f in package.features)
                         | frozenset(k for k in state.enabled_deps[name] if k not in explicit))
        return out

    def _run(self, selected: Iterable[str], default_features: bool, only: Iterable[str] | None) -> _State:
        state = _State()
        roots = tuple(only) if only is not None else self.members
        for member in roots:
            self._activate(state, member, ("default",) if default_features else ())
        for item in selected:
            owner, _, feature = item.rpartition("/")
            for member in roots:
                if (owner == member or not owner) and (feature in self.packages[member].features
                                                       or self._optional_key(member, feature)):
                    self._enable_feature(state, member, feature)
        return state

    # -- cargo's rules ----------------------------------------------------------------------------

    def _optional_key(self, pkg: str, key: str) -> bool:
        return any(d.optional for d in self.packages[pkg].dep(key))

    def _activate(self, state: _State, pkg: str, features: Iterable[str]) -> None:
        first = pkg not in state.features
        state.features.setdefault(pkg, set())
        state.enabled_deps.setdefault(pkg, set())
        if first:
            for dep in self.packages[pkg].deps:
                if not dep.optional:
                    self._use_dep(state, pkg, dep, ())
        for feature in features:
            self._enable_feature(state, pkg, feature)

    def _enable_feature(self, state: _State, pkg: str, feature: str) -> None:
        package = self.packages[pkg]
        if pkg not in state.features:
            self._activate(state, pkg, ())
        if feature in state.features[pkg]:
            return
        state.features[pkg].add(feature)
        if feature not in package.features:
            if self._optional_key(pkg, feature):  # the implicit feature of an optional dependency
                self._enable_dep(state, pkg, feature, ())
            return
        for item in package.features[feature]:
            if item.startswith("dep:"):
                self._enable_dep(state, pkg, item[4:], ())
            elif "/" in item:
                key, _, dep_feature = item.partition("/")
                if key.endswith("?"):
                    key = key[:-1]
                    if key in state.enabled_deps[pkg] or not self._optional_key(pkg, key):
                        self._request(state, pkg, key, (dep_feature,))
                    else:
                        state.weak.setdefault((pkg, key), set()).add(dep_feature)
                else:
                    if self._optional_key(pkg, key):
                        self._enable_dep(state, pkg, key, (dep_feature,))
                    else:
                        self._request(state, pkg, key, (dep_feature,))
            else:
                self._enable_feature(state, pkg, item)

    def _enable_dep(self, state: _State, pkg: str, key: str, features: tuple[str, ...]) -> None:
        deps = self.packages[pkg].dep(key)
        if key not in state.enabled_deps[pkg]:
            state.enabled_deps[pkg].add(key)
            pending = tuple(state.weak.pop((pkg, key), ()))
            for dep in deps:
                self._use_dep(state, pkg, dep, pending)
        if features:
            self._request(state, pkg, key, features)

    def _request(self, state: _State, pkg: str, key: str, features: tuple[str, ...]) -> None:
        for dep in self.packages[pkg].dep(key):
            if dep.optional and key not in state.enabled_deps[pkg]:
                continue
            self._use_dep(state, pkg, dep, features)

    def _use_dep(self, state: _State, pkg: str, dep: DepSpec, extra: tuple[str, ...]) -> None:
        local = self.by_dir.get(dep.path) if dep.path is not None else None
        if local is not None:
            wanted = (*dep.features, *extra, *(("default",) if dep.default_features else ()))
            self._activate(state, local.name, wanted)
            return
        feats, default, by = state.external.setdefault(dep.package, (set(), False, set()))
        feats.update(dep.features)
        feats.update(extra)
        by.add(pkg)
        state.external[dep.package] = (feats, default or dep.default_features, by)


def load_resolver(members: Iterable[Path], root: Path, triple: str) -> FeatureResolver:
    """Read the members and every path dependency they reach (ConfigError from a broken manifest)."""
    root_data = load_toml(root / "Cargo.toml", locate=False).data if (root / "Cargo.toml").is_file() else {}
    workspace = root_data.get("workspace") if isinstance(root_data.get("workspace"), dict) else {}
    inherited: dict[str, Any] = dict(workspace.get("dependencies") or {})
    inherited["__root__"] = root
    member_dirs = tuple(Path(m) for m in members)
    packages: list[LocalPackage] = []
    member_names: list[str] = []
    queue = list(member_dirs)
    seen: set[Path] = set(queue)
    while queue:
        directory = queue.pop(0)
        package = read_local_package(directory, triple, inherited)
        if package is None:
            continue
        packages.append(package)
        if directory in member_dirs:
            member_names.append(package.name)
        for dep in package.deps:
            if dep.path is not None and dep.path not in seen:
                seen.add(dep.path)
                queue.append(dep.path)
    return FeatureResolver(packages, member_names)
