#!/usr/bin/env python3
"""Time and peak memory of `buildcheck inspect` against `llvm-dwarfdump --statistics`.

Builds (or reuses) the inputs with gen_big_binary.py, then runs each tool as a child process
and reads its wall time and peak RSS from os.wait4 (the child's own rusage, so the numbers
are not mixed with other children's). buildcheck runs --repeat times (best time, worst RSS)
after one warm-up run, so the file is in the page cache for every tool alike.

Checks (from issue #3, "Speed and memory"):
  huge:   buildcheck >= 10x faster than llvm-dwarfdump --statistics, peak RSS < 200 MB
  medium: buildcheck <= 3x the time it takes on tiny
  rel:    peak RSS < 200 MB on a relocatable object with 2.7 million relocations against .debug_info

Usage: python benchmarks/bench_inspect.py [--skip-llvm] [--repeat N] [--only tiny,medium,huge,rel]
Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen_big_binary  # noqa: E402  (the generator lives beside this script)

LLVM_DWARFDUMP = shutil.which("llvm-dwarfdump-14") or shutil.which("llvm-dwarfdump")


@dataclass(frozen=True)
class Measure:
    seconds: float      # wall
    cpu_seconds: float  # user + system: less disturbed than wall time on a loaded machine
    peak_rss_mb: float
    stdout: bytes


def measure(args: list[str]) -> Measure:
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    stdout = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} exited {proc.returncode}")
    return Measure(seconds=seconds, cpu_seconds=usage.ru_utime + usage.ru_stime,
                   peak_rss_mb=usage.ru_maxrss / 1024, stdout=stdout)  # ru_maxrss is KiB


def bench_buildcheck(path: Path, repeat: int) -> tuple[Measure, dict]:
    args = [sys.executable, "-m", "buildcheck", "inspect", "--format", "json", str(path)]
    warm = measure(args)
    runs = [measure(args) for _ in range(repeat)]
    best = min(runs, key=lambda m: m.seconds)
    worst_rss = max(m.peak_rss_mb for m in [warm, *runs])
    return Measure(best.seconds, best.cpu_seconds, worst_rss, best.stdout), json.loads(best.stdout)


def bench_llvm(path: Path) -> Measure:
    return measure([LLVM_DWARFDUMP, "--statistics", str(path)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-llvm", action="store_true", help="do not run llvm-dwarfdump --statistics")
    parser.add_argument("--repeat", type=int, default=3, help="timed buildcheck runs per input (default 3)")
    parser.add_argument("--only", default="tiny,medium,huge,rel", help="comma-separated inputs (default all)")
    args = parser.parse_args()
    wanted = args.only.split(",")

    gen = [sys.executable, str(HERE / "gen_big_binary.py")]
    subprocess.run(gen + (["--only", "huge"] if "huge" in wanted else ["--only", "medium"]), check=True)
    subprocess.run(gen + ["--only", "tiny"], check=True)
    if "rel" in wanted:
        subprocess.run(gen + ["--only", "rel"], check=True)
    inputs = {name: gen_big_binary.WORK / ("rel.o" if name == "rel" else name) for name in wanted}

    rows = {}
    for name, path in inputs.items():
        print(f"measuring {name} ...", file=sys.stderr, flush=True)
        ours, report = bench_buildcheck(path, args.repeat)
        llvm = bench_llvm(path) if LLVM_DWARFDUMP and not args.skip_llvm else None
        rows[name] = {
            "file_mb": path.stat().st_size / 1e6,
            "debug_info_mb": report["debug_info_bytes"] / 1e6,
            "units": sum(o["units"] for o in report["origins"]),
            "buildcheck_s": ours.seconds, "buildcheck_cpu_s": ours.cpu_seconds, "buildcheck_rss_mb": ours.peak_rss_mb,
            "llvm_s": llvm.seconds if llvm else None, "llvm_cpu_s": llvm.cpu_seconds if llvm else None,
            "llvm_rss_mb": llvm.peak_rss_mb if llvm else None,
        }

    print(f"{'':49} {'buildcheck inspect':^26}  {'llvm-dwarfdump --statistics':^28}")
    print(f"{'input':8} {'file MB':>9} {'.debug_info MB':>15} {'units':>7}   {'wall s':>7} {'CPU s':>7} {'RSS MB':>8}"
          f"   {'wall s':>7} {'CPU s':>7} {'RSS MB':>8}")
    for name, r in rows.items():
        if r["llvm_s"] is not None:
            llvm = f"{r['llvm_s']:7.2f} {r['llvm_cpu_s']:7.2f} {r['llvm_rss_mb']:8.0f}"
        else:
            llvm = f"{'skipped':>7} {'-':>7} {'-':>8}"
        print(f"{name:8} {r['file_mb']:9.1f} {r['debug_info_mb']:15.1f} {r['units']:7d}   {r['buildcheck_s']:7.2f} "
              f"{r['buildcheck_cpu_s']:7.2f} {r['buildcheck_rss_mb']:8.0f}   {llvm}")

    checks: list[tuple[str, bool]] = []
    if "huge" in rows:
        huge = rows["huge"]
        checks.append((f"huge: peak RSS {huge['buildcheck_rss_mb']:.0f} MB < 200 MB", huge["buildcheck_rss_mb"] < 200))
        if huge["llvm_s"] is not None:
            speedup = huge["llvm_s"] / huge["buildcheck_s"]
            cpu_speedup = huge["llvm_cpu_s"] / huge["buildcheck_cpu_s"]
            checks.append((f"huge: {speedup:.1f}x faster than llvm-dwarfdump --statistics in wall time "
                           f"({cpu_speedup:.1f}x in CPU time) (>= 10x)", speedup >= 10))
        if "medium" in rows:
            copies = gen_big_binary.HUGE["copies"]
            checks.append((f"huge: {huge['units']} units = {copies} x medium's {rows['medium']['units']}",
                           huge["units"] == copies * rows["medium"]["units"]))
    if "rel" in rows:
        rel = rows["rel"]
        checks.append((f"rel: peak RSS {rel['buildcheck_rss_mb']:.0f} MB < 200 MB", rel["buildcheck_rss_mb"] < 200))
    if "medium" in rows and "tiny" in rows:
        ratio = rows["medium"]["buildcheck_s"] / rows["tiny"]["buildcheck_s"]
        checks.append((f"medium: {ratio:.2f}x the time of tiny (<= 3x)", ratio <= 3))
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    (gen_big_binary.WORK / "results.json").write_text(json.dumps(rows, indent=1))
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
