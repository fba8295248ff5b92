"""What users see in terminals and pipes: every command at 40, 80 and 200 columns with each location whole and no
trailing spaces; a reader that closes the pipe early; Ctrl-C at several moments; JSON that does not change with
the language except for its texts."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers.scenario import BINARY_FIXTURES, Scenario

from buildcheck.report.layout import PathStyle

WIDTHS = (40, 80, 200)
# The commands a person reads, on scenarios whose findings point into files (a parent config, the manifest).
COMMANDS = [("scan",), ("check",), ("explain",), ("fix",), ("flags",),
            ("explain", str(BINARY_FIXTURES / "rust-tiny-debug")),
            ("check", "--binary", str(BINARY_FIXTURES / "mixed-rust-c"))]
SCENARIOS = ("parent-dir-config-line3", "home-config-profile", "lotus-g-1.72")
# A word, one ASCII space, a full-width bracket; or full-width punctuation followed by one ASCII space (two or more
# are a column gap).
LATIN_SPACE_IN_CHINESE = re.compile(r"[^ ] （|[：；，、。] (?! )")


def _locations(s: Scenario) -> set[str]:
    """Every file location the scan's findings point at, as the text output shows it (~, relative to the cwd)."""
    data = json.loads(s.run("scan", "--format", "json").stdout)
    style = PathStyle(cwd=str(s.cwd), home=s.full_env()["HOME"])
    shown = set()
    for finding in data["findings"]:
        location = finding["location"] or {}
        if "path" in location:
            shown.add(style.show(location["path"]) + (f":{location['line']}" if location.get("line") else ""))
    return shown


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("width", WIDTHS)
def test_every_command_keeps_locations_whole_and_lines_clean(scenario, width, tmp_path):
    s = Scenario(scenario, tmp_path)
    locations = _locations(s)
    assert locations or scenario == "lotus-g-1.72"
    for command in COMMANDS:
        done = s.run(*command, env={"COLUMNS": str(width), "NO_COLOR": "1"})
        assert done.returncode in (0, 1), (command, done.stderr)
        for stream in (done.stdout, done.stderr):
            lines = stream.splitlines()
            assert all(line == line.rstrip() for line in lines), (command, width, [l for l in lines if l != l.rstrip()])
            for location in locations:
                if location in stream.replace("\n", " "):
                    assert any(location in line for line in lines), (command, width, location, stream)


def test_prose_wraps_at_words_to_the_width(tmp_path):
    s = Scenario("lotus-g-1.72", tmp_path)
    text = s.run("scan", env={"COLUMNS": "60", "NO_COLOR": "1"}).stdout
    long = [line for line in text.splitlines() if len(line) > 60]
    # only a single token longer than the line may overflow it (a path, a flag): never prose
    assert all(" " not in line.strip() for line in long), long


def test_piped_output_is_not_wrapped(tmp_path):
    s = Scenario("lotus-g-1.72", tmp_path)
    text = s.run("scan", env={"NO_COLOR": "1"}, unset=("COLUMNS",)).stdout
    assert any(len(line) > 120 for line in text.splitlines())  # a whole finding on one line, for grep


def _console_script() -> list[str]:
    script = Path(sys.executable).parent / "buildcheck"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from buildcheck.entry import main; main()"]


def test_a_closed_pipe_ends_quietly_with_141(tmp_path):
    s = Scenario("lotus-g-1.72", tmp_path)
    reader = subprocess.Popen([sys.executable, "-c", "import os, sys, time; os.close(0); time.sleep(2)"],
                              stdin=subprocess.PIPE)
    assert reader.stdin is not None
    time.sleep(0.3)  # the reader has closed its end: every write buildcheck makes fails with EPIPE
    done = subprocess.run([*_console_script(), "scan"], cwd=s.cwd, env=s.full_env(), stdout=reader.stdin,
                          stderr=subprocess.PIPE, text=True, timeout=60)
    reader.stdin.close()
    reader.wait()
    assert done.returncode == 141 and done.stderr == "", done.stderr


