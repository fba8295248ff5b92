"""A model of what /bin/sh does with one recipe line: which programs it starts, with which argv,
environment and directory. Nothing is ever run.

make hands a recipe line to `/bin/sh -c` (dash on Debian and Ubuntu), unless the line is simple
enough for make to split it itself (see `needs_shell`). The shell then splits words, expands
`$VAR`, runs `cd`, `export`, `VAR=x cmd`, `env VAR=x cmd`, lists (`&&`, `||`, `;`), pipelines and
subshells. This module reads the POSIX shell grammar for those, and simulates them assuming every
command succeeds (so the right side of `a || b` does not run). Command substitution (`$(...)`,
backquotes) is never run: its result is an opaque token. Control flow (`if`, `for`, `while`,
`case`) and functions are not modelled; such a line is reported instead.

Python's shlex splits words but knows neither parameter expansion nor line continuation nor the
shell's operators as the grammar has them, so the small lexer here is ours.

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

from buildcheck.make.opaque import OPEN, OpaqueRegistry
from buildcheck.model import Origin

# make 4.3 (job.c): characters and first words that make it hand a line to the shell
MAKE_SHELL_CHARS = set("#;\"*?[]&|<>(){}$`^~!")
MAKE_SHELL_WORDS = frozenset({".", ":", "alias", "bg", "break", "case", "cd", "command", "continue", "eval",
                              "exec", "exit", "export", "fc", "fg", "for", "getopts", "hash", "if", "jobs", "login",
                              "logout", "read", "readonly", "return", "set", "shift", "test", "times", "trap",
                              "type", "ulimit", "umask", "unalias", "unset", "wait", "while"})

MAX_COMMANDS = 10000
MAX_NESTING = 50   # subshells and groups inside each other


class ShellUnsupported(Exception):
    """A construct the model does not simulate (control flow, functions, here-documents...)."""


@dataclass(frozen=True)
class ShellModel:
    """What the shell adds to the environment of the commands it starts."""

    name: Literal["dash", "bash", "other"] = "dash"


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


# ---- the shell lexer ---------------------------------------------------------------------------

PartKind = Literal["lit", "qlit", "param", "qparam", "subst", "qsubst", "tilde"]


@dataclass(frozen=True)
class Part:
    kind: PartKind
    text: str


@dataclass(frozen=True)
class Word:
    parts: tuple[Part, ...]

    @property
    def plain(self) -> str | None:
        """The word's text when it is a single unquoted literal (keywords, operators of test...)."""
        if len(self.parts) == 1 and self.parts[0].kind == "lit":
            return self.parts[0].text
        if not self.parts:
            return None
        return None

    @property
    def literal_text(self) -> str:
        return "".join(p.text for p in self.parts if p.kind in ("lit", "qlit"))


@dataclass(frozen=True)
class Operator:
    text: str


Token = Word | Operator

_OPERATORS = ("&&", "||", ";;", "<<-", "<<", ">>", "<&", ">&", "<>", ">|", ";", "&", "|", "(", ")", "<", ">", "\n")


def _read_until_close(text: str, position: int, opener: str, closer: str) -> int:
    """Index just past the `closer` matching an opener already consumed (quotes respected)."""
    depth = 1
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char == "'":
            end = text.find("'", position + 1)
            position = len(text) if end < 0 else end + 1
            continue
        if char == '"':
            position += 1
            while position < len(text) and text[position] != '"':
                position += 2 if text[position] == "\\" else 1
            position += 1
            continue
        if char == opener:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                return position + 1
        position += 1
    raise ShellUnsupported("unterminated " + opener)


