"""[DIR] to a ProjectReport: the workspaces it stands for, each with its build paths (direct and make)."""

from __future__ import annotations

from buildcheck.context import RunContext
from buildcheck.project import ProjectReport, ScanOptions, scan_project


def project_for(ctx: RunContext, directory: str | None, options: ScanOptions) -> ProjectReport:
    from buildcheck.make_paths import discover_made_workspaces, make_build_path, make_stops_before

    return scan_project(ctx.directory(directory), options, make_discovery=discover_made_workspaces,
                        make_paths=make_build_path, make_stops=make_stops_before)
