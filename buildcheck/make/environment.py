"""The environment in and out of make: importing the user's environment as variables, and the
environment make gives a recipe's command (variable.c, target_environment).

Going out, a variable is in the child's environment when its export mode says so: `export` always,
`unexport` never (except SHELL, which keeps the value make was started with), and otherwise only
when it came from the environment or the command line, or when everything is exported (`export`
alone, `.EXPORT_ALL_VARIABLES`) and its name is a valid shell name. A variable from the environment
goes back unchanged; any other recursive variable is expanded in the target's context first.
MAKELEVEL is always replaced by the child's level.

make also puts into that environment variables of its own: MAKEFLAGS (the switches and the
command-line variables, which is how sub-makes learn them), MFLAGS, MAKEOVERRIDES when there are
command-line variables, and MAKELEVEL. They are modelled here like any other variable, from the
values make gives them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from buildcheck.make.expand import Expander
from buildcheck.make.result import EnvChange
from buildcheck.make.variables import ExportMode, Scope, VarOrigin, Variable, VariableSet

MAKELEVEL = "MAKELEVEL"


def import_environment(variables: VariableSet, env: Mapping[str, str],
                       changes: Mapping[str, EnvChange]) -> str | None:
    """Define every environment variable (origin environment, exported). `changes` says which of
    them a parent make set (their `where` points at its line). Returns the SHELL value the
    environment had: make never exports its own SHELL but passes that one on."""
    shell_value: str | None = None
    for name, value in env.items():
        if not name:
            continue
        change = changes.get(name)
        where = change.origin if change is not None else None
        export = ExportMode.EXPORT
        if name == "MAKE_RESTARTS":
            export = ExportMode.NOEXPORT
        variable = variables.define(name, value, VarOrigin.ENVIRONMENT, recursive=True, where=where)
        if name == "SHELL":
            export = ExportMode.NOEXPORT
            shell_value = value
        variables.replace(variable, export=export, export_where=change.export_origin if change is not None else None)
    return shell_value


@dataclass(frozen=True)
class Exported:
    """One variable of a child's environment: its final value and the variable it came from."""

    value: str
    variable: Variable | None        # None for MAKELEVEL and for SHELL passed through


def child_environment(scope: Scope, expander: Expander, *, export_all: bool, shell_value: str | None,
                      makelevel: int) -> dict[str, Exported]:
    """make's target_environment for a recipe whose variables are `scope` (innermost first)."""
    chosen: dict[str, Variable] = {}
    owner: dict[str, VariableSet] = {}
    passed_shell = False
    global_set = scope.global_set
    for variables in scope.sets:
        for variable in variables:
            if variable.name in chosen or variable.name == MAKELEVEL:
                continue
            export = variable.export
            if variable.per_target and export == ExportMode.DEFAULT:
                outer = global_set.get(variable.name)
                if outer is not None:
                    export = outer.export
            if export == ExportMode.DEFAULT:
                if variable.origin in (VarOrigin.DEFAULT, VarOrigin.AUTOMATIC):
                    continue
                if not variable.exportable:
                    continue
                if not export_all and variable.origin not in (VarOrigin.COMMAND_LINE, VarOrigin.ENVIRONMENT,
                                                              VarOrigin.ENVIRONMENT_OVERRIDE):
                    continue
            elif export == ExportMode.NOEXPORT:
                if variable.name == "SHELL" and shell_value is not None:
                    passed_shell = True
                    chosen["SHELL"] = variable
                    owner["SHELL"] = variables
                continue
            chosen[variable.name] = variable
            owner[variable.name] = variables
    out: dict[str, Exported] = {}
    for name, variable in chosen.items():
        if name == "SHELL" and passed_shell:
            out[name] = Exported(shell_value or "", None)
            continue
        if variable.recursive and variable.origin not in (VarOrigin.ENVIRONMENT, VarOrigin.ENVIRONMENT_OVERRIDE):
            value = expander.with_scope(scope).value_of(variable, owner[name])
        elif variable.append:
            value = expander.with_scope(scope).value_of(variable, owner[name])
        else:
            value = variable.value
        out[name] = Exported(value, variable)
    out[MAKELEVEL] = Exported(str(makelevel + 1), None)
    return out
