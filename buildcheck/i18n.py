"""Message translation through gettext catalogs (buildcheck/locale/<lang>/LC_MESSAGES/buildcheck.mo).

All user-facing text goes through `_()`; write `_("... {name}").format(name=...)`,
never f-strings, so that the text can be extracted into the catalogs.
The language is chosen once by the CLI (`--lang`, else the locale variables in
the environment it was given); English is the fallback.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "buildcheck"
LOCALE_DIR = Path(__file__).parent / "locale"
SUPPORTED = ("en", "zh")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def _supported(value: str) -> str | None:
    value = value.strip().lower()
    if value.startswith("zh"):
        return "zh"
    if value.startswith("en"):
        return "en"
    return None


def language_from_env(env: Mapping[str, str]) -> str:
    """The language the locale variables ask for, in gettext's order: LANGUAGE (a colon-separated list of
    preferences, ignored when the locale is C/POSIX, as GNU gettext does), then LC_ALL, LC_MESSAGES, LANG."""
    # No locale variable set is the C locale too.
    locale = next((env[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(name)), "C")
    if env.get("LANGUAGE") and locale.split(".")[0] not in ("C", "POSIX"):
        for preference in env["LANGUAGE"].split(":"):
            found = _supported(preference)
            if found:
                return found
    return _supported(locale) or "en"


def set_language(lang: str) -> None:
    global _translation, _language
    _language = lang if lang in SUPPORTED else "en"
    if _language == "en":
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=[_language], fallback=True)


def current_language() -> str:
    return _language


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined (module level, before any language is
    chosen); the code that shows it translates it with `_()`."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a singular/plural pair where it is defined, so that the catalog gets one plural entry for it
    (`Message.of(id, singular, plural=plural, n=...)` translates it with `ngettext` when shown). Two separate
    `N_()` would give two singular entries, which `ngettext` never looks up."""
    return singular, plural


def language_from_argv(argv: list[str]) -> str | None:
    """The value of `--lang X` / `--lang=X` in a command line, read before click parses it.

    The group's own help (`buildcheck --lang zh --help`) is rendered before the group's callback
    runs, so the CLI has to know the language first. Stops at `--`, as click does.
    """
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


# click's modules bind `_ = gettext.gettext` (the process-wide "messages" domain, language from the
# environment). Pointing those names at our catalog makes "Usage:", "Error: No such option" and the
# other texts click prints follow --lang too; the msgids we translate are listed in click_messages.py.
_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils",
                  "shell_completion")


def route_click_messages() -> None:
    import importlib

    for name in _CLICK_MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:  # a click without that module: nothing there to translate
            continue
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
