"""Finding files the way cargo does: config files walking up from the cwd, CARGO_HOME, the workspace root.

Cargo starts its config walk at the *process cwd* (not the manifest's
directory) and reads `$CARGO_HOME/config(.toml)` last unless the walk already
passed it. The workspace root is the nearest `Cargo.toml` upward, or the
`package.workspace` it names, or the nearest parent whose `[workspace]` does
not exclude it.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from buildcheck.cargo.toml_source import TomlDocument, load_toml
from buildcheck.errors import ConfigError
from buildcheck.i18n import _
from buildcheck.model import Origin


@dataclass(frozen=True)
class ConfigFile:
    path: Path
    shadowed: Path | None = None  # config.toml ignored because the legacy `config` exists beside it
    is_cargo_home: bool = False


def ancestors(start: Path) -> Iterator[Path]:
    yield start
    yield from start.parents


def cargo_home(cwd: Path, env: Mapping[str, str]) -> tuple[Path | None, Origin]:
    """CARGO_HOME as cargo resolves it: relative values join the cwd, empty counts as unset."""
    value = env.get("CARGO_HOME")
    if value:
        return (cwd / value), Origin.environment("CARGO_HOME")
    home = env.get("HOME")
    if home:
        return Path(home) / ".cargo", Origin.default("$HOME/.cargo")
    return None, Origin.default("no HOME")


def _config_in(directory: Path) -> ConfigFile | None:
    # cargo asks whether the path exists, not whether it is a file: a directory named config.toml is chosen, and
    # reading it then fails ("Is a directory"), so the build stops; reading it here fails the same way.
    legacy = directory / "config"
    modern = directory / "config.toml"
    if legacy.exists():
        return ConfigFile(legacy, shadowed=modern if modern.exists() else None)
    if modern.exists():
        return ConfigFile(modern)
    return None


def config_files(cwd: Path, env: Mapping[str, str]) -> list[ConfigFile]:
    """Every config file cargo reads, deepest (highest priority) first, CARGO_HOME's last."""
    found: list[ConfigFile] = []
    home, _origin = cargo_home(cwd, env)
    home_seen = False
    for directory in ancestors(cwd):
        dot_cargo = directory / ".cargo"
        if home is not None and _same_dir(dot_cargo, home):
            home_seen = True
        config = _config_in(dot_cargo)
        if config:
            found.append(config)
    if home is not None and not home_seen:
        config = _config_in(home)
        if config:
            found.append(ConfigFile(config.path, config.shadowed, is_cargo_home=True))
    return found


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.normpath(a) == os.path.normpath(b)


# -- the workspace -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Workspace:
    root_manifest: TomlDocument
    members: tuple[Path, ...]  # member manifest directories
    # Every manifest discovery read (the root, members, path dependencies): later steps take them from here.
    manifests: dict[Path, TomlDocument] = field(default_factory=dict, compare=False, repr=False)

    @property
    def root(self) -> Path:
        return self.root_manifest.path.parent

    def manifest(self, path: Path) -> TomlDocument:
        """The parsed manifest at `path`, read once per scan."""
        key = Path(path).resolve()
        if key not in self.manifests:
            self.manifests[key] = load_toml(key)
        return self.manifests[key]


def nearest_manifest(cwd: Path) -> Path | None:
    for directory in ancestors(cwd):
        candidate = directory / "Cargo.toml"
        if candidate.is_file():
            return candidate
    return None


def _member_dirs(root: Path, workspace: dict, doc: TomlDocument) -> list[Path]:
    members: list[Path] = []
    patterns = workspace.get("members", [])
    if not isinstance(patterns, list):
        raise ConfigError(_("`workspace.members` must be an array of strings"),
                          path=str(doc.path), line=doc.line_of(("workspace", "members")))
    for pattern in patterns:
        if not isinstance(pattern, str):
            continue
        for match in sorted(glob.glob(str(root / pattern))):
            if (Path(match) / "Cargo.toml").is_file():
                members.append(Path(match).resolve())
    return members


