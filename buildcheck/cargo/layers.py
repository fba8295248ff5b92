"""Cargo's configuration layers, loaded and merged in cargo's order.

Order (lowest priority first in the merged result): `$CARGO_HOME`, `/`, ...,
the cwd's `.cargo/config(.toml)` (each file after its own `include`s), then
every `--config` in order. Environment variables are not merged here: cargo
consults them per key when it reads a value (see env_config.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from packaging.version import Version

from buildcheck.cargo import config_value as cv
from buildcheck.cargo.discover import config_files
from buildcheck.cargo.toml_source import TomlDocument, load_toml, parse_toml
from buildcheck.errors import ConfigError
from buildcheck.i18n import _
from buildcheck.model import Origin

# `include` in config files is stable from cargo 1.93; older cargo ignores it without -Zconfig-include
# (cargo 1.65 ignored it silently; checked).
INCLUDE_SINCE = Version("1.93")
# From 1.74 merged lists follow precedence: shallower files first, then env, then --config (cargo#12515).
PRECEDENCE_ORDERED_LISTS_SINCE = Version("1.74")

LayerKind = Literal["file", "cargo-home", "include", "cli-file", "cli"]


@dataclass(frozen=True)
class ConfigLayer:
    kind: LayerKind
    origin: Origin
    path: Path | None = None
    note: str | None = None  # why the layer is ignored or special, for the report

    def to_json(self) -> dict:
        out: dict = {"kind": self.kind, "location": self.origin.to_json()}
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class LoadedConfig:
    merged: cv.ConfigValue
    layers: tuple[ConfigLayer, ...]
    shadowed: tuple[tuple[Path, Path], ...]  # (used legacy `config`, ignored `config.toml`)
    ignored_includes: tuple[tuple[Path, int | None], ...]


def _doc_tree(doc: TomlDocument) -> cv.ConfigValue:
    path = str(doc.path)
    return cv.from_toml(doc.data, lambda key: Origin.file(path, doc.line_of(key), key))


class _Loader:
    def __init__(self, version: Version | None):
        self.include_enabled = version is None or version >= INCLUDE_SINCE
        self.layers: list[ConfigLayer] = []
        self.ignored_includes: list[tuple[Path, int | None]] = []

    def load_file(self, path: Path, kind: LayerKind, seen: tuple[Path, ...] = ()) -> cv.ConfigValue:
        resolved = path.resolve()
        if resolved in seen:
            raise ConfigError(_("config `include` cycle: {chain}").format(
                chain=" -> ".join(str(p) for p in (*seen, resolved))), path=str(path))
        doc = load_toml(path)
        tree = _doc_tree(doc)
        include = tree.value.get("include")
        if include is None:
            self.layers.append(ConfigLayer(kind, Origin.file(str(path)), path))
            return tree
        rest = cv.ConfigValue("table", {k: v for k, v in tree.value.items() if k != "include"}, tree.origin)
        if not self.include_enabled:
            self.ignored_includes.append((path, doc.line_of(("include",))))
            self.layers.append(ConfigLayer(kind, Origin.file(str(path)), path))
            return rest
        root = cv.empty_table(tree.origin)
        for target, optional, line in _include_entries(include, doc):
            target_path = path.parent / target
            if not target_path.is_file():
                if optional:
                    continue
                raise ConfigError(_("failed to load config include `{target}`: {path} does not exist").format(
                    target=target, path=target_path), path=str(path), line=line)
            root = cv.merge(root, self.load_file(target_path, "include", (*seen, resolved)), force=True)
        self.layers.append(ConfigLayer(kind, Origin.file(str(path)), path))
        return cv.merge(root, rest, force=True)


def _include_entries(include: cv.ConfigValue, doc: TomlDocument) -> list[tuple[str, bool, int | None]]:
    items = include.value if include.kind == "array" else (include,)
    out = []
    for item in items:
        line = item.origin.line
        if item.kind == "string":
            out.append((item.value, False, line))
        elif item.kind == "table" and isinstance(item.plain().get("path"), str):
            out.append((item.plain()["path"], bool(item.plain().get("optional", False)), line))
        else:
            raise ConfigError(_("expected a string or a table with `path` in `include`, found {kind}").format(
                kind=item.kind), path=str(doc.path), line=line)
    return out


def parse_config_argument(argument: str) -> TomlDocument:
    """A `--config key = value` argument as a one-key document, or ConfigError like cargo's."""
    rejected = ConfigError(_("--config argument `{arg}` was not a TOML dotted key expression (such as "
                             "`build.jobs = 2`)").format(arg=argument.replace("\n", "\\n")))
    if "\n" in argument.strip() or "=" not in argument or argument.lstrip().startswith("["):
        raise rejected
    try:
        doc = parse_toml(argument, "--config")
    except ConfigError:
        raise rejected from None
    node = doc.data
    while isinstance(node, dict):
        if len(node) != 1:
            raise rejected
        (node,) = node.values()
    if len(doc.lines) and max(doc.lines.values()) > 1:
        raise rejected
    # The value itself may not be a table: `a = { b = 1 }` is refused like `[a]`.
    top = argument.split("=", 1)[0].strip()
    if argument.split("=", 1)[1].strip().startswith("{") and top:
        raise rejected
    return doc


def load_config(*, cwd: Path, env: Mapping[str, str], config_args: Sequence[str],
                cargo_version: Version | None) -> LoadedConfig:
    loader = _Loader(cargo_version)
    merged = cv.empty_table(Origin.file(str(cwd)))
    shadowed = []
    walk_layers: list[ConfigLayer] = []
    for config in config_files(cwd, env):
        loader.layers = []
        if config.shadowed:
            shadowed.append((config.path, config.shadowed))
        tree = loader.load_file(config.path, "cargo-home" if config.is_cargo_home else "file")
        try:
            merged = cv.merge(merged, tree, force=False,
                              shallow_first=cargo_version is None or cargo_version >= PRECEDENCE_ORDERED_LISTS_SINCE)
        except ConfigError as exc:
            raise ConfigError(_("failed to merge configuration at `{path}`: {reason}").format(
                path=config.path, reason=exc)) from None
        # Walk order is deepest first; list shallower groups first, each file after its includes.
        walk_layers = loader.layers + walk_layers
    loader.layers = []
    for argument in config_args:
        as_path = cwd / argument
        if as_path.is_file():
            tree = loader.load_file(as_path, "cli-file")
        else:
            doc = parse_config_argument(argument)
            tree = cv.from_toml(doc.data, lambda _key, a=argument: Origin.cli(a))
            loader.layers.append(ConfigLayer("cli", Origin.cli(argument)))
        merged = cv.merge(merged, tree, force=True)
    # Layers are listed lowest priority first, the order a reader checks them in.
    return LoadedConfig(merged, tuple(walk_layers + loader.layers), tuple(shadowed), tuple(loader.ignored_includes))
