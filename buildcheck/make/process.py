"""One make process up to the point where it knows its goals: what GNU make 4.3 does (main.c)
before it updates anything.

In make's order: import the environment (every variable exported, SHELL kept aside), read
GNUMAKEFLAGS and MAKEFLAGS and then the command line (switches and command-line variables),
define MAKE, MAKEOVERRIDES and -*-command-variables-*-, change directory (-C), read MAKELEVEL,
define CURDIR, make's built-in and automatic variables and a first MAKEFLAGS, read the makefiles
(MAKEFILES, -f, or GNUmakefile / makefile / Makefile), read MAKEFLAGS again (a makefile may add
switches), define the final MAKEFLAGS, settle special targets and the goals. walk.py carries on
from there.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from buildcheck.i18n import _
from buildcheck.make import assign
from buildcheck.make.database import Database, Rule
from buildcheck.make.defaults import ALWAYS_DEFINED, DEFAULT_VARIABLES
from buildcheck.make.environment import MAKELEVEL, import_environment
from buildcheck.make.evaluate import MakefileReader, Notes
from buildcheck.make.expand import Expander, MakeFatal, ModelLimit
from buildcheck.make.functions import compile_pattern, pattern_stem
from buildcheck.make.lexer import SPACE, words
from buildcheck.make.opaque import OPEN, OpaqueRegistry
from buildcheck.make.options import MODELLED_FLAGS, MakeOptions, flag_string, parse_arguments, quote_for_env, \
    split_makeflags
from buildcheck.make.parse import parse_variable_definition
from buildcheck.make.result import CargoCall, EnvChange, MakeInvocation, MakeStep
from buildcheck.make.shell import ShellModel
from buildcheck.make.variables import ExportMode, Scope, VarOrigin, Variable
from buildcheck.model import Origin

MAKEFILE_NAMES = ("GNUmakefile", "makefile", "Makefile")
MAX_EVAL_DEPTH = 20      # $(eval) of text that runs $(eval) again

_AUTOMATIC_DERIVED = {f"{v}{k}": (f"$(patsubst %/,%,$(dir ${v}))" if k == "D" else f"$(notdir ${v})")
                      for v in "@%*<^+?" for k in "DF"}

# make's own variables, built once: a Variable is immutable, so every make of every trace shares them
_BUILT_IN = {name: Variable(name, value, recursive, VarOrigin.DEFAULT)
             for name, (value, recursive) in DEFAULT_VARIABLES.items()}
_AUTOMATIC = {name: Variable(name, value, True, VarOrigin.AUTOMATIC) for name, value in _AUTOMATIC_DERIVED.items()}


@dataclass(frozen=True)
class Invocation:
    cwd: Path
    arguments: tuple[str, ...]
    program: str
    env: Mapping[str, str] = field(hash=False)
    changes: Mapping[str, EnvChange] = field(hash=False)   # env versus the user's, with origins
    via: tuple[MakeStep, ...]
    started_by: Origin | None                             # the recipe line that ran this make
    command_origins: Mapping[str, Origin | None] = field(hash=False, default_factory=dict)


class Trace:
    """What all the makes of one trace share."""

    def __init__(self, user_env: Mapping[str, str], *, max_depth: int, max_bytes: int, shell: ShellModel) -> None:
        self.user_env = dict(user_env)
        self.registry = OpaqueRegistry()
        self.notes = Notes()
        self.calls: list[CargoCall] = []
        self.makes: list[MakeInvocation] = []
        self.max_depth = max_depth
        self.max_bytes = max_bytes
        self.shell = shell
        self.complete = True
        self.active: list[tuple[str, tuple[str, ...]]] = []
        self.made_directories: set[str] = set()   # what `mkdir` commands of the trace would create

    def directory_exists(self, path: Path) -> bool:
        return path.is_dir() or os.path.realpath(path) in self.made_directories

    def note(self, kind: str, message: str, origin: Origin | None, *, incomplete: bool = False) -> None:
        self.notes.add(kind, message, origin)
        if incomplete:
            self.complete = False


class MakeProcess:
    """One make process: its variables, options and makefiles, read as make reads them."""

    def __init__(self, trace: Trace, invocation: Invocation) -> None:
        self.trace = trace
        self.inv = invocation
        self.db = Database()
        self.directory = str(invocation.cwd)
        self.expander = Expander(Scope((self.db.variables,)), trace.registry, self)
        self.options = MakeOptions()
        self.env_overrides = False
        self.makefile: Path | None = None
        self.shell_value: str | None = None
        self.makelevel = 0
        self.command_variables: list[str] = []      # names, most recent first (make's linked list)
        self.command_origin: dict[str, Origin | None] = {}
        self.goals: tuple[str, ...] = ()
        self._failed_at_end = False                 # make -k: an error that still lets the goals run
        self._eval_depth = 0

    # ---- ExpansionHost ----------------------------------------------------------------------

    def evaluate_text(self, text: str, origin: Origin | None) -> None:
        if self._eval_depth >= MAX_EVAL_DEPTH:
            raise ModelLimit(_("$(eval) nested more than {limit} levels deep").format(limit=MAX_EVAL_DEPTH), origin)
        self._eval_depth += 1
        try:
            self._reader().evaluate_text(text, origin)
        finally:
            self._eval_depth -= 1

    def note(self, kind: str, message: str, origin: Origin | None) -> None:
        self.trace.note(kind, message, origin)

    def special_value(self, name: str) -> str | None:
        if name == ".VARIABLES":
            return " ".join(v.name for v in self.db.variables)
        return None

    def _reader(self) -> MakefileReader:
        return MakefileReader(self.db, self.expander, self.trace.notes, directory=Path(self.directory),
                              env_overrides=self.env_overrides, include_dirs=self.options.arguments("include-dir"),
                              max_bytes=self.trace.max_bytes)

    # ---- before the goals ---------------------------------------------------------------------

    def _define(self, name: str, value: str, origin: VarOrigin, *, recursive: bool,
                where: Origin | None = None) -> Variable:
        return self.db.variables.define(name, value, origin, recursive=recursive, where=where,
                                        env_overrides=self.env_overrides)

    def _define_default(self, variable: Variable) -> None:
        """A built-in variable: the weakest origin there is, so it only fills a gap (or replaces
        another built-in), as define_variable_in_set would decide."""
        existing = self.db.variables.get(variable.name)
        if existing is None or existing.origin <= variable.origin:
            self.db.variables.put(variable if existing is None else
                                  dataclasses.replace(existing, value=variable.value, recursive=variable.recursive,
                                                      origin=variable.origin, where=None))

    def _decode_env_switches(self, name: str, start: MakeOptions) -> MakeOptions:
        value = self.expander.expand(f"$({name})")
        if OPEN in value:
            self.trace.note("opaque", _("{name} depends on $(shell) output; its switches were not read").format(
                name=name), Origin.environment(name))
            return start
        return parse_arguments(split_makeflags(value), from_env=True, start=start)

    def _define_command_variable(self, text: str, where: Origin | None) -> None:
        definition = parse_variable_definition(text)
        if definition is None:
            return
        name = assign.expand_name(self.expander, definition.name, where)
        assign.define(self.expander, self.db.variables, name, definition.op, definition.value,
                      VarOrigin.COMMAND_LINE, where, env_overrides=self.env_overrides)
        if name not in self.command_variables:
            self.command_variables.insert(0, name)
        self.command_origin[name] = where

    def start(self) -> bool:
        """Everything make does before reading makefiles; False when make would stop already."""
        return self._read_switches() and self._change_directory() and self._define_own_variables()

    def _read_switches(self) -> bool:
        """The environment, then GNUMAKEFLAGS and MAKEFLAGS, then the command line (main.c order)."""
        inv = self.inv
        self.shell_value = import_environment(self.db.variables, inv.env, inv.changes)
        options = self._decode_env_switches("GNUMAKEFLAGS", MakeOptions())
        self._define("GNUMAKEFLAGS", "", VarOrigin.ENVIRONMENT, recursive=False)
        options = self._decode_env_switches("MAKEFLAGS", options)
        self.env_overrides = options.on("environment-overrides")
        for text in options.variables:
            self._define_command_variable(text, inv.command_origins.get(text.partition("=")[0].rstrip(":+?! \t")))
        from_env = len(options.variables)
        options = parse_arguments(inv.arguments, start=options)
        self.env_overrides = options.on("environment-overrides")
        for text in options.variables[from_env:]:
            self._define_command_variable(text, inv.started_by)
        if options.unknown:
            self.trace.note("error", _("make would reject the option {option} and stop").format(
                option=options.unknown[0]), inv.started_by, incomplete=True)
            return False
        self._note_unsupported(options)
        self.options = options
        if options.goals:
            self._define("MAKECMDGOALS", " ".join(options.goals), VarOrigin.DEFAULT, recursive=False)
        self._define("MAKE_COMMAND", inv.program, VarOrigin.DEFAULT, recursive=False)
        self._define("MAKE", "$(MAKE_COMMAND)", VarOrigin.DEFAULT, recursive=True)
        if self.command_variables:
            # what sub-makes receive through MAKEFLAGS: a copy taken now, before any makefile's override
            parts = []
            for name in self.command_variables:
                variable = self.db.variables.get(name)
                if variable is None:
                    continue
                parts.append(quote_for_env(name) + ("" if variable.recursive else ":") + "=" +
                             quote_for_env(variable.value))
            self._define("-*-command-variables-*-", " ".join(parts), VarOrigin.AUTOMATIC, recursive=False)
            self._define("MAKEOVERRIDES", "${-*-command-variables-*-}", VarOrigin.ENVIRONMENT, recursive=True)
        return True

    def _change_directory(self) -> bool:
        """-C, each relative to the one before; then MAKELEVEL and whether to print directories."""
        cwd = self.inv.cwd
        options = self.options
        for directory in options.arguments("directory"):
            target = Path(os.path.expanduser(directory)) if directory.startswith("~") else Path(directory)
            cwd = target if target.is_absolute() else cwd / target
            if not cwd.is_dir():
                self.trace.note("error", _("make would stop: {directory}: No such file or directory").format(
                    directory=directory), self.inv.started_by, incomplete=True)
                return False
        self.directory = os.path.realpath(cwd)
        level = self.db.variables.get(MAKELEVEL)
        self.makelevel = _atoi(level.value) if level is not None and level.value[:1] not in ("", "-") else 0
        if not options.on("silent") and (options.arguments("directory") or self.makelevel > 0):
            options = options.with_flag("print-directory", True)
        if options.on("no-print-directory"):
            options = options.with_flag("print-directory", False)
        if options.on("no-builtin-variables"):
            options = options.with_flag("no-builtin-rules", True)
        self.options = options
        return True

    def _define_own_variables(self) -> bool:
        """CURDIR, MAKELEVEL, SHELL, the built-in and automatic variables, a first MAKEFLAGS."""
        variables = self.db.variables
        options = self.options
        self._define("CURDIR", self.directory, VarOrigin.FILE, recursive=False)
        self._define(MAKELEVEL, str(self.makelevel), VarOrigin.ENVIRONMENT, recursive=False)
        for name in ALWAYS_DEFINED:
            self._define_default(_BUILT_IN[name])
        shell = variables.get("SHELL")
        if shell is None:
            self._define("SHELL", "/bin/sh", VarOrigin.DEFAULT, recursive=False)
        else:
            # make never takes SHELL from the environment
            variables.replace(shell, value="/bin/sh", origin=VarOrigin.FILE, recursive=False, where=None)
        for variable in _AUTOMATIC.values():
            self._define_default(variable)
        self._define_makeflags(with_arguments=False)
        makeflags = variables.get("MAKEFLAGS")
        if makeflags is not None:
            variables.replace(makeflags, export=ExportMode.EXPORT, export_where=None)
        if not options.on("no-builtin-variables"):
            for name, variable in _BUILT_IN.items():
                if name not in ALWAYS_DEFINED:
                    if name == "SUFFIXES" and options.on("no-builtin-rules"):
                        variable = Variable(name, "", False, VarOrigin.DEFAULT)
                    self._define_default(variable)
        elif options.on("no-builtin-rules"):
            self._define("SUFFIXES", "", VarOrigin.DEFAULT, recursive=False)
        self._define(".DEFAULT_GOAL", "", VarOrigin.FILE, recursive=False)
        self.trace.makes.append(MakeInvocation(Path(self.directory), (self.inv.program, *self.inv.arguments),
                                               self.makelevel, self.inv.via))
        return True

    def _note_unsupported(self, options: MakeOptions) -> None:
        origin = self.inv.started_by
        for key in options.flags - MODELLED_FLAGS:
            if key in ("touch", "question", "help", "version"):
                self.trace.note("unsupported", _("make option --{option}: no recipe would run as modelled").format(
                    option=key), origin)
            else:
                self.trace.note("unsupported", _("make option --{option} is not modelled").format(option=key), origin)
        for key, value in options.values:
            if key in ("directory", "file", "include-dir"):
                continue
            if key == "jobs" and value == "1":
                continue
            if key == "jobs":
                self.trace.note("unsupported", _("parallel make (-j): commands may run in another order, and "
                                                 "MAKEFLAGS carries jobserver details buildcheck does not know"),
                                origin)
            else:
                self.trace.note("unsupported", _("make option --{option}={value} is not modelled").format(
                    option=key, value=value), origin)

    def _define_makeflags(self, *, with_arguments: bool) -> None:
        flags = flag_string(self.options, with_arguments=with_arguments)
        mflags = flags[2:] if flags.startswith("- ") else flags
        text = flags
        if with_arguments:
            overrides = self.db.variables.get("MAKEOVERRIDES")
            if overrides is not None and overrides.value:
                text += " -- $(MAKEOVERRIDES)"
        if text.startswith("-"):
            text = text[1:]
        self._define("MFLAGS", mflags, VarOrigin.ENVIRONMENT, recursive=True)
        self._define("MAKEFLAGS", text, VarOrigin.ENVIRONMENT_OVERRIDE if self.env_overrides else VarOrigin.FILE,
                     recursive=True)

    def read_makefiles(self) -> bool:
        reader = self._reader()
        self._define("MAKEFILE_LIST", "", VarOrigin.FILE, recursive=False)
        extra = self.expander.expand("$(MAKEFILES)")
        for name in words(extra):
            path = Path(self.directory) / name
            if path.is_file():
                reader.default_goal_allowed = False
                reader.read_file(path, name, set_default=False)
                reader.default_goal_allowed = True
        given = self.options.arguments("file")
        if given:
            for name in given:
                if name == "-":
                    self.trace.note("unsupported", _("a makefile read from standard input is not modelled"),
                                    self.inv.started_by, incomplete=True)
                    return False
                path = Path(name) if name.startswith("/") else Path(self.directory) / name
                if not path.is_file():
                    self.trace.note("error", _("make would stop: {name}: No such file or directory").format(
                        name=name), self.inv.started_by, incomplete=True)
                    return False
                self.makefile = self.makefile or path
                if not reader.read_file(path, name, set_default=True):
                    self.trace.complete = False
                    return False
            return True
        for name in MAKEFILE_NAMES:
            path = Path(self.directory) / name
            if path.is_file():
                self.makefile = path
                if not reader.read_file(path, name, set_default=True):
                    self.trace.complete = False
                    return False
                return True
        self.trace.note("no-makefile", _("no GNUmakefile, makefile or Makefile in {directory}").format(
            directory=self.directory), self.makefile_origin(), incomplete=not self.options.goals)
        return True

    def after_reading(self) -> None:
        options = self._decode_env_switches("GNUMAKEFLAGS", self.options)
        self._define("GNUMAKEFLAGS", "", VarOrigin.OVERRIDE, recursive=False)
        before = len(options.variables)
        options = self._decode_env_switches("MAKEFLAGS", options)
        for text in options.variables[before:]:
            self._define_command_variable(text, None)
        self.options = options
        self.env_overrides = options.on("environment-overrides")
        self._define_makeflags(with_arguments=True)
        for name, origin in self.db.missing_includes:
            if self.db.is_target(name) or self._pattern_for(name) is not None:
                self.trace.note("unsupported", _("make would first build the included file {name} with its rule, "
                                                 "then read it again; not modelled").format(name=name), origin,
                                incomplete=True)
                continue
            message = _("{name}: No such file or directory").format(name=name)
            if not self.options.on("keep-going"):
                raise MakeFatal(message, origin)
            # make -k reports it, still updates the goals, and exits with an error at the end
            self.trace.note("error", _("make -k: {message}").format(message=message), origin, incomplete=True)
            self._failed_at_end = True
        if self.db.is_target(".EXPORT_ALL_VARIABLES"):
            self.db.export_all = True
        if self.db.is_target(".SECONDEXPANSION"):
            self.trace.note("unsupported", _(".SECONDEXPANSION is not modelled: prerequisites are expanded once"),
                            self.db.rules_for(".SECONDEXPANSION")[0].origin)
        if self.db.is_target(".DEFAULT"):
            self.trace.note("unsupported", _("the .DEFAULT rule is not modelled"),
                            self.db.rules_for(".DEFAULT")[0].origin)
        goals = self.options.goals
        if not goals:
            default = self.db.variables.get(".DEFAULT_GOAL")
            text = ""
            if default is not None:
                text = self.expander.value_of(default)
            names = words(text)
            if len(names) > 1:
                raise MakeFatal(_(".DEFAULT_GOAL contains more than one target"), self.makefile_origin())
            if not names:
                if self.makefile is not None:
                    raise MakeFatal(_("No targets"), self.makefile_origin())
                return
            goals = tuple(names)
        self.goals = goals

    def makefile_origin(self) -> Origin | None:
        """Where to point when no line is to blame: the line that started this make, or its makefile."""
        if self.inv.started_by is not None:
            return self.inv.started_by
        return Origin.file(str(self.makefile)) if self.makefile is not None else Origin.file(self.directory)

    def _pattern_for(self, name: str) -> tuple[Rule, str] | None:
        """The first pattern rule of the makefiles that can make `name` (its prerequisites exist or
        are targets). make's built-in rules are not modelled."""
        for rule in self.db.patterns:
            if not rule.has_recipe:
                continue
            for pattern in rule.targets:
                stem = pattern_stem(compile_pattern(pattern), name)
                if stem is None:
                    continue
                prerequisites = [p.replace("%", stem, 1) for p in rule.prerequisites]
                if all(self.db.is_target(p) or self._exists(p) for p in prerequisites):
                    return rule, stem
        return None

    def _exists(self, name: str) -> bool:
        return os.path.lexists(os.path.join(self.directory, name))

def _atoi(text: str) -> int:
    digits = ""
    for char in text.lstrip(SPACE):
        if not char.isdigit():
            break
        digits += char
    return int(digits) if digits else 0
