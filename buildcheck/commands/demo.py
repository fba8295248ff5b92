"""`buildcheck demo`: a guided first run on the shipped examples (see buildcheck/tour.py).

Each step is a heading, a sentence or two of narration, and the real command's real output,
run in-process on a copy of the examples with a simulated Lotus environment.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import click
from rich.cells import cell_len

from buildcheck.context import RunContext
from buildcheck.cli_text import command as declare, global_options, option
from buildcheck.i18n import N_, _


class _Narrator:
    def __init__(self, color: bool, total: int):
        self.color = color
        self.total = total
        self.number = 0

    def step(self, title: str) -> None:
        self.number += 1
        heading = _("Step {number}/{total}: {title}").format(number=self.number, total=self.total, title=title)
        sys.stdout.flush()
        click.echo()
        click.echo(click.style(heading, bold=True) if self.color else heading)
        # as wide as the heading on screen: a Chinese character takes two columns
        click.echo(("─" if self.color else "-") * cell_len(heading))

    def say(self, text: str) -> None:
        sys.stdout.flush()
        click.echo(text)
        click.echo()

    def command_line(self, text: str) -> None:
        click.echo(click.style("$ " + text, fg="cyan") if self.color else "$ " + text)


def _run(name: str, args: list[str], *, env: Mapping[str, str], cwd: Path, color: str, host: str,
         cpuinfo: str) -> int:
    """Run one of our own commands in-process with the tour's environment instead of the user's.

    The whole story goes to stdout (`buildcheck demo > tour.txt` keeps it all): what a command writes to stderr
    for a person (the CPU summary of `flags`, the "wrote ..." lines of `fix`) is part of the tour."""
    import contextlib
    import importlib

    module = importlib.import_module(f"buildcheck.commands.{name}")
    # The build host is the shipped sample CPU in every step, as the environment is the simulated one.
    obj = RunContext(env=dict(env), cwd=str(cwd), color=color, host=host, cpuinfo_path=cpuinfo)
    sys.stdout.flush()
    with contextlib.redirect_stderr(sys.stdout):
        status = module.command.main(args=args, prog_name=f"buildcheck {name}", obj=obj, standalone_mode=False)
        sys.stdout.flush()
    return status if isinstance(status, int) else 0


@declare("demo", help=N_(
    "A guided first run: the Lotus `-g` story on the examples shipped with buildcheck. It copies a small "
    "workspace shaped like damocles-worker (pinned to Rust 1.72.0, with a parent .cargo/config.toml) and a "
    "binary built with -g into a new directory, then runs scan, inspect, explain, flags and fix there with a "
    "simulated Lotus environment, and scans again after the fix. Your own environment, home directory and "
    "cargo are not used; nothing outside that directory is written. No cargo is needed.\n\n"
    "Exit status 0 when the fixed copy scans clean.\n\n"
    "\b\nExamples:\n"
    "  buildcheck demo\n"
    "  buildcheck --lang zh demo\n"
    "  buildcheck demo --keep ./buildcheck-demo    keep the copy to look at afterwards"))
@option("--keep", "keep", default=None, metavar="DIR", type=click.Path(file_okay=False),
        help=N_("Copy the examples into DIR (new or empty) and keep them, instead of a temporary directory."))
@global_options
@click.pass_obj
def command(ctx: RunContext, keep: str | None) -> int:
    color = ctx.use_color(sys.stdout.isatty())
    if keep is not None:
        return _tour(Path(ctx.cwd) / keep, color, ctx.host)
    with tempfile.TemporaryDirectory(prefix="buildcheck-demo-") as tmp:
        return _tour(Path(tmp), color, ctx.host)


def _fixed_environment(workspace: Path, env: Mapping[str, str], host: str) -> dict[str, str]:
    """The tour's environment after `eval "$(buildcheck flags)"`."""
    from buildcheck import tour
    from buildcheck.project import ScanOptions, scan_project
    from buildcheck.recommend.fix_files import project_plan
    from buildcheck.recommend.flags_plan import flags_plan
    from buildcheck.recommend.plan import rustflags_after

    project = scan_project(workspace, ScanOptions(env=env, host_triple=host))
    plan = project_plan(project, "both")
    answer = flags_plan(plan, rustflags_after(project.workspaces[0].documented.scan, plan), env)
    return tour.apply_env_changes(env, answer.for_shell("sh"))


