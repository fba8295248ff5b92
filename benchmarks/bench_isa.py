#!/usr/bin/env python3
"""Time and peak memory of `buildcheck inspect --isa` against `objdump -d` on a large Rust executable.

The input is a ~40 MB Rust executable. By default the script takes rustup's `cargo` (a release build
of a big Rust program: 42 MB, 23 MB of .text, 40,000 functions, with statically linked OpenSSL,
blake3, memchr and sha2 that dispatch at run time); `--input PATH` takes any other, for instance
`target/release/damocles-worker` or a release build of another large offline Rust program. With
neither, `--generate` builds one from generated Rust source (rustc only, no crates): many modules of
arithmetic and string code, compiled with `-C target-cpu=x86-64-v3 -C opt-level=3 -C codegen-units=16`
to about --size MB (7.1 MB took 1 minute of one core here, so 40 MB about 6).

Each tool runs as a child process, one after the other, --repeat times after one warm-up (so the file
is in the page cache for both): wall time from time.perf_counter, CPU time and peak RSS from the
child's own rusage (os.wait4). Medians are reported, and the ratio of the medians. objdump's output
goes to /dev/null (it still formats every instruction, which is the cost of using it for this job).

Check (from the issue): buildcheck's median wall time <= half of objdump's.

Usage: python benchmarks/bench_isa.py [--input PATH | --generate] [--repeat N] [--size MB]
Exit status 1 when the check fails.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "inputs"


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float


def measure(args: list[str], stdout: int | None = subprocess.DEVNULL) -> Run:
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=stdout, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{' '.join(args)} exited {code}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def rustup_cargo() -> Path | None:
    home = Path(os.environ.get("RUSTUP_HOME", Path.home() / ".rustup"))
    found = sorted(glob.glob(str(home / "toolchains" / "stable-*" / "bin" / "cargo")))
    found += sorted(glob.glob(str(home / "toolchains" / "*" / "bin" / "cargo")))
    return Path(found[0]) if found else None


def generate(size_mb: int) -> Path:
    """A Rust executable of about size_mb MB from generated source (no crates)."""
    rustc = shutil.which("rustc") or str(Path.home() / ".cargo" / "bin" / "rustc")
    WORK.mkdir(exist_ok=True)
    output = WORK / f"generated-{size_mb}mb"
    if output.exists():
        return output
    modules = max(1, round(size_mb * 3.4))  # measured: 24 modules give a 7.1 MB file
    source = WORK / "generated.rs"
    lines = ["use std::collections::HashMap;", "use std::hint::black_box;"]
    for m in range(modules):
        lines.append(f"mod m{m} {{ use super::*;")
        for f in range(40):
            lines.append(
                f"#[inline(never)] pub fn f{f}(v: &mut Vec<u64>, s: &str, k: u64) -> u64 {{"
                f" let mut map: HashMap<String, u64> = HashMap::new();"
                f" for (i, w) in s.split_whitespace().enumerate() {{ *map.entry(w.to_string()).or_default() += i as u64 ^ {m * 40 + f}; }}"
                f" for x in v.iter_mut() {{ *x = x.wrapping_mul(k).rotate_left({f % 63 + 1}) ^ (*x >> 3); }}"
                f" v.sort_unstable(); format!(\"{{:?}}\", map.len()).len() as u64 + v.iter().sum::<u64>() }}")
        lines.append("pub fn all(v: &mut Vec<u64>, s: &str) -> u64 { 0" +
                     "".join(f" + f{f}(v, s, {f + 1})" for f in range(40)) + " }")
        lines.append("}")
    lines.append("fn main() { let mut v: Vec<u64> = (0..64).collect(); let s = black_box(\"a b c\"); let mut t = 0;")
    lines += [f"t += m{m}::all(&mut v, s);" for m in range(modules)]
    lines.append("println!(\"{t}\"); }")
    source.write_text("\n".join(lines))
    subprocess.run([rustc, "-C", "opt-level=3", "-C", "codegen-units=16", "-C", "target-cpu=x86-64-v3",
                    str(source), "-o", str(output)], check=True)
    return output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", type=Path, help="the executable to analyse (default: rustup's cargo)")
    parser.add_argument("--generate", action="store_true", help="build a generated Rust executable instead")
    parser.add_argument("--size", type=int, default=40, help="MB for --generate (default 40)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each tool (default 5)")
    args = parser.parse_args()

    path = args.input or (generate(args.size) if args.generate else rustup_cargo())
    if path is None or not path.exists():
        sys.exit("no input: give --input PATH or --generate (no rustup cargo found)")
    objdump = shutil.which("objdump")
    if objdump is None:
        sys.exit("objdump (binutils) is needed as the yardstick")

    ours = [sys.executable, "-m", "buildcheck", "inspect", "--isa", "--format", "json", str(path)]
    theirs = [objdump, "-d", str(path)]
    report = json.loads(subprocess.run(ours, capture_output=True, check=True, text=True).stdout)["isa"]
    measure(theirs)  # warm-up for both: the file is in the page cache from here on
    runs_ours, runs_theirs = [], []
    for _ in range(args.repeat):  # alternate, so drift in the machine's speed hits both alike
        runs_ours.append(measure(ours))
        runs_theirs.append(measure(theirs))

    def median(runs: list[Run], field: str) -> float:
        return statistics.median(getattr(r, field) for r in runs)

    print(f"input: {path} ({path.stat().st_size / 1e6:.1f} MB, {report['functions']} functions, "
          f"{report['bytes_decoded'] / 1e6:.1f} MB decoded, level {report['level']}, "
          f"required {[e['feature'] for e in report['required']]})")
    print(f"{'tool':34} {'wall s':>8} {'cpu s':>8} {'peak MB':>8}   (medians of {args.repeat})")
    for name, runs in (("buildcheck inspect --isa", runs_ours), ("objdump -d", runs_theirs)):
        print(f"{name:34} {median(runs, 'seconds'):8.2f} {median(runs, 'cpu_seconds'):8.2f} "
              f"{median(runs, 'peak_rss_mb'):8.0f}")
    ratio = median(runs_ours, "seconds") / median(runs_theirs, "seconds")
    cpu_ratio = median(runs_ours, "cpu_seconds") / median(runs_theirs, "cpu_seconds")
    verdict = "PASS" if ratio <= 0.5 else "FAIL"
    print(f"{verdict}  wall-time ratio {ratio:.2f} (CPU {cpu_ratio:.2f}); the check asks for <= 0.50")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