def _dollar(text: str, position: int, quoted: bool) -> tuple[Part, int]:
    """The expansion starting at text[position] == '$'."""
    following = text[position + 1:position + 2]
    kind_param: PartKind = "qparam" if quoted else "param"
    kind_subst: PartKind = "qsubst" if quoted else "subst"
    if following == "(":
        end = _read_until_close(text, position + 2, "(", ")")
        return Part(kind_subst, text[position:end]), end
    if following == "{":
        end = text.find("}", position + 2)
        if end < 0:
            raise ShellUnsupported("unterminated ${")
        inner = text[position + 2:end]
        name = inner
        if not inner or not (inner.replace("_", "a").isalnum()):
            # ${X:-default} and friends: not modelled
            return Part(kind_subst, text[position:end + 1]), end + 1
        return Part(kind_param, name), end + 1
    if following and (following.isalpha() or following == "_"):
        end = position + 1
        while end < len(text) and (text[end].isalnum() or text[end] == "_"):
            end += 1
        return Part(kind_param, text[position + 1:end]), end
    if following and following in "@*#?-$!0123456789":
        return Part(kind_subst, text[position:position + 2]), position + 2
    return Part("qlit" if quoted else "lit", "$"), position + 1


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    length = len(text)
    while position < length:
        char = text[position]
        if char in " \t":
            position += 1
            continue
        if char == "\\" and text[position + 1:position + 2] == "\n":
            position += 2
            continue
        if char == "#":
            end = text.find("\n", position)
            position = length if end < 0 else end
            continue
        operator = next((op for op in _OPERATORS if text.startswith(op, position)), None)
        if operator is not None:
            if operator in ("<<", "<<-"):
                raise ShellUnsupported("here-document")
            tokens.append(Operator(operator))
            position += len(operator)
            continue
        parts: list[Part] = []
        literal: list[str] = []

        def flush(kind: PartKind = "lit") -> None:
            if literal:
                parts.append(Part(kind, "".join(literal)))
                literal.clear()

        at_start = True
        while position < length:
            char = text[position]
            if char in " \t\n;&|()<>":
                # an IO number: digits right before < or >
                break
            if char == "\\":
                following = text[position + 1:position + 2]
                position += 2
                if following == "\n":
                    continue
                flush()
                parts.append(Part("qlit", following))
            elif char == "'":
                end = text.find("'", position + 1)
                if end < 0:
                    raise ShellUnsupported("unterminated quote")
                flush()
                parts.append(Part("qlit", text[position + 1:end]))
                position = end + 1
            elif char == '"':
                flush()
                position += 1
                quoted_literal: list[str] = []
                while True:
                    if position >= length:
                        raise ShellUnsupported("unterminated quote")
                    inner = text[position]
                    if inner == '"':
                        position += 1
                        break
                    if inner == "\\" and text[position + 1:position + 2] in ("$", "`", '"', "\\", "\n"):
                        if text[position + 1] != "\n":
                            quoted_literal.append(text[position + 1])
                        position += 2
                    elif inner == "$":
                        if quoted_literal:
                            parts.append(Part("qlit", "".join(quoted_literal)))
                            quoted_literal.clear()
                        part, position = _dollar(text, position, True)
                        parts.append(part)
                    elif inner == "`":
                        end = text.find("`", position + 1)
                        if end < 0:
                            raise ShellUnsupported("unterminated backquote")
                        if quoted_literal:
                            parts.append(Part("qlit", "".join(quoted_literal)))
                            quoted_literal.clear()
                        parts.append(Part("qsubst", text[position:end + 1]))
                        position = end + 1
                    else:
                        quoted_literal.append(inner)
                        position += 1
                parts.append(Part("qlit", "".join(quoted_literal)))
            elif char == "$":
                flush()
                part, position = _dollar(text, position, False)
                parts.append(part)
            elif char == "`":
                end = text.find("`", position + 1)
                if end < 0:
                    raise ShellUnsupported("unterminated backquote")
                flush()
                parts.append(Part("subst", text[position:end + 1]))
                position = end + 1
            elif char == "~" and at_start:
                end = position + 1
                while end < length and text[end] not in " \t\n;&|()<>/":
                    end += 1
                parts.append(Part("tilde", text[position + 1:end]))
                position = end
            else:
                literal.append(char)
                position += 1
            at_start = False
        flush()
        if parts:
            tokens.append(Word(tuple(parts)))
    return tokens


# ---- the parser ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SimpleCommand:
    assignments: tuple[tuple[str, Word], ...]
    words: tuple[Word, ...]


@dataclass(frozen=True)
class Group:
    body: tuple[AndOr, ...]
    subshell: bool


