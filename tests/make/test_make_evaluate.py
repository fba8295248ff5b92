"""Reading makefiles: precedence of origins, export modes, conditionals, define, include, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from buildcheck.make.shell import ShellModel
from buildcheck.make.variables import ExportMode, VarOrigin
from buildcheck.make.process import Invocation, MakeProcess, Trace
from buildcheck.make.walk import MakeRun
from buildcheck.model import Origin


def read(tmp_path: Path, text: str, env: dict[str, str] | None = None, arguments: tuple[str, ...] = (),
         files: dict[str, str] | None = None) -> tuple[MakeProcess, Trace]:
    (tmp_path / "Makefile").write_text(text)
    for name, content in (files or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content)
    env = dict(env or {})
    trace = Trace(env, max_depth=4, max_bytes=1 << 20, shell=ShellModel())
    process = MakeRun(trace, Invocation(tmp_path, arguments, "make", env, {}, (), None))
    return process, trace


def value(process: MakeProcess, name: str) -> str | None:
    variable = process.db.variables.get(name)
    return None if variable is None else process.expander.value_of(variable)


def loaded(tmp_path, text, **kwargs) -> MakeProcess:
    process, trace = read(tmp_path, text, **kwargs)
    assert process.start() and process.read_makefiles(), trace.notes.items
    return process


@pytest.mark.parametrize("text, env, arguments, expected, origin", [
    ("X = file", {"X": "env"}, (), "file", VarOrigin.FILE),
    ("X = file", {"X": "env"}, ("-e",), "env", VarOrigin.ENVIRONMENT_OVERRIDE),
    ("X = file", {}, ("X=cli",), "cli", VarOrigin.COMMAND_LINE),
    ("override X = file", {}, ("X=cli",), "file", VarOrigin.OVERRIDE),
    ("X += more", {"X": "env"}, (), "env more", VarOrigin.FILE),
    ("X += more", {}, ("X=cli",), "cli", VarOrigin.COMMAND_LINE),
    ("override X += more", {}, ("X=cli",), "cli more", VarOrigin.OVERRIDE),
    ("X ?= file", {"X": "env"}, (), "env", VarOrigin.ENVIRONMENT),
    ("X ?= file", {}, (), "file", VarOrigin.FILE),
    ("X = a\nX := $(X) b\nX += c", {}, (), "a b c", VarOrigin.FILE),
    ("Y = 1\nX = $(Y)\nY = 2", {}, (), "2", VarOrigin.FILE),
    ("Y = 1\nX := $(Y)\nY = 2", {}, (), "1", VarOrigin.FILE),
    ("X =\nX += a", {}, (), "a", VarOrigin.FILE),   # no leading space when the old value is empty
])
def test_precedence_and_flavors(tmp_path, text, env, arguments, expected, origin):
    process = loaded(tmp_path, text + "\nall: ;\n", env=env, arguments=arguments)
    assert value(process, "X") == expected
    assert process.db.variables.get("X").origin == origin


def test_export_of_an_undefined_variable_defines_it_empty(tmp_path):
    process = loaded(tmp_path, "export RUSTFLAGS\nall: ;\n")
    variable = process.db.variables.get("RUSTFLAGS")
    assert variable.value == "" and variable.origin == VarOrigin.FILE
    assert variable.export == ExportMode.EXPORT
    assert variable.export_where == Origin.file(str(tmp_path / "Makefile"), 1)


def test_export_keeps_an_environment_value(tmp_path):
    process = loaded(tmp_path, "export RUSTFLAGS\nall: ;\n", env={"RUSTFLAGS": "-g"})
    assert value(process, "RUSTFLAGS") == "-g"


def test_unexport_and_bare_export(tmp_path):
    process = loaded(tmp_path, "unexport FFI_USE_CUDA\nexport\nunexport\nexport\nall: ;\n", env={"FFI_USE_CUDA": "1"})
    assert process.db.variables.get("FFI_USE_CUDA").export == ExportMode.NOEXPORT
    assert process.db.export_all
    assert process.db.export_all_origin == Origin.file(str(tmp_path / "Makefile"), 4)


def test_export_names_are_expanded(tmp_path):
    process = loaded(tmp_path, "NAMES = A B\nexport $(NAMES)\nall: ;\n")
    assert process.db.variables.get("A").export == ExportMode.EXPORT
    assert process.db.variables.get("B").export == ExportMode.EXPORT


def test_damocles_feature_conditionals(tmp_path):
    fixtures = Path(__file__).resolve().parent.parent.parent / "fixtures" / "make"
    text = (fixtures / "damocles" / "damocles-worker" / "Makefile").read_text()
    for env, flags in [({}, ""), ({"FFI_USE_CUDA": "1"}, '--features="cuda"'),
                       ({"FFI_USE_CUDA": "0"}, '--features="cuda"'),          # any non-empty value
                       ({"DAMOCLES_WORKER_FEATURES": " a  b "}, '--features="a b"'),
                       ({"VENUS_WORKER_FEATURES": "legacy"}, '--features="legacy"'),
                       ({"FFI_USE_CUDA": "1", "VENUS_WORKER_FEATURES": "v"}, '--features="cuda"')]:
        process = loaded(tmp_path, text, env=env)
        assert (value(process, "WORKER_FEATURE_FLAGS") or "") == flags, env


def test_else_if_chains_take_one_branch(tmp_path):
    text = "ifeq (a,b)\nX = 1\nelse ifeq (a,a)\nX = 2\nelse ifeq (b,b)\nX = 3\nelse\nX = 4\nendif\nall: ;\n"
    assert value(loaded(tmp_path, text), "X") == "2"


def test_nested_conditionals_in_ignored_branches_are_not_evaluated(tmp_path):
    text = "ifdef NOPE\nifeq ($(error not expanded),)\nX = 1\nendif\nelse\nX = 2\nendif\nall: ;\n"
    assert value(loaded(tmp_path, text), "X") == "2"


def test_define_with_nesting_and_flavor(tmp_path):
    text = "define OUTER\nline1\ndefine INNER\nx\nendef\nline2\nendef\ndefine S :=\n$(Y)\nendef\nY = y\nall: ;\n"
    process = loaded(tmp_path, text)
    assert process.db.variables.get("OUTER").value == "line1\ndefine INNER\nx\nendef\nline2"
    assert value(process, "S") == ""


def test_include_reads_files_relative_to_the_directory_and_the_include_path(tmp_path):
    files = {"a.mk": "A = from-a\ninclude sub/b.mk\n", "sub/b.mk": "B = from-b\n", "inc/c.mk": "C = from-c\n"}
    process = loaded(tmp_path, "include a.mk\ninclude c.mk\n-include nowhere.mk\nall: ;\n", files=files,
                     arguments=("-I", "inc"))
    assert (value(process, "A"), value(process, "B"), value(process, "C")) == ("from-a", "from-b", "from-c")
    assert value(process, "MAKEFILE_LIST") == "Makefile a.mk sub/b.mk c.mk"


def test_target_specific_variables_are_kept_per_target(tmp_path):
    process = loaded(tmp_path, "build: export RUSTFLAGS += -g\nbuild:\n\tcargo build\n")
    variable = process.db.target_variables["build"].get("RUSTFLAGS")
    assert variable.append and variable.export == ExportMode.EXPORT and variable.value == "-g"


def test_recipe_lines_keep_their_line_numbers(tmp_path):
    process = loaded(tmp_path, "X = 1\n\nall: dep ; cargo a\n\tcargo b \\\n\t  continued\n\n# comment\n\tcargo c\n")
    (rule,) = process.db.rules_for("all")
    assert [(line.text, line.origin.line) for line in rule.recipe] == [
        (" cargo a", 3), ("cargo b \\\n\t  continued", 4), ("cargo c", 8)]
    assert rule.prerequisites == ("dep",)


def test_recipe_prefix_can_change(tmp_path):
    process = loaded(tmp_path, ".RECIPEPREFIX = >\nall:\n> cargo build\n")
    assert [line.text for line in process.db.rules_for("all")[0].recipe] == [" cargo build"]


def test_default_goal(tmp_path):
    process = loaded(tmp_path, ".PHONY: x\n%.o: %.c\n.hidden:\nfirst second: ;\n")
    process.after_reading()
    assert process.goals == ("first",)


@pytest.mark.parametrize("text, message", [
    ("ifdef A\nall: ;\n", "missing 'endif'"),
    ("endif\n", "extraneous 'endif'"),
    ("else\n", "extraneous 'else'"),
    ("ifdef A\nelse\nelse\nendif\n", "only one 'else'"),
    ("ifeq a b\nendif\n", "invalid syntax in conditional"),
    ("ifdef A B\nendif\n", "invalid syntax in conditional"),
    ("define X\nno end\n", "missing 'endef'"),
    ("just words\n", "missing separator"),
    ("\tcargo build\n", "recipe commences before first target"),
    ("X = $(Y\n", None),
    ("$(error stop here)\n", "stop here"),
    ("include required.mk\nall: ;\n", "required.mk: No such file or directory"),
])
def test_errors_make_treats_as_fatal(tmp_path, text, message):
    process, trace = read(tmp_path, text)
    assert process.run() is False
    kinds = [kind for kind, _message, _origin in trace.notes.items]
    assert "error" in kinds
    if message:
        assert any(message in note for _kind, note, _origin in trace.notes.items), trace.notes.items
