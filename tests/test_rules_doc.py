"""docs/{en,zh}/rules.md document exactly the rule ids of buildcheck/rules.py: each in the table, with the severity
and the note of rules.py, and with its own section."""

import re
from pathlib import Path

import pytest

from buildcheck import i18n
from buildcheck.rules import RULES

DOCS = Path(__file__).resolve().parent.parent / "docs"
# Each language's page says what triggers a rule and how to fix it under these labels.
LABELS = {"en": ("**Triggers:**", "**Fix:**"), "zh": ("**触发条件：**", "**修复：**")}
ROW = re.compile(r"^\| (?P<id>BC\d{3}) \| (?P<name>[a-z-]+) \| (?P<severity>[^|]*) \| (?P<lower>[^|]*) \|$", re.M)


def _text(lang: str) -> str:
    return (DOCS / lang / "rules.md").read_text(encoding="utf-8")


def _rows(lang: str) -> dict[str, re.Match[str]]:
    return {m.group("id"): m for m in ROW.finditer(_text(lang))}


def _note_in(lang: str, note: str) -> str:
    """A severity note as the page of `lang` must quote it: rules.py's English, or the catalog's translation."""
    i18n.set_language(lang)
    try:
        return i18n._(note)
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize("lang", sorted(LABELS))
def test_every_rule_has_a_table_row_with_its_name_and_a_section(lang):
    text = _text(lang)
    rows = _rows(lang)
    for rule in RULES.values():
        assert rule.id in rows and rows[rule.id].group("name") == rule.name, f"{rule.id} missing in table"
        assert re.search(rf"^## {rule.id} {re.escape(rule.name)}$", text, re.M), f"{rule.id} has no section"


@pytest.mark.parametrize("lang", sorted(LABELS))
def test_each_rows_severity_is_the_one_rules_py_raises_it_at_with_its_note(lang):
    rows = _rows(lang)
    for rule in RULES.values():
        row = rows[rule.id]
        severity = re.match(r"(error|warning|info)\b", row.group("severity").strip())
        assert severity and severity.group(1) == rule.severity, (lang, rule.id, row.group(0))
        lower = row.group("lower").strip()
        if rule.severity_note:
            assert _note_in(lang, rule.severity_note) in lower, (lang, rule.id, lower)
        else:
            assert lower in ("—", ""), (lang, rule.id, "rules.py has no severity note", lower)


def test_the_severity_check_sees_a_wrong_level():
    row = ROW.search("| BC004 | build-override-debug | warning | — |")
    assert row is not None and row.group("severity").split()[0] != RULES["BC004"].severity


@pytest.mark.parametrize("lang", sorted(LABELS))
def test_no_id_in_the_doc_is_unknown_to_rules_py(lang):
    mentioned = set(re.findall(r"\bBC\d{3}\b", _text(lang)))
    assert mentioned == set(RULES), f"only in the doc: {sorted(mentioned - set(RULES))}; only in rules.py: {sorted(set(RULES) - mentioned)}"


@pytest.mark.parametrize("lang", sorted(LABELS))
def test_each_section_says_what_triggers_it_and_the_fix(lang):
    triggers, fix = LABELS[lang]
    sections = re.split(r"^## ", _text(lang), flags=re.M)[1:]
    assert len(sections) == len(RULES)
    for section in sections:
        assert triggers in section and fix in section, section.splitlines()[0]
