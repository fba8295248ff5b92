"""Variable expansion: `$(VAR)`, `${VAR}`, `$X`, `$$`, `$(VAR:a=b)` and the built-in functions.

Follows GNU make 4.3 (expand.c, function.c): a `$(` starts a function call when a known function
name is followed by whitespace, otherwise a variable reference whose name is itself expanded when it
contains `$`; a reference whose name holds `:` and then `=` is a substitution reference.

What buildcheck never does: run `$(shell ...)` (its value becomes an opaque token, see opaque.py),
write a file (`$(file >...)`), or print (`$(info ...)`, `$(warning ...)` expand to nothing). An
`$(error ...)` stops the make being modelled, as it stops make.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from buildcheck.i18n import _
from buildcheck.make import functions as fn
from buildcheck.make.lexer import SPACE, next_token, words
from buildcheck.make.opaque import OPEN, OpaqueRegistry
from buildcheck.make.variables import Scope, VarOrigin, Variable, VariableSet
from buildcheck.model import Origin

# Bounds that keep a hostile makefile from taking unbounded time or memory.
MAX_DEPTH = 100              # nested expansions (recursive variables, call, foreach)
MAX_LENGTH = 4 * 1024 * 1024  # characters in any one expansion result
MAX_CALL_DEPTH = 50          # $(call) of a function that calls itself


class MakeFatal(Exception):
    """make would stop with `*** message.  Stop.` here; `origin` is the makefile line when known."""

    def __init__(self, message: str, origin: Origin | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.origin = origin


class ModelLimit(MakeFatal):
    """The makefile needs more than buildcheck's bounds allow (not an error of make's)."""


class ExpansionHost(Protocol):
    """What expansion needs from the make being modelled."""

    directory: str

    def evaluate_text(self, text: str, origin: Origin | None) -> None:
        """$(eval TEXT): read TEXT as makefile lines."""

    def note(self, kind: str, message: str, origin: Origin | None) -> None:
        """Record something the trace should report."""

    def special_value(self, name: str) -> str | None:
        """The value of a variable make computes on demand (.VARIABLES), or None."""


@dataclass(frozen=True)
class FunctionSpec:
    minimum: int
    maximum: int  # 0: no maximum
    expand_arguments: bool


FUNCTIONS: dict[str, FunctionSpec] = {
    "abspath": FunctionSpec(0, 1, True), "addprefix": FunctionSpec(2, 2, True),
    "addsuffix": FunctionSpec(2, 2, True), "basename": FunctionSpec(0, 1, True),
    "dir": FunctionSpec(0, 1, True), "notdir": FunctionSpec(0, 1, True), "subst": FunctionSpec(3, 3, True),
    "suffix": FunctionSpec(0, 1, True), "filter": FunctionSpec(2, 2, True), "filter-out": FunctionSpec(2, 2, True),
    "findstring": FunctionSpec(2, 2, True), "firstword": FunctionSpec(0, 1, True),
    "flavor": FunctionSpec(0, 1, True), "join": FunctionSpec(2, 2, True), "lastword": FunctionSpec(0, 1, True),
    "patsubst": FunctionSpec(3, 3, True), "realpath": FunctionSpec(0, 1, True), "shell": FunctionSpec(0, 1, True),
    "sort": FunctionSpec(0, 1, True), "strip": FunctionSpec(0, 1, True), "wildcard": FunctionSpec(0, 1, True),
    "word": FunctionSpec(2, 2, True), "wordlist": FunctionSpec(3, 3, True), "words": FunctionSpec(0, 1, True),
    "origin": FunctionSpec(0, 1, True), "foreach": FunctionSpec(3, 3, False), "call": FunctionSpec(1, 0, True),
    "info": FunctionSpec(0, 1, True), "error": FunctionSpec(0, 1, True), "warning": FunctionSpec(0, 1, True),
    "if": FunctionSpec(2, 3, False), "or": FunctionSpec(1, 0, False), "and": FunctionSpec(1, 0, False),
    "value": FunctionSpec(0, 1, True), "eval": FunctionSpec(0, 1, True), "file": FunctionSpec(1, 2, True),
}

_RUNS_CARGO = re.compile(r"(^|[\s;&|(/])cargo(\s|$)")

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


def _pure(name: str, args: list[str], directory: str) -> str:
    """The functions whose result depends only on their expanded arguments (and the file system)."""
    one = args[0] if args else ""
    if name == "subst":
        return fn.subst(args[0], args[1], args[2])
    if name == "patsubst":
        return fn.patsubst_words(args[2], args[0], args[1])
    if name == "strip":
        return fn.strip(one)
    if name == "findstring":
        return fn.findstring(args[0], args[1])
    if name in ("filter", "filter-out"):
        return fn.filter_words(args[0], args[1], keep_matching=name == "filter")
    if name == "sort":
        return fn.sort_words(one)
    if name == "word":
        return fn.word(args[0], args[1])
    if name == "wordlist":
        return fn.wordlist(args[0], args[1], args[2])
    if name == "words":
        return fn.count_words(one)
    if name == "firstword":
        return fn.firstword(one)
    if name == "lastword":
        return fn.lastword(one)
    if name == "dir":
        return fn.dir_words(one)
    if name == "notdir":
        return fn.notdir_words(one)
    if name == "suffix":
        return fn.suffix_words(one)
    if name == "basename":
        return fn.basename_words(one)
    if name == "addprefix":
        return fn.addprefix(args[0], args[1])
    if name == "addsuffix":
        return fn.addsuffix(args[0], args[1])
    if name == "join":
        return fn.join_words(args[0], args[1])
    if name == "abspath":
        return fn.abspath_words(one, directory)
    if name == "realpath":
        return fn.realpath_words(one, directory)
    if name == "wildcard":
        return fn.wildcard_words(one, directory)
    raise KeyError(name)


def _split_arguments(text: str, start: int, end: int, opener: str, closer: str, maximum: int) -> list[str]:
    """The comma-separated arguments of a function call between start and end (make's
    find_next_argument: commas inside parentheses of the call's own kind do not split)."""
    args: list[str] = []
    position = start
    while True:
        if maximum and len(args) + 1 == maximum:
            args.append(text[position:end])
            return args
        depth = 0
        cursor = position
        found = -1
        while cursor < end:
            char = text[cursor]
            if char == opener:
                depth += 1
            elif char == closer:
                depth -= 1
            elif char == "," and depth == 0:
                found = cursor
                break
            cursor += 1
        if found < 0:
            args.append(text[position:end])
            return args
        args.append(text[position:found])
        position = found + 1


class Expander:
    """Expands text in one variable scope. `location` is the makefile line being read or run: the
    origin given to `$(shell ...)` values and to errors."""

    def __init__(self, scope: Scope, registry: OpaqueRegistry, host: ExpansionHost, *,
                 location: Origin | None = None, warn_undefined: bool = False) -> None:
        self.scope = scope
        self.registry = registry
        self.host = host
        self.location = location
        self.warn_undefined = warn_undefined
        self._depth = 0
        self._expanding: set[tuple[int, str]] = set()
        self._call_depth = 0
        self._call_arguments = 0

    def with_scope(self, scope: Scope) -> Expander:
        return Expander(scope, self.registry, self.host, location=self.location, warn_undefined=self.warn_undefined)

    # ---- entry points -----------------------------------------------------------------------

    def expand(self, text: str) -> str:
        if "$" not in text:
            return text
        self._depth += 1
        if self._depth > MAX_DEPTH:
            self._depth = 0
            raise ModelLimit(_("expansion nested more than {limit} levels deep").format(limit=MAX_DEPTH),
                             self.location)
        try:
            return self._expand(text)
        finally:
            self._depth -= 1

    def value_of(self, variable: Variable, in_set: VariableSet | None = None) -> str:
        """The expanded value of a variable (recursive variables are expanded on every use)."""
        if variable.append:
            return self._appended_value(variable, in_set)
        if not variable.recursive:
            return variable.value
        key = (id(in_set) if in_set is not None else 0, variable.name)
        if key in self._expanding:
            raise MakeFatal(_("Recursive variable '{name}' references itself (eventually)").format(
                name=variable.name), variable.where or self.location)
        self._expanding.add(key)
        saved = self.location
        if variable.where is not None:
            self.location = variable.where
        try:
            return self.expand(variable.value)
        finally:
            self.location = saved
            self._expanding.discard(key)

    def _appended_value(self, variable: Variable, in_set: VariableSet | None) -> str:
        """A target-specific `+=`: the value outside the target, a space, then this text (variable.c,
        variable_append)."""
        outer = ""
        if in_set is not None:
            sets = self.scope.sets
            position = next((i for i, s in enumerate(sets) if s is in_set), len(sets))
            for later in sets[position + 1:]:
                found = later.get(variable.name)
                if found is not None:
                    outer = self.value_of(found, later)
                    break
        plain = Variable(variable.name, variable.value, variable.recursive, variable.origin, where=variable.where)
        own = self.value_of(plain, in_set)
        return f"{outer} {own}" if outer else own

    def reference(self, name: str) -> str:
        """`$(name)`."""
        special = self.host.special_value(name)
        if special is not None:
            return special
        for variables in self.scope.sets:
            found = variables.get(name)
            if found is not None:
                return self.value_of(found, variables)
        return ""

    # ---- the scanner ------------------------------------------------------------------------

    def _expand(self, text: str) -> str:
        out: list[str] = []
        size = 0
        position = 0
        length = len(text)
        while True:
            dollar = text.find("$", position)
            if dollar < 0:
                out.append(text[position:])
                break
            out.append(text[position:dollar])
            if dollar + 1 >= length:
                out.append("$")
                break
            char = text[dollar + 1]
            if char == "$":
                out.append("$")
                position = dollar + 2
            elif char in "({":
                position, piece = self._parenthesised(text, dollar + 1)
                out.append(piece)
                size += len(piece)
            else:
                piece = self.reference(char)
                out.append(piece)
                size += len(piece)
                position = dollar + 2
            if size > MAX_LENGTH:
                raise ModelLimit(_("an expansion grew beyond {limit} characters").format(limit=MAX_LENGTH),
                                 self.location)
        return "".join(out)

    def _parenthesised(self, text: str, open_at: int) -> tuple[int, str]:
        """Expand the `$(...)` / `${...}` whose opener is at `open_at`; return (next index, result)."""
        opener = text[open_at]
        closer = ")" if opener == "(" else "}"
        begin = open_at + 1
        name_end = begin
        while name_end < len(text) and text[name_end] in _NAME_CHARS:
            name_end += 1
        if name_end > begin and (name_end >= len(text) or text[name_end] in SPACE):
            function = text[begin:name_end]
            spec = FUNCTIONS.get(function)
            if spec is not None:
                return self._function(text, open_at, function, spec, next_token(text, name_end))
        first_close = text.find(closer, begin)
        if first_close < 0:
            raise MakeFatal(_("unterminated variable reference"), self.location)
        name = text[begin:first_close]
        stop = first_close
        if "$" in name:
            depth = 0
            cursor = begin
            while cursor < len(text):
                char = text[cursor]
                if char == opener:
                    depth += 1
                elif char == closer:
                    depth -= 1
                    if depth < 0:
                        break
                cursor += 1
            if depth < 0:
                name = self.expand(text[begin:cursor])
                stop = cursor
            else:
                stop = len(text) - 1  # make reads on to the end of the text here
        if OPEN in name:
            return stop + 1, self._derived(text[open_at - 1:stop + 1], name)
        colon = name.find(":")
        if colon >= 0:
            equals = name.find("=", colon + 1)
            if equals >= 0:
                return stop + 1, self._substitution(name[:colon], name[colon + 1:equals], name[equals + 1:])
        if self.warn_undefined and self.scope.lookup(name) is None and self.host.special_value(name) is None:
            self.host.note("undefined-variable", _("reference to undefined variable '{name}'").format(name=name),
                           self.location)
        return stop + 1, self.reference(name)

    def _substitution(self, name: str, find: str, replace: str) -> str:
        for variables in self.scope.sets:
            found = variables.get(name)
            if found is not None:
                if found.value == "":
                    return ""
                value = self.value_of(found, variables)
                if OPEN in value or OPEN in find or OPEN in replace:
                    return self._derived(f"$({name}:{find}={replace})", value + find + replace)
                return fn.substitution_reference(value, find, replace)
        return ""

    def _derived(self, reference_text: str, *depends_on: str) -> str:
        """An unknown result computed from unknown inputs: a new token that names the reference."""
        origin = self.location
        for value in depends_on:
            sources = self.registry.sources(value)
            if sources:
                origin = sources[0].origin
                break
        return self.registry.token(self.registry.render(reference_text), origin)

    # ---- functions --------------------------------------------------------------------------

    def _function(self, text: str, open_at: int, name: str, spec: FunctionSpec, args_start: int) -> tuple[int, str]:
        opener = text[open_at]
        closer = ")" if opener == "(" else "}"
        depth = 0
        cursor = args_start
        end = -1
        while cursor < len(text):
            char = text[cursor]
            if char == opener:
                depth += 1
            elif char == closer:
                depth -= 1
                if depth < 0:
                    end = cursor
                    break
            cursor += 1
        if end < 0:
            raise MakeFatal(_("unterminated call to function '{name}': missing '{closer}'").format(
                name=name, closer=closer), self.location)
        raw_args = _split_arguments(text, args_start, end, opener, closer, spec.maximum)
        if len(raw_args) < spec.minimum:
            raise MakeFatal(_("insufficient number of arguments ({count}) to function '{name}'").format(
                count=len(raw_args), name=name), self.location)
        whole = text[open_at - 1:end + 1]
        if not spec.expand_arguments:
            return end + 1, self._lazy_function(name, raw_args, whole)
        args = [self.expand(arg) for arg in raw_args]
        return end + 1, self._eager_function(name, args, whole)

    def _eager_function(self, name: str, args: list[str], whole: str) -> str:
        if name == "shell":
            # named after the command as make would run it (expanded), not as written
            command = self.registry.render(args[0] if args else "")
            if _RUNS_CARGO.search(command):
                self.host.note("opaque", _("$(shell {command}) runs cargo while make expands it; buildcheck does not "
                                           "trace it").format(command=command), self.location)
            return self.registry.token(f"$(shell {command})", self.location)
        if name in ("info", "warning"):
            return ""
        if name == "error":
            raise MakeFatal(self.registry.render(args[0] if args else ""), self.location)
        if name == "eval":
            self._eval(args[0] if args else "")
            return ""
        if name == "call":
            return self._call(args, whole)
        if any(OPEN in arg for arg in args):
            # name the unknown value after the call with its (expanded) arguments spelled out
            spelled = "$(" + name + " " + ",".join(self.registry.render(arg) for arg in args) + ")"
            return self._derived(spelled, *args)
        if name in ("origin", "flavor", "value"):
            return self._variable_question(name, args[0] if args else "")
        if name == "file":
            return self._file(args)
        try:
            return _pure(name, args, self.host.directory)
        except fn.FunctionError as error:
            raise MakeFatal(str(error), self.location) from None

    def _variable_question(self, name: str, variable_name: str) -> str:
        found = self.scope.lookup(variable_name)
        if name == "origin":
            if found is None:
                return "automatic" if self.host.special_value(variable_name) is not None else "undefined"
            return found.origin.make_name
        if name == "flavor":
            if found is None:
                return "undefined"
            return found.flavor
        return found.value if found is not None else (self.host.special_value(variable_name) or "")

    def _file(self, args: list[str]) -> str:
        spec = args[0].strip(SPACE)
        if spec.startswith("<"):
            path = spec[1:].strip(SPACE)
            full = path if path.startswith("/") else os.path.join(self.host.directory, path)
            try:
                with open(full, "rb") as handle:
                    content = handle.read(MAX_LENGTH).decode("utf-8", "surrogateescape")
            except OSError:
                return ""
            return content[:-1] if content.endswith("\n") else content
        if spec.startswith(">"):
            self.host.note("not-written", _("$(file {spec}) would write a file; buildcheck writes nothing").format(
                spec=spec), self.location)
            return ""
        raise MakeFatal(_("file: invalid file operation: {spec}").format(spec=spec), self.location)

    def _eval(self, text: str) -> None:
        if OPEN in text:
            self.host.note("opaque", _("$(eval) of text that depends on $(shell) output is not modelled"),
                           self.location)
            return
        self.host.evaluate_text(text, self.location)

    def _push(self, variables: VariableSet) -> Callable[[], None]:
        saved = self.scope
        self.scope = self.scope.inner(variables)

        def restore() -> None:
            self.scope = saved
        return restore

    def _call(self, args: list[str], whole: str) -> str:
        function = args[0].strip(SPACE)
        if OPEN in function:
            return self._derived(whole, function)
        if not function:
            return ""
        builtin = FUNCTIONS.get(function)
        if builtin is not None:
            # `$(call builtin,...)` runs the built-in function on the (already expanded) arguments
            return self._eager_function(function, args[1:], whole) if builtin.expand_arguments else \
                self._lazy_function(function, args[1:], whole)
        variable = self.scope.lookup(function)
        if variable is None:
            return ""
        self._call_depth += 1
        if self._call_depth > MAX_CALL_DEPTH:
            self._call_depth = 0
            raise ModelLimit(_("$(call) nested more than {limit} levels deep").format(limit=MAX_CALL_DEPTH),
                             self.location)
        frame = VariableSet()
        frame.define("0", function, VarOrigin.AUTOMATIC, recursive=False, where=None)
        for index, value in enumerate(args[1:], start=1):
            frame.define(str(index), value, VarOrigin.AUTOMATIC, recursive=False, where=None)
        # arguments of an outer call that this call did not pass are hidden, as make does
        for index in range(len(args), self._call_arguments + 1):
            frame.define(str(index), "", VarOrigin.AUTOMATIC, recursive=False, where=None)
        saved_arguments = self._call_arguments
        self._call_arguments = max(len(args) - 1, saved_arguments)
        restore = self._push(frame)
        try:
            if not variable.recursive:
                return variable.value
            saved = self.location
            if variable.where is not None:
                self.location = variable.where
            try:
                return self.expand(variable.value)
            finally:
                self.location = saved
        finally:
            restore()
            self._call_arguments = saved_arguments
            self._call_depth -= 1

    def _undecided(self, name: str, whole: str, value: str) -> str:
        """$(if), $(or), $(and) on an opaque value: make would pick a branch; buildcheck cannot."""
        self.host.note("opaque-condition", _("$({function}) decides on $(shell) output: its value is opaque and its "
                                             "branches were not expanded").format(function=name), self.location)
        return self._derived(whole, value)

    def _lazy_function(self, name: str, raw_args: list[str], whole: str) -> str:
        if name == "if":
            condition = raw_args[0].strip(SPACE)
            value = self.expand(condition) if condition else ""
            if OPEN in value:
                return self._undecided(name, whole, value)
            chosen = raw_args[1] if value else (raw_args[2] if len(raw_args) > 2 else None)
            return self.expand(chosen) if chosen is not None else ""
        if name == "or":
            for raw in raw_args:
                condition = raw.strip(SPACE)
                if not condition:
                    continue
                value = self.expand(condition)
                if OPEN in value:
                    return self._undecided(name, whole, value)
                if value:
                    return value
            return ""
        if name == "and":
            value = ""
            for raw in raw_args:
                condition = raw.strip(SPACE)
                if not condition:
                    return ""
                value = self.expand(condition)
                if OPEN in value:
                    return self._undecided(name, whole, value)
                if not value:
                    return ""
            return value
        if name == "foreach":
            variable_name = self.expand(raw_args[0]).strip(SPACE)
            items = self.expand(raw_args[1])
            if OPEN in variable_name or OPEN in items:
                return self._derived(whole, variable_name, items)
            frame = VariableSet()
            restore = self._push(frame)
            results = []
            try:
                for item in words(items):
                    frame.define(variable_name, item, VarOrigin.AUTOMATIC, recursive=False, where=None)
                    results.append(self.expand(raw_args[2]))
            finally:
                restore()
            return " ".join(results)
        raise KeyError(name)
