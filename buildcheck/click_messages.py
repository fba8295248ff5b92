"""click's own user-facing texts, listed here so the catalog extractor finds and we translate them.

click looks its texts up with gettext (see `i18n.route_click_messages`); the msgids below are copied
verbatim from click 8.x, and tests/test_i18n_catalog.py checks each one still occurs in the installed
click, so a click upgrade that rewords one shows up as a failing test rather than silent English.
Never called at run time: the texts only need to be in the catalog.
"""

from __future__ import annotations

from buildcheck.i18n import _, ngettext


def click_messages() -> tuple[str, ...]:
    return (
        _("Usage:"),
        _("Options"),
        _("Commands"),
        _("Show this message and exit."),
        _("Show the version and exit."),
        _("Error: {message}"),
        _("Try '{command} {option}' for help."),
        _("No such option {name!r}."),
        _("No such option: {name}"),  # click 8.1.0-8.1.3's wording (pyproject admits click>=8.1)
        _("No such command {name!r}."),
        _("Missing argument"),
        _("Missing option"),
        _("Missing parameter"),
        _("Missing parameter: {param_name}"),
        _("Missing command."),
        _("Invalid value: {message}"),
        _("Invalid value for {param_hint}: {message}"),
        _("Option {name!r} does not take a value."),
        _("Aborted!"),
        _("default: {default}"),
        _("env var: {var}"),
        _("{value!r} is not a valid {number_type}."),
        _("{value} is not in the range {range}."),
        _("{name} {filename!r} does not exist."),
        _("{name} {filename!r} is a file."),
        _("{name} {filename!r} is a directory."),
        _("file"),
        _("directory"),
        _("path"),
        ngettext("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 1),
        ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1),
        ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1),
        ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 1),
    )