@pytest.mark.parametrize("delay", [0.0, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0])
def test_ctrl_c_at_any_moment_is_one_line_and_130(delay, tmp_path):
    """A FIFO nobody writes to keeps `diff` waiting in open() as long as needed; the early delays hit the imports.

    Before Python runs any of our code (the first milliseconds of interpreter start-up), the OS default applies:
    the process is terminated by SIGINT, which a shell reports as 130 too; never a traceback."""
    fifo = tmp_path / "never-written"
    os.mkfifo(fifo)
    process = subprocess.Popen([*_console_script(), "diff", str(fifo), str(fifo)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env={**os.environ, "LANG": "C"})
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert out == ""
    if "Fatal Python error: init_import_site" in err or process.returncode == -signal.SIGINT:
        # Interrupted while CPython itself starts (before the site module is in, let alone buildcheck): CPython
        # reports that itself; nothing of ours has run, nothing of ours appears.
        assert f"{os.sep}buildcheck{os.sep}" not in err and "buildcheck:" not in err and delay < 0.2, err
    else:
        assert process.returncode == 130, (process.returncode, err)
        assert err.splitlines() == ["buildcheck: interrupted"], err
    if delay >= 0.2:
        assert process.returncode == 130  # our code runs by then


def _without_texts(value):
    """The JSON minus the texts a language changes (their ids and parameters stay)."""
    texts = {"message", "fix", "headline", "summary", "evidence", "notes", "detail"}
    if isinstance(value, dict):
        return {k: _without_texts(v) for k, v in value.items() if k not in texts}
    if isinstance(value, list):
        return [_without_texts(v) for v in value]
    return value


@pytest.mark.parametrize("command", [("scan", "--format", "json"), ("check", "--format", "json"),
                                     ("explain", "--format", "json"), ("check", "--format", "sarif")])
def test_json_is_the_same_in_every_language_but_its_texts(command, tmp_path):
    s = Scenario("parent-dir-config-line3", tmp_path)
    english = json.loads(s.run(*command, "--lang", "en").stdout)
    chinese = json.loads(s.run(*command, "--lang", "zh").stdout)
    if command[-1] == "sarif":
        english, chinese = ([r["partialFingerprints"] for r in doc["runs"][0]["results"]] for doc in (english, chinese))
    assert _without_texts(english) == _without_texts(chinese)


def test_global_options_after_the_subcommand(tmp_path):
    s = Scenario("lotus-g-1.72", tmp_path)
    before = s.run("--color", "always", "scan")
    after = s.run("scan", "--color", "always")
    assert "\x1b[" in before.stdout and before.stdout == after.stdout
    assert s.run("scan", "--lang", "zh").stdout == s.run("--lang", "zh", "scan").stdout


BINARY_COMMANDS = [("inspect", str(BINARY_FIXTURES / "mixed-rust-c"), str(BINARY_FIXTURES / "c-split-dwarf")),
                   ("inspect", "--isa", str(BINARY_FIXTURES / "rust-tiny")),
                   ("diff", str(BINARY_FIXTURES / "rust-tiny"), str(BINARY_FIXTURES / "rust-tiny-debug")),
                   ("check", "--binary", str(BINARY_FIXTURES / "rust-tiny"), "--runs-on", "x86-64-v2"),
                   ("doctor", "--root", str(Path(__file__).resolve().parents[1] / "fixtures/doctor/roots/bare-debian"),
                    str(Path(__file__).resolve().parents[1] / "fixtures/doctor/damocles-like"))]


@pytest.mark.parametrize("command", BINARY_COMMANDS, ids=lambda c: c[0] + ("-isa" if "--isa" in c else ""))
@pytest.mark.parametrize("width", WIDTHS)
def test_binary_commands_have_clean_lines_and_whole_names(command, width, tmp_path):
    s = Scenario("clean", tmp_path)
    done = s.run(*command, env={"COLUMNS": str(width), "NO_COLOR": "1"})
    assert done.returncode in (0, 1), done.stderr
    lines = done.stdout.splitlines()
    assert all(line == line.rstrip() for line in lines), [l for l in lines if l != l.rstrip()]
    for argument in command[1:]:
        if argument.startswith("/") and Path(argument).is_file():
            assert any(argument in line for line in lines), (argument, done.stdout)  # as typed, whole


def test_ctrl_c_wrapped_by_class_creation_is_still_an_interrupt(monkeypatch, capsys):
    """Python 3.11 wraps an exception raised in a dataclass field's __set_name__ (Ctrl-C during a lazy import of a
    command) in RuntimeError; that is still Ctrl-C: one line and 130, not an "internal error"."""
    from buildcheck import cli

    def interrupted_while_importing(**_kwargs):
        try:
            raise cli.Interrupted
        except cli.Interrupted as exc:
            raise RuntimeError("Error calling __set_name__ on 'Field' instance 'params' in 'Message'") from exc

    monkeypatch.setattr(cli.cli, "main", interrupted_while_importing)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["scan"])
    assert exit_info.value.code == 130
    assert capsys.readouterr().err.splitlines() == ["buildcheck: interrupted"]


@pytest.mark.parametrize("moment", ["choosing the language", "routing click's messages", "reporting an error"])
def test_ctrl_c_before_or_after_the_command_is_still_one_line(moment, monkeypatch, capsys):
    """Ctrl-C can land on any instruction after main() installs its handler: while the language is chosen (slow on
    a cold disk), or while an error is being printed. Each is one line and 130, never a traceback."""
    import click

    from buildcheck import cli, i18n
    from buildcheck.errors import BuildcheckError

    def interrupted(*_args, **_kwargs):
        raise cli.Interrupted

    if moment == "choosing the language":
        monkeypatch.setattr(i18n, "set_language", interrupted)
    elif moment == "routing click's messages":
        monkeypatch.setattr(i18n, "route_click_messages", interrupted)
    else:
        def fails(**_kwargs):
            raise BuildcheckError("cannot read Cargo.toml")

        real_echo = click.echo
        calls = []

        def echo_interrupted_once(message=None, **kwargs):
            calls.append(message)
            if len(calls) == 1:  # the error line: Ctrl-C arrives while it is written
                raise cli.Interrupted
            real_echo(message, **kwargs)

        monkeypatch.setattr(cli.cli, "main", fails)
        monkeypatch.setattr(cli.click, "echo", echo_interrupted_once)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["scan"])
    assert exit_info.value.code == 130
    assert capsys.readouterr().err.splitlines() == ["buildcheck: interrupted"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_chinese_puts_no_ascii_space_next_to_full_width_punctuation(scenario, tmp_path):
    """Full-width punctuation carries its own spacing; "设置 （…）" and "修复： 运行" are a Latin habit leaking through a
    renderer's join.
    Two spaces are a column gap (the scan's tables), not a word space, and stay."""
    s = Scenario(scenario, tmp_path)
    for command in COMMANDS + [("check", "--format", "github")]:
        done = s.run(*command, "--lang", "zh", env={"COLUMNS": "200", "NO_COLOR": "1"})
        assert done.returncode in (0, 1), (command, done.stderr)
        for line in done.stdout.splitlines():
            assert not LATIN_SPACE_IN_CHINESE.search(line), (command, line)

