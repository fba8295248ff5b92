"""Seeded random layered configurations: buildcheck must predict what real cargo passes to rustc.

Run more or other seeds with BC_DIFF_SEEDS (see docs/testing.md); a failure
prints the seed, the whole generated tree and a shell line that reruns cargo.
"""

from __future__ import annotations

import pytest

from .configgen import generate
from .conftest import CARGO_LABELS, cargo_or_skip, selected_seeds
from .known_disagreements import KNOWN_SCANNER_BUGS
from .runner import compare, record_disagreement, run_scan

pytestmark = pytest.mark.cargo


@pytest.mark.parametrize("seed", selected_seeds())
@pytest.mark.parametrize("cargo_label", CARGO_LABELS)
def test_generated_configuration(cargo_label, seed, case_runner, request):
    cargo = cargo_or_skip(cargo_label)
    case = generate(seed, cargo.version_tuple)
    reason = KNOWN_SCANNER_BUGS.get((cargo_label, case.name))
    if reason:
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))
    root, outcome = case_runner.run(cargo, case)
    prediction = run_scan(case, cargo, root)
    problems = compare(outcome, prediction)
    if problems:
        record_disagreement(cargo, case, outcome, problems)
    assert not problems, (
        f"buildcheck disagrees with cargo {cargo.version} ({cargo.label}) on seed {seed}:\n  "
        + "\n  ".join(problems)
        + f"\n\nrerun cargo: {outcome.command}\n\n{case.describe(cargo.version)}")
