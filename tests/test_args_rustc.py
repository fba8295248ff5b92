"""The one parser of rustc's arguments: spellings, spans, values that take the next token, what rustc rejects."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version

from buildcheck.args import rustc


@pytest.mark.parametrize("args, name, value", [
    (["-C", "target-cpu=native"], "target-cpu", "native"),
    (["-Ctarget-cpu=native"], "target-cpu", "native"),
    (["--codegen", "target-cpu=native"], "target-cpu", "native"),
    (["--codegen=target-cpu=native"], "target-cpu", "native"),
    (["-C", "target_cpu=native"], "target-cpu", "native"),   # rustc looks keys up with - and _ alike
    (["-g"], "debuginfo", "2"),
    (["-O"], "opt-level", "2"),
    (["-C", "lto"], "lto", None),
])
def test_every_spelling_of_a_codegen_option(args, name, value):
    (option,) = rustc.parse_rustc_args(args)
    assert (option.kind, option.name, option.value) == ("codegen", name, value)
    assert (option.start, option.end) == (0, len(args))


@pytest.mark.parametrize("args", [["--cfg", "-g"], ["-L", "-g"], ["--cfg=-g"], ["-A", "-Cdebuginfo=2"],
                                  ["--print", "-g"], ["-Z", "-g"]])
def test_a_value_of_another_option_is_not_an_option(args):
    assert rustc.debuginfo_option(args) is None


def test_last_option_wins_and_keeps_its_span():
    args = ["-C", "debuginfo=2", "--cfg", "x", "-Cdebuginfo=0", "-g", "-C", "target_cpu=x86-64-v3"]
    option = rustc.debuginfo_option(args)
    assert (option.start, option.end, option.tokens) == (5, 6, ("-g",))
    assert rustc.last_codegen(args, "target-cpu").value == "x86-64-v3"


def test_without_removes_whole_options_and_keeps_the_rest_byte_for_byte():
    args = ["--cfg", "tokio_unstable", "-C", "debuginfo=2", "-C", "target-cpu=native", "-g", "--cfg", "-g"]
    kept = rustc.without(args, rustc.turns_debuginfo_on)
    assert kept == ("--cfg", "tokio_unstable", "-C", "target-cpu=native", "--cfg", "-g")


@pytest.mark.parametrize("value, old, new", [
    ("0", "none", "none"), ("2", "full", "full"), ("full", None, "full"), ("limited", None, "limited"),
    ("line-tables-only", None, "line-tables-only"), ("3", None, None), ("", None, None),
])
def test_debuginfo_values_per_rustc_version(value, old, new):
    assert rustc.parse_debuginfo_value(value, Version("1.63.0")) == old
    assert rustc.parse_debuginfo_value(value, Version("1.95.0")) == new


@pytest.mark.parametrize("args, rejected", [
    (["-C"], "-C"), (["-C", "debuginfo=3"], "debuginfo"), (["-g", "-C", "debuginfo=bogus", "-g"], "debuginfo"),
    (["-C", "strip=everything"], "strip"), (["-C", "target-cpu=native", "-g"], None), (["--cfg"], "--cfg"),
])
def test_what_rustc_refuses_to_start_with(args, rejected):
    option = rustc.rejected_option(args, Version("1.95.0"))
    assert (option.name if option else None) == rejected


def test_named_debuginfo_is_rejected_by_an_old_rustc():
    assert rustc.rejected_option(["-C", "debuginfo=full"], Version("1.63.0")) is not None
    assert rustc.rejected_option(["-C", "debuginfo=full"], Version("1.95.0")) is None


_token = st.sampled_from(["-g", "-O", "-C", "--codegen", "--cfg", "-L", "x", "debuginfo=2", "-Cdebuginfo=0",
                          "--codegen=debuginfo=1", "target-cpu=native", "-Ctarget_cpu=native", "--cfg=-g", "-Lfoo"])


@given(st.lists(_token, max_size=12))
def test_spans_tile_the_argument_list(args):
    """Every token belongs to exactly one option, in order: removal by span can never drop a neighbour."""
    options = rustc.parse_rustc_args(args)
    position = 0
    for option in options:
        assert option.start == position and option.end > option.start
        assert tuple(args[option.start:option.end]) == option.tokens
        position = option.end
    assert position == len(args)
