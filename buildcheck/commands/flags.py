"""`buildcheck flags [DIR]`: the environment to build with, as lines a shell (or $GITHUB_ENV, or make) reads.

stdout carries only what the target evaluates: `eval "$(buildcheck flags)"` and
`buildcheck flags --shell github-env >> "$GITHUB_ENV"` must work as they are. What was removed and why goes along
as `#` comments where the target has comments (sh, fish, make); the CPU summary, the SIGILL warning and every note
go to stderr. /proc/cpuinfo is read here, at the edge, and handed to the library as text.
"""

from __future__ import annotations

import sys

import click

from buildcheck.cli_text import command as declare, global_options, option
from buildcheck.commands._options import cargo_option, profile_option, via_option
from buildcheck.context import RunContext
from buildcheck.errors import InputError, UsageError
from buildcheck.i18n import N_, _
from buildcheck.recommend.shells import SHELLS

DEFAULT_CPUINFO = "/proc/cpuinfo"


def _blst_version(workspace) -> str | None:
    """blst's version when its build script would follow the build host (BC201 among the causes)."""
    cause = next((c for c in workspace.documented.causes if c.kind == "blst-host-adx"), None)
    return cause.message.param("version") if cause is not None else None


@declare("flags", help=N_(
    "Print the environment to build with: RUSTFLAGS without debug flags, -C target-cpu=native kept (or "
    "--portable), strip where cargo does not. stdout holds only what the shell evaluates; notes go to stderr.\n\n\b\n"
    "Examples:\n  eval \"$(buildcheck flags)\"\n  buildcheck flags --shell fish | source\n"
    "  buildcheck flags --shell github-env >> \"$GITHUB_ENV\"\n  buildcheck flags --portable"))
@click.argument("directory", required=False, type=click.Path(file_okay=False), metavar="[DIR]")
@option("--shell", "shell", type=click.Choice(SHELLS), default="sh", show_default=True,
        help=N_("Who reads the output: sh (eval), fish (source), github-env ($GITHUB_ENV) or make (include)."))
@profile_option(N_("The cargo profile that will be built."))
@option("--portable", is_flag=True,
        help=N_("Instead of -C target-cpu=native: x86-64-v3 plus this host's sealing features, named explicitly."))
@option("--cpuinfo", "cpuinfo_path", default=None, metavar="PATH",
        help=N_("The CPU description to read (default: /proc/cpuinfo)."))
@cargo_option()
@via_option()
@option("--runs-on", "runs_on", multiple=True, metavar="SPEC",
        help=N_("With --portable: the highest x86-64 level and the features every named machine has (a /proc/cpuinfo "
                "file, a directory of them, `host` or x86-64-v1..v4; repeatable)."))
@global_options
@click.pass_obj
def command(ctx: RunContext, directory: str | None, shell: str, profile: str, portable: bool,
            cpuinfo_path: str | None, cargo: str | None, via: str, runs_on: tuple[str, ...]) -> int:
    from buildcheck.commands._project import project_for
    from buildcheck.recommend.cpu_features import cpuinfo_flags, read_cpuinfo, summarize_native
    from buildcheck.x86_features import rustc_features
    from buildcheck.recommend.fix_files import project_plan
    from buildcheck.recommend.flags_plan import flags_plan
    from buildcheck.recommend.plan import rustflags_after
    from buildcheck.report import flags_text
    from buildcheck.report.console import make_console

    # Read the CPU description once: the scan needs it for cfg(target_feature) keys under target-cpu=native, the
    # summary for what native gives; --cpuinfo must mean the same to both.
    try:
        text: str | None = read_cpuinfo(cpuinfo_path or DEFAULT_CPUINFO)
        unreadable: InputError | None = None
    except InputError as exc:
        text, unreadable = None, exc
    host_features = rustc_features(cpuinfo_flags(text)) if text is not None else None
    project = project_for(ctx, directory, ctx.scan_options(profile=profile, cargo=cargo,
                                                           host_cpu_features=host_features,
                                                           read_cpu=False))
    first = project.workspaces[0]
    summary = None
    if first.direct.scan.target.startswith("x86_64"):
        if unreadable is not None and (cpuinfo_path is not None or portable):
            raise unreadable  # asked for explicitly: the user must know it failed
        if host_features is not None:  # else no /proc here: the summary is simply left out
            summary = summarize_native(host_features)
    elif portable:
        raise UsageError(_("--portable knows x86_64 only; the target is {target}").format(
            target=first.direct.scan.target))

    if runs_on and not portable:
        raise UsageError(_("--runs-on needs --portable (the flags for the machines named)"))
    portable_flags: tuple[str, ...] = ()
    fleet_flags = None
    if portable and runs_on:  # what every machine of the fleet has, in names this toolchain's rustc accepts
        from buildcheck.runs_on import machines_from_specs, portable_flags as fleet_portable_flags

        version = first.direct.scan.toolchain.rustc_version or first.direct.scan.toolchain.version
        fleet_flags = fleet_portable_flags(machines_from_specs(runs_on, host_cpuinfo=cpuinfo_path or DEFAULT_CPUINFO),
                                           rustc_version=(version.major, version.minor) if version else None)
        portable_flags = fleet_flags.flags
    elif portable:
        assert summary is not None
        # A host with neither x86-64-v3 nor a sealing feature: the x86-64 baseline is what is portable.
        portable_flags = summary.portable_flags or ("-C", "target-cpu=x86-64")
    plan = project_plan(project, via)  # type: ignore[arg-type]
    answers = [flags_plan(plan, rustflags_after(w.documented.scan, plan), ctx.env, portable_flags=portable_flags,
                          blst=_blst_version(w))
               for w in project.workspaces]
    flags_text.render(sys.stdout, make_console(ctx, sys.stderr), answers[0], shell=shell,  # type: ignore[arg-type]
                      summary=summary, portable=portable, others=answers[1:], fleet=fleet_flags)
    return 0
