"""The command line: thin click commands that parse options and call the library.

Each subcommand lives in `buildcheck/commands/<name>.py` and is imported only
when it runs, so `buildcheck scan` never pays for the ELF reader and vice versa.
`main()` is the one place that turns a BuildcheckError (or any unexpected
exception) into one line on stderr and an exit code: never a traceback unless
BUILDCHECK_TRACEBACK=1 asks for it.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys

import click

from buildcheck import __version__
from buildcheck.errors import BuildcheckError

# The subcommands, in the order --help lists them; buildcheck.commands.<name> defines `command`
# (its help text is there, translated when the module is imported).
COMMANDS: tuple[str, ...] = ("scan", "inspect", "explain", "check", "flags", "fix", "diff", "doctor", "demo")


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
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None)
@click.pass_context
def cli(ctx: click.Context, color: str, lang: str | None) -> None:
    from buildcheck import i18n
    from buildcheck.context import RunContext

    env = dict(os.environ)
    i18n.set_language(lang or i18n.language_from_env(env))
    ctx.obj = RunContext(env=env, cwd=os.getcwd(), color=color)


def _write_group_texts(group: click.Group) -> None:
    """Give the group its help texts in the current language.

    Decorators run at import, before main() knows the language, so main() calls this again once it
    has set it; `buildcheck --lang zh --help` is rendered before the group's callback ever runs.
    """
    from buildcheck.i18n import _

    group.help = _(
        "Will this damocles-worker build carry debug info, exactly why, and what to set instead.\n\n"
        "\b\n"
        "Examples:\n"
        "  buildcheck demo                         a guided tour on the shipped examples\n"
        "  buildcheck scan ~/damocles/damocles-worker\n"
        "  buildcheck inspect target/release/damocles-worker\n"
        "  buildcheck --lang zh scan               messages in Chinese (or LANG=zh_CN.UTF-8)\n\n"
        "Exit codes: 0 clean, 1 error findings (or a failed gate), 2 usage error or unreadable input.")
    for param in group.params:
        if param.name == "color":
            param.help = _("Colour in text output (NO_COLOR is honoured).")
        elif param.name == "lang":
            param.help = _("Language of messages (default: from LC_ALL / LC_MESSAGES / LANG).")
        elif param.name == "version":
            param.help = _("Show the version and exit.")
    # click >= 8.1.8 builds the help option once and keeps it; a second run in the same process
    # (tests) in another language must not reuse the first one's text.
    cached_help = getattr(group, "_help_option", None)
    if cached_help is not None:
        cached_help.help = _("Show this message and exit.")


_write_group_texts(cli)


def main(argv: list[str] | None = None) -> None:
    from buildcheck import i18n
    from buildcheck.i18n import _

    args = sys.argv[1:] if argv is None else list(argv)
    i18n.set_language(i18n.language_from_argv(args) or i18n.language_from_env(os.environ))
    i18n.route_click_messages()
    _write_group_texts(cli)
    try:
        status = cli.main(args=args, prog_name="buildcheck", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo(_("buildcheck: aborted"), err=True)
        sys.exit(130)
    except click.ClickException as exc:  # usage errors: bad option, missing argument
        exc.show()
        sys.exit(2)
    except BuildcheckError as exc:
        if os.environ.get("BUILDCHECK_TRACEBACK"):
            raise
        click.echo(_("buildcheck: error: {message}").format(message=exc), err=True)
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(1)
    except Exception as exc:  # a bug of ours: still one line, with a way to see more
        if os.environ.get("BUILDCHECK_TRACEBACK"):
            raise
        click.echo(_("buildcheck: internal error: {kind}: {message} (set BUILDCHECK_TRACEBACK=1 for details)")
                   .format(kind=type(exc).__name__, message=exc), err=True)
        sys.exit(2)
    sys.exit(status if isinstance(status, int) else 0)
