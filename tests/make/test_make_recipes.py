"""From recipe lines to commands, and the environment make gives them."""

from __future__ import annotations


import pytest

from buildcheck.make.database import RecipeLine
from buildcheck.make.environment import child_environment
from buildcheck.make.expand import Expander
from buildcheck.make.opaque import OpaqueRegistry
from buildcheck.make.recipes import CommandLine, ShellChoice, classify, command_lines, run_command
from buildcheck.make.shell import ShellModel
from buildcheck.make.variables import ExportMode, Scope, VarOrigin, VariableSet
from buildcheck.model import Origin

HERE = Origin.file("Makefile", 3)


def lines(*texts: str) -> list[RecipeLine]:
    return [RecipeLine(text, HERE) for text in texts]


def test_prefixes_are_taken_off_and_remembered():
    (command,) = command_lines(lines("@-+ cargo build"), ["@-+ cargo build"], "\t")
    assert command.text == "cargo build" and command.silent and command.ignore_errors and command.recursive


def test_make_references_mark_a_line_recursive_before_expansion():
    commands = command_lines(lines("$(MAKE) -C x", "${MAKE} y", "$(SUBMAKE)", "cargo"),
                             ["make -C x", "make y", "make z", "cargo"], "\t")
    assert [c.recursive for c in commands] == [True, True, False, False]


def test_a_multi_line_expansion_becomes_several_commands_each_with_its_prefixes():
    commands = command_lines(lines("$(canned)"), ["cargo build\n@-cargo test\n\n"], "\t")
    assert [(c.text, c.silent, c.ignore_errors) for c in commands] == [("cargo build", False, False),
                                                                       ("cargo test", True, True)]


def test_escaped_newlines_stay_in_one_command_and_lose_the_recipe_prefix():
    (command,) = command_lines(lines("cargo build \\\n\t--release"), ["cargo build \\\n\t--release"], "\t")
    assert command.text == "cargo build \\\n--release"


def test_newlines_inside_double_quotes_do_not_split():
    (command,) = command_lines(lines("x"), ['cargo "a\nb"'], "\t")
    assert command.text == 'cargo "a\nb"'


def test_empty_lines_run_nothing():
    assert command_lines(lines("@", "  "), ["@", "  "], "\t") == []


@pytest.mark.parametrize("argv, kind", [
    (("cargo", "build"), "cargo"), (("/home/u/.cargo/bin/cargo", "b"), "cargo"), (("make", "-C", "x"), "make"),
    (("/usr/bin/make",), "make"), (("gmake",), "make"), (("mymake",), "make"), (("cargo-clippy",), "other"),
    (("rustup", "run", "stable", "cargo"), "other"), ((), "other"),
])
def test_classify(argv, kind):
    assert classify(argv, "mymake") == kind


def test_make_runs_simple_lines_without_a_shell(tmp_path):
    command = CommandLine("cargo build", HERE, False, False, False)
    outcome = run_command(command, {"PATH": "/bin"}, tmp_path, OpaqueRegistry(), ShellChoice(), ShellModel())
    assert not outcome.through_shell and "PWD" not in outcome.started[0].env
    quoted = CommandLine('cargo build --features="x"', HERE, False, False, False)
    outcome = run_command(quoted, {"PATH": "/bin"}, tmp_path, OpaqueRegistry(), ShellChoice(), ShellModel())
    assert outcome.through_shell and outcome.started[0].argv == ("cargo", "build", "--features=x")
    assert outcome.started[0].env["PWD"]


def test_another_shell_always_takes_the_shell_path(tmp_path):
    command = CommandLine("cargo build", HERE, False, False, False)
    outcome = run_command(command, {}, tmp_path, OpaqueRegistry(), ShellChoice(shell="/bin/bash"), ShellModel())
    assert outcome.through_shell


def environment(*sets: VariableSet, export_all: bool = False, shell: str | None = None) -> dict[str, str]:
    scope = Scope(tuple(sets))
    host = type("Host", (), {"directory": "/", "evaluate_text": None, "note": None,
                             "special_value": staticmethod(lambda name: None)})()
    expander = Expander(scope, OpaqueRegistry(), host)
    exported = child_environment(scope, expander, export_all=export_all, shell_value=shell, makelevel=0)
    return {name: item.value for name, item in exported.items()}


def test_what_is_exported_by_default():
    variables = VariableSet()
    variables.define("FROM_ENV", "e", VarOrigin.ENVIRONMENT, recursive=True, where=None)
    variables.define("FROM_CLI", "c", VarOrigin.COMMAND_LINE, recursive=True, where=None)
    variables.define("FROM_FILE", "f", VarOrigin.FILE, recursive=True, where=None)
    variables.define("CC", "cc", VarOrigin.DEFAULT, recursive=True, where=None)
    variables.define("NOT.A_NAME", "x", VarOrigin.COMMAND_LINE, recursive=True, where=None)
    variables.define("MAKELEVEL", "7", VarOrigin.ENVIRONMENT, recursive=False, where=None)
    assert environment(variables) == {"FROM_ENV": "e", "FROM_CLI": "c", "MAKELEVEL": "1"}
    everything = environment(variables, export_all=True)
    assert "FROM_FILE" in everything and "CC" not in everything and "NOT.A_NAME" not in everything


def test_environment_values_go_back_unexpanded_and_file_values_expanded():
    variables = VariableSet()
    variables.define("E", "$(X)", VarOrigin.ENVIRONMENT, recursive=True, where=None)
    variables.define("F", "$(X)", VarOrigin.FILE, recursive=True, where=None)
    variables.define("X", "x", VarOrigin.FILE, recursive=True, where=None)
    variables.set_export("F", ExportMode.EXPORT, None)
    assert environment(variables) == {"E": "$(X)", "F": "x", "MAKELEVEL": "1"}


def test_unexported_shell_passes_the_original_value():
    variables = VariableSet()
    variables.define("SHELL", "/bin/sh", VarOrigin.FILE, recursive=False, where=None)
    variables.set_export("SHELL", ExportMode.NOEXPORT, None)
    assert environment(variables, shell="/bin/zsh")["SHELL"] == "/bin/zsh"
    assert "SHELL" not in environment(variables)


def test_target_specific_variables_take_the_global_export_mode():
    global_set, target = VariableSet(), VariableSet()
    global_set.define("RUSTFLAGS", "", VarOrigin.FILE, recursive=False, where=None)
    global_set.set_export("RUSTFLAGS", ExportMode.EXPORT, None)
    target.define("RUSTFLAGS", "-g", VarOrigin.FILE, recursive=True, where=None)
    target.replace(target.get("RUSTFLAGS"), per_target=True)
    assert environment(target, global_set)["RUSTFLAGS"] == "-g"
