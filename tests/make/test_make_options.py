"""make's command line and MAKEFLAGS (the differential tests check the MAKEFLAGS children see)."""

from __future__ import annotations

import pytest

from buildcheck.make.options import flag_string, parse_arguments, quote_for_env, split_makeflags


def test_flags_variables_goals_in_any_order():
    options = parse_arguments(["-ks", "all", "RUSTFLAGS=-g", "-C", "dir", "--environment-overrides", "install"])
    assert options.on("keep-going") and options.on("silent") and options.on("environment-overrides")
    assert options.goals == ("all", "install")
    assert options.variables == ("RUSTFLAGS=-g",)
    assert options.arguments("directory") == ("dir",)


@pytest.mark.parametrize("arguments, directories", [
    (["-Cdir"], ("dir",)), (["-C", "a", "-C", "b"], ("a", "b")), (["--directory=x"], ("x",)),
    (["--directory", "y"], ("y",)), (["--dir=z"], ("z",)),
])
def test_directory_spellings(arguments, directories):
    assert parse_arguments(arguments).arguments("directory") == directories


def test_double_dash_ends_options():
    options = parse_arguments(["--", "-k", "A=1"])
    assert not options.on("keep-going")
    assert options.goals == ("-k",) and options.variables == ("A=1",)


def test_optional_job_count():
    assert parse_arguments(["-j"]).arguments("jobs") == ("",)
    assert parse_arguments(["-j", "4", "all"]).arguments("jobs") == ("4",)
    assert parse_arguments(["-j", "all"]).goals == ("all",)


def test_unknown_options_are_kept_for_the_error():
    assert parse_arguments(["-Z"]).unknown == ("-Z",)
    assert parse_arguments(["--frobnicate"]).unknown == ("--frobnicate",)


def test_from_makeflags_goals_are_ignored_and_switches_filtered():
    options = parse_arguments(["-w", "stray", "X=1", "-C", "d"], from_env=True)
    assert options.goals == () and options.variables == ("X=1",)
    assert options.on("print-directory")
    assert options.arguments("directory") == ()   # -C is not honoured from MAKEFLAGS


@pytest.mark.parametrize("value, words", [
    ("", []),
    ("ks", ["-ks"]),
    (" -- X=1", ["--", "X=1"]),
    ("w -- X=a\\ b Y=c\\\\d", ["-w", "--", "X=a b", "Y=c\\d"]),
    ("es --no-print-directory", ["-es", "--no-print-directory"]),
    ("X=1", ["X=1"]),
])
def test_split_makeflags(value, words):
    assert split_makeflags(value) == words


def test_quote_for_env():
    assert quote_for_env("a b$c\\d") == "a\\ b$$c\\\\d"


@pytest.mark.parametrize("arguments, flags", [
    ([], ""),
    (["-k", "-s", "-i"], "-iks"),
    (["-B", "-r", "-R"], "-BrR"),
    (["-e", "--no-print-directory"], "-e --no-print-directory"),
    (["--no-print-directory"], "- --no-print-directory"),
    (["-I", "inc dir"], "- -Iinc\\ dir"),
])
def test_flag_string_order_is_make_s_switch_table(arguments, flags):
    assert flag_string(parse_arguments(arguments)) == flags


def test_options_with_arguments_wait_until_the_makefiles_are_read():
    options = parse_arguments(["-k", "-I", "inc"])
    assert flag_string(options, with_arguments=False) == "-k"
