"""Where a finding is shown in CI: a file of the repository and a line, for SARIF and GitHub annotations.

Code scanning and annotations attach to files, but many causes are environment
variables (RUSTFLAGS) or defaults. Those are placed on the workspace manifest
(`manifest_path`), and the renderers name the real origin in the message.
Paths inside `root` become repository-relative; paths outside it (e.g.
~/.cargo/config.toml) stay absolute, and each renderer decides what it can do with them.
Relative origin paths are taken relative to `root`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from buildcheck.model import Origin


@dataclass(frozen=True, kw_only=True)
class CiLocation:
    absolute_path: str
    relative_path: str | None  # posix, relative to root; None when outside root
    line: int | None
    stands_in_for: Origin | None  # the env var / default this manifest location stands in for


def _absolute(path: str, root: str) -> str:
    return os.path.normpath(os.path.join(root, path))


def _relative_to(path: str, root: str) -> str | None:
    root = os.path.normpath(os.path.abspath(root))
    try:
        if os.path.commonpath([path, root]) != root:
            return None
    except ValueError:  # different drives; not on Linux, but harmless
        return None
    relative = os.path.relpath(path, root)
    return None if relative == "." else relative.replace(os.sep, "/")


def locate(origin: Origin | None, *, root: str, manifest_path: str | None) -> CiLocation | None:
    """The file and line to show `origin` at, or None when there is nowhere (no file, no manifest)."""
    if origin is not None and origin.kind == "file" and origin.path:
        path = _absolute(origin.path, root)
        line = origin.line if origin.line and origin.line >= 1 else None
        return CiLocation(absolute_path=path, relative_path=_relative_to(path, root), line=line, stands_in_for=None)
    if manifest_path is None:
        return None
    path = _absolute(manifest_path, root)
    return CiLocation(absolute_path=path, relative_path=_relative_to(path, root), line=None, stands_in_for=origin)
