"""Why a command's environment differs from the user's: each difference with the line that caused it.

A variable the command receives differently (or not at all) is attributed, in this order, to: the
recipe line's shell (`VAR=x cmd`, `export`, `cd`, `env -u`), make itself (MAKEFLAGS, MFLAGS,
MAKEOVERRIDES, MAKELEVEL), a parent make that already changed it (its change is carried down),
a command-line variable (the recipe line that passed it, or the user's command line), or the
Makefile line that set, exported or unexported it (a bare `export` for variables exported only
because everything is).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from buildcheck.make.database import Database
from buildcheck.make.environment import MAKELEVEL, Exported
from buildcheck.make.result import EnvChange
from buildcheck.make.shell import Started
from buildcheck.make.variables import ExportMode, VarOrigin
from buildcheck.model import Origin

MAKE_OWN = frozenset({"MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES", MAKELEVEL})


def export_all_origin(db: Database) -> Origin | None:
    """The line that made make export every variable: a bare `export` or .EXPORT_ALL_VARIABLES."""
    if db.export_all_origin is not None:
        return db.export_all_origin
    rules = db.rules_for(".EXPORT_ALL_VARIABLES")
    return rules[0].origin if rules else None


def environment_changes(program: Started, exported: Mapping[str, Exported], line: Origin, *,
                        user_env: Mapping[str, str], parent_env: Mapping[str, str],
                        parent_changes: Mapping[str, EnvChange], db: Database,
                        render: Callable[[str], str]) -> dict[str, EnvChange]:
    """How `program`'s environment differs from `user_env`, by name. `exported` is what this make
    exported for the recipe, `parent_env` / `parent_changes` what this make itself was started with."""
    out: dict[str, EnvChange] = {}
    for name, raw in program.env.items():
        if user_env.get(name) == raw:
            continue
        value = render(raw)
        item = exported.get(name)
        if name in program.shell_set or item is None and name not in (MAKELEVEL, "SHELL"):
            out[name] = EnvChange(name, value, line, "shell")
            continue
        variable = item.variable if item is not None else None
        if variable is None:
            carried = parent_changes.get(name) if name == "SHELL" else None
            out[name] = carried or EnvChange(name, value, None, "make")
            continue
        if variable.origin in (VarOrigin.ENVIRONMENT, VarOrigin.ENVIRONMENT_OVERRIDE) and \
                parent_env.get(name) == raw and name in parent_changes:
            out[name] = parent_changes[name]
            continue
        if name in MAKE_OWN and variable.where is None:
            out[name] = EnvChange(name, value, None, "make")
            continue
        source = "command-line" if variable.origin == VarOrigin.COMMAND_LINE else "makefile"
        # a command-line variable's origin is where it was given (None: the user's own command line)
        origin = variable.where if source == "command-line" else (variable.where or variable.export_where)
        if origin is None and source == "makefile":
            origin = export_all_origin(db)
            if origin is None:
                out[name] = EnvChange(name, value, None, "make")
                continue
        export_origin = variable.export_where if variable.export_where != origin else None
        out[name] = EnvChange(name, value, origin, source, export_origin)
    for name in user_env:
        if name in program.env:
            continue
        variable = db.variables.get(name)
        if name in program.shell_set:
            out[name] = EnvChange(name, None, line, "shell")
        elif variable is not None and variable.export == ExportMode.NOEXPORT:
            out[name] = EnvChange(name, None, variable.export_where, "makefile")
        elif name in parent_changes and parent_changes[name].value is None:
            out[name] = parent_changes[name]
        elif name in db.undefined_at:
            out[name] = EnvChange(name, None, db.undefined_at[name], "makefile")
        else:
            out[name] = EnvChange(name, None, None, "make")
    return dict(sorted(out.items()))
