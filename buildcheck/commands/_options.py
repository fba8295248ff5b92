"""Options several commands share, declared once (help texts marked with N_ and translated when shown)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from buildcheck.cli_text import option
from buildcheck.i18n import N_
from buildcheck.project import VIA_CHOICES

Decorator = Callable[[Callable[..., Any]], Any]


def profile_option(help: str = N_("The cargo profile to resolve.")) -> Decorator:
    return option("--profile", default="release", show_default=True, help=help)


def cargo_option() -> Decorator:
    return option("--cargo", default=None, metavar="PATH",
                  help=N_("The cargo that will build (default: the first `cargo` on PATH; a rustup proxy picks the "
                          "toolchain as rustup does)."))


def via_option() -> Decorator:
    return option("--via", type=click.Choice(VIA_CHOICES), default="both", show_default=True,
                  help=N_("Which build paths the exit code judges: a direct `cargo build`, the build a Makefile "
                          "runs, or both."))


def format_option(choices: tuple[str, ...], help: str) -> Decorator:
    return option("--format", "output_format", type=click.Choice(choices), default="text", show_default=True,
                  help=help)
