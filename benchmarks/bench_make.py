"""How fast the make model answers on damocles' Makefiles (not a test: it prints timings).

Copies fixtures/make/damocles (a root Makefile and the two workspace Makefiles, shaped like
damocles') into a temporary directory, or uses the directory given with --tree (for example a
copy of a real damocles checkout), then times in-process:

  - trace_make(root, ["build-worker"]): the root, a sub-make into damocles-worker, one cargo build
  - trace_make(root, []): the default goal `all`, both workspaces (three Makefiles read)
  - trace_make(damocles-worker, []): fmt, clippy, build-all
  - workspaces_built_by(root): the static scan of every rule
  - make_builds(damocles-worker): every goal of both Makefiles that ends in its cargo build

and prints the median and minimum of N runs.

    python benchmarks/bench_make.py [--runs 200] [--tree DIR]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "make" / "damocles"


def _summary(label: str, seconds: list[float]) -> str:
    return (f"{label:<44} median {statistics.median(seconds) * 1000:7.2f} ms   "
            f"min {min(seconds) * 1000:7.2f} ms   ({len(seconds)} runs)")


def _time(runs: int, action: Callable[[], object]) -> list[float]:
    action()  # warm-up (imports, caches of the file system)
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--tree", type=Path, help="a damocles-shaped tree to read instead of the fixture")
    args = parser.parse_args()

    from buildcheck.make import make_builds, trace_make, workspaces_built_by

    base = Path(tempfile.mkdtemp(prefix="bench-make-"))
    try:
        root = args.tree or base / "damocles"
        if args.tree is None:
            shutil.copytree(FIXTURE, root)
        worker = root / "damocles-worker"
        env = {"PATH": "/usr/bin:/bin", "HOME": str(base), "RUSTFLAGS": "-C target-cpu=native -g"}
        trace = trace_make(root, ["build-worker"], env)
        print(f"tree: {root}   build-worker -> {[' '.join(c.argv) for c in trace.calls]}")
        measures = {
            "trace_make(root, [build-worker])": lambda: trace_make(root, ["build-worker"], env),
            "trace_make(root, []) (all: both workspaces)": lambda: trace_make(root, [], env),
            "trace_make(damocles-worker, [])": lambda: trace_make(worker, [], env),
            "workspaces_built_by(root)": lambda: workspaces_built_by(root, env),
            "make_builds(damocles-worker)": lambda: make_builds(worker, env),
        }
        for label, action in measures.items():
            runs = args.runs if "make_builds" not in label else max(10, args.runs // 10)
            print(_summary(label, _time(runs, action)))
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
