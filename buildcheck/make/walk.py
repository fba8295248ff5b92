"""Following `make GOAL` from start to finish: one make process at a time, sub-makes included.

Each make is modelled in the order GNU make 4.3 works (main.c): import the environment, read
MAKEFLAGS and then the command line, define the command-line variables, change directory (-C),
define make's own variables, read the makefiles, read MAKEFLAGS again, then update the goals:
prerequisites first, left to right, each target once, a recipe only when its target is phony,
missing or older than a prerequisite. Every command a recipe starts is followed: `cargo` becomes a
CargoCall with its complete environment; `make` / `$(MAKE)` becomes another make process, started
in its directory with the environment it really gets (exported variables, MAKEFLAGS, MAKELEVEL).

The trace is bounded: sub-makes nest at most `max_depth` deep, a sub-make that would start
itself again is reported as a loop, and makefiles above a size bound are reported and not read.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from buildcheck.i18n import _
from buildcheck.make import assign
from buildcheck.make.database import Database, RecipeLine, Rule
from buildcheck.make.defaults import ALWAYS_DEFINED, DEFAULT_VARIABLES
from buildcheck.make.environment import MAKELEVEL, Exported, child_environment, import_environment
from buildcheck.make.evaluate import MAX_MAKEFILE_BYTES, MakefileReader, Notes
from buildcheck.make.expand import Expander, MakeFatal, ModelLimit
from buildcheck.make.functions import compile_pattern, pattern_stem
from buildcheck.make.lexer import SPACE, words
from buildcheck.make.opaque import OPEN, OpaqueRegistry
from buildcheck.make.options import MODELLED_FLAGS, MakeOptions, flag_string, parse_arguments, quote_for_env, \
    split_makeflags
from buildcheck.make.parse import parse_variable_definition
from buildcheck.make.recipes import CommandLine, ShellChoice, classify, command_lines, run_command
from buildcheck.make.result import CargoCall, EnvChange, MakeInvocation, MakeNote, MakeStep, MakeTrace
from buildcheck.make.shell import ShellModel, ShellUnsupported, Started
from buildcheck.make.variables import ExportMode, Scope, VarOrigin, Variable, VariableSet
from buildcheck.model import Origin

MAKEFILE_NAMES = ("GNUmakefile", "makefile", "Makefile")
MAKE_OWN = frozenset({"MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES", MAKELEVEL})
MAX_UPDATES = 20000
MAX_CALLS = 10000
MAX_TARGET_DEPTH = 100   # a prerequisite chain deeper than this is reported, not followed
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


@dataclass
class _TargetState:
    remade: bool
    mtime: float | None
    failed: bool = False


class CommandFailed(Exception):
    """A recipe command fails (make stops, unless -k or the line's `-` / -i say otherwise)."""

    def __init__(self, message: str, origin: Origin | None) -> None:
        super().__init__(message)
        self.message = message
        self.origin = origin


class MakeProcess:
    """One make process."""

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
        self.done: dict[str, _TargetState] = {}
        self.in_progress: list[str] = []
        self.parents: dict[str, str] = {}
        self.scopes: dict[str, Scope] = {}
        self.updates = 0
        self.goals: tuple[str, ...] = ()
        self._failed_targets: set[str] = set()
        self._failed_at_end = False
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

    # ---- the run ------------------------------------------------------------------------------

    def run(self) -> bool:
        """Model this make from start to end; False when make would exit with an error."""
        try:
            if not self.start():
                return False
            if not self.read_makefiles():
                return False
            self.after_reading()
            succeeded = not self._failed_at_end
            for goal in self.goals:
                state = self._update(goal, None, self.inv.started_by)
                succeeded &= not state.failed
            return succeeded
        except ModelLimit as limit:
            self.trace.note("limit", limit.message, limit.origin, incomplete=True)
        except RecursionError:
            # the bounds above keep ordinary makefiles far from Python's stack limit; this is the last guard
            self.trace.note("limit", _("the makefiles nest too deeply for buildcheck to follow"), self.inv.started_by,
                            incomplete=True)
        except MakeFatal as fatal:
            self.trace.note("error", _("make in {directory} would stop: {message}").format(
                directory=self.directory, message=fatal.message), fatal.origin or self.inv.started_by,
                incomplete=True)
        except CommandFailed as failed:
            self.trace.note("error", _("make in {directory} would stop: {message}").format(
                directory=self.directory, message=failed.message), failed.origin, incomplete=True)
        return False

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
                name=name), None)
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
        inv = self.inv
        variables = self.db.variables
        self.shell_value = import_environment(variables, inv.env, inv.changes)
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
        goals = options.goals
        if goals:
            self._define("MAKECMDGOALS", " ".join(goals), VarOrigin.DEFAULT, recursive=False)
        self._define("MAKE_COMMAND", inv.program, VarOrigin.DEFAULT, recursive=False)
        self._define("MAKE", "$(MAKE_COMMAND)", VarOrigin.DEFAULT, recursive=True)
        if self.command_variables:
            parts = []
            for name in self.command_variables:
                variable = variables.get(name)
                if variable is None:
                    continue
                parts.append(quote_for_env(name) + ("" if variable.recursive else ":") + "=" +
                             quote_for_env(variable.value))
            self._define("-*-command-variables-*-", " ".join(parts), VarOrigin.AUTOMATIC, recursive=False)
            self._define("MAKEOVERRIDES", "${-*-command-variables-*-}", VarOrigin.ENVIRONMENT, recursive=True)
        cwd = inv.cwd
        for directory in options.arguments("directory"):
            target = Path(os.path.expanduser(directory)) if directory.startswith("~") else Path(directory)
            cwd = target if target.is_absolute() else cwd / target
            if not cwd.is_dir():
                self.trace.note("error", _("make would stop: {directory}: No such file or directory").format(
                    directory=directory), inv.started_by, incomplete=True)
                return False
        self.directory = os.path.realpath(cwd)
        level = variables.get(MAKELEVEL)
        self.makelevel = _atoi(level.value) if level is not None and level.value[:1] not in ("", "-") else 0
        if not options.on("silent") and (options.arguments("directory") or self.makelevel > 0):
            options = options.with_flag("print-directory", True)
        if options.on("no-print-directory"):
            options = options.with_flag("print-directory", False)
        if options.on("no-builtin-variables"):
            options = options.with_flag("no-builtin-rules", True)
        self.options = options
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
        self.trace.makes.append(MakeInvocation(Path(self.directory), (inv.program, *inv.arguments), self.makelevel,
                                               inv.via))
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
            directory=self.directory), self.inv.started_by, incomplete=not self.options.goals)
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
                            None)
        if self.db.is_target(".DEFAULT"):
            self.trace.note("unsupported", _("the .DEFAULT rule is not modelled"), None)
        goals = self.options.goals
        if not goals:
            default = self.db.variables.get(".DEFAULT_GOAL")
            text = ""
            if default is not None:
                text = self.expander.value_of(default)
            names = words(text)
            if len(names) > 1:
                raise MakeFatal(_(".DEFAULT_GOAL contains more than one target"), None)
            if not names:
                if self.makefile is not None:
                    raise MakeFatal(_("No targets"), None)
                return
            goals = tuple(names)
        self.goals = goals

    # ---- updating targets --------------------------------------------------------------------

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

    def _mtime(self, name: str) -> float | None:
        try:
            return os.stat(os.path.join(self.directory, name)).st_mtime
        except OSError:
            return None

    def _scope_for(self, target: str, parent: str | None) -> Scope:
        if target in self.scopes:
            return self.scopes[target]
        sets: list[VariableSet] = []
        own = self.db.target_variables.get(target)
        if own is not None:
            sets.append(own)
        matching = []
        for pattern_variables in self.db.pattern_variables:
            stem = pattern_stem(compile_pattern(pattern_variables.pattern), target)
            if stem is not None:
                matching.append((len(stem), pattern_variables.variables))
        for _length, variables in sorted(matching, key=lambda item: item[0]):
            sets.append(variables)
        if parent is not None:
            for inherited in self._scope_for(parent, self.parents.get(parent)).sets[:-1]:
                visible = VariableSet()
                for variable in inherited:
                    if not variable.private:
                        visible.put(variable)
                sets.append(visible)
        sets.append(self.db.variables)
        scope = Scope(tuple(sets))
        self.scopes[target] = scope
        return scope

    def _update(self, name: str, parent: str | None, needed_by: Origin | None) -> _TargetState:
        done = self.done.get(name)
        if done is not None:
            return done
        if name in self.in_progress:
            self.trace.note("error", _("circular {parent} <- {name} dependency dropped").format(
                parent=parent, name=name), needed_by)
            return _TargetState(False, self._mtime(name))
        self.updates += 1
        if len(self.in_progress) >= MAX_TARGET_DEPTH:
            raise ModelLimit(_("prerequisites nest more than {limit} targets deep").format(limit=MAX_TARGET_DEPTH),
                             needed_by)
        if self.updates > MAX_UPDATES:
            raise ModelLimit(_("more than {limit} targets to update").format(limit=MAX_UPDATES), needed_by)
        if parent is not None and name not in self.parents:
            self.parents[name] = parent
        self.in_progress.append(name)
        try:
            state = self._update_target(name, parent, needed_by)
        finally:
            self.in_progress.pop()
        if name in self._failed_targets:
            state = _TargetState(state.remade, state.mtime, failed=True)
        self.done[name] = state
        return state

    def _update_target(self, name: str, parent: str | None, needed_by: Origin | None) -> _TargetState:
        rules = self.db.rules_for(name)
        phony = self.db.is_phony(name)
        if rules and rules[0].double_colon:
            remade = False
            for rule in rules:
                remade |= self._update_with(name, parent, rule, list(rule.prerequisites), list(rule.order_only),
                                            phony, double_colon=True)
            return _TargetState(remade, self._mtime(name))
        prerequisites: list[str] = []
        order_only: list[str] = []
        recipe_rule: Rule | None = None
        for rule in rules:
            if rule.has_recipe:
                if recipe_rule is not None:
                    self.trace.note("assumption", _("overriding recipe for target '{target}'").format(target=name),
                                    rule.origin)
                recipe_rule = rule
                prerequisites = list(rule.prerequisites) + prerequisites
                order_only = list(rule.order_only) + order_only
            else:
                prerequisites += rule.prerequisites
                order_only += rule.order_only
        if recipe_rule is None and not phony:
            implicit = self._pattern_for(name)
            if implicit is not None:
                rule, stem = implicit
                recipe_rule = Rule((name,), tuple(p.replace("%", stem, 1) for p in rule.prerequisites),
                                   tuple(p.replace("%", stem, 1) for p in rule.order_only), rule.recipe, True, False,
                                   rule.origin, rule.recipe_prefix, pattern=rule.targets[0], stem=stem)
                prerequisites = list(recipe_rule.prerequisites) + prerequisites
                order_only = list(recipe_rule.order_only) + order_only
        if not rules and recipe_rule is None and not phony and not self._exists(name):
            if parent is None:
                message = _("No rule to make target '{name}'").format(name=name)
            else:
                message = _("No rule to make target '{name}', needed by '{parent}'").format(name=name, parent=parent)
            if not self.options.on("keep-going"):
                raise MakeFatal(message, needed_by)
            self.trace.note("error", _("make -k: {message}").format(message=message), needed_by, incomplete=True)
            return _TargetState(False, None, failed=True)
        chosen = recipe_rule or (rules[0] if rules else None)
        remade = self._update_with(name, parent, chosen, prerequisites, order_only, phony, double_colon=False)
        return _TargetState(remade, self._mtime(name))

    def _update_with(self, name: str, parent: str | None, rule: Rule | None, prerequisites: list[str],
                     order_only: list[str], phony: bool, *, double_colon: bool) -> bool:
        unique = list(dict.fromkeys(prerequisites))
        unique_order_only = [p for p in dict.fromkeys(order_only) if p not in unique]
        origin = rule.origin if rule is not None else None
        newer: list[str] = []
        own_mtime = None if phony else self._mtime(name)
        any_remade = False
        failed = False
        for prerequisite in unique + unique_order_only:
            state = self._update(prerequisite, name, origin)
            failed |= state.failed
            if prerequisite in unique_order_only:
                continue
            if state.remade or own_mtime is None or (state.mtime is not None and state.mtime > own_mtime):
                newer.append(prerequisite)
            any_remade |= state.remade
        if failed:
            # make -k: "Target 'x' not remade because of errors."
            self._failed_targets.add(name)
            return False
        has_recipe = rule is not None and rule.has_recipe
        must_run = (phony or own_mtime is None or bool(newer) or self.options.on("always-make")
                    or (double_colon and not unique))
        if not must_run:
            if has_recipe:
                self.trace.note("up-to-date", _("'{target}' is a file newer than its prerequisites: make would not "
                                                "run its recipe").format(target=name), origin)
            return False
        if not has_recipe or rule is None:
            return own_mtime is None or any_remade
        try:
            self._run_recipe(name, parent, rule, prerequisites, unique, unique_order_only, newer)
        except CommandFailed as failure:
            if not self.options.on("keep-going"):
                raise
            self.trace.note("error", _("make -k: {message}; targets that need '{target}' are not remade").format(
                message=failure.message, target=name), failure.origin, incomplete=True)
            self._failed_targets.add(name)
        return True

    # ---- recipes -----------------------------------------------------------------------------

    def _automatic(self, name: str, rule: Rule, prerequisites: list[str], unique: list[str], order_only: list[str],
                   newer: list[str]) -> VariableSet:
        variables = VariableSet()
        stem = rule.stem
        if stem is None:
            suffixes = DEFAULT_VARIABLES["SUFFIXES"][0].split() if not self.options.on("no-builtin-rules") else []
            stem = next((name[:-len(s)] for s in suffixes if name.endswith(s) and len(name) > len(s)), "")
        values = {"@": name, "<": unique[0] if unique else "", "^": " ".join(unique), "+": " ".join(prerequisites),
                  "|": " ".join(order_only), "?": " ".join(newer), "*": stem, "%": ""}
        for key, value in values.items():
            variables.define(key, value, VarOrigin.AUTOMATIC, recursive=False, where=None)
        return variables

    def recipe_commands(self, name: str, parent: str | None, rule: Rule, prerequisites: list[str],
                        unique: list[str], order_only: list[str], newer: list[str]
                        ) -> tuple[list[CommandLine], dict[str, Exported], ShellChoice]:
        """A target's recipe as the commands make would run, with the environment they get."""
        scope = self._scope_for(name, parent).inner(self._automatic(name, rule, prerequisites, unique, order_only,
                                                                    newer))
        expander = self.expander.with_scope(scope)
        expanded = []
        for line in rule.recipe:
            expander.location = line.origin
            expanded.append(expander.expand(line.text))
        choice = self._shell_choice(expander)
        if choice.one_shell:
            commands = self._one_shell_command(rule.recipe, expanded)
        else:
            commands = command_lines(rule.recipe, expanded, rule.recipe_prefix)
        if not commands:
            return [], {}, choice
        exported = child_environment(scope, expander, export_all=self.db.export_all, shell_value=self.shell_value,
                                     makelevel=self.makelevel)
        return commands, exported, choice

    def _run_recipe(self, name: str, parent: str | None, rule: Rule, prerequisites: list[str], unique: list[str],
                    order_only: list[str], newer: list[str]) -> None:
        commands, exported, choice = self.recipe_commands(name, parent, rule, prerequisites, unique, order_only,
                                                          newer)
        env = {key: item.value for key, item in exported.items()}
        dry_run = any(self.options.on(key) for key in ("just-print", "touch", "question"))
        for command in commands:
            if dry_run and not command.recursive:
                continue
            self._run_command(name, command, env, exported, choice)

    def _shell_choice(self, expander: Expander) -> ShellChoice:
        shell = expander.expand("$(SHELL)")
        flags = expander.expand("$(.SHELLFLAGS)")
        one_shell = self.db.is_target(".ONESHELL")
        if shell != "/bin/sh":
            self.trace.note("unsupported", _("recipes run with SHELL={shell}; buildcheck models /bin/sh").format(
                shell=self.trace.registry.render(shell)), None)
        return ShellChoice(shell, flags, one_shell)

    def _one_shell_command(self, lines: tuple[RecipeLine, ...], expanded: list[str]) -> list[CommandLine]:
        if not lines:
            return []
        first = command_lines(lines[:1], expanded[:1], "\t")
        silent = first[0].silent if first else False
        body = []
        for text in expanded:
            body.append(text.lstrip(" \t@+-"))
        text = "\n".join(body)
        recursive = any(c.recursive for c in command_lines(lines, expanded, "\t"))
        return [CommandLine(text, lines[0].origin, recursive, silent, False)]

    def _run_command(self, target: str, command: CommandLine, env: dict[str, str], exported: dict[str, Exported],
                     choice: ShellChoice) -> None:
        trace = self.trace
        step = MakeStep(Path(self.directory), self.makefile, target, command.origin, self.makelevel)
        make_command = self.expander.expand("$(MAKE_COMMAND)")
        reasons: list[str] = []

        def runner(program: Started) -> bool:
            kind = classify(program.argv, make_command)
            if kind == "other":
                succeeded = self._other_program(program, command.origin)
                if not succeeded:
                    reasons.append(_("{program} fails or is not found").format(program=program.argv[0]))
                return succeeded
            changes = self._changes(program, exported, command.origin)
            if kind == "cargo":
                if len(trace.calls) >= MAX_CALLS:
                    raise ModelLimit(_("more than {limit} cargo commands").format(limit=MAX_CALLS), command.origin)
                trace.calls.append(self._cargo_call(program, changes, step))
                return True
            succeeded = self._sub_make(program, changes, step, command.origin)
            if not succeeded:
                reasons.append(_("the sub-make `{command}` fails").format(command=" ".join(program.argv)))
            return succeeded

        try:
            outcome = run_command(command, env, Path(self.directory), trace.registry, choice, trace.shell, runner,
                                  trace.directory_exists)
        except ShellUnsupported as unsupported:
            mentions = any(word in command.text for word in ("cargo", "make", "MAKE"))
            trace.note("unsupported", _("this recipe line uses shell syntax buildcheck does not model ({what}); "
                                        "the commands in it are not traced").format(what=str(unsupported)),
                       command.origin, incomplete=mentions)
            return
        for skipped_command in outcome.skipped_after_or:
            trace.note("assumption", _("'{command}' after || would run only if the command before it failed; "
                                       "buildcheck assumes it succeeds").format(command=skipped_command),
                       command.origin)
        if outcome.succeeded:
            return
        reason = reasons[-1] if reasons else (outcome.failure or command.text)
        if command.ignore_errors or self.options.on("ignore-errors"):
            trace.note("assumption", _("this command would fail ({reason}); make ignores the error").format(
                reason=reason), command.origin)
            return
        raise CommandFailed(_("this command would fail ({reason})").format(reason=reason), command.origin)

    def _other_program(self, program: Started, origin: Origin) -> bool:
        """A program that is neither cargo nor make: assumed to succeed when it exists. `mkdir`
        is remembered, so that a later `cd` into the directory it makes works."""
        name = program.argv[0]
        if OPEN in name:
            return True
        if os.path.basename(name) == "false":
            return False
        if os.path.basename(name) == "mkdir":
            for argument in program.argv[1:]:
                if not argument.startswith("-") and OPEN not in argument:
                    self.trace.made_directories.add(os.path.realpath(program.cwd / argument))
        if _find_program(name, program.env, program.cwd) is None:
            return False
        return True

    def _cargo_call(self, program: Started, changes: dict[str, EnvChange], step: MakeStep) -> CargoCall:
        render = self.trace.registry.render
        opaque = {name for name, value in program.env.items() if OPEN in value}
        opaque |= {f"argv[{index}]" for index, value in enumerate(program.argv) if OPEN in value}
        if program.shell_uncertain:
            opaque.add("PWD")
        return CargoCall(cwd=program.cwd, argv=tuple(render(a) for a in program.argv),
                         env=MappingProxyType({k: render(v) for k, v in program.env.items()}),
                         changes=MappingProxyType(changes), opaque=frozenset(opaque), via=(*self.inv.via, step))

    def _changes(self, program: Started, exported: dict[str, Exported], line: Origin) -> dict[str, EnvChange]:
        """How the program's environment differs from the user's, each difference with its origin."""
        render = self.trace.registry.render
        user = self.trace.user_env
        out: dict[str, EnvChange] = {}
        for name, raw in program.env.items():
            if user.get(name) == raw:
                continue
            value = render(raw)
            item = exported.get(name)
            if name in program.shell_set or item is None and name not in (MAKELEVEL, "SHELL"):
                out[name] = EnvChange(name, value, line, "shell")
                continue
            variable = item.variable if item is not None else None
            if variable is None:
                carried = self.inv.changes.get(name) if name == "SHELL" else None
                out[name] = carried or EnvChange(name, value, None, "make")
                continue
            if variable.origin in (VarOrigin.ENVIRONMENT, VarOrigin.ENVIRONMENT_OVERRIDE) and \
                    self.inv.env.get(name) == raw and name in self.inv.changes:
                out[name] = self.inv.changes[name]
                continue
            if name in MAKE_OWN and variable.where is None:
                out[name] = EnvChange(name, value, None, "make")
                continue
            source = "command-line" if variable.origin == VarOrigin.COMMAND_LINE else "makefile"
            # a command-line variable's origin is where it was given (None: the user's own command line)
            origin = variable.where if source == "command-line" else (variable.where or variable.export_where)
            if origin is None and source == "makefile":
                origin = self.export_all_origin()
                if origin is None:
                    out[name] = EnvChange(name, value, None, "make")
                    continue
            export_origin = variable.export_where if variable.export_where != origin else None
            out[name] = EnvChange(name, value, origin, source, export_origin)
        for name in user:
            if name in program.env:
                continue
            variable = self.db.variables.get(name)
            if name in program.shell_set:
                out[name] = EnvChange(name, None, line, "shell")
            elif variable is not None and variable.export == ExportMode.NOEXPORT:
                out[name] = EnvChange(name, None, variable.export_where, "makefile")
            elif name in self.inv.changes and self.inv.changes[name].value is None:
                out[name] = self.inv.changes[name]
            elif name in self.db.undefined_at:
                out[name] = EnvChange(name, None, self.db.undefined_at[name], "makefile")
            else:
                out[name] = EnvChange(name, None, None, "make")
        return dict(sorted(out.items()))

    def export_all_origin(self) -> Origin | None:
        """The line that made make export every variable: a bare `export` or .EXPORT_ALL_VARIABLES."""
        if self.db.export_all_origin is not None:
            return self.db.export_all_origin
        rules = self.db.rules_for(".EXPORT_ALL_VARIABLES")
        return rules[0].origin if rules else None

    def _sub_make(self, program: Started, changes: dict[str, EnvChange], step: MakeStep, line: Origin) -> bool:
        trace = self.trace
        via = (*self.inv.via, step)
        key = (os.path.realpath(program.cwd), program.argv[1:])
        if key in trace.active:
            trace.note("recursion", _("this sub-make would start the same make again (a recursion loop); it is "
                                      "not followed"), line, incomplete=True)
            return True
        if len(via) > trace.max_depth:
            trace.note("recursion", _("sub-makes nest deeper than {limit} levels; this one is not followed").format(
                limit=trace.max_depth), line, incomplete=True)
            return True
        if any(OPEN in argument for argument in program.argv):
            trace.note("opaque", _("the arguments of this sub-make depend on $(shell) output"), line)
        carried = {name: self.command_origin.get(name) for name in self.command_variables}
        invocation = Invocation(program.cwd, program.argv[1:], program.argv[0], program.env, changes, via, line,
                                 carried)
        trace.active.append(key)
        try:
            return MakeProcess(trace, invocation).run()
        finally:
            trace.active.pop()


