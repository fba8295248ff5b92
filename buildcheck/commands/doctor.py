"""`buildcheck doctor [DIR]`: will the build find the system software it needs, and what to install first."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from buildcheck.context import RunContext
from buildcheck.cli_text import command as declare, global_options, option
from buildcheck.commands._options import format_option
from buildcheck.i18n import N_, _


def _toolchain_status(ctx: RunContext, workspace: Path):
    """The toolchain that builds `workspace`, as the scanner finds it (read, never run through a proxy)."""
    from buildcheck.cargo.toolchain import find_toolchain

    return find_toolchain(workspace, ctx.env, None, host=ctx.host)


def _no_cargo_because(workspace: Path, ctx: RunContext, toolchain) -> str | None:
    """Why `cargo tree` must not run in `workspace`: a setting names a program cargo would start."""
    from buildcheck.cargo.programs import configured_programs
    from buildcheck.errors import ConfigError

    try:
        named = configured_programs(workspace.resolve(), ctx.env, toolchain.version if toolchain else None)
    except ConfigError as exc:
        return _("cargo tree not run: {reason}").format(reason=exc)
    if not named:
        return None
    return _("cargo tree not run: {source} names {program} for cargo to start, and buildcheck never runs a "
             "program a configuration names").format(source=named[0].origin.describe(), program=named[0].value)


def _workspaces(directory: Path, ctx: RunContext) -> list[Path]:
    """DIR itself when it is in a workspace; else the workspaces its build reaches (as `scan` finds them)."""
    from buildcheck.cargo.discover import find_workspace
    from buildcheck.make_paths import discover_made_workspaces
    from buildcheck.project import discover_workspaces

    if find_workspace(directory) is not None:
        return [directory]
    return [path for path, _origin in discover_workspaces(directory, ctx.env, discover_made_workspaces)]


def _features_of(workspace: Path, root: Path, ctx: RunContext) -> tuple[tuple[str, ...], bool]:
    """The features the make build selects (damocles: FFI_USE_CUDA / DAMOCLES_WORKER_FEATURES become
    `--features=cuda`), else the defaults: what the build the project's docs run will compile."""
    from buildcheck.cargo.invocation import parse_cargo_invocation
    from buildcheck.make_paths import documented_make_build

    build = documented_make_build(workspace, root, ctx.env)
    if build is None:
        return (), True
    invocation = parse_cargo_invocation(build.call.argv)
    return tuple(dict.fromkeys(invocation.features)), not invocation.no_default_features


def _split_features(values: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        out.extend(part for part in value.replace(",", " ").split() if part)
    return tuple(dict.fromkeys(out))


@declare("doctor", help=N_(
    "Will the build find the system software its build scripts look for? Reads the -sys and build-helper "
    "crates from Cargo.lock, works out which ones the selected features build, probes the machine as their "
    "build scripts do (pkg-config, libclang, libraries, headers, programs) and prints one install command. "
    "Installs, downloads and builds nothing. Exit 1 when something is missing.\n\n\b\nExamples:\n"
    "  buildcheck doctor ~/damocles                 every workspace of the repository\n"
    "  buildcheck doctor ~/damocles/damocles-worker --features cuda\n"
    "  buildcheck doctor --format json > doctor.json\n"
    "  buildcheck doctor --root /srv/image          a container image's file tree"))
@click.argument("directory", required=False, type=click.Path(file_okay=False), metavar="[DIR]")
@option("--features", "features", multiple=True, metavar="LIST",
        help=N_("As cargo's --features (comma or space separated, repeatable); FFI_USE_CUDA=1 means cuda."))
@option("--no-default-features", is_flag=True, help=N_("As cargo's --no-default-features."))
@option("--root", "root", default=None, type=click.Path(file_okay=False, exists=True), metavar="PATH",
        help=N_("Probe the file tree under PATH instead of this machine (nothing is run)."))
@format_option(("text", "json"), N_("text for a person, json for scripts (docs/en/doctor.md)."))
@global_options
@click.pass_obj
def command(ctx: RunContext, directory: str | None, features: tuple[str, ...], no_default_features: bool,
            root: str | None, output_format: str) -> int:
    from buildcheck.doctor.probe import HostProbe
    from buildcheck.doctor.run import WorkspaceRequest, run_doctor
    from buildcheck.errors import UsageError

    base = ctx.directory(directory)
    found = _workspaces(base, ctx)
    if not found:
        raise UsageError(_("no Cargo.toml in {path}, above it, or in its subdirectories").format(path=base))
    selected = _split_features(features)
    # Under --root the machine judged is a file tree: this machine's cargo says nothing about it.
    toolchain = None if root else _toolchain_status(ctx, found[0].resolve())
    requests = [WorkspaceRequest(path, *(_features_of(path, base, ctx) if not features and not no_default_features
                                         else (selected, not no_default_features)),
                                 no_cargo_because=None if root else _no_cargo_because(path, ctx, toolchain))
                for path in found]
    probe = HostProbe(ctx.env, root=root or "/")
    report = run_doctor(requests, env=ctx.env, probe=probe, toolchain=toolchain,
                        project=directory or ".", cwd=ctx.cwd)
    if output_format == "json":
        from buildcheck.report import doctor_json

        doctor_json.render(sys.stdout, report)
    else:
        from buildcheck.report import doctor_text
        from buildcheck.report.console import make_console

        doctor_text.render(make_console(ctx), report)
    return report.exit_code
