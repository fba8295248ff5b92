"""Reading makefiles into a Database, line by line, as GNU make 4.3 does (read.c, eval).

make evaluates while it reads: conditionals are decided with the variables defined so far,
`include` reads the named file at that point, rule lines are expanded when read, recipes are
kept unexpanded. This module does the same, with three differences that are the point of
buildcheck: `$(shell ...)` and `!=` are never run (their values are opaque), nothing is ever
written, and a makefile larger than the bound is reported and not read at all.

Errors make treats as fatal (`missing 'endif'`, `missing separator`, ...) raise MakeFatal with
the makefile line; the caller turns them into a note, as make turns them into `*** ... Stop.`.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from buildcheck.i18n import _
from buildcheck.make import assign
from buildcheck.make.database import Database, PatternVariable, RecipeLine, Rule
from buildcheck.make.expand import Expander, MakeFatal, ModelLimit
from buildcheck.make.lexer import (SPACE, LogicalLine, collapse_continuations, first_word, logical_lines,
                                   next_token, remove_comment, words)
from buildcheck.make.opaque import OPEN, without_tokens
from buildcheck.make.parse import (Assignment, Conditional, Define, ExportDirective, Include, NotARule,
                                   OtherDirective, RuleLine, TargetVariable, Undefine, parse_assignment,
                                   parse_conditional, parse_directive, parse_rule_line)
from buildcheck.make.variables import ExportMode, VarOrigin, VariableSet
from buildcheck.model import Origin

MAX_MAKEFILE_BYTES = 1024 * 1024
MAX_INCLUDE_DEPTH = 32
DEFAULT_INCLUDE_DIRS = ("/usr/local/include", "/usr/include")


class Notes:
    """Collects notes (kind, message, origin) without repeats."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, Origin | None]] = []

    def add(self, kind: str, message: str, origin: Origin | None) -> None:
        item = (kind, message, origin)
        if item not in self.items:
            self.items.append(item)


@dataclass
class _Level:
    ignoring: int  # 0: reading this branch; 1: not yet taken; 2: a branch was already taken
    seen_else: bool = False


@dataclass
class _PendingRule:
    line: RuleLine
    origin: Origin
    recipe: list[RecipeLine] = field(default_factory=list)


def read_makefile_text(path: Path, notes: Notes, *, limit: int) -> str | None:
    """The text of a makefile, or None (with a note) when it cannot be read or exceeds the bound."""
    try:
        size = path.stat().st_size
        if size > limit:
            notes.add("too-large", _("{path} is {size} bytes, more than buildcheck reads ({limit}); it was not "
                                     "read").format(path=path, size=size, limit=limit), Origin.file(str(path)))
            return None
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        notes.add("unreadable", _("cannot read {path}: {reason}").format(path=path, reason=error.strerror or error),
                  Origin.file(str(path)))
        return None
    if len(data) > limit:
        notes.add("too-large", _("{path} grew beyond {limit} bytes while being read; it was not read").format(
            path=path, limit=limit), Origin.file(str(path)))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        notes.add("not-utf8", _("{path} has bytes that are not UTF-8 (first at line {line}); they are read as "
                                "they are").format(path=path, line=line), Origin.file(str(path), line))
        return data.decode("utf-8", "surrogateescape")


