"""Hand-written cases (named_cases.py), each through both real cargos and buildcheck."""

from __future__ import annotations

import pytest

from .conftest import CARGO_LABELS, cargo_or_skip
from .known_disagreements import KNOWN_SCANNER_BUGS
from .named_cases import NAMED_CASES
from .runner import compare, record_disagreement, run_scan

pytestmark = pytest.mark.cargo


def test_names_are_unique():
    assert len({case.name for case in NAMED_CASES}) == len(NAMED_CASES)


@pytest.mark.parametrize("named_case", NAMED_CASES, ids=lambda case: case.name)
@pytest.mark.parametrize("cargo_label", CARGO_LABELS)
def test_named_case(cargo_label, named_case, case_runner, request):
    cargo = cargo_or_skip(cargo_label)
    reason = KNOWN_SCANNER_BUGS.get((cargo_label, named_case.name))
    if reason:
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))
    root, outcome = case_runner.run(cargo, named_case)
    prediction = run_scan(named_case, cargo, root)
    problems = compare(outcome, prediction)
    if problems:
        record_disagreement(cargo, named_case, outcome, problems)
    assert not problems, (
        f"buildcheck disagrees with cargo {cargo.version} ({cargo.label}) on {named_case.name}:\n  "
        + "\n  ".join(problems)
        + f"\n\nrerun cargo: {outcome.command}\n\n{named_case.describe(cargo.version)}")
