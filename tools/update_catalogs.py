#!/usr/bin/env python3
"""Extract every `_()` / `ngettext()` message from buildcheck/, merge it into the Chinese
catalog (keeping existing translations), and compile the .mo that buildcheck loads.

    python tools/update_catalogs.py          # update zh .po and compile .mo
    python tools/update_catalogs.py --check  # exit 1 when a message lacks its translation

Uses Babel, the standard Python tooling for gettext catalogs (a test dependency only:
the installed tool reads the compiled .mo with the standard library's gettext).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "buildcheck"
LANGUAGES = ("zh",)
# N_: marked where defined, translated where shown; N_plural: a singular/plural pair marked the same way
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "N_plural": (1, 2)}


def po_path(lang: str) -> Path:
    return PACKAGE / "locale" / lang / "LC_MESSAGES" / "buildcheck.po"


def extract_template() -> Catalog:
    template = Catalog(project="buildcheck", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        template.add(message, None, [(f"buildcheck/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def load_catalog(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, project="buildcheck", fuzzy=False)
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def compiled(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def untranslated(template: Catalog, catalog: Catalog) -> list[str]:
    """Messages in the source whose translation is missing, empty or fuzzy."""
    missing = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        strings = found.string if found else None
        values = strings if isinstance(strings, (tuple, list)) else (strings,)
        if found is None or found.fuzzy or not all(values):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report untranslated messages")
    args = parser.parse_args()
    template = extract_template()
    status = 0
    for lang in LANGUAGES:
        catalog = load_catalog(lang)
        if args.check:
            missing = untranslated(template, catalog)
            for message in missing:
                print(f"{lang}: untranslated: {message!r}")
            status |= bool(missing)
            continue
        catalog.update(template, update_header_comment=False, no_fuzzy_matching=True)
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            write_po(f, catalog, width=100, omit_header=False, ignore_obsolete=True, sort_output=True)
        with path.open("rb") as f:  # compile what was written, exactly
            path.with_suffix(".mo").write_bytes(compiled(read_po(f, locale=lang)))
        print(f"{lang}: {len(catalog)} messages, {len(untranslated(template, catalog))} untranslated")
    return status


if __name__ == "__main__":
    sys.exit(main())
