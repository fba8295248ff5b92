"""The guided first run behind `buildcheck demo`: the whole story on examples shipped inside the package.

The examples (buildcheck/examples/) are a workspace shaped like damocles-worker (pinned to Rust
1.72.0, with a parent-directory .cargo/config.toml that turns debug info on), a small Rust binary
built with `-g` (a copy of fixtures/binaries/rust-tiny-debug) and a sample /proc/cpuinfo. The tour
copies them into a fresh directory and runs the real commands there with a simulated Lotus
environment: the user's own environment, home directory and cargo are never looked at, and
nothing outside that directory is written.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from buildcheck.errors import UsageError
from buildcheck.i18n import _

EXAMPLES = Path(__file__).parent / "examples"
WORKSPACE_NAME = "lotus-workspace"
# The binary is stood in where a release build of the workspace would put it.
BINARY_IN_COPY = Path(WORKSPACE_NAME) / "damocles-worker" / "target" / "release" / "damocles-worker"
CPUINFO_IN_COPY = Path("cpuinfo-example.txt")

# What Lotus's Linux install guide tells operators to export before building from source.
LOTUS_RUSTFLAGS = "-C target-cpu=native -g"


@dataclass(frozen=True, kw_only=True)
class TourFiles:
    root: Path           # the copy; everything the tour writes is below it
    workspace: Path      # the damocles-worker checkout inside the copy
    binary: Path
    cpuinfo: Path
    parent_config: Path  # the parent-directory .cargo/config.toml that `fix` edits


def copy_examples(destination: Path) -> TourFiles:
    """Copy the examples into `destination`, which must not exist or be an empty directory."""
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise UsageError(_("{path} exists and is not an empty directory; the demo writes only into a new one")
                         .format(path=destination))
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copytree(EXAMPLES / WORKSPACE_NAME, destination / WORKSPACE_NAME)
    binary = destination / BINARY_IN_COPY
    binary.parent.mkdir(parents=True)
    shutil.copyfile(EXAMPLES / "binaries" / "rust-tiny-debug", binary)
    shutil.copyfile(EXAMPLES / "cpuinfo.txt", destination / CPUINFO_IN_COPY)
    (destination / "home" / ".cargo").mkdir(parents=True)
    return TourFiles(root=destination, workspace=destination / WORKSPACE_NAME / "damocles-worker",
                     binary=binary, cpuinfo=destination / CPUINFO_IN_COPY,
                     parent_config=destination / WORKSPACE_NAME / ".cargo" / "config.toml")


def lotus_environment(files: TourFiles) -> dict[str, str]:
    """The simulated operator's environment: Lotus's RUSTFLAGS, and a home and CARGO_HOME inside the copy
    (so no ~/.cargo/config.toml of the real user is read). No PATH: the toolchain comes from the pin."""
    home = files.root / "home"
    return {
        "HOME": str(home),
        "CARGO_HOME": str(home / ".cargo"),
        "RUSTFLAGS": LOTUS_RUSTFLAGS,
        "FFI_BUILD_FROM_SOURCE": "1",
    }


def apply_env_changes(env: Mapping[str, str], changes) -> dict[str, str]:
    """The environment after an operator follows `buildcheck flags` (eval of its sh output)."""
    from buildcheck.recommend.shells import SetVar, UnsetVar

    result = dict(env)
    for change in changes:
        if isinstance(change, SetVar):
            result[change.name] = change.value
        elif isinstance(change, UnsetVar):
            result.pop(change.name, None)
    return result
