"""One differential case: a directory tree, an environment and a cargo command line.

A case is plain data so that it can be printed in full when it fails and
rebuilt byte for byte from its seed. Environment values may contain `{root}`,
replaced by the case's directory when it is materialised.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .workspace import WS, Layout, workspace_files

# How buildcheck learns which cargo will run (cargo itself is always called directly).
# The "-over-wrong-file" modes also leave a rust-toolchain.toml naming another version, which
# RUSTUP_TOOLCHAIN (rustup's precedence) or --cargo (buildcheck's) must beat.
ToolchainMode = Literal["pin-file", "pin-file-parent", "pin-legacy-file", "rustup-env", "cargo-path",
                        "rustup-env-over-wrong-file", "cargo-path-over-wrong-file"]
CARGO_PATH_MODES = ("cargo-path", "cargo-path-over-wrong-file")

TRIPLE = "x86_64-unknown-linux-gnu"


@dataclass(frozen=True)
class Case:
    name: str
    layout: Layout = field(default_factory=Layout)
    files: tuple[tuple[str, str], ...] = ()     # extra files (config layers), relative to the case root
    env: tuple[tuple[str, str], ...] = ()
    cwd: str = WS
    profile: str = "release"                    # release | dev | a custom profile name
    target: str | None = None
    config_args: tuple[str, ...] = ()
    toolchain: ToolchainMode = "cargo-path"

    def all_files(self, cargo_version: str) -> dict[str, str]:
        files = workspace_files(self.layout)
        files.update(dict(self.files))
        pin = f'[toolchain]\nchannel = "{cargo_version}"\n'
        if self.toolchain == "pin-file":
            files[f"{WS}/rust-toolchain.toml"] = pin
        elif self.toolchain == "pin-file-parent":
            files["l0/l1/rust-toolchain.toml"] = pin
        elif self.toolchain == "pin-legacy-file":
            files[f"{WS}/rust-toolchain"] = f"{cargo_version}\n"
        elif self.toolchain.endswith("-over-wrong-file"):
            # a version on the other side of 1.77 (implicit strip), so believing the file shows
            wrong = "1.70.0" if tuple(map(int, cargo_version.split(".")[:2])) >= (1, 77) else "1.95.0"
            files[f"{WS}/rust-toolchain.toml"] = f'[toolchain]\nchannel = "{wrong}"\n'

        return files

    def env_for(self, root: Path, cargo_version: str) -> dict[str, str]:
        env = {key: value.replace("{root}", str(root)) for key, value in self.env}
        if self.toolchain.startswith("rustup-env"):
            env["RUSTUP_TOOLCHAIN"] = cargo_version
        return env

    def materialize(self, root: Path, cargo_version: str) -> None:
        for relative, text in self.all_files(cargo_version).items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        (root / "home").mkdir(exist_ok=True)
        (root / "user-home").mkdir(exist_ok=True)
        (root / self.cwd).mkdir(parents=True, exist_ok=True)

    def cargo_args(self) -> list[str]:
        args = ["build", "-v", "--offline"]
        if self.profile == "release":
            args.append("--release")
        elif self.profile != "dev":
            args += ["--profile", self.profile]
        if self.target:
            args += ["--target", self.target]
        for value in self.config_args:
            args += ["--config", value]
        return args

    def describe(self, cargo_version: str) -> str:
        """Everything needed to rebuild the case by hand, for failure messages."""
        lines = [f"case {self.name}: cwd={self.cwd} profile={self.profile} target={self.target} "
                 f"toolchain={self.toolchain} layout={self.layout}",
                 "env: " + json.dumps(dict(self.env)),
                 "cargo " + " ".join(self.cargo_args())]
        for relative, text in sorted(self.all_files(cargo_version).items()):
            if relative.endswith((".rs", ".lock")):
                continue
            lines.append(f"--- {relative}")
            lines.append(text.rstrip("\n"))
        return "\n".join(lines)
