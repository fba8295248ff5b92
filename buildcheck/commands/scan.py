"""`buildcheck scan [DIR]`: what cargo will pass to rustc, each value with where it came from."""

from __future__ import annotations

import sys

import click

from buildcheck.context import RunContext
from buildcheck.i18n import _


@click.command(name="scan", help=_(
    "Resolve cargo's debug settings for a workspace before building: rustflags, per-package debuginfo, "
    "strip and the toolchain, each with the file:line or environment variable it came from. Exit 1 when "
    "debug info of the project's crates will be in the binary.\n\n\b\nExamples:\n  buildcheck scan       "
    "                      the current directory\n  buildcheck scan ~/damocles/damocles-worker\n  "
    "buildcheck scan --format json > scan.json\n  buildcheck scan --config profile.release.debug=false"))
@click.argument("directory", required=False, type=click.Path(file_okay=False), metavar="[DIR]")
@click.option("--profile", default="release", show_default=True, help=_("The cargo profile to resolve."))
@click.option("--target", default=None, metavar="TRIPLE", help=_("As cargo's --target (default: build.target, else host)."))
@click.option("--config", "config_args", multiple=True, metavar="KEY=VALUE|PATH",
              help=_("As cargo's --config; repeatable, later ones win."))
@click.option("--cargo", default=None, metavar="PATH", help=_("The cargo whose version decides version-dependent rules."))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help=_("text for a person, json for scripts (docs/en/scan.md)."))
@click.pass_obj
def command(ctx: RunContext, directory: str | None, profile: str, target: str | None,
            config_args: tuple[str, ...], cargo: str | None, output_format: str) -> int:
    from buildcheck.cargo.scan import scan

    cwd = ctx.directory(directory)
    result = scan(cwd=cwd, env=ctx.env, profile=profile, target=target, config_args=config_args, cargo=cargo, host_cpu_features=ctx.host_cpu_features())
    if output_format == "json":
        from buildcheck.report import scan_json

        scan_json.render(sys.stdout, result)
    else:
        from buildcheck.report import scan_text
        from buildcheck.report.console import make_console

        scan_text.render(make_console(ctx), result)
    return result.exit_code

