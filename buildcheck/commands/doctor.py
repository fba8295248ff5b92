"""`buildcheck doctor [DIR]`: will the build find the system software it needs, and what to install first."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from buildcheck.context import RunContext
from buildcheck.i18n import _


def _toolchain_status(ctx: RunContext, workspace: Path):
    """The lead's `buildcheck.cargo.toolchain` status goes here (ToolchainStatus, see doctor/toolchain.py).

    Until it lands the toolchain is `unknown`, and cargo metadata is not run (a rustup proxy could
    download the pinned toolchain).
    """
    return None


def _workspaces(directory: Path) -> list[Path]:
    """DIR itself when it holds a Cargo.toml (or sits inside a workspace); else each direct subdirectory
    with a Cargo.toml and a Cargo.lock (damocles' root: damocles-worker, damocles-worker-util).

    The lead's root discovery replaces this; run_doctor takes any list.
    """
    from buildcheck.cargo.discover import nearest_manifest

    if nearest_manifest(directory) is not None:
        return [directory]
    try:
        children = sorted(p for p in directory.iterdir() if p.is_dir())
    except OSError:
        children = []
    return [c for c in children if (c / "Cargo.toml").is_file() and (c / "Cargo.lock").is_file()]


def _split_features(values: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        out.extend(part for part in value.replace(",", " ").split() if part)
    return tuple(dict.fromkeys(out))


@click.command(name="doctor", help=_(
    "Will the build find the system software its build scripts look for? Reads the -sys and build-helper "
    "crates from Cargo.lock, works out which ones the selected features build, probes the machine as their "
    "build scripts do (pkg-config, libclang, libraries, headers, programs) and prints one install command. "
    "Installs, downloads and builds nothing. Exit 1 when something is missing.\n\n\b\nExamples:\n"
    "  buildcheck doctor ~/damocles                 every workspace of the repository\n"
    "  buildcheck doctor ~/damocles/damocles-worker --features cuda\n"
    "  buildcheck doctor --format json > doctor.json\n"
    "  buildcheck doctor --root /srv/image          a container image's file tree"))
@click.argument("directory", required=False, type=click.Path(file_okay=False), metavar="[DIR]")
@click.option("--features", "features", multiple=True, metavar="LIST",
              help=_("As cargo's --features (comma or space separated, repeatable); FFI_USE_CUDA=1 means cuda."))
@click.option("--no-default-features", is_flag=True, help=_("As cargo's --no-default-features."))
@click.option("--root", "root", default=None, type=click.Path(file_okay=False, exists=True), metavar="PATH",
              help=_("Probe the file tree under PATH instead of this machine (nothing is run)."))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help=_("text for a person, json for scripts (docs/en/doctor.md)."))
@click.pass_obj
def command(ctx: RunContext, directory: str | None, features: tuple[str, ...], no_default_features: bool,
            root: str | None, output_format: str) -> int:
    from buildcheck.doctor.probe import HostProbe
    from buildcheck.doctor.run import WorkspaceRequest, run_doctor
    from buildcheck.errors import UsageError

    base = ctx.directory(directory)
    found = _workspaces(base)
    if not found:
        raise UsageError(_("no Cargo.toml in {path}, above it, or in its subdirectories").format(path=base))
    selected = _split_features(features)
    requests = [WorkspaceRequest(path, selected, not no_default_features) for path in found]
    probe = HostProbe(ctx.env, root=root or "/")
    report = run_doctor(requests, env=ctx.env, probe=probe, toolchain=_toolchain_status(ctx, found[0]),
                        project=directory or ".", cwd=ctx.cwd)
    if output_format == "json":
        from buildcheck.report import doctor_json

        doctor_json.render(sys.stdout, report)
    else:
        from buildcheck.report import doctor_text
        from buildcheck.report.console import make_console

        doctor_text.render(make_console(ctx), report)
    return report.exit_code
