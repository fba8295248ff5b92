"""Make variables: value, flavor, origin, export mode, and the precedence rule between origins.

GNU make orders origins (variable.h, enum variable_origin): default < environment < file <
environment override (`-e`) < command line < override < automatic. A definition replaces an existing
variable only when its origin is at least as strong, so a command-line `RUSTFLAGS=-g` survives the
makefile's `RUSTFLAGS = ...` unless that line says `override`, and `-e` lets the environment win over
the makefile. That one comparison lives in `VariableSet.define`.

Whether a variable reaches a child process is its export mode: `export` / `unexport` set it
explicitly; otherwise (mode "default") make exports it only when it came from the environment or
the command line, or when `export` alone / `.EXPORT_ALL_VARIABLES` asked for everything. Variables
taken from the environment are marked exported explicitly when make starts (main.c), which is why
a makefile that changes `PATH` still passes its new value on.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum, IntEnum

from buildcheck.model import Origin


class VarOrigin(IntEnum):
    """Where a variable's value came from, weakest first (the order decides who wins)."""

    DEFAULT = 0
    ENVIRONMENT = 1
    FILE = 2
    ENVIRONMENT_OVERRIDE = 3
    COMMAND_LINE = 4
    OVERRIDE = 5
    AUTOMATIC = 6

    @property
    def make_name(self) -> str:
        """What `$(origin NAME)` answers."""
        return _ORIGIN_NAMES[self]


_ORIGIN_NAMES = {
    VarOrigin.DEFAULT: "default",
    VarOrigin.ENVIRONMENT: "environment",
    VarOrigin.FILE: "file",
    VarOrigin.ENVIRONMENT_OVERRIDE: "environment override",
    VarOrigin.COMMAND_LINE: "command line",
    VarOrigin.OVERRIDE: "override",
    VarOrigin.AUTOMATIC: "automatic",
}


class ExportMode(Enum):
    DEFAULT = "default"    # exported if from the environment / command line, or when everything is exported
    EXPORT = "export"
    NOEXPORT = "unexport"


_EXPORTABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True)
class Variable:
    """One make variable. `value` is unexpanded for a recursive variable, final for a simple one.

    `where` is the line that set the current value (None: the user's own environment); `export_where`
    the `export`/`unexport` line that set the export mode, if any.
    """

    name: str
    value: str
    recursive: bool
    origin: VarOrigin
    export: ExportMode = ExportMode.DEFAULT
    where: Origin | None = None
    export_where: Origin | None = None
    append: bool = False        # a target-specific `+=`: appends to the value seen outside the target
    private: bool = False       # `private`: not inherited by prerequisites
    per_target: bool = False

    @property
    def exportable(self) -> bool:
        """make exports a variable by default only when its name is a valid shell name."""
        return _EXPORTABLE.match(self.name) is not None

    @property
    def flavor(self) -> str:
        return "recursive" if self.recursive else "simple"


class VariableSet:
    """A table of variables (the global set, or one target's own), with make's precedence rule."""

    def __init__(self) -> None:
        self._variables: dict[str, Variable] = {}

    def get(self, name: str) -> Variable | None:
        return self._variables.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self._variables

    def __iter__(self) -> Iterator[Variable]:
        return iter(list(self._variables.values()))

    def __len__(self) -> int:
        return len(self._variables)

    def put(self, variable: Variable) -> Variable:
        """Store a variable as is (no precedence check): for make's own bookkeeping."""
        self._variables[variable.name] = variable
        return variable

    def define(self, name: str, value: str, origin: VarOrigin, *, recursive: bool, where: Origin | None,
               env_overrides: bool = False) -> Variable:
        """make's define_variable_in_set: replace the variable unless its origin is stronger."""
        if env_overrides and origin == VarOrigin.ENVIRONMENT:
            origin = VarOrigin.ENVIRONMENT_OVERRIDE
        existing = self._variables.get(name)
        if existing is None:
            return self.put(Variable(name, value, recursive, origin, where=where))
        if env_overrides and existing.origin == VarOrigin.ENVIRONMENT:
            # defined before the switches were read, so -e did not apply to it yet
            existing = self.put(dataclasses.replace(existing, origin=VarOrigin.ENVIRONMENT_OVERRIDE))
        if origin >= existing.origin:
            return self.put(dataclasses.replace(existing, value=value, recursive=recursive, origin=origin,
                                                where=where))
        return existing

    def undefine(self, name: str, origin: VarOrigin, *, env_overrides: bool = False) -> None:
        existing = self._variables.get(name)
        if existing is None:
            return
        current = existing.origin
        if env_overrides and current == VarOrigin.ENVIRONMENT:
            current = VarOrigin.ENVIRONMENT_OVERRIDE
        if origin >= current:
            del self._variables[name]

    def set_export(self, name: str, mode: ExportMode, where: Origin | None) -> Variable | None:
        existing = self._variables.get(name)
        if existing is None:
            return None
        return self.put(dataclasses.replace(existing, export=mode, export_where=where))

    def replace(self, variable: Variable, **changes: object) -> Variable:
        return self.put(dataclasses.replace(variable, **changes))  # type: ignore[arg-type]


class Scope:
    """The variable sets visible at one point, innermost first (a target's own set, the sets it
    inherits from the targets that asked for it, then the global set)."""

    def __init__(self, sets: tuple[VariableSet, ...]) -> None:
        self.sets = sets

    @property
    def global_set(self) -> VariableSet:
        return self.sets[-1]

    def lookup(self, name: str) -> Variable | None:
        for variables in self.sets:
            found = variables.get(name)
            if found is not None:
                return found
        return None

    def inner(self, variables: VariableSet) -> Scope:
        return Scope((variables, *self.sets))
