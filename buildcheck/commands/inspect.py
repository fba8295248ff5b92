"""`buildcheck inspect BINARY...`: where a binary's size went, and whose debug info it carries."""

from __future__ import annotations

import sys

import click

from buildcheck.context import RunContext
from buildcheck.cli_text import command as declare, global_options, option
from buildcheck.i18n import N_, _


@declare("inspect", help=N_(
    "Show where a binary's size went: sections, debug share, the size after `strip --strip-debug`, and "
    "debug info by crate, language and compiler.\n\n\b\nExamples:\n  buildcheck inspect "
    "target/release/damocles-worker\n  buildcheck inspect --top 0 --all-sections "
    "target/release/damocles-worker\n  buildcheck inspect --format json target/release/damocles-worker > "
    "release.json"))
@click.argument("binaries", nargs=-1, required=True, metavar="BINARY...")
@option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
        help=N_("text for a person, json for scripts (one object, or an array for several binaries)."))
@option("--top", type=click.IntRange(min=0), default=12, show_default=True,
        help=N_("Origins listed in text output (0: all)."))
@option("--all-sections", is_flag=True, help=N_("List every section in text output, not only the largest."))
@option("--isa", is_flag=True, help=N_("Also decode the code: the CPU features the binary requires, and those it uses "
                                      "only after asking the CPU (docs/en/isa.md)."))
@global_options
@click.pass_obj
def command(ctx: RunContext, binaries: tuple[str, ...], output_format: str, top: int, all_sections: bool,
            isa: bool) -> int:
    from buildcheck.elf.inspect import inspect_binary
    from buildcheck.errors import BuildcheckError
    from buildcheck.report.inspect_progress import walk_progress

    # `inspect target/release/*` meets directories, .d files and half-written binaries: each readable
    # ELF file is reported, each other path gets one line on stderr, and the exit status says so.
    reports = []
    failures: list[BuildcheckError] = []
    for path in binaries:
        try:
            with walk_progress(sys.stderr, path, enabled=output_format == "text") as progress:
                reports.append(inspect_binary(path, progress=progress))
        except BuildcheckError as exc:
            if len(binaries) == 1:
                raise
            failures.append(exc)
    isa_reports = None
    if isa:
        from buildcheck.isa.report import inspect_isa
        from buildcheck.report.inspect_progress import LONG_DECODE_BYTES

        isa_reports = []
        for report in reports:  # only the files that could be read
            with walk_progress(sys.stderr, report.path, enabled=output_format == "text",
                               long_bytes=LONG_DECODE_BYTES,
                               message=_("decoding the code of {name}")) as progress:
                isa_reports.append(inspect_isa(report.path, progress=progress))

    if output_format == "json":
        from buildcheck.report import inspect_json

        inspect_json.render(sys.stdout, reports, isa=isa_reports, as_array=len(binaries) > 1)
    elif reports:
        from buildcheck.report import inspect_text
        from buildcheck.report.console import make_console

        inspect_text.render(make_console(ctx), reports, top=top, all_sections=all_sections, isa=isa_reports)
    for failure in failures:
        click.echo(_("buildcheck: error: {message}").format(message=failure), err=True)
    return 2 if failures else 0
