"""The language reaches every text the CLI prints: the group's help, click's own texts, errors."""

from __future__ import annotations

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
    assert "'--no-such-option'" in err
    assert "No such option" not in err and "错误" in err


def test_english_stays_the_default(capsys, monkeypatch):
    code, _out, err = run(capsys, ["scan", "--no-such-option"], monkeypatch)
    assert code == 2
    assert "Error: No such option '--no-such-option'." in err


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
