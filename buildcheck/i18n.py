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


def language_from_env(env: Mapping[str, str]) -> str:
    """The language the locale variables ask for, as gettext reads them (LC_ALL first)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


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