def _excluded(root: Path, workspace: dict, directory: Path) -> bool:
    for entry in workspace.get("exclude", []) or []:
        if isinstance(entry, str):
            excluded = (root / entry).resolve()
            if directory == excluded or excluded in directory.parents:
                return True
    return False


def _path_dependencies(doc: TomlDocument) -> list[Path]:
    """Directories of the path dependencies a manifest names (all dependency tables, target-specific too)."""
    tables: list[dict] = []
    for key in ("dependencies", "dev-dependencies", "build-dependencies"):
        if isinstance(doc.data.get(key), dict):
            tables.append(doc.data[key])
    for target in (doc.data.get("target") or {}).values():
        if isinstance(target, dict):
            for key in ("dependencies", "dev-dependencies", "build-dependencies"):
                if isinstance(target.get(key), dict):
                    tables.append(target[key])
    out = []
    for table in tables:
        for spec in table.values():
            if isinstance(spec, dict) and isinstance(spec.get("path"), str):
                out.append((doc.path.parent / spec["path"]).resolve())
    return out


def find_workspace(cwd: Path) -> Workspace | None:
    """The workspace cargo would use from `cwd`, or None when no Cargo.toml is found upward."""
    manifest_path = nearest_manifest(cwd)
    if manifest_path is None:
        return None
    manifest = load_toml(manifest_path)
    root_doc = manifest
    if "workspace" not in manifest.data:
        package = manifest.data.get("package") or {}
        pointer = package.get("workspace") if isinstance(package, dict) else None
        if isinstance(pointer, str):
            candidate = (manifest_path.parent / pointer / "Cargo.toml").resolve()
            if not candidate.is_file():
                raise ConfigError(_("failed to read `{path}` named by `package.workspace`").format(path=candidate),
                                  path=str(manifest_path), line=manifest.line_of(("package", "workspace")))
            root_doc = load_toml(candidate)
        else:
            here = manifest_path.parent.resolve()
            for directory in here.parents:
                candidate = directory / "Cargo.toml"
                if not candidate.is_file():
                    continue
                doc = load_toml(candidate)
                workspace = doc.data.get("workspace")
                if isinstance(workspace, dict) and not _excluded(directory, workspace, here):
                    root_doc = doc
                    break
    read = {manifest_path.resolve(): manifest, root_doc.path.resolve(): root_doc}
    return Workspace(root_doc, tuple(_collect_members(root_doc, manifest_path, read)), read)


def _collect_members(root_doc: TomlDocument, start_manifest: Path, read: dict[Path, TomlDocument]) -> list[Path]:
    root = root_doc.path.parent.resolve()
    workspace = root_doc.data.get("workspace")
    members: list[Path] = []
    if "package" in root_doc.data:
        members.append(root)
    if not isinstance(workspace, dict):
        return members
    members.extend(m for m in _member_dirs(root, workspace, root_doc) if m not in members)
    # Path dependencies under the root are members too (cargo's implicit membership), transitively.
    queue = list(members)
    seen = set(members)
    while queue:
        directory = queue.pop()
        manifest = directory / "Cargo.toml"
        if not manifest.is_file():
            continue
        key = manifest.resolve()
        if key not in read:
            read[key] = load_toml(manifest)
        doc = read[key]
        for dep in _path_dependencies(doc):
            if dep in seen or not (dep / "Cargo.toml").is_file():
                continue
            if (dep == root or root in dep.parents) and not _excluded(root, workspace, dep):
                seen.add(dep)
                members.append(dep)
                queue.append(dep)
    start_dir = start_manifest.parent.resolve()
    if start_dir not in members and start_dir != root:
        raise ConfigError(_("current package believes it's in a workspace when it's not: add `{member}` to "
                            "`workspace.members` or `workspace.exclude` in {root}").format(
            member=os.path.relpath(start_dir, root), root=root_doc.path),
            path=str(start_manifest))
    return members