class MakefileReader:
    """Reads makefiles into `db` with `expander` (whose scope is the global set)."""

    def __init__(self, db: Database, expander: Expander, notes: Notes, *, directory: Path,
                 env_overrides: bool, include_dirs: Sequence[str] = (), max_bytes: int = MAX_MAKEFILE_BYTES):
        self.db = db
        self.expander = expander
        self.notes = notes
        self.directory = directory
        self.env_overrides = env_overrides
        self.include_dirs = tuple(include_dirs) + DEFAULT_INCLUDE_DIRS
        self.max_bytes = max_bytes
        self._include_depth = 0
        self.default_goal_allowed = True

    # ---- files -------------------------------------------------------------------------------

    def read_file(self, path: Path, display: str, *, set_default: bool, origin: Origin | None = None) -> bool:
        """Read one makefile (`display` is the name make records in MAKEFILE_LIST). False if not read."""
        if self._include_depth >= MAX_INCLUDE_DEPTH:
            self.notes.add("recursion", _("makefiles include each other more than {limit} levels deep (an include "
                                          "cycle?); {path} was not read").format(limit=MAX_INCLUDE_DEPTH, path=path),
                           origin)
            return False
        text = read_makefile_text(path, self.notes, limit=self.max_bytes)
        if text is None:
            return False
        self._append_makefile_list(display)
        self._include_depth += 1
        try:
            self._eval(logical_lines(text), str(path), 0, set_default=set_default)
        finally:
            self._include_depth -= 1
        return True

    def evaluate_text(self, text: str, origin: Origin | None) -> None:
        """$(eval TEXT)."""
        path = origin.path if origin is not None and origin.path else "<eval>"
        offset = (origin.line or 1) - 1 if origin is not None else 0
        self._eval(logical_lines(text), path, offset, set_default=True)

    def _append_makefile_list(self, name: str) -> None:
        # read.c: do_variable_definition("MAKEFILE_LIST", name, o_file, f_append_value)
        self.db.makefiles.append(name)
        current = self.db.variables.get("MAKEFILE_LIST")
        value = f"{current.value} {name}" if current is not None and current.value else name
        recursive = current.recursive if current is not None else False
        self.db.variables.define("MAKEFILE_LIST", value, VarOrigin.FILE, recursive=recursive, where=None,
                                 env_overrides=self.env_overrides)

    # ---- the line loop -----------------------------------------------------------------------

    def _origin(self, path: str, offset: int, line: int) -> Origin:
        return Origin.file(path, offset + line)

    def _eval(self, lines: Iterator[LogicalLine], path: str, offset: int, *, set_default: bool) -> None:
        levels: list[_Level] = []
        pending: _PendingRule | None = None
        no_targets = False
        in_ignored_define = False
        expander = self.expander
        db = self.db

        def record() -> None:
            nonlocal pending, no_targets
            if pending is not None:
                self._record_rule(pending)
            pending = None
            no_targets = False

        def ignoring() -> bool:
            return any(level.ignoring for level in levels)

        for logical in lines:
            text = logical.text
            here = self._origin(path, offset, logical.first)
            expander.location = here
            if logical.nul:
                self.notes.add("unsupported", _("a NUL byte: the rest of the line is ignored, as make does"), here)
            if logical.first == 1 and offset == 0 and text.startswith("\ufeff"):
                text = text[1:]
            if not text:
                continue
            prefix = db.recipe_prefix
            if text[0] == prefix:
                if no_targets:
                    continue
                if pending is not None:
                    if not ignoring():
                        pending.recipe.append(RecipeLine(text[1:], here))
                    continue
            line = remove_comment(collapse_continuations(text))
            body = line[next_token(line):]
            statement = parse_assignment(body)
            if statement is not None:
                if ignoring():
                    if isinstance(statement, Define):
                        in_ignored_define = True
                    continue
                record()
                self._assignment(statement, lines, here, path, offset)
                continue
            if not body:
                continue
            if in_ignored_define:
                if first_word(body)[0] == "endef" and not first_word(body)[1]:
                    in_ignored_define = False
                continue
            conditional = parse_conditional(body)
            if conditional is not None:
                self._conditional(conditional, levels, here)
                continue
            if ignoring():
                continue
            directive = parse_directive(body)
            if isinstance(directive, ExportDirective):
                record()
                self._export(directive, here)
                continue
            if isinstance(directive, Include):
                record()
                self._include(directive, here, set_default)
                continue
            if isinstance(directive, OtherDirective):
                record()
                if directive.keyword == "vpath":
                    self.notes.add("unsupported", _("vpath is not modelled: prerequisites are looked for in the "
                                                    "directory only"), here)
                else:
                    self.notes.add("unsupported", _("load of a dynamic object is not modelled"), here)
                continue
            if text[0] == prefix:
                raise MakeFatal(_("recipe commences before first target"), here)
            record()
            parsed = parse_rule_line(text, expander.expand)
            if isinstance(parsed, NotARule):
                if parsed.reason == "no-targets":
                    no_targets = True
                elif parsed.reason == "recipe-without-rule":
                    raise MakeFatal(_("missing rule before recipe"), here)
                elif parsed.reason == "missing-separator":
                    raise MakeFatal(_("missing separator"), here)
                continue
            if isinstance(parsed, TargetVariable):
                self._target_variable(parsed, here)
                continue
            pending = _PendingRule(parsed, here)
            if parsed.recipe is not None:
                pending.recipe.append(RecipeLine(parsed.recipe, here))
            if set_default and self.default_goal_allowed:
                self._maybe_default_goal(parsed)
        if levels:
            raise MakeFatal(_("missing 'endif'"), expander.location)
        record()

    # ---- statements --------------------------------------------------------------------------

    def _assignment(self, statement: Assignment | Define | Undefine, lines: Iterator[LogicalLine], here: Origin,
                    path: str, offset: int) -> None:
        expander = self.expander
        modifiers = statement.modifiers
        origin = VarOrigin.OVERRIDE if modifiers.override else VarOrigin.FILE
        if isinstance(statement, Undefine):
            name = assign.expand_name(expander, statement.name, here)
            self.db.variables.undefine(name, origin, env_overrides=self.env_overrides)
            if name not in self.db.variables:
                self.db.undefined_at[name] = here
            return
        if isinstance(statement, Define):
            if statement.extraneous:
                self.notes.add("unsupported", _("extraneous text after 'define' directive"), here)
            name = assign.expand_name(expander, statement.name, here)
            value = self._define_body(lines, here, path, offset)
            op = statement.op
        else:
            definition = statement.definition
            name = assign.expand_name(expander, definition.name, here)
            value, op = definition.value, definition.op
        variable = assign.define(expander, self.db.variables, name, op, value, origin, here,
                                 env_overrides=self.env_overrides)
        if variable is None:
            return
        if modifiers.export:
            variable = self.db.variables.set_export(name, ExportMode.EXPORT, here) or variable
        if modifiers.private:
            self.db.variables.replace(variable, private=True)
        if name == ".RECIPEPREFIX":
            current = self.db.variables.get(name)
            value = expander.value_of(current) if current is not None else ""
            self.db.recipe_prefix = value[0] if value else "\t"

    def _define_body(self, lines: Iterator[LogicalLine], here: Origin, path: str, offset: int) -> str:
        depth = 1
        body: list[str] = []
        for logical in lines:
            line = collapse_continuations(logical.text)
            if not line.startswith(self.db.recipe_prefix):
                stripped = line[next_token(line):]
                word = stripped[:6]
                if word == "define" and (len(stripped) == 6 or stripped[6] in " \t"):
                    depth += 1
                elif stripped[:5] == "endef" and (len(stripped) == 5 or stripped[5] in " \t"):
                    rest = remove_comment(stripped[5:])
                    if rest.strip(SPACE):
                        self.notes.add("unsupported", _("extraneous text after 'endef' directive"),
                                       self._origin(path, offset, logical.first))
                    depth -= 1
                    if depth == 0:
                        return "\n".join(body)
            body.append(line)
        raise MakeFatal(_("missing 'endef', unterminated 'define'"), here)

    def _conditional(self, conditional: Conditional, levels: list[_Level], here: Origin) -> None:
        if conditional.invalid:
            raise MakeFatal(_("invalid syntax in conditional"), here)
        if conditional.extraneous:
            self.notes.add("unsupported", _("extraneous text after '{directive}' directive").format(
                directive=conditional.keyword), here)
        if conditional.keyword == "endif":
            if not levels:
                raise MakeFatal(_("extraneous 'endif'"), here)
            levels.pop()
            return
        if conditional.keyword == "else":
            if not levels:
                raise MakeFatal(_("extraneous 'else'"), here)
            level = levels[-1]
            if level.seen_else:
                raise MakeFatal(_("only one 'else' per conditional"), here)
            level.ignoring = {0: 2, 1: 0}.get(level.ignoring, level.ignoring)
            if conditional.chained is None:
                level.seen_else = not conditional.extraneous
                return
            self._open_conditional(conditional.chained, levels, here)
            chained = levels.pop()
            if level.ignoring < 2:
                level.ignoring = chained.ignoring
            return
        self._open_conditional(conditional, levels, here)

    def _open_conditional(self, conditional: Conditional, levels: list[_Level], here: Origin) -> None:
        if any(level.ignoring for level in levels):
            levels.append(_Level(1))
            return
        truth = self._condition(conditional, here)
        if truth is None:
            self.notes.add("opaque-condition", _("this conditional depends on $(shell) output, which buildcheck "
                                                 "does not run; it was taken as false"), here)
            truth = False
        levels.append(_Level(0 if truth else 1))

    def _condition(self, conditional: Conditional, here: Origin) -> bool | None:
        expander = self.expander
        if conditional.keyword in ("ifdef", "ifndef"):
            name_text = expander.expand(conditional.operands[0])
            names = words(name_text)
            if len(names) != 1 or name_text[next_token(name_text):].strip(SPACE) != names[0]:
                raise MakeFatal(_("invalid syntax in conditional"), here)
            if OPEN in names[0]:
                return None
            variable = expander.scope.lookup(names[0])
            if variable is None or variable.value == "":
                defined = False
            elif OPEN in variable.value and not without_tokens(variable.value):
                return None
            else:
                defined = True
            return defined if conditional.keyword == "ifdef" else not defined
        first = expander.expand(conditional.operands[0])
        second = expander.expand(conditional.operands[1])
        if OPEN in first or OPEN in second:
            return None
        equal = first == second
        return equal if conditional.keyword == "ifeq" else not equal

    def _export(self, directive: ExportDirective, here: Origin) -> None:
        if directive.names is None:
            self.db.export_all = directive.exporting
            self.db.export_all_origin = here if directive.exporting else None
            return
        mode = ExportMode.EXPORT if directive.exporting else ExportMode.NOEXPORT
        names = self.expander.expand(directive.names)
        for name in words(names):
            if OPEN in name:
                self.notes.add("opaque", _("the names of an export line depend on $(shell) output"), here)
                continue
            variable = self.expander.scope.lookup(name)
            if variable is None:
                # make defines an undefined name as an empty makefile variable, then exports it
                self.db.variables.define(name, "", VarOrigin.FILE, recursive=False, where=here)
            if name in self.db.variables:
                self.db.variables.set_export(name, mode, here)

    def _include(self, directive: Include, here: Origin, set_default: bool) -> None:
        names = self.expander.expand(directive.names)
        if not names.strip(SPACE):
            return
        for name in words(names):
            if OPEN in name:
                self.notes.add("opaque", _("an include line names a file that depends on $(shell) output; it was "
                                           "not read"), here)
                continue
            candidates = self._glob(name)
            for candidate in candidates:
                path = self._find_include(candidate)
                if path is None:
                    if not directive.optional:
                        self.db.missing_includes.append((candidate, here))
                    continue
                saved_location = self.expander.location
                self.read_file(path, candidate, set_default=set_default, origin=here)
                self.expander.location = saved_location

    def _glob(self, name: str) -> list[str]:
        if not any(char in name for char in "*?["):
            return [name]
        found = sorted(glob.glob(name, root_dir=str(self.directory))) if not name.startswith("/") else \
            sorted(glob.glob(name))
        return found or [name]

    def _find_include(self, name: str) -> Path | None:
        expanded = os.path.expanduser(name) if name.startswith("~") else name
        path = Path(expanded) if expanded.startswith("/") else self.directory / expanded
        if path.is_file():
            return path
        if expanded.startswith("/"):
            return None
        for directory in self.include_dirs:
            candidate = (self.directory / directory / expanded) if not directory.startswith("/") else \
                Path(directory) / expanded
            if candidate.is_file():
                return candidate
        return None

    def _target_variable(self, parsed: TargetVariable, here: Origin) -> None:
        statement = parsed.assignment
        definition = statement.definition
        modifiers = statement.modifiers
        origin = VarOrigin.OVERRIDE if modifiers.override else VarOrigin.FILE
        for target in parsed.targets:
            name = assign.expand_name(self.expander, definition.name, here)
            if "%" in target:
                variables = VariableSet()
                self.db.pattern_variables.append(PatternVariable(target, variables))
            else:
                variables = self.db.target_variables.setdefault(_clean_name(target), VariableSet())
            saved = self.expander.scope
            self.expander.scope = saved.inner(variables)
            try:
                variable = assign.define(self.expander, variables, name, definition.op, definition.value, origin,
                                         here, env_overrides=self.env_overrides, target_specific=True)
            finally:
                self.expander.scope = saved
            if variable is None or variables.get(name) is None:
                continue
            variable = variables.replace(variables.get(name), per_target=True, private=modifiers.private,
                                         export=ExportMode.EXPORT if modifiers.export else ExportMode.DEFAULT,
                                         export_where=here if modifiers.export else None)
            if origin != VarOrigin.OVERRIDE:
                outer = self.db.variables.get(name)
                if outer is not None and outer.origin in (VarOrigin.ENVIRONMENT_OVERRIDE, VarOrigin.COMMAND_LINE):
                    variables.replace(variable, value=outer.value, origin=outer.origin, recursive=outer.recursive,
                                      append=False, where=outer.where)

    def _maybe_default_goal(self, parsed: RuleLine) -> None:
        current = self.db.variables.get(".DEFAULT_GOAL")
        if current is not None and current.value:
            return
        for target in parsed.targets:
            if "%" in target:
                return
            if target.startswith(".") and "/" not in target:
                continue
            self.db.variables.define(".DEFAULT_GOAL", _clean_name(target), VarOrigin.FILE, recursive=False,
                                     where=None)
            return

    def _record_rule(self, pending: _PendingRule) -> None:
        parsed = pending.line
        if ".POSIX" in parsed.targets:
            # read.c: .POSIX makes the shell run with -e, unless the makefile set .SHELLFLAGS itself
            self.db.variables.define(".SHELLFLAGS", "-ec", VarOrigin.DEFAULT, recursive=False, where=None)
            self.notes.add("unsupported", _(".POSIX: the shell runs with -e; make's other POSIX behaviours are "
                                            "not modelled"), pending.origin)
        prerequisites, order_only = _split_order_only(parsed.prerequisites)
        prerequisites = [p for name in prerequisites for p in self._glob_prerequisite(name)]
        order_only = [p for name in order_only for p in self._glob_prerequisite(name)]
        if parsed.grouped:
            self.notes.add("unsupported", _("grouped targets (&:) are modelled as independent targets"),
                           pending.origin)
        recipe = tuple(pending.recipe)
        has_recipe = bool(recipe)
        for raw_target in parsed.targets:
            target = _clean_name(raw_target)
            if parsed.static_pattern is not None:
                stem = _match_pattern(parsed.static_pattern, target)
                if stem is None:
                    self.notes.add("error", _("target '{target}' doesn't match the target pattern").format(
                        target=target), pending.origin)
                    stem = ""
                rule = Rule((target,), tuple(_substitute_stem(p, stem) for p in prerequisites),
                            tuple(_substitute_stem(p, stem) for p in order_only), recipe, has_recipe,
                            parsed.double_colon, pending.origin, self.db.recipe_prefix, stem=stem)
            elif "%" in target:
                self.db.patterns.append(Rule(parsed.targets, tuple(prerequisites), tuple(order_only), recipe,
                                             has_recipe, parsed.double_colon, pending.origin, self.db.recipe_prefix,
                                             pattern=target))
                continue
            else:
                rule = Rule((target,), tuple(prerequisites), tuple(order_only), recipe, has_recipe,
                            parsed.double_colon, pending.origin, self.db.recipe_prefix)
            existing = self.db.explicit.setdefault(target, [])
            if existing and existing[0].double_colon != parsed.double_colon:
                raise MakeFatal(_("target file '{target}' has both : and :: entries").format(target=target),
                                pending.origin)
            existing.append(rule)

    def _glob_prerequisite(self, name: str) -> list[str]:
        cleaned = _clean_name(name)
        if OPEN in cleaned or not any(char in cleaned for char in "*?["):
            return [cleaned]
        found = self._glob(cleaned)
        return found


def _clean_name(name: str) -> str:
    """make drops a leading `./` from file names (`./foo` and `foo` are one target)."""
    while name.startswith("./") and len(name) > 2:
        name = name[2:].lstrip("/")
    return name


def _split_order_only(text: str) -> tuple[list[str], list[str]]:
    items = words(text)
    if "|" not in items:
        return items, []
    index = items.index("|")
    return items[:index], [item for item in items[index + 1:] if item != "|"]


def _match_pattern(pattern: str, name: str) -> str | None:
    from buildcheck.make.functions import compile_pattern, pattern_stem

    return pattern_stem(compile_pattern(pattern), name)


def _substitute_stem(prerequisite: str, stem: str) -> str:
    return prerequisite.replace("%", stem, 1) if "%" in prerequisite else prerequisite


__all__ = ["MakefileReader", "Notes", "MakeFatal", "ModelLimit", "read_makefile_text", "MAX_MAKEFILE_BYTES"]
