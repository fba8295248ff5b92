"""`buildcheck diff OLD NEW`: two binaries (or saved inspect reports) side by side, and a growth gate."""

from __future__ import annotations

import sys

import click

from buildcheck.cli_text import command as declare, global_options, option
from buildcheck.commands._options import format_option
from buildcheck.context import RunContext
from buildcheck.i18n import N_


@declare("diff", help=N_(
    "Compare two binaries (or two `inspect --format json` reports): file size, debug share, sections and debug-info "
    "origins that grew, shrank, appeared or vanished.\n\n\b\nExamples:\n"
    "  buildcheck diff old/damocles-worker target/release/damocles-worker\n"
    "  buildcheck diff before.json after.json --format json\n"
    "  buildcheck diff main.json target/release/damocles-worker --max-growth 5%"))
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@format_option(("text", "json"), N_("text for a person, json for scripts."))
@option("--max-growth", default=None, metavar="LIMIT",
        help=N_("Fail (exit 1) when NEW's file size grew by more than LIMIT: a percentage (5%) or a size (2MiB)."))
@option("--top", type=click.IntRange(min=0), default=15, show_default=True,
        help=N_("Rows per table in text output (0: all)."))
@global_options
@click.pass_obj
def command(ctx: RunContext, old: str, new: str, output_format: str, max_growth: str | None, top: int) -> int:
    from buildcheck.compare import diff_reports, growth_gate, parse_growth
    from buildcheck.report_input import load_report

    if max_growth is not None:
        parse_growth(max_growth)  # a bad limit is a usage error before any file is read
    diff = diff_reports(load_report(old), load_report(new))
    gate = growth_gate(diff, max_growth) if max_growth is not None else None
    if output_format == "json":
        from buildcheck.report import json_out

        payload = diff.to_json()
        if gate is not None:
            payload["gate"] = gate.to_json()
        json_out.render(sys.stdout, payload)
    else:
        from buildcheck.report import diff_text
        from buildcheck.report.console import make_console

        diff_text.render(make_console(ctx), diff, top=top, gate=gate)
    return 0 if gate is None or gate.passed else 1
