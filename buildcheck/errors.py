"""Errors that end a run with one clean line on stderr.

Each class carries its exit code, so `cli.main` can turn any of them into
`buildcheck: error: <message>` and the right status without a traceback.
Exit codes follow the linters' convention (ruff, shellcheck): 0 clean,
1 findings, 2 usage error / unreadable input / configuration cargo rejects.
"""

from __future__ import annotations

from buildcheck.exit_codes import CANNOT_ANSWER


class BuildcheckError(Exception):
    """Base class: a problem the user must fix before buildcheck can answer."""

    exit_code = CANNOT_ANSWER


class UsageError(BuildcheckError):
    """The command line itself is wrong (bad option value, missing path)."""


class InputError(BuildcheckError):
    """A file could not be read or is not what it claims to be (not ELF, truncated)."""


class ConfigError(BuildcheckError):
    """Cargo configuration that cargo itself would reject (broken TOML, wrong type, merge conflict).

    `path` and `line` locate the problem when known; they are part of the message
    so that the single stderr line reads `path:line: what is wrong`.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        where = ""
        if path:
            where = f"{path}:{line}: " if line else f"{path}: "
        super().__init__(f"{where}{message}")
