"""`buildcheck explain [BINARY] [DIR]`: which settings put the binary's debug info there, ranked, with evidence."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from buildcheck.cli_text import command as declare, global_options
from buildcheck.commands._options import cargo_option, format_option, profile_option, via_option
from buildcheck.context import RunContext
from buildcheck.errors import UsageError
from buildcheck.i18n import N_, _


def split_arguments(cwd: Path, arguments: tuple[str, ...]) -> tuple[Path | None, Path | None]:
    """(binary, directory) from `[BINARY] [DIR]`; a lone directory is DIR (`explain .` explains the settings).

    The binary keeps the spelling it was given (as `inspect` does), so messages name it as the user typed it.
    DIR None: not given (the binary's own workspace is looked for).
    """
    if len(arguments) > 2:
        raise UsageError(_("expected at most a BINARY and a DIR, got {count} arguments").format(count=len(arguments)))
    paths = [cwd / argument for argument in arguments]
    if len(paths) == 1 and paths[0].is_dir():
        return None, paths[0]
    binary = Path(arguments[0]) if arguments else None
    directory = paths[1] if len(paths) == 2 else None
    if directory is not None and not directory.is_dir():
        raise UsageError(_("{path} is not a directory").format(path=directory))
    return binary, directory


def binary_workspace(binary: Path, cwd: Path) -> Path | None:
    """The directory of the workspace whose `target/` holds `binary` (walking up from the binary), if any."""
    here = Path(os.path.abspath(cwd / binary)).parent
    for directory in (here, *here.parents):
        if directory.name == "target" and (directory.parent / "Cargo.toml").is_file():
            return directory.parent
    return None


@declare("explain", help=N_(
    "Join a binary's debug info with the settings that caused it: the causes, most important first, each with its "
    "evidence and fix. Without BINARY, from the settings alone. Without DIR, the settings of the workspace whose "
    "target/ holds BINARY (else the current directory).\n\n\b\nExamples:\n"
    "  buildcheck explain target/release/damocles-worker\n"
    "  buildcheck explain dist/bin/damocles-worker ~/damocles/damocles-worker\n"
    "  buildcheck explain                          settings only, current directory\n"
    "  buildcheck explain target/release/damocles-worker --format json"))
@click.argument("arguments", nargs=-1, metavar="[BINARY] [DIR]")
@profile_option(N_("The cargo profile the binary was built with."))
@cargo_option()
@via_option()
@format_option(("text", "json"), N_("text for a person, json for scripts (docs/en/explain.md)."))
@global_options
@click.pass_obj
def command(ctx: RunContext, arguments: tuple[str, ...], profile: str, cargo: str | None, via: str,
            output_format: str) -> int:
    from buildcheck.commands._project import project_for
    from buildcheck.elf.inspect import inspect_binary
    from buildcheck.explain import explain
    from buildcheck.gate import binary_path_for, owning_workspace

    cwd = Path(ctx.cwd)
    binary, directory = split_arguments(cwd, arguments)
    if directory is None:
        directory = (binary_workspace(binary, cwd) if binary is not None else None) or cwd
    report = inspect_binary(str(binary)) if binary is not None else None
    options = ctx.scan_options(profile=profile, cargo=cargo)
    project = project_for(ctx, str(directory), options)
    workspaces = [owning_workspace(str(binary), project)] if binary is not None else list(project.workspaces)
    explanations = []
    for workspace in workspaces:
        path = binary_path_for(workspace, via)  # type: ignore[arg-type]
        explanations.append(explain(path.scan, path.causes, report))
    if output_format == "json":
        from buildcheck.report import json_out

        if len(explanations) == 1 and not (project.is_root and binary is None):
            json_out.render(sys.stdout, explanations[0].to_json())
        else:
            from buildcheck.explain import SCHEMA_VERSION

            json_out.render(sys.stdout, {"schema_version": SCHEMA_VERSION, "command": "explain",
                                         "root": str(project.directory),
                                         "workspaces": [e.to_json() for e in explanations]})
    else:
        from buildcheck.report import explain_text
        from buildcheck.report.console import make_console

        out = make_console(ctx)
        for index, explanation in enumerate(explanations):
            if index:
                out.blank()
            explain_text.render(out, explanation)
    return 0
