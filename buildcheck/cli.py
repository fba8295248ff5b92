"""The command line: thin click commands that parse options and call the library.

Each subcommand lives in `buildcheck/commands/<name>.py` and is imported only when it runs, so `buildcheck scan`
never pays for the ELF reader and vice versa. `main()` is the one place that turns a BuildcheckError (or any
unexpected exception) into one line on stderr and an exit code: never a traceback unless BUILDCHECK_TRACEBACK=1
asks for it. Ctrl-C at any moment ends with one line and 130; a reader that closes the pipe early
(`buildcheck scan | head -1`) ends the run quietly with 141, as a process killed by SIGPIPE does in a shell.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import signal
import sys

import click

from buildcheck import __version__, exit_codes
from buildcheck.cli_text import COLOR_KEY, Option, TranslatedHelp, global_options
from buildcheck.errors import BuildcheckError
from buildcheck.i18n import N_

EXIT_INTERRUPTED = exit_codes.INTERRUPTED
EXIT_BROKEN_PIPE = exit_codes.PIPE_CLOSED
# The subcommands, in the order --help lists them; buildcheck.commands.<name> defines `command`.
COMMANDS: tuple[str, ...] = ("scan", "inspect", "explain", "check", "flags", "fix", "diff", "doctor", "demo")


def _available(name: str) -> bool:
    return importlib.util.find_spec(f"buildcheck.commands.{name}") is not None


class PipeClosed(BaseException):
    """The reader closed our stdout. click 8.1 turns EPIPE into sys.exit(1) itself (newer click lets it through);
    this passes click untouched on every version, so that main() alone decides the status."""


class LazyGroup(TranslatedHelp, click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise PipeClosed from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if _available(name)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS or not _available(cmd_name):
            return None
        module = importlib.import_module(f"buildcheck.commands.{cmd_name}")
        return module.command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]}, help=N_(
    "Will this damocles-worker build carry debug info, exactly why, and what to set instead.\n\n"
    "\b\n"
    "Examples:\n"
    "  buildcheck demo                         a guided tour on the shipped examples\n"
    "  buildcheck scan ~/damocles              every workspace the repository's build reaches\n"
    "  buildcheck inspect target/release/damocles-worker\n"
    "  buildcheck scan --lang zh               messages in Chinese (or LANG=zh_CN.UTF-8)\n\n"
    "Exit codes: 0 clean, 1 error findings (or a failed gate), 2 usage error or unreadable input, "
    "130 interrupted, 141 output pipe closed."))
@click.version_option(__version__, prog_name="buildcheck", cls=Option, help=N_("Show the version and exit."))
@global_options
@click.pass_context
def cli(ctx: click.Context) -> None:
    from buildcheck.cargo.host import this_host
    from buildcheck.context import RunContext

    if ctx.obj is None:
        ctx.obj = RunContext(env=dict(os.environ), cwd=os.getcwd(), host=this_host(),
                             color=ctx.meta.get(COLOR_KEY, "auto"))


class Interrupted(BaseException):
    """Ctrl-C, raised by our own SIGINT handler: click intercepts KeyboardInterrupt (and prints an empty line
    first), this passes it untouched to main(); a BaseException, so no `except Exception` swallows it."""


def _interrupt(_signum: int, _frame: object) -> None:
    raise Interrupted


def _interrupt_inside(exc: BaseException) -> bool:
    """Whether Ctrl-C is what `exc` wraps: Python 3.11 turns an exception raised while a class is created (a
    dataclass field's __set_name__, during a lazy import) into RuntimeError("Error calling __set_name__ ...")."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, (Interrupted, KeyboardInterrupt)):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _quiet_exit(status: int) -> None:
    """Leave without Python flushing into a closed pipe at shutdown ("Exception ignored ... BrokenPipeError")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    os._exit(status)


def _leave_interrupted() -> None:
    """One line and 130; a second Ctrl-C while saying so changes nothing."""
    from buildcheck.i18n import _

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    click.echo(_("buildcheck: interrupted"), err=True)
    sys.exit(EXIT_INTERRUPTED)


def main(argv: list[str] | None = None) -> None:
    # From here on Ctrl-C raises Interrupted (before, buildcheck.entry's handler acts). It can arrive at any
    # instruction, also while the language is chosen or while an error is being reported: the outer `try` covers
    # all of it, so no moment is left where it becomes a traceback.
    signal.signal(signal.SIGINT, _interrupt)
    try:
        _run(argv)
    except (Interrupted, KeyboardInterrupt):
        _leave_interrupted()


def _run(argv: list[str] | None) -> None:
    from buildcheck import i18n
    from buildcheck.i18n import _

    args = sys.argv[1:] if argv is None else list(argv)
    i18n.set_language(i18n.language_from_argv(args) or i18n.language_from_env(os.environ))
    i18n.route_click_messages()
    try:
        status = cli.main(args=args, prog_name="buildcheck", standalone_mode=False)
        sys.stdout.flush()
    except click.exceptions.Abort:  # click's own word for Ctrl-C at a prompt
        _leave_interrupted()
    except (BrokenPipeError, PipeClosed):
        _quiet_exit(EXIT_BROKEN_PIPE)
    except click.ClickException as exc:  # usage errors: bad option, missing argument
        exc.show()
        sys.exit(exit_codes.CANNOT_ANSWER)
    except BuildcheckError as exc:
        if os.environ.get("BUILDCHECK_TRACEBACK"):
            raise
        click.echo(_("buildcheck: error: {message}").format(message=exc), err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug of ours: still one line, with a way to see more
        if _interrupt_inside(exc):
            _leave_interrupted()
        if os.environ.get("BUILDCHECK_TRACEBACK"):
            raise
        click.echo(_("buildcheck: internal error: {kind}: {message} (set BUILDCHECK_TRACEBACK=1 for details)")
                   .format(kind=type(exc).__name__, message=exc), err=True)
        sys.exit(exit_codes.CANNOT_ANSWER)
    sys.exit(status if isinstance(status, int) else 0)
