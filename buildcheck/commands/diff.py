"""`buildcheck diff OLD NEW`: two binaries (or saved inspect reports) side by side, and a growth gate."""

from __future__ import annotations

import json
import re
import sys

import click

from buildcheck.context import RunContext
from buildcheck.errors import UsageError
from buildcheck.i18n import _

_PERCENT = re.compile(r"(?P<number>[0-9]{1,6}(?:\.[0-9]{1,6})?)\s*%")


def parse_growth(text: str) -> tuple[str, float]:
    """`5%` -> ("relative", 0.05); `2MiB` -> ("bytes", 2097152)."""
    match = _PERCENT.fullmatch(text.strip())
    if match:
        return "relative", float(match.group("number")) / 100
    from buildcheck.sizes import parse_size

    try:
        return "bytes", float(parse_size(text))
    except UsageError:
        raise UsageError(_("invalid --max-growth {text!r}: expected a percentage such as 5% "
                           "or a size such as 2MiB").format(text=text)) from None


@click.command(name="diff", help=_(
    "Compare two binaries (or two `inspect --format json` reports): file size, debug share, "
    "sections and debug-info origins that grew, shrank, appeared or vanished.\n\n"
    "Examples:\n\n"
    "  buildcheck diff old/damocles-worker target/release/damocles-worker\n\n"
    "  buildcheck diff before.json after.json --format json\n\n"
    "  buildcheck diff main.json target/release/damocles-worker --max-growth 5%"))
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help=_("text for a person, json for scripts."))
@click.option("--max-growth", default=None, metavar="LIMIT",
              help=_("Fail (exit 1) when NEW's file size grew by more than LIMIT: a percentage (5%) or a size (2MiB)."))
@click.option("--top", type=click.IntRange(min=0), default=15, show_default=True,
              help=_("Rows per table in text output (0: all)."))
@click.pass_obj
def command(ctx: RunContext, old: str, new: str, output_format: str, max_growth: str | None, top: int) -> int:
    from buildcheck.compare import diff_reports
    from buildcheck.report_input import load_report

    limit = parse_growth(max_growth) if max_growth is not None else None
    diff = diff_reports(load_report(old), load_report(new))
    exceeded = False
    if limit is not None:
        kind, value = limit
        change = diff.file_size.change
        exceeded = change > value if kind == "bytes" else (
            change > 0 if diff.file_size.growth is None else diff.file_size.growth > value)

    if output_format == "json":
        payload = diff.to_json()
        if limit is not None:
            payload["gate"] = {"max_growth": max_growth, "passed": not exceeded}
        json.dump(payload, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        from buildcheck.report import diff_text
        from buildcheck.report.console import make_console

        console = make_console(ctx)
        diff_text.render(console, diff, top=top)
        if limit is not None:
            console.print()
            if exceeded:
                console.print(_("FAIL: the file grew more than --max-growth {limit}").format(limit=max_growth),
                              style="bold red")
            else:
                console.print(_("PASS: growth within --max-growth {limit}").format(limit=max_growth),
                              style="bold green")
    return 1 if exceeded else 0
