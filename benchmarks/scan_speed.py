"""How fast `buildcheck scan` answers on a damocles-sized workspace (400 packages in Cargo.lock, 2 members).

Run: python benchmarks/scan_speed.py. Prints the library time (median of runs) and the whole CLI
time (process start, imports, scan, JSON). Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def make_workspace(root: Path, packages: int = 400) -> None:
    rng = random.Random(1)
    (root / "vc-processors/src").mkdir(parents=True)
    (root / "src").mkdir()
    (root / "Cargo.toml").write_text(
        '[package]\nname = "damocles-worker"\nversion = "0.13.0"\n\n[dependencies]\n'
        'vc-processors = { path = "vc-processors" }\n\n[workspace]\nmembers = ["vc-processors"]\n')
    (root / "vc-processors/Cargo.toml").write_text('[package]\nname = "vc-processors"\nversion = "0.13.0"\n')
    (root / "rust-toolchain.toml").write_text('[toolchain]\nchannel = "1.72.0"\n')
    names = [f"crate{i}" for i in range(packages)]
    lines = ["version = 3\n"]
    for i, name in enumerate(names):
        deps = rng.sample(names[i + 1:], min(6, len(names) - i - 1))
        lines.append(f'[[package]]\nname = "{name}"\nversion = "1.0.{i}"\n'
                     'source = "registry+https://github.com/rust-lang/crates.io-index"\n'
                     f'checksum = "{"0" * 64}"\ndependencies = [\n'
                     + "".join(f' "{d}",\n' for d in deps) + "]\n")
    lines.append('[[package]]\nname = "damocles-worker"\nversion = "0.13.0"\ndependencies = [\n "crate0",\n'
                 ' "vc-processors",\n]\n')
    lines.append('[[package]]\nname = "vc-processors"\nversion = "0.13.0"\ndependencies = [\n "crate1",\n]\n')
    (root / "Cargo.lock").write_text("\n".join(lines))


def main() -> None:
    from buildcheck.cargo.scan import scan

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "damocles-worker"
        root.mkdir()
        make_workspace(root)
        env = {"HOME": tmp, "RUSTFLAGS": "-C target-cpu=native -g"}
        times = []
        for _ in range(7):
            start = time.perf_counter()
            result = scan(cwd=root, env=env)
            result.to_json()
            times.append(time.perf_counter() - start)
        print(f"scan() + to_json(), {len(result.packages)} packages: median {statistics.median(times) * 1000:.0f} ms")
        cli = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "buildcheck", "scan", "--format", "json"], cwd=root,
                           env={**env, "PATH": "/usr/bin:/bin"}, capture_output=True, check=False)
            cli.append(time.perf_counter() - start)
        print(f"`buildcheck scan --format json` whole process: median {statistics.median(cli) * 1000:.0f} ms")
        text = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "buildcheck", "scan"], cwd=root,
                           env={**env, "PATH": "/usr/bin:/bin"}, capture_output=True, check=False)
            text.append(time.perf_counter() - start)
        print(f"`buildcheck scan` (text, rich) whole process: median {statistics.median(text) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
