"""Reading a config key the way cargo does: `--config` beats `CARGO_*` environment variables beat files.

Cargo does not merge the environment into its config table; it looks up
`CARGO_<KEY_PATH>` whenever it reads a key. For lists (rustflags) the
environment value is split on whitespace and joined with the file values:
from cargo 1.74 in precedence order (files, env, --config; cargo#12515),
before that the table's items (files and --config) and then the env's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from packaging.version import Version

from buildcheck.args.split import split_whitespace
from buildcheck.cargo.config_value import ConfigValue
from buildcheck.cargo.layers import PRECEDENCE_ORDERED_LISTS_SINCE
from buildcheck.cargo.levels import parse_env_scalar
from buildcheck.errors import ConfigError
from buildcheck.i18n import _
from buildcheck.model import Origin, Sourced


def env_name(path: Sequence[str]) -> str:
    """`profile.release.split-debuginfo` -> `CARGO_PROFILE_RELEASE_SPLIT_DEBUGINFO`."""
    return "CARGO_" + "_".join(part.upper().replace("-", "_").replace(".", "_") for part in path)


@dataclass(frozen=True)
class ConfigReader:
    merged: ConfigValue
    env: Mapping[str, str]
    cargo_version: Version | None
    cli_files: frozenset[Path] = frozenset()  # `--config FILE` values rank like --config (cargo >= 1.66)
    env_origins: Mapping[str, Origin] = field(default_factory=dict)  # variables a Makefile line set

    def env_origin(self, name: str) -> Origin:
        return self.env_origins.get(name) or Origin.environment(name)

    def _rank(self, origin: Origin) -> int:
        if origin.kind == "cli" or (origin.kind == "file" and origin.path and Path(origin.path) in self.cli_files):
            return 2
        return 1 if origin.kind == "env" else 0

    def node(self, path: Sequence[str]) -> ConfigValue | None:
        return self.merged.get(*path)

    def scalar(self, path: Sequence[str]) -> Sourced[object] | None:
        """The value for `path` with its origin; an env variable wins over files but not over --config."""
        node = self.node(path)
        name = env_name(path)
        from_file = node.to_sourced() if node is not None else None
        if node is not None and node.kind == "table":
            return from_file
        if name in self.env and (node is None or self._rank(node.origin) < 2):
            value = parse_env_scalar(self.env[name])
            origin = self.env_origin(name)
            return from_file.override_with(value, origin) if from_file else Sourced(value, origin)
        return from_file

    def string_list(self, path: Sequence[str]) -> tuple[Sourced[str], ...] | None:
        """A list-or-string key (like rustflags) as one Sourced per item; None when no source sets it."""
        node = self.node(path)
        name = env_name(path)
        items: list[Sourced[str]] = []
        if node is not None:
            items.extend(_list_items(node, ".".join(path)))
        if name in self.env:
            origin = self.env_origin(name)
            env_items = [Sourced(flag, origin) for flag in split_whitespace(self.env[name])]
            items.extend(env_items)
        elif node is None:
            return None
        if self.cargo_version is None or self.cargo_version >= PRECEDENCE_ORDERED_LISTS_SINCE:
            items.sort(key=lambda item: self._rank(item.origin))  # stable: keeps each source's own order
        return tuple(items)


def _list_items(node: ConfigValue, key: str) -> list[Sourced[str]]:
    if node.kind == "string":
        return [Sourced(flag, node.origin) for flag in split_whitespace(node.value)]
    if node.kind == "array":
        out = []
        for item in node.value:
            if item.kind != "string":
                raise ConfigError(_("expected a string, but found {kind} in `{key}`").format(kind=item.kind, key=key),
                                  path=item.origin.path, line=item.origin.line)
            out.append(Sourced(item.value, item.origin))
        return out
    raise ConfigError(_("invalid type for `{key}`: expected a string or array of strings, found {kind}").format(
        key=key, kind=node.kind), path=node.origin.path, line=node.origin.line)
