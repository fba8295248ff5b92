"""A model of what /bin/sh does with one recipe line: which programs it starts, with which argv,
environment and directory. Nothing is ever run.

make hands a recipe line to `/bin/sh -c` (dash on Debian and Ubuntu), unless the line is simple
enough for make to split it itself (`make_split`). The shell then splits words, expands `$VAR`,
runs `cd`, `export`, `VAR=x cmd`, `env VAR=x cmd`, lists (`&&`, `||`, `;`), pipelines and
subshells. This module simulates that on the syntax shell_syntax.py reads, assuming a command
succeeds unless it is known to fail (so the right side of `a || b` does not run). Command
substitution (`$(...)`, backquotes) is never run: its result is an opaque token.

dash's own mark on the environment: at start it exports PWD (kept from the environment when that
names the current directory, else the physical directory), and `cd` exports OLDPWD and the new
PWD. Both are reproduced; a different /bin/sh (bash adds SHLVL and `_`) is named in `ShellModel`.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from buildcheck.make.functions import lexical_abspath
from buildcheck.make.opaque import OPEN, OpaqueRegistry
from buildcheck.make.shell_syntax import (AndOr, Group, Pipeline, ShellUnsupported, SimpleCommand, Word,
                                          parse)
from buildcheck.model import Origin

# make 4.3 (job.c): characters and first words that make it hand a line to the shell
MAKE_SHELL_CHARS = set("#;\"*?[]&|<>(){}$`^~!")
MAKE_SHELL_WORDS = frozenset({".", ":", "alias", "bg", "break", "case", "cd", "command", "continue", "eval",
                              "exec", "exit", "export", "fc", "fg", "for", "getopts", "hash", "if", "jobs", "login",
                              "logout", "read", "readonly", "return", "set", "shift", "test", "times", "trap",
                              "type", "ulimit", "umask", "unalias", "unset", "wait", "while"})

MAX_COMMANDS = 10000


@dataclass(frozen=True)
class ShellModel:
    """Which shell /bin/sh is, for what it adds to the environment of the commands it starts.

    dash  (Debian, Ubuntu) exports PWD, and OLDPWD after `cd`.
    bash  (Fedora, Arch, or SHELL = /bin/bash) also exports SHLVL (one more than it was, one less
          again for a command it execs as its last: the last of the line or of a subshell, or
          `exec`), `_` (the path of the program), and drops an OLDPWD that is not a directory.
    """

    name: Literal["dash", "bash"] = "dash"


# ---- make's own splitting (no shell) ---------------------------------------------------------


def make_split(line: str) -> list[str] | None:
    """make's fast path: split a line itself when it needs no shell; None when it needs one.

    Mirrors job.c construct_command_argv_internal for a POSIX shell: any of MAKE_SHELL_CHARS outside
    single quotes, an `=` in the leading words, or a shell builtin as the first word means the shell.
    """
    argv: list[str] = []
    current: list[str] = []
    in_single = False
    seen_plain_word = False
    word_has_equals = False
    last_was_empty_quote = False
    position = 0
    while position < len(line):
        char = line[position]
        if in_single:
            if char == "'":
                in_single = False
                if not current:
                    last_was_empty_quote = True
            elif char == "\n":
                break
            else:
                current.append(char)
            position += 1
            continue
        if char in MAKE_SHELL_CHARS:
            return None
        if char == "=":
            if not seen_plain_word:
                return None
            word_has_equals = True
            current.append(char)
        elif char == "\\":
            following = line[position + 1:position + 2]
            if following == "\n":
                position += 1
                if not current:
                    while line[position + 1:position + 2] in (" ", "\t") and position + 1 < len(line):
                        position += 1
            elif following:
                current.append(following)
                position += 1
        elif char == "'":
            in_single = True
        elif char == "\n":
            break
        elif char in " \t":
            argv.append("".join(current))
            current = []
            last_was_empty_quote = False
            seen_plain_word = seen_plain_word or not word_has_equals
            if word_has_equals and not seen_plain_word:
                return None
            word_has_equals = False
            if len(argv) == 1 and argv[0] in MAKE_SHELL_WORDS:
                return None
            while line[position + 1:position + 2] in (" ", "\t") and position + 1 < len(line):
                position += 1
        else:
            current.append(char)
        position += 1
    if in_single:
        return None
    if current or last_was_empty_quote:
        argv.append("".join(current))
    if len(argv) == 1 and argv[0] in MAKE_SHELL_WORDS:
        return None
    return argv


# ---- the simulation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Started:
    """A program the shell starts: argv after expansion, its environment and directory.

    `opaque` holds the argv indexes whose value depends on output buildcheck did not compute;
    `shell_set` the environment names the recipe line itself set or changed (export, cd, VAR=x).
    """

    argv: tuple[str, ...]
    env: Mapping[str, str] = field(hash=False)
    cwd: Path
    opaque: frozenset[int]
    shell_set: frozenset[str]
    # make split the line itself, but an opaque value in it might have made make use the shell
    # (which would add PWD): whether PWD is present is unknown
    shell_uncertain: bool = False


@dataclass
class _State:
    cwd: Path                     # the physical directory
    pwd: str                      # the shell's logical PWD
    variables: dict[str, str]     # all shell variables
    exported: set[str]
    changed: set[str]             # exported names this line changed
    alive: bool = True
    exit_status: int | None = None


def _same_directory(first: str, second: Path) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


Runner = Callable[[Started], bool]


def always_succeeds(_program: Started) -> bool:
    return True


class ShellSimulation:
    """Runs (on paper) one command line through /bin/sh.

    `runner` is called the moment a program starts and answers whether it succeeds (the walker
    follows a sub-make there, in order); `directory_exists` answers for `cd` (the walker also knows
    the directories earlier `mkdir` commands made).
    """

    def __init__(self, env: Mapping[str, str], cwd: Path, registry: OpaqueRegistry, origin: Origin | None,
                 model: ShellModel = ShellModel(), runner: Runner = always_succeeds,
                 directory_exists: Callable[[Path], bool] = Path.is_dir, *, errexit: bool = False) -> None:
        self.registry = registry
        self.origin = origin
        self.model = model
        self.runner = runner
        self.directory_exists = directory_exists
        self.errexit = errexit   # `sh -e` (.SHELLFLAGS = -ec): a failing command ends the line
        self.failure: str | None = None
        self.started: list[Started] = []
        self.skipped_after_or: list[str] = []
        variables = dict(env)
        exported = set(env)
        changed: set[str] = set()
        pwd = env.get("PWD")
        if pwd is None or not pwd.startswith("/") or not _same_directory(pwd, cwd):
            pwd = os.path.realpath(cwd)
            variables["PWD"] = pwd
            changed.add("PWD")
        exported.add("PWD")
        if model.name == "bash":
            level = env.get("SHLVL", "")
            variables["SHLVL"] = str(int(level) + 1 if level.isdigit() else 1)
            exported.add("SHLVL")
            changed.add("SHLVL")
            if "OLDPWD" in env and not os.path.isdir(env["OLDPWD"]):
                del variables["OLDPWD"]
                exported.discard("OLDPWD")
                changed.add("OLDPWD")
        self.state = _State(cwd, pwd, variables, exported, changed)

    def run(self, text: str) -> bool:
        """Simulate the command line; True when it succeeds (its last list's status)."""
        status = True
        items = parse(text)
        for index, item in enumerate(items):
            if not self.state.alive:
                break
            status = self._and_or(item, self.state, tail=index == len(items) - 1)
        if self.state.exit_status is not None:
            return self.state.exit_status == 0
        return status

    # -- structure

    def _and_or(self, item: AndOr, state: _State, *, tail: bool) -> bool:
        """`tail`: this list is the last thing its shell (or subshell) runs, so bash execs the last
        command of it."""
        last = len(item.pipelines) - 1
        status = self._pipeline(item.pipelines[0], state, tail=tail and last == 0)
        ran_last = last == 0
        for index, (connector, pipeline) in enumerate(zip(item.connectors, item.pipelines[1:]), start=1):
            if not state.alive:
                break
            if connector == "&&" and status or connector == "||" and not status:
                status = self._pipeline(pipeline, state, tail=tail and index == last)
                ran_last = index == last
            elif connector == "||":
                self.skipped_after_or.append(_describe(pipeline))
        if self.errexit and not status and ran_last and not item.pipelines[-1].negated and state.alive:
            state.alive = False
            state.exit_status = 1
        return status

    def _pipeline(self, pipeline: Pipeline, state: _State, *, tail: bool) -> bool:
        status = True
        single = len(pipeline.commands) == 1
        for command in pipeline.commands:
            # every element of a multi-command pipeline runs in a subshell
            target = state if single else _copy(state)
            status = self._command(command, target, tail=tail and single)
            if target is not state and target.exit_status is not None:
                status = target.exit_status == 0
        return (not status) if pipeline.negated else status

    def _command(self, command: SimpleCommand | Group, state: _State, *, tail: bool) -> bool:
        if isinstance(command, Group):
            inner = _copy(state) if command.subshell else state
            status = True
            for index, item in enumerate(command.body):
                if not inner.alive:
                    break
                # a subshell is a shell of its own: its last list is its tail
                last = index == len(command.body) - 1
                status = self._and_or(item, inner, tail=last and (command.subshell or tail))
            if command.subshell and inner.exit_status is not None:
                return inner.exit_status == 0
            return status
        return self._simple(command, state, tail=tail)

    # -- expansion

    def _expand_word(self, word: Word, state: _State, *, split: bool = True) -> list[str]:
        fields: list[list[str]] = [[]]
        globbable = False
        for part in word.parts:
            if part.kind in ("lit", "qlit"):
                fields[-1].append(part.text)
                if part.kind == "lit" and any(c in part.text for c in "*?["):
                    globbable = True
            elif part.kind == "tilde":
                home = state.variables.get("HOME", "~") if not part.text else "~" + part.text
                fields[-1].append(home)
            elif part.kind in ("param", "qparam"):
                value = state.variables.get(part.text, "")
                if part.kind == "param" and split:
                    pieces = value.split()
                    if not pieces:
                        continue
                    if value[:1] in " \t\n" and fields[-1]:
                        fields.append([])
                    fields[-1].append(pieces[0])
                    for piece in pieces[1:]:
                        fields.append([piece])
                    if value[-1:] in " \t\n":
                        fields.append([])
                else:
                    fields[-1].append(value)
            else:
                fields[-1].append(self.registry.token(part.text, self.origin))
        out = ["".join(f) for f in fields]
        if len(out) > 1:
            out = [f for f in out if f]
        if globbable and len(out) == 1 and OPEN not in out[0]:
            matches = sorted(glob.glob(out[0], root_dir=str(state.cwd))) if not out[0].startswith("/") else \
                sorted(glob.glob(out[0]))
            if matches:
                return matches
        if not word.parts or (len(out) == 1 and out[0] == "" and all(p.kind in ("param", "subst") for p in word.parts)):
            return []
        return out

    def _expand_all(self, words: tuple[Word, ...], state: _State) -> list[str]:
        out: list[str] = []
        for word in words:
            out.extend(self._expand_word(word, state))
        return out

    # -- commands

    def _simple(self, command: SimpleCommand, state: _State, *, tail: bool) -> bool:
        argv = self._expand_all(command.words, state)
        prefix = {name: "".join(self._expand_word(value, state, split=False)) for name, value in command.assignments}
        if not argv:
            for name, value in prefix.items():
                state.variables[name] = value
                if name in state.exported:
                    state.changed.add(name)
            return True
        return self._run(argv, prefix, state, tail=tail)

    def _fail(self, state: _State, reason: str, *, exit_shell: bool = False) -> bool:
        self.failure = reason
        if exit_shell:
            # a special builtin's error makes a non-interactive shell exit
            state.alive = False
            state.exit_status = 2
        return False

    def _run(self, argv: list[str], prefix: dict[str, str], state: _State, *, tail: bool = False,
             by_exec: bool = False) -> bool:
        name = argv[0]
        if name in ("true", ":", "echo", "printf", "test", "[", "set", "shift", "wait", "umask", "ulimit", "trap",
                    "hash", "type", "times", "read", "readonly", "local", "return"):
            return True
        if name == "false":
            return self._fail(state, "false")
        if name == "exit":
            code = argv[1] if len(argv) > 1 else "0"
            state.alive = False
            state.exit_status = int(code) % 256 if code.isdigit() else 2
            if state.exit_status:
                self.failure = "exit " + code
            return state.exit_status == 0
        if name == "cd":
            return self._cd(argv[1:], state)
        if name == "export":
            for item in argv[1:]:
                if item.startswith("-"):
                    continue
                key, equals, value = item.partition("=")
                if not _VALID_NAME.match(key):
                    return self._fail(state, f"export: {key}: bad variable name", exit_shell=True)
                if equals:
                    state.variables[key] = value
                state.exported.add(key)
                if key in state.variables:
                    state.changed.add(key)
            return True
        if name == "unset":
            for item in argv[1:]:
                if item.startswith("-"):
                    continue
                state.variables.pop(item, None)
                if item in state.exported:
                    state.exported.discard(item)
                    state.changed.add(item)
            return True
        if name in ("exec", "command") and len(argv) > 1:
            rest = argv[1:]
            if name == "command" and rest and rest[0] == "-p":
                rest = rest[1:]
            if name == "exec":
                status = self._run(rest, prefix, state, tail=True, by_exec=True) if rest else True
                state.alive = False
                return status
            return self._run(rest, prefix, state, tail=tail) if rest else True
        if name in ("eval", ".", "source", "alias"):
            raise ShellUnsupported(name)
        env = {key: state.variables[key] for key in state.exported if key in state.variables}
        env.update(prefix)
        shell_set = set(state.changed) | set(prefix)
        if self.model.name == "bash":
            if tail:
                env["SHLVL"] = str(int(env["SHLVL"]) - 1)   # exec'd, not forked: bash undoes its increment
            if not by_exec:
                found = find_program(name, env, state.cwd)
                env["_"] = found or name
                shell_set.add("_")
        return self._start(argv, env, shell_set, state)

    def _start(self, argv: list[str], env: dict[str, str], shell_set: set[str], state: _State) -> bool:
        if len(self.started) >= MAX_COMMANDS:
            raise ShellUnsupported("too many commands")
        unwrapped = unwrap(argv, env, shell_set)
        if unwrapped is None:
            return True
        argv, env, shell_set = unwrapped
        opaque = frozenset(index for index, arg in enumerate(argv) if OPEN in arg)
        program = Started(tuple(argv), env, state.cwd, opaque, frozenset(shell_set))
        self.started.append(program)
        return self.runner(program)

    def _cd(self, arguments: list[str], state: _State) -> bool:
        arguments = [a for a in arguments if a not in ("-L", "--")]
        if arguments and arguments[0] == "-P":
            raise ShellUnsupported("cd -P")
        if not arguments:
            target = state.variables.get("HOME", "")
        elif arguments[0] == "-":
            target = state.variables.get("OLDPWD", "")
        else:
            target = arguments[0]
        if not target or OPEN in target:
            raise ShellUnsupported("cd to an unknown directory")
        logical = lexical_abspath(target, state.pwd)
        physical = Path(os.path.realpath(logical))
        if not self.directory_exists(physical):
            return self._fail(state, f"cd: can't cd to {target}")
        state.variables["OLDPWD"] = state.pwd
        state.variables["PWD"] = logical
        state.exported.update(("OLDPWD", "PWD"))
        state.changed.update(("OLDPWD", "PWD"))
        state.pwd = logical
        state.cwd = physical
        return True


def find_program(name: str, env: Mapping[str, str], cwd: Path) -> str | None:
    """Where execvp would find a program (reads the file system only)."""
    if "/" in name:
        path = name if name.startswith("/") else os.path.join(cwd, name)
        return path if os.path.isfile(path) and os.access(path, os.X_OK) else None
    for directory in env.get("PATH", "/bin:/usr/bin").split(":"):
        candidate = os.path.join(directory or str(cwd), name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def unwrap(argv: list[str], env: dict[str, str], shell_set: set[str]
           ) -> tuple[list[str], dict[str, str], set[str]] | None:
    """Programs that run another program: `env [-i] [-u NAME] [NAME=value]... cmd`, `nice`, `nohup`.
    Returns the program finally started, its environment and the names the wrappers changed; None
    when nothing is started (`env` alone prints the environment)."""
    while argv:
        name = os.path.basename(argv[0])
        if name == "env":
            env = dict(env)
            shell_set = set(shell_set)
            index = 1
            while index < len(argv):
                item = argv[index]
                if item in ("-i", "-", "--ignore-environment"):
                    shell_set.update(env)
                    env = {}
                elif item in ("-u", "--unset") and index + 1 < len(argv):
                    index += 1
                    env.pop(argv[index], None)
                    shell_set.add(argv[index])
                elif item.startswith("--unset="):
                    env.pop(item.partition("=")[2], None)
                    shell_set.add(item.partition("=")[2])
                elif item.startswith("-u") and len(item) > 2:
                    env.pop(item[2:], None)
                    shell_set.add(item[2:])
                elif item == "--":
                    index += 1
                    break
                elif item.startswith("-"):
                    raise ShellUnsupported("env " + item)
                elif "=" in item:
                    key, _, value = item.partition("=")
                    env[key] = value
                    shell_set.add(key)
                else:
                    break
                index += 1
            argv = argv[index:]
            if not argv:
                return None
        elif name == "nohup" and len(argv) > 1:
            argv = argv[1:]
        elif name == "nice" and len(argv) > 1:
            rest = argv[1:]
            if rest[0] == "-n" and len(rest) > 2:
                rest = rest[2:]
            elif rest[0].startswith("-") and len(rest) > 1:
                rest = rest[1:]
            argv = rest
        else:
            break
    return argv, env, shell_set


def _copy(state: _State) -> _State:
    return _State(state.cwd, state.pwd, dict(state.variables), set(state.exported), set(state.changed), state.alive)


_VALID_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _describe(pipeline: Pipeline) -> str:
    words: list[str] = []
    for command in pipeline.commands:
        if isinstance(command, SimpleCommand):
            words.extend(w.literal_text for w in command.words[:3])
    return " ".join(words)
