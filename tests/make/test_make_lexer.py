"""Logical lines, continuations and comments, as GNU make 4.3 reads them (read.c, misc.c)."""

from __future__ import annotations

import pytest

from buildcheck.make.lexer import (collapse_continuations, find_unquoted, first_word, logical_lines, remove_comment,
                                   words)


def lines(text: str) -> list[tuple[str, int, int]]:
    return [(line.text, line.first, line.last) for line in logical_lines(text)]


def test_physical_lines_are_numbered_from_one():
    assert lines("a\nb\n") == [("a", 1, 1), ("b", 2, 2)]


def test_a_last_line_without_newline_is_a_line():
    assert lines("a\nb") == [("a", 1, 1), ("b", 2, 2)]


def test_backslash_newline_joins_lines_and_keeps_them_for_the_reader():
    assert lines("A = a \\\n  b\nC = c\n") == [("A = a \\\n  b", 1, 2), ("C = c", 3, 3)]


def test_an_even_number_of_backslashes_does_not_continue():
    assert lines("A = a\\\\\nB = b\n") == [("A = a\\\\", 1, 1), ("B = b", 2, 2)]


def test_three_backslashes_continue():
    assert lines("A = a\\\\\\\nb\n") == [("A = a\\\\\\\nb", 1, 2)]


def test_crlf_line_ends_lose_their_cr():
    assert lines("A = a\r\nB = b\r\n") == [("A = a", 1, 1), ("B = b", 2, 2)]


def test_continuation_at_end_of_file():
    assert lines("A = a \\\n") == [("A = a \\", 1, 1)]


def test_nul_cuts_the_line_and_is_reported():
    (line,) = list(logical_lines("A = a\0junk\n"))
    assert line.text == "A = a" and line.nul


def test_empty_text_has_no_lines():
    assert lines("") == []


@pytest.mark.parametrize("text, collapsed", [
    ("a \\\n   b", "a b"),
    ("a\\\nb", "a b"),
    ("a   \\\n\t\tb", "a b"),
    ("a \\\n \\\n c", "a c"),          # consecutive continuations become one space
    ("a\\\\\\\nb", "a\\ b"),          # three backslashes: one stays, the newline is escaped
    ("no newline", "no newline"),
])
def test_collapse_continuations(text, collapsed):
    assert collapse_continuations(text) == collapsed


@pytest.mark.parametrize("line, kept", [
    ("A = b # comment", "A = b "),     # the space before # stays in the value, as in make
    ("A = b \\# not a comment", "A = b # not a comment"),
    ("A = b \\\\# comment", "A = b \\"),
    ("A = b \\\\\\# not", "A = b \\# not"),
    ("A = $(subst #,x,a#b) # c", "A = $(subst #,x,a#b) "),
    ("A = ${x#y} tail", "A = ${x#y} tail"),
    ("# whole line", ""),
    ("A = a$", "A = a$"),
])
def test_remove_comment(line, kept):
    assert remove_comment(line) == kept


def test_find_unquoted_reports_the_unescaped_text():
    text, index = find_unquoted("a\\;b;c", ";", skip_references=False)
    assert text == "a;b;c" and index == 3


def test_find_unquoted_skips_references_when_asked():
    assert find_unquoted("$(a;b);c", ";", skip_references=True)[1] == 6
    assert find_unquoted("$(a;b);c", ";", skip_references=False)[1] == 3


def test_words_split_only_on_c_whitespace():
    assert words("  a\tb\nc  ") == ["a", "b", "c"]
    assert words("a\u00a0b") == ["a\u00a0b"]   # a no-break space is not a separator for make
    assert words("") == [] and words("   ") == []


def test_first_word():
    assert first_word("  export  A B") == ("export", "A B")
