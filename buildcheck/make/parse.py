"""The syntax of one makefile line: what kind of statement it is and its parts, nothing evaluated.

GNU make decides what a line is in a fixed order (read.c, eval): a variable assignment first (so a
variable may be called `ifdef` or `export`), then `endef` of an ignored define, a conditional, then
`export`/`unexport`, `vpath`, `include`, `load`, and finally a rule. A line that starts with the
recipe prefix after a rule is a recipe line; the reader (evaluate.py) knows that context, this
module does not.

Rule lines are the one place where syntax and evaluation interleave: make expands a rule line word
by word until it finds the colon, because what follows the colon may be a target-specific variable
assignment that must not be expanded yet. `parse_rule_line` therefore takes the expansion function
as a parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from buildcheck.make.lexer import (BLANK, SPACE, collapse_continuations, end_of_token, find_unquoted, next_token,
                                   skip_reference, words)

AssignOp = Literal["=", ":=", "::=", "?=", "+=", "!="]


@dataclass(frozen=True)
class VariableDefinition:
    """`name OP value`: the name and value as written (unexpanded)."""

    name: str
    op: AssignOp
    value: str


@dataclass(frozen=True)
class Modifiers:
    override: bool = False
    export: bool = False
    private: bool = False


@dataclass(frozen=True)
class Assignment:
    definition: VariableDefinition
    modifiers: Modifiers


@dataclass(frozen=True)
class Define:
    """`define NAME [OP]`: the body follows on the next lines, up to the matching `endef`."""

    name: str
    op: AssignOp
    modifiers: Modifiers
    extraneous: bool = False  # text after the operator (make: "extraneous text after 'define' directive")


@dataclass(frozen=True)
class Undefine:
    name: str
    modifiers: Modifiers


ConditionalKeyword = Literal["ifdef", "ifndef", "ifeq", "ifneq", "else", "endif"]


@dataclass(frozen=True)
class Conditional:
    """A conditional directive. For ifdef/ifndef `operands` is the (unexpanded) name text; for
    ifeq/ifneq the two unexpanded strings. `chained` is the conditional of `else ifxxx ...`."""

    keyword: ConditionalKeyword
    operands: tuple[str, ...] = ()
    chained: Conditional | None = None
    invalid: bool = False  # make: "invalid syntax in conditional" (fatal)
    extraneous: bool = False  # make: "extraneous text after 'X' directive" (a warning)


@dataclass(frozen=True)
class ExportDirective:
    """`export NAMES` / `unexport NAMES` (names unexpanded), or a bare one (names None: all variables)."""

    exporting: bool
    names: str | None


@dataclass(frozen=True)
class Include:
    names: str
    optional: bool  # -include / sinclude


@dataclass(frozen=True)
class OtherDirective:
    """vpath and load: recognised so that they are not taken for rules."""

    keyword: str
    rest: str


Statement = Assignment | Define | Undefine | Conditional | ExportDirective | Include | OtherDirective


def parse_variable_definition(text: str) -> VariableDefinition | None:
    """`NAME OP VALUE` if `text` is a variable definition, else None (make's parse_variable_definition)."""
    if "=" not in text:
        return None   # every assignment operator ends in `=`
    position = next_token(text)
    start = position
    name_end: int | None = None
    seen_space = False
    length = len(text)
    while True:
        if position >= length:
            return None
        char = text[position]
        position += 1
        if char == "#":
            return None
        if char == "$":
            if position >= length:
                return None
            opener = text[position]
            position += 1
            if opener in "({":
                closer = ")" if opener == "(" else "}"
                depth = 1
                while position < length:
                    inner = text[position]
                    position += 1
                    if inner == closer:
                        depth -= 1
                        if depth == 0:
                            break
                    elif inner == opener:
                        depth += 1
            continue
        if char in BLANK:
            seen_space = True
            name_end = position - 1
            position = next_token(text, position)
            if position >= length:
                return None
            char = text[position]
            position += 1
        op: AssignOp | None = None
        if char == "=":
            op = "="
            if name_end is None:
                name_end = position - 1
            break
        if position < length and text[position] == "=":
            op = {":": ":=", "+": "+=", "?": "?=", "!": "!="}.get(char)  # type: ignore[assignment]
            if op is None:
                if seen_space:
                    return None
                continue
            if name_end is None:
                name_end = position - 1
            position += 1
            break
        if char == ":":
            if text[position:position + 2] != ":=":
                return None
            op = "::="
            if name_end is None:
                name_end = position - 1
            position += 2
            break
        if seen_space:
            return None
    value = text[next_token(text, position):]
    return VariableDefinition(text[start:name_end], op, value)


def parse_assignment(line: str) -> Assignment | Define | Undefine | None:
    """A (collapsed, comment-free) line as an assignment with its modifiers, or None."""
    position = next_token(line)
    if position >= len(line):
        return None
    if "=" not in line and "define" not in line:
        return None   # neither an operator nor (un)define: the common rule and directive lines
    override = export = private = False
    while True:
        definition = parse_variable_definition(line[position:])
        if definition is not None:
            return Assignment(definition, Modifiers(override, export, private))
        end = end_of_token(line, position)
        word = line[position:end]
        if word == "export":
            export = True
        elif word == "override":
            override = True
        elif word == "private":
            private = True
        elif word in ("define", "undefine"):
            rest = line[next_token(line, end):]
            modifiers = Modifiers(override, export, private)
            if word == "undefine":
                return Undefine(rest, modifiers)
            head = parse_variable_definition(rest)
            if head is None:
                return Define(rest, "=", modifiers)
            return Define(head.name, head.op, modifiers, extraneous=bool(head.value))
        else:
            return None
        position = next_token(line, end)
        if position >= len(line):
            return None


def _ifeq_operands(text: str) -> tuple[tuple[str, str] | None, bool]:
    """The two strings of `(a,b)`, `"a" "b"` or `'a' 'b'`; None when malformed. Second: extra text follows."""
    if not text:
        return None, False
    terminator = "," if text[0] == "(" else text[0]
    if terminator not in ",\"'":
        return None, False
    position = 1
    if terminator == ",":
        depth = 0
        while position < len(text):
            char = text[position]
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            elif char == "," and depth <= 0:
                break
            position += 1
    else:
        while position < len(text) and text[position] != terminator:
            position += 1
    if position >= len(text):
        return None, False
    first = text[1:position]
    if terminator == ",":
        first = first.rstrip(BLANK)
    position += 1
    if terminator != ",":
        position = next_token(text, position)
    closer = ")" if terminator == "," else (text[position] if position < len(text) else "")
    if closer not in ")\"'":
        return None, False
    if closer == ")":
        start = next_token(text, position)
        depth = 0
        position = start
        while position < len(text):
            char = text[position]
            if char == "(":
                depth += 1
            elif char == ")":
                if depth <= 0:
                    break
                depth -= 1
            position += 1
    else:
        position += 1
        start = position
        while position < len(text) and text[position] != closer:
            position += 1
    if position >= len(text):
        return None, False
    second = text[start:position]
    extraneous = next_token(text, position + 1) < len(text)
    return (first, second), extraneous


def parse_conditional(line: str) -> Conditional | None:
    """A conditional directive, or None when the line's first word is not one."""
    start = next_token(line)
    end = end_of_token(line, start)
    keyword = line[start:end]
    if keyword not in ("ifdef", "ifndef", "ifeq", "ifneq", "else", "endif"):
        return None
    rest = line[next_token(line, end):]
    if keyword == "endif":
        return Conditional("endif", extraneous=bool(rest))
    if keyword == "else":
        if not rest:
            return Conditional("else")
        chained = parse_conditional(rest)
        if chained is None or chained.keyword in ("else", "endif") or chained.invalid:
            return Conditional("else", extraneous=True)
        return Conditional("else", chained=chained)
    if keyword in ("ifdef", "ifndef"):
        return Conditional(keyword, (rest,))  # type: ignore[arg-type]
    operands, extraneous = _ifeq_operands(rest)
    if operands is None:
        return Conditional(keyword, invalid=True)  # type: ignore[arg-type]
    return Conditional(keyword, operands, extraneous=extraneous)  # type: ignore[arg-type]


def parse_directive(line: str) -> ExportDirective | Include | OtherDirective | None:
    """export/unexport, include/-include/sinclude, vpath, load/-load; None for anything else."""
    start = next_token(line)
    end = end_of_token(line, start)
    keyword = line[start:end]
    rest = line[next_token(line, end):]
    if keyword in ("export", "unexport"):
        return ExportDirective(keyword == "export", rest or None)
    if keyword in ("include", "-include", "sinclude"):
        return Include(rest, optional=keyword != "include")
    if keyword in ("vpath", "load", "-load"):
        return OtherDirective(keyword, rest)
    return None


# ---- rule lines ---------------------------------------------------------------------------------

MwordKind = Literal["eol", "static", "variable", "colon", "dcolon", "ampcolon", "ampdcolon", "semicolon",
                    "varassign"]


def next_mword(text: str, position: int) -> tuple[MwordKind, int, int]:
    """The next "makefile word" of a rule line from `position`: its kind, start and end."""
    while position < len(text) and text[position] in BLANK:
        position += 1
    start = position
    if position >= len(text):
        return "eol", start, start
    char = text[position]
    following = text[position + 1:position + 2]
    if char == ";":
        return "semicolon", start, start + 1
    if char == "=":
        return "varassign", start, start + 1
    if char == ":":
        if following == "=":
            return "varassign", start, start + 2
        if following == ":":
            if text[position + 2:position + 3] == "=":
                return "varassign", start, start + 3
            return "dcolon", start, start + 2
        return "colon", start, start + 1
    if char == "&" and following == ":":
        if text[position + 2:position + 3] == ":":
            return "ampdcolon", start, start + 3
        return "ampcolon", start, start + 2
    if char in "+?!" and following == "=":
        return "varassign", start, start + 2
    kind: MwordKind = "static"
    while position < len(text):
        char = text[position]
        if char in " \t=:":
            break
        if char in "?+" and text[position + 1:position + 2] == "=":
            break
        if char == "&" and text[position + 1:position + 2] == ":":
            break
        if char == "$":
            if text[position + 1:position + 2] not in ("$", ""):  # `$$` is a literal dollar
                kind = "variable"
            position = skip_reference(text, position)
            continue
        if char == "\\" and text[position + 1:position + 2] in (":", ";", "=", "\\"):
            position += 2
            continue
        position += 1
    return kind, start, position


@dataclass(frozen=True)
class RuleLine:
    """`targets: prerequisites [; recipe]` with everything expanded except the recipe."""

    targets: tuple[str, ...]
    prerequisites: str  # expanded, before splitting into normal and order-only
    double_colon: bool
    recipe: str | None  # text after `;` (the first recipe line), unexpanded
    static_pattern: str | None = None  # `targets: PATTERN: prereq-patterns`
    grouped: bool = False  # `&:`


@dataclass(frozen=True)
class TargetVariable:
    """`targets: [modifiers] NAME OP VALUE`: a target- or pattern-specific variable."""

    targets: tuple[str, ...]
    assignment: Assignment


@dataclass(frozen=True)
class NotARule:
    """A line that is neither empty nor a rule. `reason`: "missing-separator", "recipe-without-rule",
    "no-targets" (accepted and ignored by make, as SunOS make did) or "empty"."""

    reason: Literal["missing-separator", "recipe-without-rule", "no-targets", "empty"]


def split_recipe(line: str) -> tuple[str, str | None]:
    """Cut a raw rule line at its first unquoted `;` (the rest is a recipe line) or `#` (a comment)."""
    unquoted, index = find_unquoted(line, ";#", skip_references=True)
    if index < 0:
        return unquoted, None
    if unquoted[index] == "#":
        return unquoted[:index], None
    return unquoted[:index], unquoted[index + 1:]


def _find_char_unquoted(text: str, char: str) -> tuple[str, int]:
    return find_unquoted(text, char, skip_references=False)


def parse_rule_line(raw: str, expand: Callable[[str], str]) -> RuleLine | TargetVariable | NotARule:
    """Parse a (raw, uncollapsed) line that is not an assignment or directive, as make reads rules."""
    line, recipe = split_recipe(raw)
    line = collapse_continuations(line)
    kind, start, end = next_mword(line, 0)
    if kind == "eol":
        return NotARule("recipe-without-rule" if recipe is not None else "empty")
    if kind in ("colon", "dcolon", "ampcolon", "ampdcolon"):
        return NotARule("no-targets")
    expanded = expand(line[start:end])
    cursor = end
    colon = -1
    while True:
        if recipe is None:
            expanded, semicolon = _find_char_unquoted(expanded, ";")
            if semicolon >= 0:
                # a `;` produced by expansion: the rest of the line (expanded) is the recipe
                expanded = expanded + expand(line[cursor:])
                cursor = len(line)
                recipe = expanded[semicolon + 1:]
                expanded = expanded[:semicolon]
        expanded, colon = _find_char_unquoted(expanded, ":")
        if colon >= 0:
            if colon > 0 and expanded[colon - 1] == "&":
                colon -= 1
            break
        kind, start, end = next_mword(line, cursor)
        if kind == "eol":
            break
        expanded = expanded + " " + expand(line[start:end])
        cursor = end
    if colon < 0:
        return NotARule("empty" if not expanded.strip(SPACE) else "missing-separator")
    grouped = expanded[colon] == "&"
    targets = tuple(words(expanded[:colon]))
    if not targets:
        return NotARule("no-targets")
    after = expanded[colon + (2 if grouped else 1):]
    double_colon = after.startswith(":")
    if double_colon:
        after = after[1:]
    remainder = line[cursor:]
    candidate = parse_assignment(after + remainder)
    if isinstance(candidate, Assignment):
        if recipe is not None:
            # a `;` inside a target-specific value belongs to the value
            candidate = parse_assignment(after + remainder + ";" + collapse_continuations(recipe))
        assert isinstance(candidate, Assignment)
        return TargetVariable(targets, candidate)
    remainder, _ = _find_char_unquoted(remainder, "=")  # `\=` in a prerequisite list is a literal `=`
    prerequisites = after + expand(remainder) if remainder else after
    if recipe is None:
        prerequisites, semicolon = _find_char_unquoted(prerequisites, ";")
        if semicolon >= 0:
            recipe = prerequisites[semicolon + 1:]
            prerequisites = prerequisites[:semicolon]
    static_pattern = None
    second_colon = _unescaped_colon(prerequisites)
    if second_colon >= 0:
        static_pattern = prerequisites[:second_colon].strip(SPACE)
        prerequisites = prerequisites[second_colon + 1:]
    return RuleLine(targets, prerequisites.strip(SPACE), double_colon, recipe, static_pattern, grouped)


def _unescaped_colon(text: str) -> int:
    """The first `:` not preceded by an odd number of backslashes (a static pattern rule's second colon)."""
    index = text.find(":")
    while index > 0 and text[index - 1] == "\\":
        count = len(text[:index]) - len(text[:index].rstrip("\\"))
        if count % 2 == 0:
            break
        index = text.find(":", index + 1)
    return index
