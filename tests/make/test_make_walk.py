"""Tracing `make GOAL`: order of targets, what a cargo command receives and why, sub-makes, failures,
bounds. (test_make_differential.py checks the same machinery against the real make.)"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from buildcheck.make import trace_make
from buildcheck.model import Origin

ENV = {"PATH": "/usr/bin:/bin", "HOME": "/home/u"}


def tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def argvs(trace) -> list[str]:
    return [" ".join(call.argv[1:]) for call in trace.calls]


def test_prerequisites_first_left_to_right_each_once(tmp_path):
    tree(tmp_path, {"Makefile": "all: a b a\n\tcargo all\na: c\n\tcargo a\nb: c\n\tcargo b\nc:\n\tcargo c\n"
                                ".PHONY: all a b c\n"})
    assert argvs(trace_make(tmp_path, [], ENV)) == ["c", "a", "b", "all"]


def test_goals_run_in_the_order_given(tmp_path):
    tree(tmp_path, {"Makefile": "x:\n\tcargo x\ny:\n\tcargo y\n"})
    assert argvs(trace_make(tmp_path, ["y", "x"], ENV)) == ["y", "x"]


def test_an_up_to_date_file_target_is_not_remade(tmp_path):
    tree(tmp_path, {"Makefile": "out: src\n\tcargo build\n", "src": ""})
    (tmp_path / "out").write_text("")
    past = time.time() - 100
    os.utime(tmp_path / "src", (past, past))
    trace = trace_make(tmp_path, [], ENV)
    assert trace.calls == () and [n.kind for n in trace.notes] == ["up-to-date"]
    os.utime(tmp_path / "src", None)
    os.utime(tmp_path / "out", (past, past))
    assert argvs(trace_make(tmp_path, [], ENV)) == ["build"]


def test_a_file_named_like_a_phony_goal_does_not_matter(tmp_path):
    tree(tmp_path, {"Makefile": ".PHONY: build-all\nbuild-all:\n\tcargo build\n", "build-all": ""})
    assert argvs(trace_make(tmp_path, [], ENV)) == ["build"]


def test_export_rustflags_without_a_value_reaches_cargo_empty(tmp_path):
    tree(tmp_path, {"Makefile": "# worker\nexport RUSTFLAGS\nbuild-all:\n\tcargo build --release\n"})
    (call,) = trace_make(tmp_path, [], ENV).calls
    assert call.env["RUSTFLAGS"] == ""
    change = call.changes["RUSTFLAGS"]
    assert change.value == "" and change.source == "makefile"
    assert change.origin == Origin.file(str(tmp_path / "Makefile"), 2)


def test_unexport_removes_and_says_where(tmp_path):
    tree(tmp_path, {"Makefile": "unexport FFI_USE_CUDA\nall:\n\tcargo build\n"})
    (call,) = trace_make(tmp_path, [], {**ENV, "FFI_USE_CUDA": "1"}).calls
    assert "FFI_USE_CUDA" not in call.env
    assert call.changes["FFI_USE_CUDA"].value is None
    assert call.changes["FFI_USE_CUDA"].origin == Origin.file(str(tmp_path / "Makefile"), 1)


def test_variables_make_sets_for_children(tmp_path):
    tree(tmp_path, {"Makefile": "all:\n\tcargo build\n"})
    (call,) = trace_make(tmp_path, [], ENV, command_line=["-k", "X=a b"]).calls
    assert call.env["MAKEFLAGS"] == "k -- X=a\\ b"
    assert call.env["MFLAGS"] == "-k"
    assert call.env["MAKELEVEL"] == "1"
    assert call.env["MAKEOVERRIDES"] == "${-*-command-variables-*-}"
    assert call.env["X"] == "a b"
    assert call.changes["X"].source == "command-line" and call.changes["X"].origin is None
    assert call.changes["MAKEFLAGS"].source == "make"


def test_sub_make_environment_and_provenance(tmp_path):
    tree(tmp_path, {
        "Makefile": "export ROOT_SET = root\nunexport HOME\nall:\n\t$(MAKE) -C sub build V=1\n",
        "sub/Makefile": "export RUSTFLAGS\nbuild:\n\tcargo build $(V)\n",
    })
    trace = trace_make(tmp_path, [], ENV)
    (call,) = trace.calls
    root_makefile = str(tmp_path / "Makefile")
    assert call.argv == ("cargo", "build", "1")
    assert os.path.realpath(call.cwd) == os.path.realpath(tmp_path / "sub")
    assert call.env["MAKEFLAGS"] == "w -- V=1" and call.env["MAKELEVEL"] == "2"
    assert call.changes["ROOT_SET"].origin == Origin.file(root_makefile, 1)
    assert call.changes["HOME"].value is None and call.changes["HOME"].origin == Origin.file(root_makefile, 2)
    assert call.changes["V"].source == "command-line"
    assert call.changes["V"].origin == Origin.file(root_makefile, 4)   # the $(MAKE) line that passed it
    assert call.changes["RUSTFLAGS"].origin == Origin.file(str(tmp_path / "sub/Makefile"), 1)
    assert [step.target for step in call.via] == ["all", "build"]
    assert [step.level for step in call.via] == [0, 1]
    assert [m.level for m in trace.makes] == [0, 1]


def test_shell_lines_and_directories(tmp_path):
    tree(tmp_path, {"Makefile": "all:\n\tcd a && RUSTFLAGS=-g cargo build\n\t(cd a; cargo test)\n"
                                "\tmkdir -p b/c && cd b/c && cargo doc\n\tenv -u HOME cargo fmt\n", "a/.keep": ""})
    trace = trace_make(tmp_path, [], ENV)
    build, test, doc, fmt = trace.calls
    assert build.cwd.name == "a" and build.env["RUSTFLAGS"] == "-g" and build.changes["RUSTFLAGS"].source == "shell"
    assert test.cwd.name == "a"
    assert doc.cwd.name == "c"   # b/c does not exist; the mkdir before it would create it
    assert "HOME" not in fmt.env and fmt.changes["HOME"].source == "shell"
    assert "PWD" not in fmt.env   # make ran it without a shell
    assert build.env["PWD"].endswith("/a") and build.env["OLDPWD"] == os.path.realpath(tmp_path)


def test_shell_values_are_opaque(tmp_path):
    tree(tmp_path, {"Makefile": "export GIT_COMMIT := git.$(shell git describe)\nV != cat version\n"
                                "all:\n\tcargo build --features=$(V)\n"})
    (call,) = trace_make(tmp_path, [], ENV).calls
    assert call.opaque == {"GIT_COMMIT", "argv[2]", "PWD"}
    assert call.env["GIT_COMMIT"] == "git.$(shell git describe)"
    assert call.argv[2] == "--features=$(shell cat version)"


def test_dry_run_runs_only_recursive_lines(tmp_path):
    tree(tmp_path, {"Makefile": "all:\n\tcargo never\n\t$(MAKE) -C sub\n\t+cargo plus\n",
                    "sub/Makefile": "x:\n\tcargo sub-never\n"})
    trace = trace_make(tmp_path, [], ENV, command_line=["-n"])
    assert argvs(trace) == ["plus"]
    assert len(trace.makes) == 2


def test_a_failing_command_stops_make(tmp_path):
    tree(tmp_path, {"Makefile": "all: a b\na:\n\tfalse\n\tcargo never\nb:\n\tcargo b\n"})
    trace = trace_make(tmp_path, [], ENV)
    assert trace.calls == () and not trace.complete
    assert any(n.kind == "error" for n in trace.notes)


def test_ignored_errors_and_keep_going(tmp_path):
    tree(tmp_path, {"Makefile": "all: a b\na:\n\t-false\n\tcargo a\nb:\n\tfalse\n\tcargo never\nc:\n\tcargo c\n"})
    assert argvs(trace_make(tmp_path, ["all"], ENV)) == ["a"]
    assert argvs(trace_make(tmp_path, ["all", "c"], ENV, command_line=["-k"])) == ["a", "c"]


def test_a_failing_sub_make_fails_its_recipe_line(tmp_path):
    tree(tmp_path, {"Makefile": "all:\n\t$(MAKE) -C sub\n\tcargo never\n", "sub/Makefile": "x:\n\tfalse\n"})
    trace = trace_make(tmp_path, [], ENV)
    assert trace.calls == () and not trace.complete


def test_missing_program_fails(tmp_path):
    tree(tmp_path, {"Makefile": "all:\n\tno-such-program-xyz\n\tcargo never\n"})
    assert trace_make(tmp_path, [], ENV).calls == ()


def test_recursion_loop_is_cut(tmp_path):
    tree(tmp_path, {"Makefile": "all:\n\tcargo once\n\t$(MAKE) -C . all\n"})
    trace = trace_make(tmp_path, [], ENV)
    assert not trace.complete and any(n.kind == "recursion" for n in trace.notes)
    assert argvs(trace).count("once") <= 2


def test_depth_is_bounded(tmp_path):
    files = {f"{'d/' * level}Makefile": "all:\n\tcargo here\n\t$(MAKE) -C d\n" for level in range(6)}
    tree(tmp_path, files)
    (tmp_path / ("d/" * 6)).mkdir(parents=True, exist_ok=True)
    trace = trace_make(tmp_path, [], ENV, max_depth=2)
    assert len(trace.calls) == 3 and any(n.kind == "recursion" for n in trace.notes)


def test_too_large_makefile_is_not_read(tmp_path):
    tree(tmp_path, {"Makefile": "all:\n\tcargo build\n" + "# padding\n" * 100})
    trace = trace_make(tmp_path, [], ENV, max_makefile_bytes=100)
    assert trace.calls == () and not trace.complete
    assert [n.kind for n in trace.notes] == ["too-large"]


def test_no_makefile(tmp_path):
    trace = trace_make(tmp_path, [], ENV)
    assert trace.calls == () and trace.notes[0].kind == "no-makefile"


def test_make_command_with_a_path_is_still_make(tmp_path):
    tree(tmp_path, {"Makefile": "all:\n\t/usr/bin/make -C sub\n\tCARGO=x $(CARGO_BIN) b\n",
                    "sub/Makefile": "x:\n\t./tools/cargo check\n", "sub/tools/cargo": ""})
    (tmp_path / "sub/tools/cargo").chmod(0o755)
    trace = trace_make(tmp_path, [], ENV)
    assert argvs(trace) == ["check"]


def test_shell_variable_from_the_environment_passes_through(tmp_path):
    tree(tmp_path, {"Makefile": "SHELL = /bin/sh\nall:\n\tcargo build\n"})
    (call,) = trace_make(tmp_path, [], {**ENV, "SHELL": "/bin/zsh"}).calls
    assert call.env["SHELL"] == "/bin/zsh" and "SHELL" not in call.changes


@pytest.mark.parametrize("arguments", [["-j4"], ["--eval=X=1"], ["-t"]])
def test_options_that_are_not_modelled_are_said(tmp_path, arguments):
    tree(tmp_path, {"Makefile": "all:\n\tcargo build\n"})
    trace = trace_make(tmp_path, [], ENV, command_line=arguments)
    assert any(n.kind == "unsupported" for n in trace.notes)


def test_an_unknown_option_is_an_error(tmp_path):
    tree(tmp_path, {"Makefile": "all:\n\tcargo build\n"})
    trace = trace_make(tmp_path, [], ENV, command_line=["--no-such-option"])
    assert trace.calls == () and trace.notes[0].kind == "error"


def test_makefiles_from_the_environment_and_from_f(tmp_path):
    tree(tmp_path, {"common.mk": "export FROM_COMMON = yes\n", "other.mk": "go:\n\tcargo other\n",
                    "Makefile": "all:\n\tcargo default\n\t$(MAKE) -f other.mk go\n"})
    trace = trace_make(tmp_path, [], {**ENV, "MAKEFILES": "common.mk"})
    assert argvs(trace) == ["default", "other"]
    assert all(call.env["FROM_COMMON"] == "yes" for call in trace.calls)
    assert trace.goals == ("all",)   # a file from MAKEFILES never sets the default goal


def test_notes_point_somewhere(tmp_path):
    tree(tmp_path, {"Makefile": "X = 1\n"})
    trace = trace_make(tmp_path, [], ENV)
    assert trace.notes and all(note.origin is not None for note in trace.notes)
