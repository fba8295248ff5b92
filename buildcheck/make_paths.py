"""The build a Makefile runs, as a build path: placeholder until the make model (buildcheck/make/) lands."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from buildcheck.model import Origin


def discover_made_workspaces(directory: Path, env: Mapping[str, str]) -> Sequence[tuple[Path, Origin]]:
    return ()


def make_build_path(workspace: Path, root: Path, env: Mapping[str, str], direct: Any) -> Any:
    return None