@dataclass(frozen=True)
class Pipeline:
    commands: tuple[SimpleCommand | Group, ...]
    negated: bool = False


@dataclass(frozen=True)
class AndOr:
    pipelines: tuple[Pipeline, ...]
    connectors: tuple[str, ...]   # "&&" / "||" between pipelines


_RESERVED = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for",
                       "in", "function", "select"})


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.position = 0
        self.depth = 0

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def at_operator(self, *texts: str) -> bool:
        token = self.peek()
        return isinstance(token, Operator) and token.text in texts

    def at_word(self, text: str) -> bool:
        token = self.peek()
        return isinstance(token, Word) and token.plain == text

    def skip_separators(self) -> None:
        while self.at_operator("\n", ";", "&"):
            self.position += 1

    def program(self, closing: str | None = None) -> tuple[AndOr, ...]:
        items: list[AndOr] = []
        self.skip_separators()
        while self.peek() is not None:
            if closing is not None and (self.at_operator(closing) or self.at_word(closing)):
                break
            items.append(self.and_or())
            if self.peek() is None:
                break
            if not self.at_operator("\n", ";", "&"):
                if closing is not None and (self.at_operator(closing) or self.at_word(closing)):
                    break
                raise ShellUnsupported("unexpected " + _spell(self.peek()))
            self.skip_separators()
        return tuple(items)

    def and_or(self) -> AndOr:
        pipelines = [self.pipeline()]
        connectors: list[str] = []
        while self.at_operator("&&", "||"):
            connectors.append(self.take().text)  # type: ignore[union-attr]
            while self.at_operator("\n"):
                self.position += 1
            pipelines.append(self.pipeline())
        return AndOr(tuple(pipelines), tuple(connectors))

    def pipeline(self) -> Pipeline:
        negated = False
        if self.at_word("!"):
            self.position += 1
            negated = True
        commands = [self.command()]
        while self.at_operator("|"):
            self.position += 1
            while self.at_operator("\n"):
                self.position += 1
            commands.append(self.command())
        return Pipeline(tuple(commands), negated)

    def command(self) -> SimpleCommand | Group:
        token = self.peek()
        if token is None:
            raise ShellUnsupported("missing command")
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ShellUnsupported("nesting deeper than " + str(MAX_NESTING))
        try:
            return self._command(token)
        finally:
            self.depth -= 1

    def _command(self, token: Token) -> SimpleCommand | Group:
        if isinstance(token, Operator) and token.text == "(":
            self.position += 1
            body = self.program(")")
            if not self.at_operator(")"):
                raise ShellUnsupported("unterminated (")
            self.position += 1
            self._skip_redirections()
            return Group(body, subshell=True)
        if isinstance(token, Word) and token.plain == "{":
            self.position += 1
            body = self.program("}")
            if not self.at_word("}"):
                raise ShellUnsupported("unterminated {")
            self.position += 1
            self._skip_redirections()
            return Group(body, subshell=False)
        if isinstance(token, Word) and token.plain in _RESERVED:
            raise ShellUnsupported(token.plain or "")
        assignments: list[tuple[str, Word]] = []
        words: list[Word] = []
        while True:
            token = self.peek()
            if token is None:
                break
            if isinstance(token, Operator):
                if token.text in ("<", ">", ">>", "<&", ">&", "<>", ">|"):
                    self.position += 1
                    if isinstance(self.peek(), Word):
                        self.position += 1
                    continue
                break
            self.position += 1
            if _is_io_number(token) and self.at_operator("<", ">", ">>", "<&", ">&", "<>", ">|"):
                continue
            if not words:
                assignment = _assignment(token)
                if assignment is not None:
                    assignments.append(assignment)
                    continue
            words.append(token)
        return SimpleCommand(tuple(assignments), tuple(words))

    def _skip_redirections(self) -> None:
        while self.at_operator("<", ">", ">>", "<&", ">&", "<>", ">|"):
            self.position += 1
            if isinstance(self.peek(), Word):
                self.position += 1


