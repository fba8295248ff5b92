"""The syntax of makefile lines: assignments, directives, conditionals, rule lines."""

from __future__ import annotations

import pytest

from buildcheck.make.parse import (Assignment, Conditional, Define, ExportDirective, Include, Modifiers, NotARule,
                                   OtherDirective, RuleLine, TargetVariable, Undefine, VariableDefinition, next_mword,
                                   parse_assignment, parse_conditional, parse_directive, parse_rule_line,
                                   parse_variable_definition, split_recipe)


@pytest.mark.parametrize("text, name, op, value", [
    ("A = b", "A", "=", "b"),
    ("A=b", "A", "=", "b"),
    ("A := b c", "A", ":=", "b c"),
    ("A ::= b", "A", "::=", "b"),
    ("A ?= b", "A", "?=", "b"),
    ("A += b", "A", "+=", "b"),
    ("A != echo hi", "A", "!=", "echo hi"),
    ("A =", "A", "=", ""),
    ("A ::=", "A", "::=", ""),
    ("  A   =    b  ", "A", "=", "b  "),
    ("$(X)_Y = 1", "$(X)_Y", "=", "1"),
    ("A$(B:c=d) = v", "A$(B:c=d)", "=", "v"),
    ("ifdef = 3", "ifdef", "=", "3"),
    ("A = b = c", "A", "=", "b = c"),
    ("A:=b", "A", ":=", "b"),
    ("A$$ = b", "A$$", "=", "b"),
])
def test_variable_definitions(text, name, op, value):
    assert parse_variable_definition(text) == VariableDefinition(name, op, value)


@pytest.mark.parametrize("text", ["A B = c", "all: dep", "all:", "# A = b", "A", "", "A : = b", "A ; B = c",
                                  "A #= b", "$(", "A$"])
def test_not_variable_definitions(text):
    assert parse_variable_definition(text) is None


def test_modifiers_in_any_order():
    assert parse_assignment("override export A := b") == Assignment(VariableDefinition("A", ":=", "b"),
                                                                     Modifiers(override=True, export=True))
    assert parse_assignment("export override private A = b").modifiers == Modifiers(True, True, True)


def test_export_without_assignment_is_not_an_assignment():
    assert parse_assignment("export A B") is None
    assert parse_assignment("export") is None


def test_unexport_is_not_an_assignment_modifier():
    # make 4.3: `unexport A = b` unexports the words "A", "=", "b"; it defines nothing
    assert parse_assignment("unexport A = b") is None
    assert parse_directive("unexport A = b") == ExportDirective(False, "A = b")


def test_define_and_undefine():
    assert parse_assignment("define A") == Define("A", "=", Modifiers())
    assert parse_assignment("define A :=") == Define("A", ":=", Modifiers())
    assert parse_assignment("override define A +=") == Define("A", "+=", Modifiers(override=True))
    assert parse_assignment("define A = extra").extraneous
    assert parse_assignment("undefine A") == Undefine("A", Modifiers())
    assert parse_assignment("override undefine A") == Undefine("A", Modifiers(override=True))


@pytest.mark.parametrize("line, expected", [
    ("ifdef A", Conditional("ifdef", ("A",))),
    ("ifndef $(X)", Conditional("ifndef", ("$(X)",))),
    ("ifeq ($(A),b)", Conditional("ifeq", ("$(A)", "b"))),
    ("ifeq (a , b )", Conditional("ifeq", ("a", "b "))),        # make strips blanks before the comma only
    ("ifeq ( a,b)", Conditional("ifeq", (" a", "b"))),          # ... and not after the parenthesis
    ("ifneq ($(strip $(F)),)", Conditional("ifneq", ("$(strip $(F))", ""))),
    ("ifeq \"a\" 'b'", Conditional("ifeq", ("a", "b"))),
    ("ifeq (f(x),y)", Conditional("ifeq", ("f(x)", "y"))),
    ("else", Conditional("else")),
    ("endif", Conditional("endif")),
    ("endif junk", Conditional("endif", extraneous=True)),
    ("else ifdef A", Conditional("else", chained=Conditional("ifdef", ("A",)))),
    ("else ifneq ($(A),)", Conditional("else", chained=Conditional("ifneq", ("$(A)", "")))),
    ("else else", Conditional("else", extraneous=True)),
    ("ifeq (a,b) junk", Conditional("ifeq", ("a", "b"), extraneous=True)),
])
def test_conditionals(line, expected):
    assert parse_conditional(line) == expected


@pytest.mark.parametrize("line", ["ifeq a b", "ifeq (a b)", "ifeq \"a\" b", "ifeq (a,b"])
def test_invalid_conditionals(line):
    assert parse_conditional(line).invalid


def test_not_conditionals():
    assert parse_conditional("ifeq(a,b)") is None   # the keyword must be a word of its own
    assert parse_conditional("ifdefined A") is None


def test_directives():
    assert parse_directive("export") == ExportDirective(True, None)
    assert parse_directive("unexport") == ExportDirective(False, None)
    assert parse_directive("include a.mk b.mk") == Include("a.mk b.mk", optional=False)
    assert parse_directive("-include a.mk") == Include("a.mk", optional=True)
    assert parse_directive("sinclude a.mk") == Include("a.mk", optional=True)
    assert parse_directive("vpath %.c src") == OtherDirective("vpath", "%.c src")
    assert parse_directive("all: x") is None


def test_makefile_words():
    text = "a$(b c) :: d"
    kind, start, end = next_mword(text, 0)
    assert (kind, text[start:end]) == ("variable", "a$(b c)")
    kind, start, end = next_mword(text, end)
    assert (kind, text[start:end]) == ("dcolon", "::")
    assert next_mword("x\\:y: z", 0)[2] == 4   # an escaped colon stays in the word


def test_split_recipe():
    assert split_recipe("all: dep ; cargo build") == ("all: dep ", " cargo build")
    assert split_recipe("all: dep # c ; x") == ("all: dep ", None)
    assert split_recipe("all: $(a;b) ; x") == ("all: $(a;b) ", " x")


def identity(text: str) -> str:
    return text


def test_rule_lines():
    assert parse_rule_line("all: a b", identity) == RuleLine(("all",), "a b", False, None)
    assert parse_rule_line("a b:: c ; cargo x", identity) == RuleLine(("a", "b"), "c", True, " cargo x")
    assert parse_rule_line("%.o: %.c", identity).targets == ("%.o",)
    assert parse_rule_line("a.o b.o: %.o: %.c", identity).static_pattern == "%.o"
    assert parse_rule_line("x: a | b", identity).prerequisites == "a | b"
    assert parse_rule_line("a&: b", identity).grouped


def test_target_specific_variables_are_not_expanded():
    calls = []

    def expand(text: str) -> str:
        calls.append(text)
        return text

    parsed = parse_rule_line("build: export RUSTFLAGS += $(X)", expand)
    assert isinstance(parsed, TargetVariable)
    assert parsed.targets == ("build",)
    assert parsed.assignment == Assignment(VariableDefinition("RUSTFLAGS", "+=", "$(X)"), Modifiers(export=True))
    assert "$(X)" not in "".join(calls)


def test_rule_line_from_an_expanded_variable():
    parsed = parse_rule_line("$(T): dep", lambda text: "all" if text == "$(T)" else text)
    assert parsed.targets == ("all",)


@pytest.mark.parametrize("line, reason", [
    ("just words", "missing-separator"),
    (": dep", "no-targets"),
    ("  ", "empty"),
    ("; cargo build", "recipe-without-rule"),
])
def test_not_rules(line, reason):
    assert parse_rule_line(line, identity) == NotARule(reason)
