"""What one run of the CLI was given: the environment, the cwd, output preferences.

The environment is read from os.environ exactly once, in cli.py, and passed
down from here; library code takes a Mapping so that tests hand in dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, kw_only=True)
class RunContext:
    env: Mapping[str, str]
    cwd: str
    color: str = "auto"  # auto | always | never
    cpuinfo_path: str = "/proc/cpuinfo"
    host: str = "x86_64-unknown-linux-gnu"  # this machine's target triple, derived once by the CLI

    def directory(self, argument: str | None) -> Path:
        """The [DIR] a command works in: the argument (relative to the cwd), else the cwd; UsageError if absent."""
        from buildcheck.errors import UsageError
        from buildcheck.i18n import _

        path = Path(self.cwd) / argument if argument else Path(self.cwd)
        if not path.is_dir():
            raise UsageError(_("{path} is not a directory").format(path=path))
        return path

    def host_cpu_features(self) -> frozenset[str] | None:
        """This host's CPU features in rustc's names, read here at the edge; None where there are none.

        The scanner needs them only for `cfg(target_feature = ...)` keys under `-C target-cpu=native`.
        """
        from buildcheck.errors import InputError
        from buildcheck.recommend.cpu_features import cpuinfo_flags, read_cpuinfo
        from buildcheck.x86_features import rustc_features

        try:
            flags = cpuinfo_flags(read_cpuinfo(self.cpuinfo_path))
        except InputError:
            return None
        return rustc_features(flags) if flags else None

    def scan_options(self, *, profile: str | None = None, cargo: str | None = None, target: str | None = None,
                     config_args: tuple[str, ...] = (), host_cpu_features: frozenset[str] | None = None,
                     read_cpu: bool = True) -> Any:
        """What every build path of this run is scanned with (buildcheck.project.ScanOptions)."""
        from buildcheck.project import ScanOptions

        features = host_cpu_features if host_cpu_features is not None else (
            self.host_cpu_features() if read_cpu else None)
        return ScanOptions(env=self.env, profile=profile, target=target, config_args=config_args, cargo=cargo,
                           host_triple=self.host, host_cpu_features=features)

    def use_color(self, isatty: bool) -> bool:
        """An explicit --color wins; under auto, NO_COLOR (non-empty), then FORCE_COLOR, then the terminal decide."""
        if self.color != "auto":
            return self.color == "always"
        if self.env.get("NO_COLOR"):
            return False
        if self.env.get("FORCE_COLOR"):
            return True
        return isatty
