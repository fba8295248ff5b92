"""What a make trace answers: every cargo command `make GOAL` would run, with its directory, argv and
complete environment, and the notes that qualify the answer.

Every value keeps its origin: an environment variable make changed points at the Makefile line that
set, exported or unexported it (or at the recipe line that started the sub-make that carried it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from buildcheck.model import Origin

NoteKind = Literal[
    "opaque",             # a value depends on $(shell ...) / != output, never run
    "opaque-condition",   # a conditional depends on such a value; its outcome was assumed
    "unsupported",        # a construct buildcheck does not model; the answer may differ there
    "unreadable",         # a makefile could not be read
    "too-large",          # a makefile was larger than the bound and was not read at all
    "not-utf8",           # a makefile has bytes that are not UTF-8 (read as is)
    "recursion",          # a sub-make loop, or the depth bound, cut the trace
    "error",              # make itself would stop here (a missing rule, $(error), bad syntax)
    "limit",              # buildcheck's own bounds stopped the model (expansion size, nesting)
    "assumption",         # something assumed about the outside world (a command succeeds, a built-in rule)
    "up-to-date",         # a target's file exists and is newer than its prerequisites: recipe skipped
    "not-written",        # $(file >...) would write a file; buildcheck writes nothing
    "undefined-variable", # --warn-undefined-variables
    "no-makefile",        # no GNUmakefile, makefile or Makefile in the directory
]


@dataclass(frozen=True)
class MakeNote:
    kind: NoteKind
    message: str
    origin: Origin | None = None


@dataclass(frozen=True)
class MakeStep:
    """One make on the way to a command: where it ran, the makefile it read, the target whose recipe
    ran the next step, and that recipe line."""

    directory: Path
    makefile: Path | None
    target: str
    recipe_line: Origin | None
    level: int


ChangeSource = Literal["makefile", "command-line", "make", "shell"]


@dataclass(frozen=True)
class EnvChange:
    """A variable the command receives differently from the user's environment.

    value   the value the command receives, or None when make removed it (`unexport`)
    origin  the Makefile line that set or removed it: an assignment, `export X` (which defines an
            undefined X as empty), `unexport X`, or the recipe line whose command-line variable or
            sub-make carried it; None for what make itself sets (MAKEFLAGS, MAKELEVEL, MFLAGS)
    export_origin  the `export` line, when a different line set the value
    source  who changed it: a makefile line, a make command-line variable, make itself, or the shell
            that ran the recipe line (dash exports PWD, `cd` sets OLDPWD)
    """

    name: str
    value: str | None
    origin: Origin | None
    source: ChangeSource
    export_origin: Origin | None = None


@dataclass(frozen=True)
class CargoCall:
    """One `cargo ...` process that make would start."""

    cwd: Path
    argv: tuple[str, ...]
    env: Mapping[str, str] = field(hash=False)
    changes: Mapping[str, EnvChange] = field(hash=False)
    opaque: frozenset[str]        # env names, and "argv[N]", whose value depends on $(shell) output
    via: tuple[MakeStep, ...]

    @property
    def origin(self) -> Origin | None:
        """The recipe line that runs this command."""
        return self.via[-1].recipe_line if self.via else None

    @property
    def subcommand(self) -> str | None:
        """`build`, `fmt`, ...: the first argument that is not an option or `+toolchain`."""
        for argument in self.argv[1:]:
            if argument.startswith("+") or argument.startswith("-"):
                continue
            return argument
        return None


@dataclass(frozen=True)
class MakeInvocation:
    """A make process in the trace (the top one and every sub-make)."""

    directory: Path
    argv: tuple[str, ...]
    level: int
    via: tuple[MakeStep, ...]


@dataclass(frozen=True)
class MakeTrace:
    """`make GOALS` in `directory`, as buildcheck predicts it without running anything."""

    directory: Path
    goals: tuple[str, ...]          # the goals as make resolved them (the default goal when none given)
    calls: tuple[CargoCall, ...]
    makes: tuple[MakeInvocation, ...]
    notes: tuple[MakeNote, ...]
    complete: bool                  # False when make would stop early or the model was cut short
    succeeded: bool = True          # whether make would exit with status 0, as far as buildcheck knows

    def builds(self) -> tuple[CargoCall, ...]:
        """The `cargo build` commands."""
        return tuple(call for call in self.calls if call.subcommand == "build")
