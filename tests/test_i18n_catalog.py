"""The Chinese catalog: complete, placeholders intact, compiled .mo in step with the .po, click's texts covered."""

from __future__ import annotations

import inspect
import io
import string
import sys
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("babel")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import update_catalogs  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402


@pytest.fixture(scope="module")
def template():
    return update_catalogs.extract_template()


@pytest.fixture(scope="module")
def catalog():
    return update_catalogs.load_catalog("zh")


class _Anything:
    """Stands in for any .format() argument: any format spec, attribute or index works on it."""

    def __format__(self, spec: str) -> str:
        return "X"

    def __repr__(self) -> str:
        return "'X'"

    def __getattr__(self, name: str) -> _Anything:
        return self

    def __getitem__(self, key: object) -> _Anything:
        return self


def placeholders(text: str) -> Counter:
    """Each `{field!conversion:spec}` of a format string, as written (ValueError on unbalanced braces)."""
    found: Counter = Counter()
    for _literal, field, spec, conversion in string.Formatter().parse(text):
        if field is not None:
            found[(field, conversion, spec)] += 1
    return found


def strings_of(message) -> tuple[list[str], list[str]]:
    ids = list(message.id) if isinstance(message.id, (tuple, list)) else [message.id]
    strs = list(message.string) if isinstance(message.string, (tuple, list)) else [message.string]
    return ids, strs


def test_every_message_in_the_source_has_a_chinese_translation(template, catalog):
    missing = update_catalogs.untranslated(template, catalog)
    assert not missing, (f"{len(missing)} messages lack a zh translation; run tools/update_catalogs.py and "
                         f"translate them: {missing[:10]}")


def test_translations_keep_the_placeholders_of_their_msgid(catalog):
    checked = 0
    for message in catalog:
        if not message.id:
            continue
        ids, strs = strings_of(message)
        # Chinese has one plural form: it serves every n, so it carries the plural msgid's placeholders.
        expected = set(placeholders(ids[-1]))
        for translated in strs:
            if not translated:
                continue
            assert set(placeholders(translated)) == expected, (ids[0], translated)
            names = {field.split(".")[0].split("[")[0] for field, _c, _s in placeholders(translated)}
            keywords = {name: _Anything() for name in names if name and not name.isdigit()}
            positional = [_Anything()] * (1 + max([int(n) for n in names if n.isdigit()], default=-1))
            translated.format(*positional, **keywords)
            checked += 1
    assert checked or not len(catalog)


def test_placeholder_check_catches_a_renamed_or_dropped_field():
    assert set(placeholders("{path}:{line} 行")) != set(placeholders("{path}:{line}: {message}"))
    assert set(placeholders("{name!r}")) != set(placeholders("{name}"))
    with pytest.raises(ValueError):
        placeholders("{path")


def _as_gettext_reads_it(mo: bytes) -> tuple[dict, dict]:
    """What the standard library's gettext takes from a .mo: every message, and the headers it acts on.

    Compared instead of bytes: Babel stamps its own version into the header (`Generated-By`), so a new
    Babel release would otherwise fail this test without anything a user sees having changed."""
    import gettext

    translations = gettext.GNUTranslations(io.BytesIO(mo))
    messages = {key: value for key, value in translations._catalog.items() if key != ""}
    info = translations.info()
    return messages, {name: info.get(name) for name in ("content-type", "plural-forms", "language")}


def test_committed_mo_is_the_compiled_po():
    po = update_catalogs.po_path("zh")
    with po.open("rb") as f:
        expected = update_catalogs.compiled(read_po(f, locale="zh"))
    committed = po.with_suffix(".mo").read_bytes()
    assert _as_gettext_reads_it(committed) == _as_gettext_reads_it(expected), (
        "run tools/update_catalogs.py to recompile the .mo")


def test_mo_comparison_sees_a_changed_translation_but_not_the_generator():
    po = update_catalogs.po_path("zh")
    with po.open("rb") as f:
        catalog = read_po(f, locale="zh")
    baseline = _as_gettext_reads_it(update_catalogs.compiled(catalog))
    catalog.version = "0.0-other"  # header noise only
    assert _as_gettext_reads_it(update_catalogs.compiled(catalog)) == baseline
    message = next(m for m in catalog if m.id and isinstance(m.id, str) and m.string)
    message.string = message.string + "!"
    assert _as_gettext_reads_it(update_catalogs.compiled(catalog)) != baseline


def test_clicks_texts_we_translate_are_still_clicks(template):
    """click_messages.py copies click's msgids; a reworded one in a new click silently stays English.

    A click release may reword a message or two: that is worth a warning (update click_messages.py),
    not a failure of everybody's test run. Most of them gone means click stopped looking its texts up
    the way i18n.route_click_messages expects, and that fails."""
    import warnings

    import click

    click_dir = Path(click.__file__).parent
    source = "".join(path.read_text(encoding="utf-8") for path in click_dir.glob("*.py"))
    ours = [m for m in template if m.id and any(loc[0].endswith("click_messages.py") for loc in m.locations)]
    assert len(ours) > 20
    texts = [text for message in ours for text in strings_of(message)[0]]
    gone = [text for text in texts if repr(text)[1:-1] not in source and text not in source]
    if gone:
        warnings.warn(f"click {click.__version__} no longer has these texts; update click_messages.py: {gone}")
    assert len(gone) <= len(texts) // 4, gone


def test_click_messages_module_is_inert():
    from buildcheck import click_messages

    assert "os.environ" not in inspect.getsource(click_messages)
    assert all(isinstance(text, str) for text in click_messages.click_messages())
