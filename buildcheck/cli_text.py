"""click commands whose help is translated when it is shown, not when the module is imported.

Help texts are written in English and marked with `N_()` where the command is declared; these classes hand them
to `_()` at the moment click formats them, so `buildcheck --lang zh scan --help` and a later English run in the same
process (tests) each get their own language, with no module-level text to rewrite.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from typing import Any, Iterator

import click

from buildcheck.i18n import N_, _


@contextmanager
def _translated(obj: Any, attribute: str) -> Iterator[None]:
    original = getattr(obj, attribute, None)
    if original:
        setattr(obj, attribute, _(original))
    try:
        yield
    finally:
        setattr(obj, attribute, original)


class Option(click.Option):
    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        with _translated(self, "help"):
            return super().get_help_record(ctx)


class TranslatedHelp:
    """Mixed into click's Command and Group: help, short help and the help option in the run's language."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated(self, "help"):
            super().format_help_text(ctx, formatter)  # type: ignore[misc]

    def get_short_help_str(self, limit: int = 45) -> str:
        with _translated(self, "help"), _translated(self, "short_help"):
            return super().get_short_help_str(limit)  # type: ignore[misc]

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = _("Show this message and exit.")  # click builds it (and caches it) itself
        return option


class Command(TranslatedHelp, click.Command):
    pass


def command(name: str, help: str) -> Callable[[Callable[..., Any]], Command]:
    return click.command(name=name, help=help, cls=Command,  # type: ignore[return-value]
                         context_settings={"help_option_names": ["-h", "--help"]})


def option(*declarations: str, **attributes: Any) -> Callable[[Callable[..., Any]], Any]:
    return click.option(*declarations, cls=Option, **attributes)


COLOR_KEY = "buildcheck.color"


def _set_color(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """Before the subcommand the run context does not exist yet: the choice waits in ctx.meta (shared by the
    whole context chain) for `cli` to build it; after the subcommand it replaces the context's colour."""
    import dataclasses

    if value is None:
        return
    ctx.meta[COLOR_KEY] = value
    if ctx.obj is not None:
        ctx.obj = dataclasses.replace(ctx.obj, color=value)


def global_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """`--color` and `--lang` after the subcommand too (`buildcheck scan --lang zh`). The language is applied by
    `cli.main` before parsing (help must already be in it); here the value is only checked."""
    function = option("--color", type=click.Choice(["auto", "always", "never"]), default=None,
                      expose_value=False, callback=_set_color, is_eager=True,
                      help=N_("Colour in text output (NO_COLOR is honoured)."))(function)
    function = option("--lang", type=click.Choice(["en", "zh"]), default=None, expose_value=False,
                      help=N_("Language of messages (default: from LANGUAGE / LC_ALL / LC_MESSAGES / LANG)."))(function)
    return function
