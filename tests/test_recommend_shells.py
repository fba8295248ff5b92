"""Quoting is checked by the real shells and make: what they export must equal what we meant."""

import json
import shlex
import shutil
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from buildcheck.recommend.shells import Comment, SetVar, UnsetVar, render

DUMP_ENV = [sys.executable, "-c", "import json, os; print(json.dumps(dict(os.environ)))"]
SHELLS = [s for s in ("sh", "dash", "bash") if shutil.which(s)]


def _env_after_sh(shell: str, lines, start_env=None) -> dict:
    script = "\n".join(lines) + "\n" + shlex.join(DUMP_ENV) + "\n"
    out = subprocess.run([shell, "-c", script], capture_output=True, text=True, check=True,
                         env=start_env if start_env is not None else {"PATH": "/usr/bin:/bin"}, timeout=30)
    return json.loads(out.stdout)


def _env_after_make(tmp_path, lines, start_env=None) -> dict:
    makefile = tmp_path / "Makefile"
    recipe = shlex.join(DUMP_ENV).replace("$", "$$")
    makefile.write_text("\n".join(lines) + "\nall:\n\t@" + recipe + "\n")
    out = subprocess.run(["make", "-s", "-f", str(makefile)], capture_output=True, text=True, check=True,
                         env=start_env if start_env is not None else {"PATH": "/usr/bin:/bin"}, timeout=30,
                         cwd=tmp_path)
    return json.loads(out.stdout)


# Values a flag can hold: quotes, backslashes, dollars, hashes, spaces, globs, non-ASCII.
awkward_text = st.text(
    alphabet=st.sampled_from(list("ab-=C ,'\"\\$#*?!;&|()`~{}[]<>%:é\t")), min_size=0, max_size=20)


@pytest.mark.parametrize("shell", SHELLS)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=awkward_text)
def test_sh_family_exports_exactly_the_value(shell, value):
    lines = render([SetVar("RUSTFLAGS", value)], "sh").lines
    assert _env_after_sh(shell, lines)["RUSTFLAGS"] == value


@pytest.mark.parametrize("shell", SHELLS)
@settings(max_examples=15, deadline=None)
@given(parts=st.lists(awkward_text | st.just("ends\n\n"), min_size=1, max_size=4))
def test_sh_encoded_rustflags_keeps_the_unit_separator(shell, parts):
    value = "\x1f".join(parts)
    lines = render([SetVar("CARGO_ENCODED_RUSTFLAGS", value)], "sh").lines
    assert "\x1f" not in "\n".join(lines)  # printable output
    assert _env_after_sh(shell, lines)["CARGO_ENCODED_RUSTFLAGS"] == value


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=awkward_text.map(str.strip))
def test_make_exports_exactly_the_value(tmp_path, value):
    lines = render([SetVar("RUSTFLAGS", value)], "make").lines
    assert _env_after_make(tmp_path, lines)["RUSTFLAGS"] == value


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize("value", ["a\\#b", "a\\\\#b", "x\\", "x\\\\", "#", "$$", "a\\b", "$(shell id)"])
def test_make_backslashes_and_hashes(tmp_path, value):
    assert _env_after_make(tmp_path, render([SetVar("V", value)], "make").lines)["V"] == value


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_encoded_rustflags_and_unexport(tmp_path):
    value = "--cfg\x1ffeature=\"a b\"\x1f-Clink-arg=$ORIGIN#x"
    lines = render([SetVar("CARGO_ENCODED_RUSTFLAGS", value), UnsetVar("CXXFLAGS")], "make").lines
    env = _env_after_make(tmp_path, lines, {"PATH": "/usr/bin:/bin", "CXXFLAGS": "-g"})
    assert env["CARGO_ENCODED_RUSTFLAGS"] == value
    assert "CXXFLAGS" not in env


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_multiline_value_uses_define(tmp_path):
    value = "line one\nline $two"
    lines = render([SetVar("X", value)], "make").lines
    assert lines[0] == "define X"
    assert _env_after_make(tmp_path, lines)["X"] == value


@pytest.mark.parametrize("shell", SHELLS)
def test_unset_removes_the_variable(shell):
    lines = render([UnsetVar("RUSTFLAGS")], "sh").lines
    assert lines == ("unset RUSTFLAGS",)
    env = _env_after_sh(shell, lines, {"PATH": "/usr/bin:/bin", "RUSTFLAGS": "-g"})
    assert "RUSTFLAGS" not in env


def test_fish_quoting():
    lines = render([SetVar("RUSTFLAGS", "-C target-cpu=native it's \\x"), UnsetVar("CFLAGS")], "fish").lines
    assert lines == ("set -gx RUSTFLAGS '-C target-cpu=native it\\'s \\\\x'", "set -e CFLAGS")
    encoded = render([SetVar("CARGO_ENCODED_RUSTFLAGS", "a\x1fb c")], "fish").lines
    assert encoded == ("set -gx CARGO_ENCODED_RUSTFLAGS 'a'\\x1f'b c'",)


@pytest.mark.skipif(shutil.which("fish") is None, reason="needs fish")
@settings(max_examples=15, deadline=None)
@given(parts=st.lists(awkward_text, min_size=1, max_size=3))
def test_fish_sets_exactly_the_value(parts):
    value = "\x1f".join(parts)
    lines = render([SetVar("CARGO_ENCODED_RUSTFLAGS", value)], "fish").lines
    script = "\n".join(lines) + "\n" + shlex.join(DUMP_ENV)
    out = subprocess.run(["fish", "-c", script], capture_output=True, text=True, check=True, timeout=30)
    assert json.loads(out.stdout)["CARGO_ENCODED_RUSTFLAGS"] == value


def test_github_env_lines_and_heredoc():
    rendered = render([SetVar("RUSTFLAGS", "-C target-cpu=native"), UnsetVar("CXXFLAGS", fallback="-O2"),
                       SetVar("MULTI", "a\nb"), Comment("a note")], "github-env")
    assert rendered.lines[:2] == ("RUSTFLAGS=-C target-cpu=native", "CXXFLAGS=-O2")
    start, body1, body2, end = rendered.lines[2:]
    assert start.startswith("MULTI<<") and start[len("MULTI<<"):] == end
    assert (body1, body2) == ("a", "b")
    assert rendered.notes == ("a note",)
    assert not any(line.startswith("#") for line in rendered.lines)


def test_github_env_delimiter_never_appears_in_the_value():
    first = render([SetVar("X", "a\nb")], "github-env").lines
    delimiter = first[-1]
    tricky = render([SetVar("X", f"a\n{delimiter}\nb")], "github-env").lines
    assert tricky[-1] != delimiter and tricky[0] == "X<<" + tricky[-1]
    assert tricky[-1] not in tricky[1:-1]


def test_comments_in_scripts():
    lines = render([Comment("two\nlines")], "sh").lines
    assert lines == ("# two", "# lines")


@pytest.mark.parametrize("shell", SHELLS)
def test_sh_encoded_value_ending_in_newlines_survives_command_substitution(shell):
    value = "--cfg\x1fa\n\n"
    lines = render([SetVar("CARGO_ENCODED_RUSTFLAGS", value)], "sh").lines
    assert _env_after_sh(shell, lines)["CARGO_ENCODED_RUSTFLAGS"] == value
