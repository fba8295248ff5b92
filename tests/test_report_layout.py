"""Wrapping prose to a width: at spaces in English, between characters in Chinese, by the typesetting rules."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from buildcheck.report.layout import wrap


def lines(text: str, width: int, indent: int = 0) -> list[str]:
    return [line.plain for line in wrap(text, width, indent=indent)]


def test_english_breaks_at_spaces_and_indents_continuations():
    assert lines("the binary will carry debug info", 16, indent=2) == ["the binary will", "  carry debug", "  info"]


@pytest.mark.parametrize("width", range(14, 30))  # 14: "（RUSTFLAGS）" fits
def test_chinese_never_starts_a_line_with_closing_punctuation_or_ends_one_with_an_opening_bracket(width):
    text = "二进制文件带有调试信息，因为环境变量（RUSTFLAGS）含有 -g。修复：删除它；然后重新构建。"
    out = lines(text, width)
    assert "".join(out).replace(" ", "") == text.replace(" ", "")
    for line in out[1:]:
        assert line.lstrip()[:1] not in set("，。、；：）")
    for line in out[:-1]:
        assert line[-1:] not in set("（")
    # a glued pair may overrun by one closing mark, never more
    assert all(cell_len(line) <= width + 2 for line in out)


@pytest.mark.parametrize("width", range(20, 60))
def test_a_bracket_before_a_latin_word_never_splits_the_word(width):
    text = "但这里的工具链是 rustc 1.72.0（rust-toolchain.toml:2）：下面按规则解释"
    out = lines(text, width)
    assert not any(line.endswith("（r") for line in out) and all("ust-toolchain" not in line.lstrip()[:13] or
                                                                 "rust-toolchain" in line for line in out)
    assert any("（rust-toolchain.toml:2）" in line for line in out)


@pytest.mark.parametrize("width", range(20, 70))
def test_commands_stay_whole_so_that_a_copied_line_runs(width):
    """A backtick span and an assignment's quoted value are one word; longer than the line, they overflow it."""
    command = "`rustup toolchain install 1.72.0 --profile minimal -c rustfmt -c clippy`"
    assignment = 'RUSTFLAGS="-C target-cpu=native"'
    text = f"the fix: run {command}, then export {assignment}; and build again"
    out = lines(text, width, indent=2)
    assert any(command in line for line in out) and any(assignment in line for line in out)
    assert " ".join(line.strip() for line in out) == text
    assert all(cell_len(line) <= width for line in out if command not in line and assignment not in line)


def test_a_span_marked_whole_moves_to_the_next_line_whole():
    text = "fix: export CARGO_PROFILE_RELEASE_STRIP=debuginfo"
    start = text.index("export")
    out = [line.plain for line in wrap(text, 20, indent=2, whole=((start, len(text)),))]
    assert out == ["fix:", "  export CARGO_PROFILE_RELEASE_STRIP=debuginfo"]


def test_an_unclosed_backtick_or_quote_does_not_swallow_the_rest():
    out = lines('a `b c d e f g h i j k and x="y z w v u t s r q', 12)
    assert len(out) > 2


@pytest.mark.parametrize("width", range(20, 60))
def test_export_and_unset_keep_their_operand(width):
    text = 'Fix: export RUSTFLAGS="-C target-cpu=native"; unset CARGO_ENCODED_RUSTFLAGS; then exported words wrap'
    out = lines(text, width)
    assert any('export RUSTFLAGS="-C target-cpu=native";' in line for line in out)
    assert any("unset CARGO_ENCODED_RUSTFLAGS;" in line for line in out)
    assert " ".join(line.strip() for line in out) == text