def _tour(root: Path, color: bool, host: str) -> int:
    from buildcheck import tour

    files = tour.copy_examples(root)
    env = tour.lotus_environment(files)
    color_choice = "always" if color else "never"
    ws = files.workspace
    binary = files.binary.relative_to(ws)
    cpuinfo = str(files.cpuinfo)
    say = _Narrator(color, total=6)

    click.echo(_("buildcheck demo: why a damocles-worker built the Lotus way is 1-2 GB instead of tens of MB, "
                 "and what to set instead."))
    click.echo(_("Working in a copy of the shipped examples: {path}").format(path=root))

    say.step(_("the setup"))
    say.say(_("Lotus's install guide tells operators to `export RUSTFLAGS=\"{rustflags}\"` before building from "
              "source. damocles-worker pins Rust 1.72.0 in rust-toolchain.toml, and, as often happens, a "
              ".cargo/config.toml left in a parent directory sets `[profile.release] debug = true`. The demo "
              "uses this simulated environment, not yours:").format(rustflags=tour.LOTUS_RUSTFLAGS))
    for name, value in env.items():
        click.echo(f"  {name}={value}")
    click.echo()
    click.echo(_("  {path} (workspace: damocles-worker, vc-processors, and tiny, the crate the stand-in binary "
                 "below was compiled from)").format(path=ws))
    click.echo(_("  {path} (the parent-directory config)").format(path=files.parent_config))

    say.step(_("scan: what cargo will do, before anything is built"))
    say.say(_("scan resolves every source of debug settings the way cargo does and says where each value came "
              "from: a file and line, or an environment variable."))
    say.command_line("buildcheck scan")
    before = _run("scan", [], env=env, cwd=ws, color=color_choice, host=host, cpuinfo=cpuinfo)
    click.echo()
    say.say(_("Exit status {status}: the binary would carry debug info.").format(status=before))

    say.step(_("inspect: where a binary's size went"))
    say.say(_("A real damocles-worker built this way is 1-2 GB. The demo's stand-in at {path} is a tiny Rust "
              "program compiled with -g and never stripped (a copy of fixtures/binaries/rust-tiny-debug): the "
              "same story at a smaller scale.").format(path=binary))
    say.command_line(f"buildcheck inspect {binary}")
    _run("inspect", [str(files.binary)], env=env, cwd=ws, color=color_choice, host=host, cpuinfo=cpuinfo)

    say.step(_("explain: which setting put it there"))
    say.say(_("explain joins the binary's debug info with the settings that caused it, most important first, "
              "and says which causes are really seen in the binary. The stand-in was compiled by a newer rustc "
              "than the pinned 1.72.0, and explain says that first: the rules it judges by are 1.72's."))
    say.command_line(f"buildcheck explain {binary}")
    _run("explain", [str(files.binary)], env=env, cwd=ws, color=color_choice, host=host, cpuinfo=cpuinfo)

    say.step(_("the fix: flags for the environment, fix for config files"))
    say.say(_("flags prints the environment to build with (`eval \"$(buildcheck flags)\"`): RUSTFLAGS without "
              "-g, and strip for a toolchain older than 1.77. The CPU summary is computed from a sample "
              "/proc/cpuinfo shipped with the demo."))
    say.command_line(f"buildcheck flags --cpuinfo {cpuinfo}")
    _run("flags", ["--cpuinfo", cpuinfo], env=env, cwd=ws, color=color_choice, host=host, cpuinfo=cpuinfo)
    click.echo()
    say.say(_("fix edits the config files that turn debug info on. Here it writes into the demo's copy only "
              "(keeping a .bak); on your checkout, run it without --write first to see the diff."))
    say.command_line("buildcheck fix --write")
    _run("fix", ["--write"], env=env, cwd=ws, color=color_choice, host=host, cpuinfo=cpuinfo)

    say.step(_("check again"))
    fixed_env = _fixed_environment(ws, env, host)
    say.say(_("With the environment flags printed and the edited config file, scan again:"))
    for name in sorted(set(env) | set(fixed_env)):
        if env.get(name) != fixed_env.get(name):
            click.echo(f"  {name}={fixed_env[name]}" if name in fixed_env else f"  unset {name}")
    click.echo()
    say.command_line("buildcheck scan")
    after = _run("scan", [], env=fixed_env, cwd=ws, color=color_choice, host=host, cpuinfo=cpuinfo)
    click.echo()
    if after == 0:
        say.say(_("Exit status 0: no debug info of the project's crates, and the standard library's is stripped. "
                  "A damocles-worker built like this is tens of MB again."))
    else:
        say.say(_("Exit status {status}: the fixed copy still has error findings (see above).")
                .format(status=after))
    click.echo(_("Next: run `buildcheck scan` in your own damocles-worker checkout, and "
                 "`buildcheck inspect target/release/damocles-worker` after a build."))
    return 0 if after == 0 else 1
