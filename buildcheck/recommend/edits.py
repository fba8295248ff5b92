"""The two edits `buildcheck fix` makes to a cargo config file, as plain data (config_edit.py applies them).

Kept apart from the tomlkit code that performs them: causes and remedies name edits on every scan, and a scan
should not pay for loading a TOML editor it does not use. Keys and values are spelled as TOML spells them
(`target.'cfg(unix)'.rustflags`, `true`, `"debuginfo"`), checked against tomlkit in tests/test_recommend_config_edit.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from buildcheck.i18n import _

TomlValue = bool | int | str
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def dotted(key_path: Sequence[str]) -> str:
    """`profile.release.debug`, `target.'cfg(unix)'.rustflags`: keys quoted as TOML needs them."""
    def key(part: str) -> str:
        return part if _BARE_KEY.fullmatch(part) else json.dumps(part, ensure_ascii=False)
    return ".".join(key(part) for part in key_path)


def toml_value(value: TomlValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class SetKey:
    """Set `key_path` (e.g. ("profile", "release", "debug")) to `value`, adding it where missing."""

    key_path: tuple[str, ...]
    value: TomlValue

    @property
    def dotted_key(self) -> str:
        return dotted(self.key_path)

    @property
    def toml_value(self) -> str:
        return toml_value(self.value)

    def describe(self) -> str:
        return _("set {key} = {value}").format(key=self.dotted_key, value=self.toml_value)


@dataclass(frozen=True)
class RemoveRustflags:
    """Remove options from a rustflags string or array at `key_path`.

    flags None: every option that turns debug info on (`-g`, `-C debuginfo=2` in any spelling, the split form as one
    option). Otherwise the options written exactly so, e.g. ("-g",) or ("-C debuginfo=2",).
    """

    key_path: tuple[str, ...]
    flags: tuple[str, ...] | None = None

    @property
    def dotted_key(self) -> str:
        return dotted(self.key_path)

    def describe(self) -> str:
        what = ", ".join(self.flags) if self.flags else _("the debug flags")
        return _("remove {what} from {key}").format(what=what, key=self.dotted_key)


Edit = SetKey | RemoveRustflags
