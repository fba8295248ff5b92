"""`buildcheck check [DIR] [--binary PATH]...`: the CI gate. Exit 0 pass, 1 fail, 2 usage error or unreadable input."""

from __future__ import annotations

import sys

import click

from buildcheck.cli_text import command as declare, global_options, option
from buildcheck.commands._options import cargo_option, format_option, profile_option, via_option
from buildcheck.context import RunContext
from buildcheck.errors import UsageError
from buildcheck.i18n import N_, _
from buildcheck.recommend.verdict import FAIL_ON_CHOICES
from buildcheck.sizes import ByteSize


@declare("check", help=N_(
    "CI gate: fail on settings or binaries that carry debug info, on every build path of every workspace DIR "
    "stands for. Exit 0 pass, 1 fail, 2 usage error or unreadable input.\n\n\b\nExamples:\n"
    "  buildcheck check ~/damocles\n"
    "  buildcheck check . --binary target/release/damocles-worker --max-size 200MiB\n"
    "  buildcheck check . --format sarif > buildcheck.sarif\n"
    "  buildcheck check . --format github          annotations in GitHub Actions\n"
    "  buildcheck check . --via make --fail-on warning"))
@click.argument("directory", required=False, type=click.Path(file_okay=False), metavar="[DIR]")
@option("--binary", "binaries", multiple=True, metavar="PATH",
        help=N_("A built binary to check as well (repeatable)."))
@option("--max-size", type=ByteSize(), default=None, metavar="SIZE",
        help=N_("Fail when a --binary is larger: bytes, 50MiB (1024s), 200MB (1000s)."))
@profile_option(N_("The cargo profile to check."))
@option("--fail-on", type=click.Choice(FAIL_ON_CHOICES), default="error", show_default=True,
        help=N_("The lowest severity that fails the check."))
@cargo_option()
@via_option()
@format_option(("text", "json", "sarif", "github"),
               N_("text, json (docs/en/check.md), sarif (code scanning), github (annotations)."))
@option("--runs-on", "runs_on", multiple=True, metavar="SPEC",
        help=N_("Fail (BC104) when a --binary needs CPU features a machine lacks: a /proc/cpuinfo file, a directory "
                "of them, `host` or x86-64-v1..v4 (repeatable; docs/en/isa.md)."))
@global_options
@click.pass_obj
def command(ctx: RunContext, directory: str | None, binaries: tuple[str, ...], max_size: int | None, profile: str,
            fail_on: str, cargo: str | None, via: str, output_format: str, runs_on: tuple[str, ...]) -> int:
    from buildcheck.commands._project import project_for
    from buildcheck.elf.inspect import inspect_binary
    from buildcheck.gate import repository_root, run_gate

    if max_size is not None and not binaries:
        raise UsageError(_("--max-size needs at least one --binary to measure"))
    if runs_on and not binaries:
        raise UsageError(_("--runs-on needs at least one --binary to check"))
    project = project_for(ctx, directory, ctx.scan_options(profile=profile, cargo=cargo))
    # Read every binary before printing anything: a bad path gives one clean error line (exit 2).
    reports = [inspect_binary(path) for path in binaries]  # named as typed, as `inspect` names them
    report = run_gate(project, reports, via=via, max_size=max_size, fail_on=fail_on)  # type: ignore[arg-type]
    fleet = None
    if runs_on:  # the CPU-feature gate: its BC104 findings join the others, and so the verdict
        from buildcheck.runs_on import check_binaries_on

        fleet, report = check_binaries_on(report, binaries, runs_on, host_cpuinfo=ctx.cpuinfo_path, fail_on=fail_on)

    if output_format == "json":
        from buildcheck.report import findings_json

        sections = report.to_json() | ({"runs_on": fleet.to_json()} if fleet else {})
        findings_json.render(sys.stdout, report.findings, report.verdict, sections=sections)
    elif output_format in ("sarif", "github"):
        first = project.workspaces[0].direct.scan.workspace_root
        root = str(repository_root(project.directory, first, ctx.env))
        if output_format == "sarif":
            from buildcheck.report import sarif

            sarif.render(sys.stdout, report.ci_findings(), root=root)
        else:
            from buildcheck.report import github

            github.render(sys.stdout, report.ci_findings(), root=root)
    else:
        from buildcheck.report import check_text
        from buildcheck.report.console import make_console

        out = make_console(ctx)
        check_text.render(out, report)
        if fleet is not None:
            from buildcheck.report import runs_on_text

            runs_on_text.render(out, fleet)
    return report.verdict.exit_code
