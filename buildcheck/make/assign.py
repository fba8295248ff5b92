"""One variable definition, `NAME OP VALUE`, applied as make applies it (variable.c,
do_variable_definition): `:=`/`::=` expand now, `=` keeps the text, `?=` only defines an undefined
variable, `+=` appends with one space (to the text of a recursive variable, to the value of a
simple one), and `!=` runs a shell command, which buildcheck replaces by an opaque value.

The result is stored through `VariableSet.define`, so a definition never beats a stronger origin
(a makefile line does not replace a command-line variable unless it says `override`).
"""

from __future__ import annotations

from buildcheck.i18n import _
from buildcheck.make.expand import Expander, MakeFatal
from buildcheck.make.lexer import SPACE
from buildcheck.make.parse import AssignOp
from buildcheck.make.variables import VarOrigin, Variable, VariableSet
from buildcheck.model import Origin


def expand_name(expander: Expander, raw_name: str, where: Origin | None) -> str:
    name = expander.expand(raw_name).strip(SPACE)
    if not name:
        raise MakeFatal(_("empty variable name"), where)
    return name


def define(expander: Expander, into: VariableSet, name: str, op: AssignOp, value: str, origin: VarOrigin,
           where: Origin | None, *, env_overrides: bool, target_specific: bool = False) -> Variable | None:
    """Apply `name op value` (name already expanded). Returns the variable as it now stands
    (None only for a target-specific `?=` or `+=` that had nothing to do in that set)."""
    scope = expander.scope
    recursive = True
    append = False
    if op in (":=", "::="):
        value = expander.expand(value)
        recursive = False
    elif op == "!=":
        command = expander.expand(value)
        value = expander.registry.token("$(shell " + expander.registry.render(command) + ")", where)
    elif op == "?=":
        existing = scope.lookup(name)
        if existing is not None:
            return existing
    elif op == "+=":
        if target_specific:
            existing = into.get(name)
            append = existing is None or existing.append
        else:
            existing = scope.lookup(name)
        if existing is not None:
            if existing.recursive:
                addition = value
            else:
                addition = expander.expand(value)
                recursive = False
            if not addition:
                return existing
            value = existing.value + " " + addition if existing.value else addition
        elif target_specific:
            # appends, at use time, to whatever the variable is outside this target
            append = True
    stored = into.define(name, value, origin, recursive=recursive, where=where, env_overrides=env_overrides)
    if target_specific or stored.append != append:
        stored = into.replace(stored, append=append)
    return stored