def _spell(token: Token | None) -> str:
    if token is None:
        return "end"
    return token.text if isinstance(token, Operator) else (token.literal_text or "word")


def _is_io_number(token: Word) -> bool:
    return token.plain is not None and token.plain.isdigit()


def _assignment(token: Word) -> tuple[str, Word] | None:
    first = token.parts[0]
    if first.kind != "lit" or "=" not in first.text:
        return None
    name, _, rest = first.text.partition("=")
    if not name or not (name[0].isalpha() or name[0] == "_") or not all(c.isalnum() or c == "_" for c in name):
        return None
    parts = ((Part("lit", rest),) if rest else ()) + token.parts[1:]
    return name, Word(tuple(parts))


def parse(text: str) -> tuple[AndOr, ...]:
    parser = _Parser(tokenize(text))
    program = parser.program()
    if parser.peek() is not None:
        raise ShellUnsupported("unexpected " + _spell(parser.peek()))
    return program


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


def _logical_join(base: str, target: str) -> str:
    path = target if target.startswith("/") else base.rstrip("/") + "/" + target
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/" + "/".join(parts)


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
                 directory_exists: Callable[[Path], bool] = Path.is_dir) -> None:
        self.registry = registry
        self.origin = origin
        self.model = model
        self.runner = runner
        self.directory_exists = directory_exists
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
        self.state = _State(cwd, pwd, variables, exported, changed)

    def run(self, text: str) -> bool:
        """Simulate the command line; True when it succeeds (its last list's status)."""
        status = True
        for item in parse(text):
            if not self.state.alive:
                break
            status = self._and_or(item, self.state)
        if self.state.exit_status is not None:
            return self.state.exit_status == 0
        return status

    # -- structure

    def _and_or(self, item: AndOr, state: _State) -> bool:
        status = self._pipeline(item.pipelines[0], state)
        for connector, pipeline in zip(item.connectors, item.pipelines[1:]):
            if not state.alive:
                break
            if connector == "&&" and status:
                status = self._pipeline(pipeline, state)
            elif connector == "||" and not status:
                status = self._pipeline(pipeline, state)
            elif connector == "||":
                self.skipped_after_or.append(_describe(pipeline))
        return status

    def _pipeline(self, pipeline: Pipeline, state: _State) -> bool:
        status = True
        for command in pipeline.commands:
            # every element of a multi-command pipeline runs in a subshell
            target = _copy(state) if len(pipeline.commands) > 1 else state
            status = self._command(command, target)
            if target is not state and target.exit_status is not None:
                status = target.exit_status == 0
        return (not status) if pipeline.negated else status

    def _command(self, command: SimpleCommand | Group, state: _State) -> bool:
        if isinstance(command, Group):
            inner = _copy(state) if command.subshell else state
            status = True
            for item in command.body:
                if not inner.alive:
                    break
                status = self._and_or(item, inner)
            if command.subshell and inner.exit_status is not None:
                return inner.exit_status == 0
            return status
        return self._simple(command, state)

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

    def _simple(self, command: SimpleCommand, state: _State) -> bool:
        argv = self._expand_all(command.words, state)
        prefix = {name: "".join(self._expand_word(value, state, split=False)) for name, value in command.assignments}
        if not argv:
            for name, value in prefix.items():
                state.variables[name] = value
                if name in state.exported:
                    state.changed.add(name)
            return True
        return self._run(argv, prefix, state)

    def _fail(self, state: _State, reason: str, *, exit_shell: bool = False) -> bool:
        self.failure = reason
        if exit_shell:
            # a special builtin's error makes a non-interactive shell exit
            state.alive = False
            state.exit_status = 2
        return False

    def _run(self, argv: list[str], prefix: dict[str, str], state: _State) -> bool:
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
            status = self._run(rest, prefix, state) if rest else True
            if name == "exec":
                state.alive = False
            return status
        if name in ("eval", ".", "source", "alias"):
            raise ShellUnsupported(name)
        env = {key: state.variables[key] for key in state.exported if key in state.variables}
        env.update(prefix)
        shell_set = set(state.changed) | set(prefix)
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
        logical = _logical_join(state.pwd, target)
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
