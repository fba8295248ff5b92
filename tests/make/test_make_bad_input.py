"""Bad input gives a note (or one clear error), never a traceback, a hang or unbounded memory.

Every case goes through `trace_make`, the function other code calls. The fuzz tests feed the
lexer, the parser and the whole model small random makefiles (hypothesis), each example bounded
by its size.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from buildcheck.make import trace_make
from buildcheck.make.lexer import collapse_continuations, logical_lines, remove_comment
from buildcheck.make.parse import parse_assignment, parse_conditional, parse_directive, parse_rule_line

ENV = {"PATH": "/usr/bin:/bin"}


def trace_text(directory: Path, content: bytes | str, **kwargs):
    path = directory / "Makefile"
    if isinstance(content, str):
        path.write_text(content)
    else:
        path.write_bytes(content)
    return trace_make(directory, [], ENV, **kwargs)


def kinds(trace) -> list[str]:
    return [note.kind for note in trace.notes]


@pytest.mark.parametrize("text, kind", [
    ("define X\nnever ends\nall:\n\tcargo build\n", "error"),
    ("ifdef A\nall:\n\tcargo build\n", "error"),
    ("endif\nall:\n\tcargo build\n", "error"),
    ("ifeq (a,b\nendif\n", "error"),
    ("all:\n\tcargo $(subst a,b\n", "error"),
    ("X = $(X)\nall:\n\tcargo $(X)\n", "error"),
    ("$(error the makefile says stop)\n", "error"),
    ("all: all\n\tcargo build\n", "error"),   # make drops the circular dependency and says so
])
def test_malformed_makefiles_give_a_note(tmp_path, text, kind):
    trace = trace_text(tmp_path, text)
    assert kind in kinds(trace)


def test_include_cycle_terminates(tmp_path):
    (tmp_path / "a.mk").write_text("include b.mk\n")
    (tmp_path / "b.mk").write_text("include a.mk\n")
    trace = trace_text(tmp_path, "include a.mk\nall:\n\tcargo build\n")
    assert "recursion" in kinds(trace)
    assert len(trace.calls) == 1


def test_self_include_terminates(tmp_path):
    trace = trace_text(tmp_path, "include Makefile\nall:\n\tcargo build\n")
    assert "recursion" in kinds(trace)


def test_sub_make_loop_between_two_directories_terminates(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a/Makefile").write_text("all:\n\t$(MAKE) -C ..\n")
    trace = trace_text(tmp_path, "all:\n\tcargo once\n\t$(MAKE) -C a\n")
    assert "recursion" in kinds(trace) and not trace.complete


def test_huge_makefile_is_reported_not_read(tmp_path):
    trace = trace_text(tmp_path, "all:\n\tcargo build\n" + "X = 1\n" * 300_000)
    assert kinds(trace) == ["too-large"] and trace.calls == () and not trace.complete


def test_huge_included_makefile_is_reported_and_the_rest_read(tmp_path):
    (tmp_path / "big.mk").write_text("X = 1\n" * 300_000)
    trace = trace_text(tmp_path, "include big.mk\nall:\n\tcargo build\n")
    assert "too-large" in kinds(trace)


def test_binary_garbage(tmp_path):
    data = bytes(range(256)) * 8 + b"\x00\xff\xfe\n\tcargo\n"
    trace = trace_text(tmp_path, data)
    assert trace.notes and not trace.complete


def test_non_utf8_bytes_are_read_as_they_are(tmp_path):
    trace = trace_text(tmp_path, b"# caf\xe9\nX = \xff\nall:\n\tcargo build $(X)\n")
    assert "not-utf8" in kinds(trace)
    (call,) = trace.calls
    assert call.argv[:2] == ("cargo", "build")


def test_unreadable_makefile(tmp_path):
    (tmp_path / "Makefile").mkdir()   # exists, is not a file: make would not read it either
    trace = trace_make(tmp_path, [], ENV)
    assert trace.calls == ()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_permission_denied(tmp_path):
    (tmp_path / "Makefile").write_text("all:\n\tcargo build\n")
    (tmp_path / "Makefile").chmod(0)
    trace = trace_make(tmp_path, [], ENV)
    assert "unreadable" in kinds(trace)


def test_exponential_expansion_is_bounded(tmp_path):
    text = "A0 = xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
    text += "".join(f"A{i} = $(A{i-1})$(A{i-1})$(A{i-1})$(A{i-1})\n" for i in range(1, 20))
    trace = trace_text(tmp_path, text + "all:\n\tcargo $(A19)\n")
    assert "limit" in kinds(trace)


def test_deep_target_chain(tmp_path):
    text = "".join(f"t{i}: t{i + 1}\n" for i in range(60)) + "t60:\n\tcargo build\n"
    assert len(trace_text(tmp_path, text).calls) == 1
    text = "".join(f"t{i}: t{i + 1}\n" for i in range(3000)) + "t3000:\n\tcargo build\n"
    trace = trace_text(tmp_path, text)
    assert "limit" in kinds(trace) and not trace.complete


MAKEFILE_ALPHABET = st.sampled_from(list("aAX=:+?!$(){}#\\;|&@-%*.,'\" \t\n") +
                                    ["\t", "\n", "export ", "unexport ", "override ", "define ", "endef",
                                     "ifdef ", "ifeq (", "else", "endif", "include ", "$(MAKE)", "cargo ",
                                     "$(shell x)", "$(call ", "$(foreach ", "$(eval ", "\\\n", "cd ", " && "])
small_makefiles = st.lists(MAKEFILE_ALPHABET, max_size=60).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_makefiles)
def test_lexer_and_parser_never_crash(text):
    for line in logical_lines(text):
        collapsed = remove_comment(collapse_continuations(line.text))
        parse_assignment(collapsed)
        parse_conditional(collapsed)
        parse_directive(collapsed)
        parse_rule_line(line.text, lambda value: value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(small_makefiles)
def test_the_whole_model_never_crashes(tmp_path, text):
    (tmp_path / "Makefile").write_text(text, errors="surrogateescape")
    trace = trace_make(tmp_path, [], ENV)
    for call in trace.calls:
        assert call.argv and call.argv[0]
