"""Run buildcheck on a fixtures/cargo scenario, copied to a temporary directory first.

A scenario is a tree (workspace under parent/ws, parent layers, home/ used as CARGO_HOME),
an env.json with its environment and an expected.json (docs in tests/differential/test_fixtures.py).
Copying keeps config files above the repository out and the repository unwritten.

The machine is hermetic too: PATH leads to a rustup of the scenario's own (tests/helpers/toolchains.py) with the
toolchains it pins installed, so neither this machine's rustup nor a Debian /usr/bin/cargo decides what it sees.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers.toolchains import pinned_toolchains, rustup

REPO = Path(__file__).resolve().parents[2]
CARGO_FIXTURES = REPO / "fixtures" / "cargo"
BINARY_FIXTURES = REPO / "fixtures" / "binaries"


class Scenario:
    def __init__(self, name: str, tmp_path: Path):
        self.root = tmp_path / name
        shutil.copytree(CARGO_FIXTURES / name, self.root)
        (self.root / "home").mkdir(exist_ok=True)  # git keeps no empty directories
        self.expected = json.loads((self.root / "expected.json").read_text())
        self.env = {key: value.replace("{fixture}", str(self.root))
                    for key, value in json.loads((self.root / "env.json").read_text()).items()}
        self.cwd = self.root / self.expected["cwd"]
        self.machine = rustup(self.root / "machine", pinned_toolchains(self.root, self.env))

    def full_env(self, **extra: str) -> dict[str, str]:
        return {"PATH": self.machine["PATH"] + os.pathsep + "/usr/bin:/bin", "RUSTUP_HOME": self.machine["RUSTUP_HOME"],
                "HOME": str(self.root / "user-home"), "CARGO_HOME": str(self.root / "home"), "LANG": "C",
                **self.env, **extra}

    def library_env(self, **extra: str) -> dict[str, str]:
        """The environment scan() gets in-process: the scenario's rustup, nothing of this machine's."""
        return {"PATH": self.machine["PATH"], "RUSTUP_HOME": self.machine["RUSTUP_HOME"],
                "HOME": str(self.root / "user-home"), "CARGO_HOME": str(self.root / "home"), **self.env, **extra}

    def run(self, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            unset: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
        full = self.full_env(**(env or {}))
        for name in unset:
            full.pop(name, None)
        return buildcheck(*args, cwd=cwd or self.cwd, env=full)


def buildcheck(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "buildcheck", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)
