"""make's command line and MAKEFLAGS: reading them, and writing MAKEFLAGS / MFLAGS for children.

A sub-make learns its parent's options and command-line variables only through MAKEFLAGS in its
environment, so getting MAKEFLAGS right is what makes `make RUSTFLAGS=-g` reach the cargo run by
`$(MAKE) -C damocles-worker`. The switch table below is GNU make 4.3's (main.c, `switches`), in its
order, which is the order MAKEFLAGS lists the flags in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

SwitchType = Literal["ignore", "flag", "flag_off", "filename", "strlist", "string", "positive_int", "floating"]


@dataclass(frozen=True)
class Switch:
    letter: str | None           # None: only a long name
    kind: SwitchType
    key: str                     # what it sets (flags off/on share a key: -k and -S)
    from_env: bool               # honoured when it comes from MAKEFLAGS
    to_env: bool                 # written into MAKEFLAGS
    long_name: str | None = None
    no_makefile: bool = False
    optional_arg: bool = False


SWITCHES: tuple[Switch, ...] = (
    Switch("b", "ignore", "b", False, False),
    Switch("B", "flag", "always-make", True, True, "always-make"),
    Switch("d", "flag", "debug", True, True),
    Switch("e", "flag", "environment-overrides", True, True, "environment-overrides"),
    Switch("E", "strlist", "eval", True, False, "eval"),
    Switch("h", "flag", "help", False, False, "help"),
    Switch("i", "flag", "ignore-errors", True, True, "ignore-errors"),
    Switch("k", "flag", "keep-going", True, True, "keep-going"),
    Switch("L", "flag", "check-symlink-times", True, True, "check-symlink-times"),
    Switch("m", "ignore", "m", False, False),
    Switch("n", "flag", "just-print", True, True, "just-print", no_makefile=True),
    Switch("p", "flag", "print-data-base", True, True, "print-data-base"),
    Switch("q", "flag", "question", True, True, "question", no_makefile=True),
    Switch("r", "flag", "no-builtin-rules", True, True, "no-builtin-rules"),
    Switch("R", "flag", "no-builtin-variables", True, True, "no-builtin-variables"),
    Switch("s", "flag", "silent", True, True, "silent"),
    Switch("S", "flag_off", "keep-going", True, True, "no-keep-going"),
    Switch("t", "flag", "touch", True, True, "touch", no_makefile=True),
    Switch("v", "flag", "version", True, True, "version"),
    Switch("w", "flag", "print-directory", True, True, "print-directory"),
    Switch("C", "filename", "directory", False, False, "directory"),
    Switch("f", "filename", "file", False, False, "file"),
    Switch("I", "filename", "include-dir", True, True, "include-dir"),
    Switch("j", "positive_int", "jobs", True, True, "jobs", optional_arg=True),
    Switch("l", "floating", "load-average", True, True, "load-average", optional_arg=True),
    Switch("o", "filename", "old-file", False, False, "old-file"),
    Switch("O", "string", "output-sync", True, True, "output-sync", optional_arg=True),
    Switch("W", "filename", "what-if", False, False, "what-if"),
    Switch(None, "strlist", "debug-flags", True, True, "debug", optional_arg=True),
    Switch(None, "string", "jobserver-auth", True, True, "jobserver-auth"),
    Switch(None, "flag", "trace", True, True, "trace"),
    Switch(None, "flag", "no-print-directory", True, True, "no-print-directory"),
    Switch(None, "flag", "warn-undefined-variables", True, True, "warn-undefined-variables"),
    Switch(None, "string", "sync-mutex", True, True, "sync-mutex"),
    Switch(None, "flag_off", "silent", True, True, "no-silent"),
    Switch(None, "string", "jobserver-fds", True, False, "jobserver-fds"),
)

_ALIASES = {"quiet": "silent", "stop": "no-keep-going", "new-file": "what-if", "assume-new": "what-if",
            "assume-old": "old-file", "max-load": "load-average", "dry-run": "just-print", "recon": "just-print",
            "makefile": "file"}

# what an option whose argument is optional means without one (main.c's noarg_value)
_NO_ARGUMENT_VALUE = {"output-sync": "target", "debug-flags": "basic"}

_BY_LETTER = {s.letter: s for s in SWITCHES if s.letter}
_BY_LONG = {s.long_name: s for s in SWITCHES if s.long_name}

# Options that change *whether* recipes run or what make does, and which the model handles.
MODELLED_FLAGS = frozenset({"always-make", "debug", "environment-overrides", "ignore-errors", "keep-going",
                            "check-symlink-times", "just-print", "no-builtin-rules", "no-builtin-variables",
                            "silent", "print-directory", "no-print-directory", "warn-undefined-variables",
                            "trace", "print-data-base"})


@dataclass(frozen=True)
class MakeOptions:
    """The switches of one make, the command-line variable definitions and the goals."""

    flags: frozenset[str] = frozenset()                 # keys of the flags that are on
    values: tuple[tuple[str, str], ...] = ()            # (key, argument) of options with an argument
    variables: tuple[str, ...] = ()                     # `NAME=value` definitions, in the order given
    goals: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()                       # options make would reject
    from_environment: tuple[str, ...] = ()              # variables that came from MAKEFLAGS

    def on(self, key: str) -> bool:
        return key in self.flags

    def arguments(self, key: str) -> tuple[str, ...]:
        return tuple(value for name, value in self.values if name == key)

    def with_flag(self, key: str, value: bool) -> MakeOptions:
        flags = set(self.flags)
        if value:
            flags.add(key)
        else:
            flags.discard(key)
        return replace(self, flags=frozenset(flags))


@dataclass
class _Builder:
    flags: set[str] = field(default_factory=set)
    values: list[tuple[str, str]] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def _apply(builder: _Builder, switch: Switch, argument: str | None, *, from_env: bool) -> None:
    if from_env and not switch.from_env:
        return
    if switch.kind == "ignore":
        return
    if switch.kind == "flag":
        builder.flags.add(switch.key)
    elif switch.kind == "flag_off":
        builder.flags.discard(switch.key)
    elif switch.kind in ("filename", "strlist"):
        if argument is None:
            argument = _NO_ARGUMENT_VALUE.get(switch.key)
        if argument is not None:
            builder.values.append((switch.key, argument))
    else:
        # string / positive_int / floating: the last one wins
        if argument is None:
            argument = _NO_ARGUMENT_VALUE.get(switch.key, "")
        builder.values = [(k, v) for k, v in builder.values if k != switch.key]
        builder.values.append((switch.key, argument))


def _looks_like_assignment(argument: str) -> bool:
    from buildcheck.make.parse import parse_variable_definition

    return parse_variable_definition(argument) is not None


def parse_arguments(arguments: Sequence[str], *, from_env: bool = False,
                    start: MakeOptions | None = None) -> MakeOptions:
    """Read make's arguments (argv without the program name) as getopt_long with GNU permutation."""
    builder = _Builder()
    if start is not None:
        builder.flags = set(start.flags)
        builder.values = list(start.values)
        builder.variables = list(start.variables)
        builder.goals = list(start.goals)
        builder.unknown = list(start.unknown)
    index = 0
    only_operands = False
    while index < len(arguments):
        argument = arguments[index]
        index += 1
        if only_operands or argument == "-" or not argument.startswith("-"):
            if _looks_like_assignment(argument):
                builder.variables.append(argument)
            elif not from_env:
                builder.goals.append(argument)
            continue
        if argument == "--":
            only_operands = True
            continue
        if argument.startswith("--"):
            name, equals, value = argument[2:].partition("=")
            name = _ALIASES.get(name, name)
            matches = [s for s in SWITCHES if s.long_name and s.long_name.startswith(name)]
            exact = _BY_LONG.get(name)
            switch = exact or (matches[0] if len(matches) == 1 else None)
            if switch is None:
                builder.unknown.append(argument)
                continue
            takes_argument = switch.kind not in ("flag", "flag_off", "ignore")
            argument_value: str | None = value if equals else None
            if takes_argument and argument_value is None and not switch.optional_arg:
                if index < len(arguments):
                    argument_value = arguments[index]
                    index += 1
                else:
                    builder.unknown.append(argument)
                    continue
            _apply(builder, switch, argument_value, from_env=from_env)
            continue
        letters = argument[1:]
        position = 0
        while position < len(letters):
            letter = letters[position]
            position += 1
            switch = _BY_LETTER.get(letter)
            if switch is None:
                builder.unknown.append("-" + letter)
                continue
            if switch.kind in ("flag", "flag_off", "ignore"):
                _apply(builder, switch, None, from_env=from_env)
                continue
            rest = letters[position:]
            position = len(letters)
            if rest:
                _apply(builder, switch, rest, from_env=from_env)
            elif switch.optional_arg:
                # -j / -l take an argument only when the next word is a number
                if switch.kind in ("positive_int", "floating") and index < len(arguments) and \
                        arguments[index].replace(".", "", 1).isdigit():
                    _apply(builder, switch, arguments[index], from_env=from_env)
                    index += 1
                else:
                    _apply(builder, switch, None, from_env=from_env)
            elif index < len(arguments):
                _apply(builder, switch, arguments[index], from_env=from_env)
                index += 1
            else:
                builder.unknown.append("-" + letter)
    return MakeOptions(frozenset(builder.flags), tuple(builder.values), tuple(builder.variables),
                       tuple(builder.goals), tuple(builder.unknown),
                       start.from_environment if start is not None else ())


