"""Which file edits `buildcheck fix` makes: the plan's, limited to the files the scan read settings from."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from buildcheck.project import ProjectReport, ViaChoice
from buildcheck.recommend.edits import Edit
from buildcheck.recommend.plan import FixPlan, fix_plan


def project_plan(project: ProjectReport, via: ViaChoice) -> FixPlan:
    """One plan for every workspace and every chosen build path (a remedy shared by two paths appears once)."""
    causes = [cause for workspace in project.workspaces for path in workspace.paths(via) for cause in path.causes]
    return fix_plan(causes)


def scanned_files(project: ProjectReport) -> tuple[Path, ...]:
    """The files the scans read settings from: the config layers and each workspace root manifest."""
    files: list[Path] = []
    for workspace in project.workspaces:
        scan = workspace.direct.scan
        files.extend(layer.path for layer in scan.layers if layer.path is not None)
        if scan.workspace_root is not None:
            files.append(scan.workspace_root / "Cargo.toml")
    return tuple(files)


def file_edits(plan: FixPlan, project: ProjectReport) -> Iterable[tuple[str, list[Edit]]]:
    """Per file, its edits in plan order; the project's own files first, then those outside it (~/.cargo)."""
    allowed = {os.path.realpath(path) for path in scanned_files(project)}
    grouped: dict[str, list[Edit]] = {}
    for remedy in plan.files:
        if os.path.realpath(remedy.path) in allowed and remedy.edit not in grouped.get(remedy.path, []):
            grouped.setdefault(remedy.path, []).append(remedy.edit)
    inside = str(project.directory) + os.sep
    return sorted(grouped.items(), key=lambda item: not os.path.realpath(item[0]).startswith(inside))