def _find_program(name: str, env: Mapping[str, str], cwd: Path) -> str | None:
    """Where execvp would find a program (reads the file system only)."""
    if "/" in name:
        path = name if name.startswith("/") else os.path.join(cwd, name)
        return path if os.path.isfile(path) and os.access(path, os.X_OK) else None
    for directory in env.get("PATH", "/bin:/usr/bin").split(":"):
        candidate = os.path.join(directory or str(cwd), name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def _atoi(text: str) -> int:
    digits = ""
    for char in text.lstrip(SPACE):
        if not char.isdigit():
            break
        digits += char
    return int(digits) if digits else 0


def trace_make(directory: Path, goals: Sequence[str], env: Mapping[str, str], *, command_line: Sequence[str] = (),
               max_depth: int = 8, shell: ShellModel = ShellModel(), make_command: str = "make",
               max_makefile_bytes: int = MAX_MAKEFILE_BYTES) -> MakeTrace:
    """Predict `make [command_line] GOALS` run in `directory` with environment `env`: every cargo command
    it would start, in order, with its directory, argv and complete environment. Runs nothing."""
    directory = Path(directory)
    trace = Trace(env, max_depth=max_depth, max_bytes=max_makefile_bytes, shell=shell)
    invocation = Invocation(directory, (*command_line, *goals), make_command, dict(env), {}, (), None)
    top = MakeProcess(trace, invocation)
    trace.active.append((os.path.realpath(directory), invocation.arguments))
    succeeded = top.run()
    notes = tuple(MakeNote(kind, message, origin) for kind, message, origin in trace.notes.items)  # type: ignore[arg-type]
    return MakeTrace(directory=Path(top.directory), goals=top.goals, calls=tuple(trace.calls),
                     makes=tuple(trace.makes), notes=notes, complete=trace.complete, succeeded=succeeded)
