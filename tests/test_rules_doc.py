"""docs/{en,zh}/rules.md document exactly the rule ids of buildcheck/rules.py: each in the table and with its own section."""

import re
from pathlib import Path

import pytest

from buildcheck.rules import RULES

DOCS = Path(__file__).resolve().parent.parent / "docs"
# Each language's page says what triggers a rule and how to fix it under these labels.
LABELS = {"en": ("**Triggers:**", "**Fix:**"), "zh": ("**触发条件：**", "**修复：**")}


def _text(lang: str) -> str:
    return (DOCS / lang / "rules.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", sorted(LABELS))
def test_every_rule_has_a_table_row_with_its_name_and_a_section(lang):
    text = _text(lang)
    for rule in RULES.values():
        assert re.search(rf"^\| {rule.id} \| {re.escape(rule.name)} \| \S", text, re.M), f"{rule.id} missing in table"
        assert re.search(rf"^## {rule.id} {re.escape(rule.name)}$", text, re.M), f"{rule.id} has no section"


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


def test_both_languages_give_each_rule_the_same_severity():
    def severities(lang: str) -> dict[str, str]:
        return {m.group(1): m.group(2) for m in re.finditer(r"^\| (BC\d{3}) \| [a-z-]+ \| (error|warning|info)", _text(lang), re.M)}

    assert severities("en") == severities("zh")
