"""What one run of the CLI was given: the environment, the cwd, output preferences.

The environment is read from os.environ exactly once, in cli.py, and passed
down from here; library code takes a Mapping so that tests hand in dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class RunContext:
    env: Mapping[str, str]
    cwd: str
    color: str = "auto"  # auto | always | never

    def use_color(self, isatty: bool) -> bool:
        """An explicit --color wins; under auto, NO_COLOR (non-empty), then FORCE_COLOR, then the terminal decide."""
        if self.color != "auto":
            return self.color == "always"
        if self.env.get("NO_COLOR"):
            return False
        if self.env.get("FORCE_COLOR"):
            return True
        return isatty
