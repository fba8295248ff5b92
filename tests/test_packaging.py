"""The installed package (not the editable checkout) carries the catalog and the demo's examples, and uses them.

The README's first command is `pip install .`: a .mo or an example missing from the package data
would only show on a fresh machine, so this builds the wheel from a copy of the sources and runs
the installed tool from outside the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("src")
    # A copy, so the build's build/ and egg-info never land in the working tree.
    shutil.copytree(REPO / "buildcheck", source / "buildcheck",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        pytest.skip(f"cannot build a wheel here (no build backend reachable): {result.stderr.strip()[-300:]}")
    return next(out.glob("buildcheck-*.whl"))


def test_wheel_carries_the_catalog_and_the_examples(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("buildcheck/locale/zh/LC_MESSAGES/buildcheck.mo",
                     "buildcheck/examples/lotus-workspace/.cargo/config.toml",
                     "buildcheck/examples/lotus-workspace/damocles-worker/rust-toolchain.toml",
                     "buildcheck/examples/lotus-workspace/damocles-worker/Cargo.lock",
                     "buildcheck/examples/lotus-workspace/damocles-worker/src/main.rs",
                     "buildcheck/examples/binaries/rust-tiny-debug",
                     "buildcheck/examples/cpuinfo.txt"):
        assert required in names, required
    assert not any(name.endswith(".po") for name in names)  # the source catalog stays in the repository
    # Every file of the package is shipped (a data file the code reads, such as doctor's sys_crates.toml, is
    # missed only by an installed copy: the editable checkout has them all).
    package = REPO / "buildcheck"
    shipped = {str(path.relative_to(REPO)) for path in package.rglob("*")
               if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".po")}
    assert shipped - names == set()


def test_installed_tool_speaks_chinese_and_runs_the_demo(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(target), "PATH": "/nonexistent"}
    env.pop("LANG", None)
    where = subprocess.run([sys.executable, "-c", "import buildcheck; print(buildcheck.__file__)"], cwd=tmp_path,
                           env=env, capture_output=True, text=True, timeout=60)
    assert where.stdout.startswith(str(target)), where.stdout  # the installed copy, not the checkout

    scan = subprocess.run([sys.executable, "-m", "buildcheck", "--lang", "zh", "--color", "never", "scan"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert scan.returncode in (0, 1), scan.stderr
    assert "结论" in scan.stdout and "Verdict" not in scan.stdout

    demo = subprocess.run([sys.executable, "-m", "buildcheck", "--color", "never", "demo"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr
    assert "Step 6/6" in demo.stdout and "no debug sections expected" in demo.stdout

    # doctor reads its table of -sys crates from the package
    machine = tmp_path / "machine"
    (machine / "etc").mkdir(parents=True)
    doctor = subprocess.run([sys.executable, "-m", "buildcheck", "doctor", "--root", str(machine), "--format", "json",
                             str(REPO / "fixtures" / "doctor" / "damocles-like")], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert doctor.returncode in (0, 1), doctor.stderr
    assert "libclang" in {check["name"] for check in json.loads(doctor.stdout)["checks"]}
