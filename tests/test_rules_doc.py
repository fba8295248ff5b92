"""docs/rules.md documents exactly the rule ids of buildcheck/rules.py: each in the table and with its own section."""

import re
from pathlib import Path

from buildcheck.rules import RULES

DOC = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def _text() -> str:
    return DOC.read_text(encoding="utf-8")


def test_every_rule_has_a_table_row_with_its_name_and_a_section():
    text = _text()
    for rule in RULES.values():
        assert re.search(rf"^\| {rule.id} \| {re.escape(rule.name)} \| \S", text, re.M), f"{rule.id} missing in table"
        assert re.search(rf"^## {rule.id} {re.escape(rule.name)}$", text, re.M), f"{rule.id} has no section"


def test_no_id_in_the_doc_is_unknown_to_rules_py():
    mentioned = set(re.findall(r"\bBC\d{3}\b", _text()))
    assert mentioned == set(RULES), f"only in the doc: {sorted(mentioned - set(RULES))}; only in rules.py: {sorted(set(RULES) - mentioned)}"


def test_each_section_says_what_triggers_it_and_the_fix():
    sections = re.split(r"^## ", _text(), flags=re.M)[1:]
    assert len(sections) == len(RULES)
    for section in sections:
        assert "**Triggers:**" in section and "**Fix:**" in section, section.splitlines()[0]
