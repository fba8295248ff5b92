"""buildcheck's table of make's built-in variables against the installed GNU make's own list."""

from __future__ import annotations

import re
import subprocess

import pytest

from buildcheck.make.defaults import ALWAYS_DEFINED, DEFAULT_VARIABLES

from .oracle import CAN_RUN, MAKE, SKIP_REASON

# computed per run by make itself, so walk.py defines them, not the table
PER_RUN = {"MAKE_COMMAND", "MAKE", ".VARIABLES", "SHELL", "MAKEFILES", "MAKECMDGOALS", ".RECIPEPREFIX"}


def printed_defaults(*arguments: str) -> dict[str, tuple[str, bool]]:
    done = subprocess.run([MAKE or "make", *arguments, "-p", "-f", "/dev/null"], env={"PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=30)
    lines = done.stdout.splitlines()
    out = {}
    for index, line in enumerate(lines[:-1]):
        if line == "# default":
            match = re.match(r"^(\S+) (:?=) ?(.*)$", lines[index + 1])
            if match and match.group(1) not in PER_RUN:
                out[match.group(1)] = (match.group(3), match.group(2) == "=")
    return out


@pytest.mark.skipif(not CAN_RUN, reason=SKIP_REASON)
def test_table_matches_make_p():
    actual = printed_defaults()
    # .INCLUDE_DIRS depends on how make was configured; the rest is fixed by the version
    actual.pop(".INCLUDE_DIRS", None)
    expected = {k: v for k, v in DEFAULT_VARIABLES.items() if k != ".INCLUDE_DIRS"}
    assert actual == expected


@pytest.mark.skipif(not CAN_RUN, reason=SKIP_REASON)
def test_variables_left_under_no_builtin_variables():
    actual = set(printed_defaults("-R")) - {".INCLUDE_DIRS", "SUFFIXES"}
    assert actual == set(ALWAYS_DEFINED) - {".INCLUDE_DIRS"}
