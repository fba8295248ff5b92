"""The Chinese catalog: complete, placeholders intact, compiled .mo in step with the .po, click's texts covered."""

from __future__ import annotations

import inspect
import re
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


# -- one punctuation style in Chinese text ---------------------------------------------------------------------------

CJK = "\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef"
# ASCII punctuation right after a CJK character: Chinese prose takes `：`, `，`, `；` and `（` there. Code spans keep
# theirs (`a: b`), and so do paths, flags and path:line, which never follow a CJK character directly. (click writes
# its own headings with an ASCII colon, "选项:"; "用法:" matches them and is followed by no space in the catalog.)
_ASCII_AFTER_CJK = re.compile(rf"[{CJK}](?:: |, |; |\()")


def ascii_punctuation_after_cjk(text: str) -> list[str]:
    outside_code = re.sub(r"`[^`\n]*`", "``", text)
    return [match.group(0) for match in _ASCII_AFTER_CJK.finditer(outside_code)]


def test_chinese_translations_use_full_width_punctuation_between_chinese_words(catalog):
    offending = []
    for message in catalog:
        if not message.id:
            continue
        for translated in strings_of(message)[1]:
            found = ascii_punctuation_after_cjk(translated or "")
            if found:
                offending.append((strings_of(message)[0][0], found))
    assert not offending, offending


def test_the_punctuation_check_sees_ascii_after_chinese_but_not_code_or_paths():
    assert ascii_punctuation_after_cjk("无法读取 {path}: {reason}") == []          # after a placeholder: the path's own
    assert ascii_punctuation_after_cjk("无法读取: {reason}") == ["取: "]
    assert ascii_punctuation_after_cjk("缺少组件, 请安装") == ["件, "]
    assert ascii_punctuation_after_cjk("工具链(1.72.0)") == ["链("]
    assert ascii_punctuation_after_cjk("设置 `键: 值` 即可") == []                  # inside a code span
    assert ascii_punctuation_after_cjk("见 ~/damocles/Makefile:12（第二行）") == []


def test_severity_words_are_translated(catalog):
    """findings_text.severity_word shows error/warning/info through `_()`: each needs its entry."""
    from typing import get_args

    from buildcheck.model import Severity

    for severity in get_args(Severity):
        found = catalog.get(severity)
        assert found is not None and found.string and found.string != severity, severity


def test_a_plural_message_is_translated_as_a_plural_entry():
    """Message.of(..., plural=...) is shown through ngettext, which looks up plural entries only: the pair must be
    marked with N_plural, never with two N_() (those become two singular entries ngettext never finds)."""
    from buildcheck import i18n
    from buildcheck.messages import Message

    package = ROOT / "buildcheck"
    marked_apart = [str(path.relative_to(ROOT)) for path in package.rglob("*.py")
                    if re.search(r"plural\s*=\s*N_\(", path.read_text(encoding="utf-8"))]
    assert not marked_apart, marked_apart
    singular, plural = i18n.N_plural("{n} crate carries debug info", "{n} crates carry debug info")
    i18n.set_language("zh")
    try:
        for n in (1, 2):
            text = Message.of("headline.what.crates", singular, plural=plural, n=n).text()
            assert text.startswith(f"{n} 个"), text
    finally:
        i18n.set_language("en")


def test_lists_and_clauses_are_joined_in_the_language_of_the_run():
    from buildcheck import i18n
    from buildcheck.messages import Joined, Message

    message = Message.of("t", "{names}: {fixes}", names=("adx", "sha_ni"), fixes=Joined(("a", "b")))
    assert message.text() == "adx, sha_ni: a; b"
    i18n.set_language("zh")
    try:
        assert message.text() == "adx、sha_ni: a；b"
    finally:
        i18n.set_language("en")
