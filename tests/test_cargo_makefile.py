"""The Makefile trap, checked against GNU make itself when it is installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from buildcheck.cargo.makefile import detect_make_rustflags

CASES = [
    # Makefile text, environment RUSTFLAGS (None: unset), expected RUSTFLAGS under make (None: unchanged/unset)
    ("export RUSTFLAGS\n", None, ""),
    ("export RUSTFLAGS\n", "-g", None),
    ("export\n", None, None),  # a bare export only exports variables that are defined
    ("RUSTFLAGS = -C opt-level=3\nexport\n", None, "-C opt-level=3"),
    ("export RUSTFLAGS ?= -C target-cpu=native\n", None, "-C target-cpu=native"),
    ("export RUSTFLAGS ?= -C target-cpu=native\n", "-g", None),
    ("export CC CXX RUSTFLAGS\n", None, ""),
    ("build:\n\texport RUSTFLAGS\n", None, None),  # a recipe line is shell, not make
]


@pytest.mark.parametrize("text, env_value, expected", CASES)
def test_detect(tmp_path, text, env_value, expected):
    (tmp_path / "Makefile").write_text(text)
    env = {} if env_value is None else {"RUSTFLAGS": env_value}
    found = detect_make_rustflags([tmp_path], env)
    got = found.value_under_make if found else None
    assert got == expected
    if found:
        assert found.origin.path == str(tmp_path / "Makefile") and found.origin.line


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make not installed")
@pytest.mark.parametrize("text, env_value, expected", CASES[:-1])
def test_agrees_with_gnu_make(tmp_path, text, env_value, expected):
    (tmp_path / "Makefile").write_text(text + "\nprobe:\n\t@env | grep '^RUSTFLAGS=' || echo UNSET\n")
    env = {"PATH": "/usr/bin:/bin"}
    if env_value is not None:
        env["RUSTFLAGS"] = env_value
    done = subprocess.run(["make", "-s", "probe"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=30)
    line = done.stdout.strip().splitlines()[-1]
    actual = None if line == "UNSET" else line.split("=", 1)[1]
    predicted = expected if expected is not None else env_value
    assert actual == predicted


def test_workspace_root_is_checked_before_the_cwd(tmp_path):
    root, sub = tmp_path, tmp_path / "sub"
    sub.mkdir()
    (root / "Makefile").write_text("\n\nexport RUSTFLAGS\n")
    (sub / "Makefile").write_text("all:\n")
    found = detect_make_rustflags([Path(root), Path(sub)], {})
    assert found.origin.line == 3
