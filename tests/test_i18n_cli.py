"""The language reaches every text the CLI prints: the group's help, click's own texts, errors."""

from __future__ import annotations

import re

import pytest

from buildcheck import cli, i18n


@pytest.fixture(autouse=True)
def english_afterwards():
    # Command modules fix their help texts when first imported: import them in English first, so a
    # --lang zh run here does not leave Chinese help behind for tests that run later in this process.
    import importlib

    i18n.set_language("en")
    for command in cli.COMMANDS:
        if cli._available(command):
            importlib.import_module(f"buildcheck.commands.{command}")
    yield
    i18n.set_language("en")


def run(capsys, argv: list[str], monkeypatch=None, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    if monkeypatch is not None:
        for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
            monkeypatch.delenv(name, raising=False)
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def test_language_from_argv():
    assert i18n.language_from_argv(["--lang", "zh", "scan"]) == "zh"
    assert i18n.language_from_argv(["--color", "never", "--lang=en", "scan"]) == "en"
    assert i18n.language_from_argv(["scan", "--", "--lang", "zh"]) is None
    assert i18n.language_from_argv(["--lang"]) is None


def test_language_from_env_reads_lc_all_first():
    assert i18n.language_from_env({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}) == "zh"
    assert i18n.language_from_env({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}) == "en"
    assert i18n.language_from_env({"LANG": "zh_TW.UTF-8"}) == "zh"
    assert i18n.language_from_env({}) == "en"


def test_language_is_a_preference_list_read_only_outside_the_c_locale():
    """GNU gettext: LANGUAGE comes first, but not when the locale is C (which no locale variable at all is)."""
    assert i18n.language_from_env({"LANGUAGE": "fr:zh_CN", "LANG": "en_US.UTF-8"}) == "zh"
    assert i18n.language_from_env({"LANGUAGE": "zh", "LANG": "C.UTF-8"}) == "en"
    assert i18n.language_from_env({"LANGUAGE": "zh"}) == "en"


def test_group_help_in_chinese_before_the_callback_runs(capsys, monkeypatch):
    code, out, _err = run(capsys, ["--lang", "zh", "--help"], monkeypatch)
    assert code == 0
    assert "用法" in out and "选项" in out
    assert "调试信息" in out  # the group's own description
    assert "Show this message and exit." not in out


def test_locale_variable_chooses_chinese_and_lang_overrides_it(capsys, monkeypatch):
    code, out, _err = run(capsys, ["--help"], monkeypatch, {"LANG": "zh_CN.UTF-8"})
    assert code == 0 and "用法" in out
    code, out, _err = run(capsys, ["--lang", "en", "--help"], monkeypatch, {"LANG": "zh_CN.UTF-8"})
    assert code == 0 and "Usage:" in out and "用法" not in out


def test_clicks_usage_error_in_chinese_exits_2(capsys, monkeypatch):
    code, _out, err = run(capsys, ["--lang", "zh", "scan", "--no-such-option"], monkeypatch)
    assert code == 2
    # click's wording differs between releases (8.1.0: "No such option: --x"); each one we know is translated
    assert "--no-such-option" in err
    assert "No such option" not in err and "错误" in err and "没有选项" in err


def test_english_stays_the_default(capsys, monkeypatch):
    code, _out, err = run(capsys, ["scan", "--no-such-option"], monkeypatch)
    assert code == 2
    assert "Error: No such option" in err and "--no-such-option" in err and "错误" not in err


def test_our_error_line_is_translated(capsys, monkeypatch, tmp_path):
    missing = tmp_path / "nothing-here"
    code, _out, err = run(capsys, ["--lang", "zh", "inspect", str(missing)], monkeypatch)
    assert code == 2
    assert err.startswith("buildcheck: 错误：") and str(missing) in err
    assert len(err.strip().splitlines()) == 1


def test_unsupported_language_falls_back_to_english():
    i18n.set_language("fr")
    assert i18n.current_language() == "en"
    assert i18n._("Usage:") == "Usage:"


@pytest.mark.parametrize("command", list(cli.COMMANDS))
def test_every_command_has_help_with_examples_in_both_languages(command):
    """A fresh process per language: a command's help text is fixed when its module is imported."""
    import subprocess
    import sys

    for lang, examples, usage in (("en", "Examples:", "Usage:"), ("zh", "示例：", "用法:")):
        result = subprocess.run([sys.executable, "-m", "buildcheck", "--lang", lang, command, "--help"],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert examples in result.stdout and usage in result.stdout, (command, lang, result.stdout)
        assert f"buildcheck {command}" in result.stdout.split(examples, 1)[1]
    # every option's help is translated too: each option line's description has Chinese in it
    zh = subprocess.run([sys.executable, "-m", "buildcheck", "--lang", "zh", command, "--help"],
                        capture_output=True, text=True, timeout=60).stdout
    lines = zh.split("\n选项:\n", 1)[1].splitlines()
    described = 0
    for index, line in enumerate(lines):
        if not line.startswith("  -"):
            continue
        parts = re.split(r"\s{2,}", line.strip(), maxsplit=1)
        description = parts[1] if len(parts) > 1 else lines[index + 1].strip()
        assert re.search("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", description), (command, line)
        described += 1
    assert described >= 1


def test_version(capsys, monkeypatch):
    from buildcheck import __version__

    code, out, _err = run(capsys, ["--version"], monkeypatch)
    assert code == 0 and out.strip() == f"buildcheck, version {__version__}"
