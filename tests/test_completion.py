"""Shell completion through click's _BUILDCHECK_COMPLETE protocol, as docs/en/completion.md shows it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest


def complete(env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {**os.environ, **env_extra}
    env.pop("LANG", None)
    return subprocess.run([sys.executable, "-m", "buildcheck"], env=env, capture_output=True, text=True, timeout=60)


def test_bash_completes_command_names_lazily_loaded():
    result = complete({"_BUILDCHECK_COMPLETE": "bash_complete", "COMP_WORDS": "buildcheck d", "COMP_CWORD": "1"})
    assert result.returncode == 0
    assert result.stdout.split() == ["plain,diff", "plain,doctor", "plain,demo"]


def test_bash_completes_option_choices():
    result = complete({"_BUILDCHECK_COMPLETE": "bash_complete", "COMP_WORDS": "buildcheck check --format ",
                       "COMP_CWORD": "3"})
    assert result.stdout.split() == ["plain,text", "plain,json", "plain,sarif", "plain,github"]


@pytest.mark.parametrize("shell, marker", [
    ("bash", "complete -o nosort -F _buildcheck_completion buildcheck"),
    ("zsh", "#compdef buildcheck"),
    ("fish", "complete --no-files --command buildcheck"),
])
def test_source_scripts_name_our_program(shell, marker):
    result = complete({"_BUILDCHECK_COMPLETE": f"{shell}_source"})
    assert result.returncode == 0 and marker in result.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_generated_bash_script_is_valid_bash(tmp_path):
    script = tmp_path / "complete.bash"
    script.write_text(complete({"_BUILDCHECK_COMPLETE": "bash_source"}).stdout)
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("fish") is None, reason="needs fish")
def test_generated_fish_script_is_valid_fish(tmp_path):
    script = tmp_path / "buildcheck.fish"
    script.write_text(complete({"_BUILDCHECK_COMPLETE": "fish_source"}).stdout)
    result = subprocess.run(["fish", "--no-execute", str(script)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
