"""From a target's recipe to the programs make starts: expansion, prefixes, line splitting, the shell.

make expands all of a target's recipe lines when the target's job starts, then runs them one by one
(job.c, start_job_command): leading `@` (silent), `-` (ignore errors) and `+` (run even under -n)
are taken off, a recipe prefix after an escaped newline is dropped, and an expanded line that holds
newlines (a `define`d variable) becomes several commands. A command with no shell syntax is split
and run by make itself; anything else goes to `$(SHELL) $(.SHELLFLAGS)`. A line is "recursive"
(it runs even under `make -n`) when it has a `+` or its unexpanded text mentions `$(MAKE)` or
`${MAKE}`.

What a started program is (`classify`): cargo, a sub-make, or something else.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from buildcheck.make.database import RecipeLine
from buildcheck.make.opaque import OpaqueRegistry
from buildcheck.make.opaque import OPEN
from buildcheck.make.shell import (Runner, ShellModel, ShellSimulation, Started, always_succeeds, make_split,
                                   unwrap)
from buildcheck.model import Origin

DEFAULT_SHELL = "/bin/sh"


@dataclass(frozen=True)
class CommandLine:
    """One command as make runs it."""

    text: str
    origin: Origin
    recursive: bool
    silent: bool
    ignore_errors: bool


def is_recursive_line(raw: str) -> bool:
    return "$(MAKE)" in raw or "${MAKE}" in raw


def _split_commands(text: str) -> list[str]:
    """An expanded recipe line cut at its unescaped newlines (outside double quotes), as
    start_job_command does for each command in turn."""
    pieces: list[str] = []
    start = 0
    in_string = False
    position = 0
    while position < len(text):
        char = text[position]
        if char == '"':
            in_string = not in_string
        elif char == "\\" and not in_string and position + 1 < len(text):
            position += 1
        elif char == "\n" and not in_string:
            pieces.append(text[start:position])
            start = position + 1
        position += 1
    pieces.append(text[start:])
    return pieces


def command_lines(lines: Sequence[RecipeLine], expanded: Sequence[str], recipe_prefix: str) -> list[CommandLine]:
    out: list[CommandLine] = []
    for line, text in zip(lines, expanded):
        recursive_line = is_recursive_line(line.text)
        remaining: str | None = text
        while remaining is not None:
            silent = ignore = False
            recursive = recursive_line
            position = 0
            while position < len(remaining):
                char = remaining[position]
                if char == "@":
                    silent = True
                elif char == "+":
                    recursive = True
                elif char == "-":
                    ignore = True
                elif char not in " \t":
                    break
                position += 1
            body = remaining[position:]
            # POSIX: a recipe prefix right after a backslash-newline is not part of the command
            body = body.replace("\n" + recipe_prefix, "\n") if recipe_prefix else body
            start = 0
            while start < len(body):
                if body[start] in " \t\n\r\v\f":
                    start += 1
                    continue
                if body[start] == "\\" and body[start + 1:start + 2] in ("\n",):
                    start += 2
                    continue
                break
            body = body[start:]
            pieces = _split_commands(body)
            first = pieces[0]
            remaining = "\n".join(pieces[1:]) if len(pieces) > 1 else None
            if first.strip(" \t"):
                out.append(CommandLine(first, line.origin, recursive, silent, ignore))
            if remaining is not None:
                recursive_line = recursive  # make keeps the + of a multi-line recipe for all its lines
    return out


@dataclass(frozen=True)
class ShellChoice:
    """How make runs commands for one target: the shell, its flags, and .ONESHELL."""

    shell: str = DEFAULT_SHELL
    flags: str = "-c"
    one_shell: bool = False

    @property
    def default(self) -> bool:
        return self.shell == DEFAULT_SHELL and self.flags in ("-c", "-ec") and not self.one_shell

    @property
    def errexit(self) -> bool:
        """`-e` among the shell flags (`.SHELLFLAGS = -ec`, or .POSIX): a failing command ends the line."""
        words = self.flags.split()
        return any(w.startswith("-") and not w.startswith("--") and w != "-o" and "e" in w[1:] for w in words) or \
            any(a == "-o" and b == "errexit" for a, b in zip(words, words[1:]))

    def model(self, sh: ShellModel) -> ShellModel | None:
        """The shell to model: `sh` is what /bin/sh is; None for a shell buildcheck does not know."""
        name = os.path.basename(self.shell)
        if self.shell == DEFAULT_SHELL:
            return sh
        if name == "bash":
            return ShellModel("bash")
        if name in ("dash", "sh"):
            return ShellModel("dash") if name == "dash" else sh
        return None


@dataclass(frozen=True)
class CommandOutcome:
    """What running one command did: the programs started (in order), whether it went through the
    shell, whether it succeeded (and if not, why), and what `||` left out."""

    started: tuple[Started, ...]
    through_shell: bool
    succeeded: bool
    failure: str | None
    skipped_after_or: tuple[str, ...]


def run_command(command: CommandLine, env: Mapping[str, str], cwd: Path, registry: OpaqueRegistry,
                choice: ShellChoice, model: ShellModel, runner: Runner = always_succeeds,
                directory_exists: Callable[[Path], bool] = Path.is_dir) -> CommandOutcome:
    """Simulate one command: split by make itself when it can, else through the shell model."""
    if choice.default:
        argv = make_split(command.text)
        if argv is not None:
            if not argv:
                return CommandOutcome((), False, True, None, ())
            unwrapped = unwrap(argv, dict(env), set())
            if unwrapped is None:
                return CommandOutcome((), False, True, None, ())
            final, final_env, changed = unwrapped
            program = Started(tuple(final), final_env, cwd, frozenset(i for i, a in enumerate(final) if OPEN in a),
                              frozenset(changed), shell_uncertain=OPEN in command.text)
            succeeded = runner(program)
            return CommandOutcome((program,), False, succeeded, None if succeeded else final[0], ())
    simulation = ShellSimulation(env, cwd, registry, command.origin, choice.model(model) or model, runner,
                                 directory_exists, errexit=choice.errexit)
    succeeded = simulation.run(command.text)
    return CommandOutcome(tuple(simulation.started), True, succeeded, simulation.failure,
                          tuple(simulation.skipped_after_or))


ProgramKind = Literal["cargo", "make", "other"]

MAKE_NAMES = frozenset({"make", "gmake"})


def classify(argv: Sequence[str], make_command: str) -> ProgramKind:
    if not argv:
        return "other"
    program = argv[0]
    name = os.path.basename(program)
    if name == "cargo":
        return "cargo"
    if program == make_command or name in MAKE_NAMES:
        return "make"
    return "other"
