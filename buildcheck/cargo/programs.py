"""The programs a configuration makes cargo start even when it compiles nothing.

`cargo tree` and `cargo metadata` build nothing, yet they run the configured rustc (`rustc -vV`,
`--print cfg`) and through it any wrapper. buildcheck runs cargo only where the program cargo would
start is cargo's own: never one that a config file or variable names (an arbitrary program of the
user's or of a cloned repository).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from packaging.version import Version

from buildcheck.cargo.env_config import ConfigReader
from buildcheck.cargo.layers import load_config
from buildcheck.model import Origin, Sourced

# cargo reads these keys (also as CARGO_BUILD_RUSTC...) and these variables, which win over the keys.
PROGRAM_KEYS = (("build", "rustc"), ("build", "rustc-wrapper"), ("build", "rustc-workspace-wrapper"))
PROGRAM_VARIABLES = ("RUSTC", "RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER")


def configured_programs(cwd: Path, env: Mapping[str, str], cargo_version: Version | None) -> tuple[Sourced[str], ...]:
    """Each program cargo in `cwd` would start because a setting names it, with where it is named.

    An empty value names nothing (cargo treats an empty RUSTC_WRAPPER as unset).
    """
    loaded = load_config(cwd=cwd, env=env, config_args=(), cargo_version=cargo_version)
    reader = ConfigReader(loaded.merged, env, cargo_version)
    out: list[Sourced[str]] = []
    for key, variable in zip(PROGRAM_KEYS, PROGRAM_VARIABLES):
        if env.get(variable):
            out.append(Sourced(env[variable], Origin.environment(variable)))
            continue
        value = reader.scalar(key)
        if value is not None and isinstance(value.value, str) and value.value:
            out.append(Sourced(value.value, value.origin))
    return tuple(out)
