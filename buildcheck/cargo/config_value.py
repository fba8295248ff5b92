"""Cargo configuration values that remember their definition, and cargo's merge of them.

A config file becomes a tree of `ConfigValue`s: tables, arrays (each element with
its own origin) and scalars, each stamped with where it was defined. `merge`
follows cargo's rules (checked against cargo 1.65 and 1.95):

- walking config files (`force=False`): a scalar already present (from a deeper
  directory) stays; arrays concatenate with the *shallower* file's items first
  from cargo 1.74 (rust-lang/cargo#12515), the deeper file's first before that
  (cargo 1.65 gives `--cfg deep --cfg shallow`, 1.95 the reverse; checked);
- includes and `--config` (`force=True`): the newer scalar wins; arrays append;
- a table or array meeting a value of another kind is an error cargo refuses to
  build with: "failed to merge config value from `A` into `B`: expected table,
  but found integer".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from buildcheck.errors import ConfigError
from buildcheck.i18n import _
from buildcheck.model import Origin, Sourced

ValueKind = Literal["table", "array", "string", "integer", "boolean", "float", "datetime"]


@dataclass(frozen=True)
class ConfigValue:
    kind: ValueKind
    value: Any  # dict[str, ConfigValue] | tuple[ConfigValue, ...] | scalar
    origin: Origin
    overridden: tuple[ConfigValue, ...] = field(default=())

    def get(self, *path: str) -> ConfigValue | None:
        node: ConfigValue | None = self
        for key in path:
            if node is None or node.kind != "table":
                return None
            node = node.value.get(key)
        return node

    def to_sourced(self) -> Sourced[Any]:
        return Sourced(self.plain(), self.origin, tuple(o.to_sourced() for o in self.overridden))

    def plain(self) -> Any:
        if self.kind == "table":
            return {k: v.plain() for k, v in self.value.items()}
        if self.kind == "array":
            return [v.plain() for v in self.value]
        return self.value


def describe_definition(origin: Origin) -> str:
    """Cargo's wording for where a value came from, as used in its merge errors."""
    if origin.kind == "env":
        return _("environment variable `{name}`").format(name=origin.env)
    if origin.kind == "cli":
        return _("--config cli option")
    return str(origin.path)


def kind_of(value: Any) -> ValueKind:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "table"
    if isinstance(value, list):
        return "array"
    return "datetime"


def from_toml(data: Any, origin_for: Any, key: tuple[str, ...] = ()) -> ConfigValue:
    """Build the tree for parsed TOML; `origin_for(key_path)` gives each value's Origin."""
    kind = kind_of(data)
    if kind == "table":
        return ConfigValue("table", {k: from_toml(v, origin_for, key + (k,)) for k, v in data.items()}, origin_for(key))
    if kind == "array":
        items = tuple(from_toml(v, origin_for, key + (str(i),)) for i, v in enumerate(data))
        return ConfigValue("array", items, origin_for(key))
    return ConfigValue(kind, data, origin_for(key))


_PRIORITY = {"file": 0, "default": 0, "command": 0, "env": 1, "cli": 2}


def _higher_priority(new: Origin, old: Origin) -> bool:
    return _PRIORITY[new.kind] > _PRIORITY[old.kind]


def merge(base: ConfigValue, other: ConfigValue, *, force: bool, shallow_first: bool = True,
          key: tuple[str, ...] = ()) -> ConfigValue:
    """`other` merged into `base` the way cargo's ConfigValue::merge does."""
    if base.kind == "table" and other.kind == "table":
        merged = dict(base.value)
        for name, value in other.value.items():
            merged[name] = (merge(merged[name], value, force=force, shallow_first=shallow_first, key=key + (name,))
                            if name in merged else value)
        return ConfigValue("table", merged, base.origin)
    if base.kind == "array" and other.kind == "array":
        items = base.value + other.value if force or not shallow_first else other.value + base.value
        return ConfigValue("array", items, base.origin)
    if base.kind in ("table", "array") or other.kind in ("table", "array"):
        raise ConfigError(_("failed to merge config value from `{found}` into `{expected}`: expected {kind}, but "
                            "found {found_kind} (key `{key}`)").format(
            found=describe_definition(other.origin), expected=describe_definition(base.origin),
            kind=base.kind, found_kind=other.kind, key=".".join(key)))
    if force or _higher_priority(other.origin, base.origin):
        return ConfigValue(other.kind, other.value, other.origin, (base, *base.overridden))
    return ConfigValue(base.kind, base.value, base.origin, (*base.overridden, other))


def empty_table(origin: Origin) -> ConfigValue:
    return ConfigValue("table", {}, origin)
