"""`buildcheck explain [BINARY] [DIR]`: which settings put the binary's debug info there, ranked, with evidence."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from buildcheck.context import RunContext
from buildcheck.errors import UsageError
from buildcheck.i18n import _


def split_arguments(cwd: Path, arguments: tuple[str, ...]) -> tuple[Path | None, Path]:
    """(binary, directory) from `[BINARY] [DIR]`; a lone directory is DIR (`explain .` explains the settings).

    The binary keeps the spelling it was given (as `inspect` does), so messages name it as the user typed it.
    """
    if len(arguments) > 2:
        raise UsageError(_("expected at most a BINARY and a DIR, got {count} arguments").format(count=len(arguments)))
    paths = [cwd / argument for argument in arguments]
    if len(paths) == 1 and paths[0].is_dir():
        return None, paths[0]
    binary = Path(arguments[0]) if arguments else None
    directory = paths[1] if len(paths) == 2 else cwd
    if not directory.is_dir():
        raise UsageError(_("{path} is not a directory").format(path=directory))
    return binary, directory


@click.command(name="explain", help=_(
    "Join a binary's debug info with the settings that caused it: the causes, most important first, each "
    "with its evidence and fix. Without BINARY, from the settings alone.\n\n\b\nExamples:\n  buildcheck "
    "explain target/release/damocles-worker\n  buildcheck explain target/release/damocles-worker "
    "~/damocles/damocles-worker\n  buildcheck explain                          settings only, current "
    "directory\n  buildcheck explain target/release/damocles-worker --format json"))
@click.argument("arguments", nargs=-1, metavar="[BINARY] [DIR]")
@click.option("--profile", default="release", show_default=True, help=_("The cargo profile the binary was built with."))
@click.option("--cargo", default=None, metavar="PATH", help=_("The cargo whose version decides version-dependent rules."))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help=_("text for a person, json for scripts (docs/en/explain.md)."))
@click.pass_obj
def command(ctx: RunContext, arguments: tuple[str, ...], profile: str, cargo: str | None, output_format: str) -> int:
    from buildcheck.cargo.scan import scan
    from buildcheck.elf.inspect import inspect_binary
    from buildcheck.explain import explain

    binary, directory = split_arguments(Path(ctx.cwd), arguments)
    report = inspect_binary(str(binary)) if binary is not None else None
    explanation = explain(scan(cwd=directory, env=ctx.env, profile=profile, cargo=cargo, host_cpu_features=ctx.host_cpu_features()), report)
    if output_format == "json":
        from buildcheck.report import explain_json

        explain_json.render(sys.stdout, explanation)
    else:
        from buildcheck.report import explain_text
        from buildcheck.report.console import make_console

        explain_text.render(make_console(ctx), explanation)
    return 0

