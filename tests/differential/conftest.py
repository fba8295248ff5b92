"""Fixtures of the differential suite: the two real cargos, and a pool that runs their builds ahead.

Each case is a real `cargo build -v` (0.3-1 s). Tests compare one case each, but
the builds themselves start as soon as the first differential test runs: every
selected case is submitted to a small thread pool (cargo and rustc do the work
in their own processes), so the two cores stay busy while the tests compare.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from helpers.seeds import seeds_from

from .case import Case
from .configgen import generate
from .runner import Cargo, CargoOutcome, find_cargo, run_cargo

CARGO_LABELS = ("stable", "debian")
KEEP = bool(os.environ.get("BC_DIFF_KEEP"))   # keep each case's directory (and target/) for a look by hand


def selected_seeds() -> list[int]:
    """BC_DIFF_SEEDS="0-59" (default), "17", "3,17,40-45": the generated cases to run."""
    return seeds_from(variable="BC_DIFF_SEEDS", default="0-59")


_CARGOS: dict[str, Cargo | None] = {}


def cached_cargo(label: str) -> Cargo | None:
    if label not in _CARGOS:
        _CARGOS[label] = find_cargo(label)
    return _CARGOS[label]


def cargo_or_skip(label: str) -> Cargo:
    cargo = cached_cargo(label)
    if cargo is None:
        pytest.skip(f"{label} cargo is not installed")
    return cargo


class CaseRunner:
    """Runs (cargo, case) builds on a thread pool, each in its own directory; results are awaited per test."""

    def __init__(self, base: Path, workers: int):
        self.base = base
        self.pool = ThreadPoolExecutor(max_workers=workers)
        self.futures: dict[tuple[str, str], Future] = {}

    def directory(self, cargo: Cargo, case: Case) -> Path:
        return self.base / f"{cargo.label}-{case.name}"

    def submit(self, cargo: Cargo, case: Case) -> Future:
        key = (cargo.label, case.name)
        if key not in self.futures:
            self.futures[key] = self.pool.submit(self._build, cargo, case)
        return self.futures[key]

    def _build(self, cargo: Cargo, case: Case) -> CargoOutcome:
        root = self.directory(cargo, case)
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        case.materialize(root, cargo.version)
        outcome = run_cargo(case, cargo, root)
        if not KEEP:
            shutil.rmtree(root / "target", ignore_errors=True)
        return outcome

    def run(self, cargo: Cargo, case: Case) -> tuple[Path, CargoOutcome]:
        return self.directory(cargo, case), self.submit(cargo, case).result()


@pytest.fixture(scope="session")
def case_runner(request, tmp_path_factory) -> CaseRunner:
    runner = CaseRunner(tmp_path_factory.mktemp("differential"), workers=max(2, (os.cpu_count() or 2)))
    # Start every selected generated case now, in test order, so builds overlap with comparisons.
    for item in request.session.items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "cargo_label" not in params:
            continue
        cargo = cached_cargo(params["cargo_label"])
        if cargo is None:
            continue
        if "seed" in params:
            runner.submit(cargo, generate(params["seed"], cargo.version_tuple))
        elif isinstance(params.get("named_case"), Case):
            runner.submit(cargo, params["named_case"])
    yield runner
    runner.pool.shutdown(wait=True, cancel_futures=True)
