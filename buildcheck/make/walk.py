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

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from buildcheck.i18n import _
from buildcheck.make.database import RecipeLine, Rule
from buildcheck.make.defaults import DEFAULT_VARIABLES
from buildcheck.make.environment import Exported, child_environment
from buildcheck.make.evaluate import MAX_MAKEFILE_BYTES
from buildcheck.make.expand import Expander, MakeFatal, ModelLimit
from buildcheck.make.functions import compile_pattern, pattern_stem
from buildcheck.make.opaque import OPEN
from buildcheck.make.process import Invocation, MakeProcess, Trace
from buildcheck.make.provenance import environment_changes
from buildcheck.make.recipes import CommandLine, ShellChoice, classify, command_lines, run_command
from buildcheck.make.result import CargoCall, EnvChange, MakeNote, MakeStep, MakeTrace
from buildcheck.make.shell import ShellModel, Started, find_program
from buildcheck.make.shell_syntax import ShellUnsupported
from buildcheck.make.variables import Scope, VarOrigin, VariableSet
from buildcheck.model import Origin

MAX_UPDATES = 20000
MAX_CALLS = 10000
MAX_TARGET_DEPTH = 100   # a prerequisite chain deeper than this is reported, not followed


@dataclass(frozen=True)
class _TargetState:
    """What updating a target did: remade (its dependents must be remade), its file's time, failed."""

    remade: bool
    mtime: float | None
    failed: bool = False


class CommandFailed(Exception):
    """A recipe command fails (make stops, unless -k or the line's `-` / -i say otherwise)."""

    def __init__(self, message: str, origin: Origin | None) -> None:
        super().__init__(message)
        self.message = message
        self.origin = origin


class MakeRun(MakeProcess):
    """A make process that goes on to update its goals, running (on paper) what their recipes start."""

    def __init__(self, trace: Trace, invocation: Invocation) -> None:
        super().__init__(trace, invocation)
        self.done: dict[str, _TargetState] = {}
        self.in_progress: list[str] = []
        self.parents: dict[str, str] = {}
        self.scopes: dict[str, Scope] = {}
        self.updates = 0
        self._failed_targets: set[str] = set()

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
            self.trace.note("limit", _("the makefiles nest too deeply for buildcheck to follow"),
                            self.makefile_origin(), incomplete=True)
        except MakeFatal as fatal:
            self.trace.note("error", _("make in {directory} would stop: {message}").format(
                directory=self.directory, message=fatal.message), fatal.origin or self.makefile_origin(),
                incomplete=True)
        except CommandFailed as failed:
            self.trace.note("error", _("make in {directory} would stop: {message}").format(
                directory=self.directory, message=failed.message), failed.origin, incomplete=True)
        return False

    # ---- updating targets ----------------------------------------------------------------------

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
        if needed_by is None:
            needed_by = self.makefile_origin()
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
                        ) -> tuple[list[CommandLine], Callable[[], dict[str, Exported]], ShellChoice]:
        """A target's recipe as the commands make would run, and the environment they get. make
        computes that environment when the first command really starts (not under -n), so it is
        handed out as a function: an error in it (a variable that references itself) only happens then."""
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
        computed: list[dict[str, Exported]] = []

        def environment() -> dict[str, Exported]:
            if not computed:
                computed.append(child_environment(scope, expander, export_all=self.db.export_all,
                                                  shell_value=self.shell_value, makelevel=self.makelevel))
            return computed[0]

        return commands, environment, choice

    def _run_recipe(self, name: str, parent: str | None, rule: Rule, prerequisites: list[str], unique: list[str],
                    order_only: list[str], newer: list[str]) -> None:
        commands, environment, choice = self.recipe_commands(name, parent, rule, prerequisites, unique, order_only,
                                                             newer)
        dry_run = any(self.options.on(key) for key in ("just-print", "touch", "question"))
        for command in commands:
            if dry_run and not command.recursive:
                continue
            exported = environment()
            env = {key: item.value for key, item in exported.items()}
            self._run_command(name, command, env, exported, choice)

    def _shell_choice(self, expander: Expander) -> ShellChoice:
        shell = expander.expand("$(SHELL)")
        flags = expander.expand("$(.SHELLFLAGS)")
        one_shell = self.db.is_target(".ONESHELL")
        choice = ShellChoice(shell, flags, one_shell)
        if choice.model(self.trace.shell) is None:
            self.trace.note("unsupported", _("recipes run with SHELL={shell}; buildcheck models sh, dash and "
                                             "bash").format(shell=self.trace.registry.render(shell)),
                            self.makefile_origin())
        return choice

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
        if find_program(name, program.env, program.cwd) is None:
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
        return environment_changes(program, exported, line, user_env=self.trace.user_env, parent_env=self.inv.env,
                                   parent_changes=self.inv.changes, db=self.db, render=self.trace.registry.render)

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
            return MakeRun(trace, invocation).run()
        finally:
            trace.active.pop()


def trace_make(directory: Path, goals: Sequence[str], env: Mapping[str, str], *, command_line: Sequence[str] = (),
               max_depth: int = 8, shell: ShellModel = ShellModel(), make_command: str = "make",
               max_makefile_bytes: int = MAX_MAKEFILE_BYTES) -> MakeTrace:
    """Predict `make [command_line] GOALS` run in `directory` with environment `env`: every cargo command
    it would start, in order, with its directory, argv and complete environment. Runs nothing."""
    directory = Path(directory)
    trace = Trace(env, max_depth=max_depth, max_bytes=max_makefile_bytes, shell=shell)
    invocation = Invocation(directory, (*command_line, *goals), make_command, dict(env), {}, (), None)
    top = MakeRun(trace, invocation)
    trace.active.append((os.path.realpath(directory), invocation.arguments))
    succeeded = top.run()
    notes = tuple(MakeNote(kind, message, origin)  # type: ignore[arg-type]
                  for kind, message, origin in trace.notes.items)
    return MakeTrace(directory=Path(top.directory), goals=top.goals, calls=tuple(trace.calls),
                     makes=tuple(trace.makes), notes=notes, complete=trace.complete, succeeded=succeeded)
