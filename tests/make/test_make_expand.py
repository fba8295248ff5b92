"""Expansion: references, errors make treats as fatal, and $(shell) values carried as opaque tokens."""

from __future__ import annotations

import pytest

from buildcheck.make.expand import Expander, MakeFatal, ModelLimit
from buildcheck.make.opaque import OpaqueRegistry, is_opaque, without_tokens
from buildcheck.make.variables import Scope, VarOrigin, VariableSet
from buildcheck.model import Origin


class Host:
    directory = "/nonexistent"

    def __init__(self) -> None:
        self.evaluated: list[str] = []
        self.notes: list[tuple[str, str]] = []

    def evaluate_text(self, text, origin):
        self.evaluated.append(text)

    def note(self, kind, message, origin):
        self.notes.append((kind, message))

    def special_value(self, name):
        return None


def make_expander(**recursive: str) -> tuple[Expander, VariableSet, Host]:
    variables = VariableSet()
    for name, value in recursive.items():
        variables.define(name, value, VarOrigin.FILE, recursive=True, where=Origin.file("Makefile", 1))
    host = Host()
    return Expander(Scope((variables,)), OpaqueRegistry(), host, location=Origin.file("Makefile", 7)), variables, host


def test_reference_forms():
    expander, variables, _ = make_expander(AB="ab", A="a")
    assert expander.expand("$(AB) ${AB} $A $$A $") == "ab ab a $A $"


def test_computed_variable_names():
    expander, _, _ = make_expander(WHICH="AB", AB="found")
    assert expander.expand("$($(WHICH))") == "found"
    assert expander.expand("$(A$(B)C)") == ""


def test_recursive_variables_expand_at_use():
    expander, variables, _ = make_expander(X="$(Y)")
    variables.define("Y", "late", VarOrigin.FILE, recursive=True, where=None)
    assert expander.expand("$(X)") == "late"


def test_self_reference_is_fatal_as_in_make():
    expander, _, _ = make_expander(X="$(X) more")
    with pytest.raises(MakeFatal, match="references itself"):
        expander.expand("$(X)")


def test_unterminated_reference_is_fatal():
    expander, _, _ = make_expander()
    with pytest.raises(MakeFatal, match="unterminated variable reference"):
        expander.expand("$(A")
    with pytest.raises(MakeFatal, match="unterminated call to function 'subst'"):
        expander.expand("$(subst a,b,c")


def test_insufficient_arguments_is_fatal():
    expander, _, _ = make_expander()
    with pytest.raises(MakeFatal, match="insufficient number of arguments"):
        expander.expand("$(subst a,b)")


def test_error_function_stops_with_its_message():
    expander, _, _ = make_expander(WHY="no cargo")
    with pytest.raises(MakeFatal, match="no cargo") as raised:
        expander.expand("$(error $(WHY))")
    assert raised.value.origin == Origin.file("Makefile", 7)


def test_info_and_warning_expand_to_nothing():
    expander, _, _ = make_expander()
    assert expander.expand("a$(info hello)b$(warning careful)c") == "abc"


def test_word_zero_is_fatal():
    expander, _, _ = make_expander()
    with pytest.raises(MakeFatal, match="greater than 0"):
        expander.expand("$(word 0,a b)")
    with pytest.raises(MakeFatal, match="non-numeric"):
        expander.expand("$(word x,a b)")


def test_shell_is_never_run_and_becomes_opaque():
    expander, _, _ = make_expander()
    value = expander.expand("git.$(shell git describe --always)")
    assert value.startswith("git.") and is_opaque(value)
    assert without_tokens(value) == "git."
    assert expander.registry.render(value) == "git.$(shell git describe --always)"
    (source,) = expander.registry.sources(value)
    assert source.origin == Origin.file("Makefile", 7)


def test_a_shell_that_runs_cargo_is_reported():
    expander, _, host = make_expander()
    expander.expand("$(shell cargo metadata --format-version=1 | jq -r .target_directory)")
    expander.expand("$(shell git describe)")
    assert [kind for kind, _message in host.notes] == ["opaque"]
    assert "cargo metadata" in host.notes[0][1]


def test_functions_of_opaque_values_are_opaque_and_named_after_the_reference():
    expander, _, _ = make_expander(V="$(shell uname -m)")
    value = expander.expand("$(subst -,.,$(V))")
    assert is_opaque(value)
    assert expander.registry.render(value) == "$(subst -,.,$(shell uname -m))"
    # the $(shell) was written in V's definition (line 1), so that is where the value comes from
    assert expander.registry.sources(value)[0].origin == Origin.file("Makefile", 1)


@pytest.mark.parametrize("text", ["$(if $(shell x),a,b)", "$(or ,$(shell x))", "$(and a,$(shell x))",
                                  "$(words $(shell x))", "$(foreach w,$(shell x),$(w))", "$($(shell x))",
                                  "$(origin $(shell x))"])
def test_decisions_on_opaque_values_are_opaque(text):
    expander, _, _ = make_expander()
    assert is_opaque(expander.expand(text))


def test_known_decisions_do_not_look_at_unknown_branches():
    expander, _, _ = make_expander()
    assert expander.expand("$(if x,yes,$(shell no))") == "yes"
    assert expander.expand("$(or yes,$(shell no))") == "yes"


def test_call_with_opaque_argument_keeps_the_rest_known():
    expander, _, _ = make_expander(F="--flag=$(1)")
    value = expander.expand("$(call F,$(shell x))")
    assert value.startswith("--flag=") and is_opaque(value)


def test_eval_reaches_the_reader_unless_opaque():
    expander, _, host = make_expander()
    expander.expand("$(eval A = 1)")
    assert host.evaluated == ["A = 1"]
    expander.expand("$(eval $(shell cat rules.mk))")
    assert host.evaluated == ["A = 1"] and host.notes[0][0] == "opaque"


def test_file_write_is_never_done(tmp_path):
    expander, _, host = make_expander()
    host.directory = str(tmp_path)
    assert expander.expand(f"$(file >{tmp_path}/out,text)") == ""
    assert not (tmp_path / "out").exists()
    assert host.notes[0][0] == "not-written"
    (tmp_path / "in").write_text("line\n")
    assert expander.expand("$(file <in)") == "line"


def test_deep_recursion_is_bounded():
    expander, variables, _ = make_expander(F="$(call F,x)")
    with pytest.raises(ModelLimit):
        expander.expand("$(call F,x)")


def test_huge_expansions_are_bounded():
    expander, variables, _ = make_expander(A="0123456789" * 100)
    for level in "BCDEFGH":
        previous = chr(ord(level) - 1)
        variables.define(level, f"$({previous})$({previous})$({previous})$({previous})", VarOrigin.FILE,
                         recursive=True, where=None)
    with pytest.raises(ModelLimit):
        expander.expand("$(H)")


def test_target_specific_append_sees_the_outer_value():
    expander, global_set, _ = make_expander()
    global_set.define("FLAGS", "-O", VarOrigin.FILE, recursive=False, where=None)
    target = VariableSet()
    target.define("FLAGS", "-g", VarOrigin.FILE, recursive=True, where=None)
    target.replace(target.get("FLAGS"), append=True)
    scoped = expander.with_scope(Scope((target, global_set)))
    assert scoped.expand("$(FLAGS)") == "-O -g"
