"""`buildcheck scan [DIR]`: what cargo will pass to rustc, each value with where it came from."""

from __future__ import annotations

import sys

import click

from buildcheck.cli_text import command as declare, global_options, option
from buildcheck.commands._options import cargo_option, format_option, profile_option, via_option
from buildcheck.context import RunContext
from buildcheck.i18n import N_


@declare("scan", help=N_(
    "Resolve cargo's debug settings before building: rustflags, per-package debuginfo, strip and the toolchain, "
    "each with the file:line or environment variable it came from, on every build path (a direct cargo build, "
    "and the build a Makefile runs). From a repository root without a Cargo.toml (damocles' root), every "
    "workspace its build reaches. Exit 1 when debug info of the project's crates will be in the binary.\n\n\b\n"
    "Examples:\n  buildcheck scan                             the current directory\n"
    "  buildcheck scan ~/damocles                  both workspaces of the repository\n"
    "  buildcheck scan --format json > scan.json\n"
    "  buildcheck scan --config profile.release.debug=false"))
@click.argument("directory", required=False, type=click.Path(file_okay=False), metavar="[DIR]")
@profile_option()
@option("--target", default=None, metavar="TRIPLE",
        help=N_("As cargo's --target (default: build.target, else host)."))
@option("--config", "config_args", multiple=True, metavar="KEY=VALUE|PATH",
        help=N_("As cargo's --config; repeatable, later ones win."))
@cargo_option()
@via_option()
@format_option(("text", "json"), N_("text for a person, json for scripts (docs/en/scan.md)."))
@global_options
@click.pass_obj
def command(ctx: RunContext, directory: str | None, profile: str, target: str | None, config_args: tuple[str, ...],
            cargo: str | None, via: str, output_format: str) -> int:
    from buildcheck.commands._project import project_for

    project = project_for(ctx, directory, ctx.scan_options(profile=profile, cargo=cargo, target=target,
                                                           config_args=config_args))
    if output_format == "json":
        from buildcheck.project import project_json
        from buildcheck.report import json_out

        json_out.render(sys.stdout, project_json(project, "scan", via))  # type: ignore[arg-type]
    else:
        from buildcheck.report import scan_text
        from buildcheck.report.console import make_console

        scan_text.render(make_console(ctx), project)
    return project.exit_code(via)  # type: ignore[arg-type]
