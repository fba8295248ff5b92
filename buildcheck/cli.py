"""The command line: thin click commands that parse options and call the library.

Each subcommand lives in `buildcheck/commands/<name>.py` and is imported only
when it runs, so `buildcheck scan` never pays for the ELF reader and vice versa.
`main()` is the one place that turns a BuildcheckError (or any unexpected
exception) into one line on stderr and an exit code: never a traceback unless
BUILDCHECK_TRACEBACK=1 asks for it.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from buildcheck import __version__
from buildcheck.errors import BuildcheckError

# name -> one-line help; the module buildcheck.commands.<name> defines `command`.
COMMANDS: dict[str, str] = {
    "scan": "Resolve cargo's debug settings for a workspace, with where each came from.",
    "inspect": "Show where a binary's size went: sections, debug share, origins by crate.",
    "explain": "Join a binary's debug info with the settings that caused it.",
    "check": "CI gate: fail on settings or binaries that carry debug info.",
    "flags": "Print the environment to build with: RUSTFLAGS without debug flags.",
    "fix": "Show (or --write) the config-file edits that remove debug info.",
    "diff": "Compare two binaries or reports, by section and by crate.",
    "demo": "A guided first run on the shipped examples.",
}


def _available(name: str) -> bool:
    return importlib.util.find_spec(f"buildcheck.commands.{name}") is not None


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if _available(name)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS or not _available(cmd_name):
            return None
        module = importlib.import_module(f"buildcheck.commands.{cmd_name}")
        return module.command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="buildcheck")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Colour in text output (NO_COLOR is honoured).")
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None,
              help="Language of messages (default: from LC_ALL / LC_MESSAGES / LANG).")
@click.pass_context
def cli(ctx: click.Context, color: str, lang: str | None) -> None:
    """Will this damocles-worker build carry debug info, exactly why, and what to set instead."""
    from buildcheck import i18n
    from buildcheck.context import RunContext

    env = dict(os.environ)
    i18n.set_language(lang or i18n.language_from_env(env))
    ctx.obj = RunContext(env=env, cwd=os.getcwd(), color=color)


def main(argv: list[str] | None = None) -> None:
    try:
        status = cli.main(args=argv, prog_name="buildcheck", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("buildcheck: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:  # usage errors: bad option, missing argument
        exc.show()
        sys.exit(2)
    except BuildcheckError as exc:
        if os.environ.get("BUILDCHECK_TRACEBACK"):
            raise
        click.echo(f"buildcheck: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(1)
    except Exception as exc:  # a bug of ours: still one line, with a way to see more
        if os.environ.get("BUILDCHECK_TRACEBACK"):
            raise
        click.echo(f"buildcheck: internal error: {type(exc).__name__}: {exc} "
                   "(set BUILDCHECK_TRACEBACK=1 for details)", err=True)
        sys.exit(2)
    sys.exit(status if isinstance(status, int) else 0)