def split_makeflags(value: str) -> list[str]:
    """The words of an (expanded) MAKEFLAGS value, as decode_env_switches splits them: blanks
    separate words, a backslash quotes the next character; a first word without a dash (and not an
    assignment) gets one, so "ks" means "-ks"."""
    value = value.lstrip(" \t\n\v\f\r")
    if not value:
        return []
    out: list[str] = []
    current: list[str] = []
    position = 0
    while position < len(value):
        char = value[position]
        if char == "\\" and position + 1 < len(value):
            current.append(value[position + 1])
            position += 2
            continue
        if char in " \t":
            out.append("".join(current))
            current = []
            while position < len(value) and value[position] in " \t":
                position += 1
            continue
        current.append(char)
        position += 1
    out.append("".join(current))
    if out and not out[0].startswith("-") and "=" not in out[0]:
        out[0] = "-" + out[0]
    return out


def quote_for_env(text: str) -> str:
    """make's quote_for_env: `$` doubled, blanks and backslashes escaped with a backslash."""
    out: list[str] = []
    for char in text:
        if char == "$":
            out.append("$")
        elif char in " \t\\":
            out.append("\\")
        out.append(char)
    return "".join(out)


def flag_string(options: MakeOptions, *, with_arguments: bool = True) -> str:
    """The switches part of MAKEFLAGS, with its leading dash (make's define_makeflags): simple
    letters grouped first, then options with arguments and long-only options. Before the makefiles
    are read make leaves out the options that take arguments (`with_arguments` False)."""
    simple: list[str] = []
    complex_: list[str] = []
    for switch in SWITCHES:
        if not switch.to_env:
            continue
        if switch.kind == "flag":
            if switch.key in options.flags:
                if switch.letter and not complex_:
                    simple.append(switch.letter)
                else:
                    complex_.append(_spell(switch, None))
        elif not with_arguments:
            continue
        elif switch.kind in ("filename", "strlist"):
            for value in options.arguments(switch.key):
                complex_.append(_spell(switch, value))
        elif switch.kind in ("string", "positive_int", "floating"):
            for value in options.arguments(switch.key):
                complex_.append(_spell(switch, value))
    text = "-" + "".join(simple) + "".join(" " + item for item in complex_)
    return "" if text == "-" else text


def _spell(switch: Switch, value: str | None) -> str:
    name = "-" + switch.letter if switch.letter else "--" + (switch.long_name or "")
    if value:
        name += ("" if switch.letter else "=") + quote_for_env(value)
    return name
