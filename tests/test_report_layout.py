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
