"""GNU make's text functions on already-expanded arguments: subst, patsubst, filter, sort, dir, ...

Each function here takes the expanded argument strings and returns the result, exactly as make
4.3 computes it (function.c): word lists are split on whitespace and joined with one space,
`subst` keeps the text as is, `%` patterns honour backslash escapes. Functions that decide what to
expand (`if`, `foreach`, `call`, ...), look up variables or touch the outside world live in
expand.py; the ones here are pure, apart from `wildcard` and `realpath`, which only read the
file system.
"""

from __future__ import annotations

import glob
import os

from buildcheck.make.lexer import SPACE, find_unquoted, words


class FunctionError(Exception):
    """Input a make function rejects with a fatal error (e.g. `$(word 0,...)`)."""


def _unescape_percent(pattern: str) -> tuple[str, int]:
    """make's find_percent: the pattern with backslash escapes before `%` resolved, and the index of
    the first unescaped `%` (-1 if none). n backslashes before a `%` leave n // 2; an odd count
    makes that `%` literal: the lexer's rule for any stop character."""
    return find_unquoted(pattern, "%", skip_references=False)


def compile_pattern(pattern: str) -> tuple[str, str | None]:
    """(prefix, suffix) of a `%` pattern, or (literal, None) for a pattern without `%`."""
    text, percent = _unescape_percent(pattern)
    if percent < 0:
        return text, None
    return text[:percent], text[percent + 1:]


def pattern_stem(pattern: tuple[str, str | None], word: str) -> str | None:
    """The part of `word` that `%` matches, or None when the word does not match."""
    prefix, suffix = pattern
    if suffix is None:
        return "" if word == prefix else None
    if len(word) < len(prefix) + len(suffix) or not word.startswith(prefix) or not word.endswith(suffix):
        return None
    return word[len(prefix):len(word) - len(suffix)]


def _replace_with_stem(pattern: tuple[str, str | None], replacement: tuple[str, str | None], text: str) -> str:
    out = []
    for item in words(text):
        stem = pattern_stem(pattern, item)
        if stem is None:
            out.append(item)
        elif pattern[1] is None or replacement[1] is None:
            out.append(replacement[0])
        else:
            out.append(replacement[0] + stem + replacement[1])
    return " ".join(out)


def patsubst_words(text: str, pattern: str, replacement: str) -> str:
    return _replace_with_stem(compile_pattern(pattern), compile_pattern(replacement), text)


def substitution_reference(value: str, find: str, replace: str) -> str:
    """`$(VAR:find=replace)`: patsubst, as if `%` stood in front of both when `find` has none."""
    find_text, percent = _unescape_percent(find)
    if percent < 0:
        return _replace_with_stem(("", find_text), ("", replace), value)
    return _replace_with_stem((find_text[:percent], find_text[percent + 1:]), compile_pattern(replace), value)


def subst(find: str, replace: str, text: str) -> str:
    if find == "":
        return text + replace  # the first occurrence of "" in any string is its end
    return text.replace(find, replace)


def strip(text: str) -> str:
    return " ".join(words(text))


def findstring(find: str, text: str) -> str:
    return find if find in text else ""


def filter_words(patterns: str, text: str, *, keep_matching: bool) -> str:
    compiled = [compile_pattern(p) for p in words(patterns)]
    out = [word for word in words(text)
           if any(pattern_stem(c, word) is not None for c in compiled) == keep_matching]
    return " ".join(out)


def sort_words(text: str) -> str:
    return " ".join(sorted(set(words(text)), key=lambda w: w.encode("utf-8", "surrogateescape")))


def _number(text: str, function: str, which: str) -> int:
    stripped = text.strip(SPACE)
    if not stripped.isdigit() or not stripped.isascii():
        raise FunctionError(f"non-numeric {which} argument to '{function}' function: '{stripped}'")
    return int(stripped)


def word(index: str, text: str) -> str:
    number = _number(index, "word", "first")
    if number == 0:
        raise FunctionError("first argument to 'word' function must be greater than 0")
    items = words(text)
    return items[number - 1] if number <= len(items) else ""


def wordlist(start: str, end: str, text: str) -> str:
    first = _number(start, "wordlist", "first")
    last = _number(end, "wordlist", "second")
    if first == 0:
        raise FunctionError(f"invalid first argument to 'wordlist' function: '{first}'")
    if last < first:
        return ""
    return " ".join(words(text)[first - 1:last])


def count_words(text: str) -> str:
    return str(len(words(text)))


def firstword(text: str) -> str:
    items = words(text)
    return items[0] if items else ""


def lastword(text: str) -> str:
    items = words(text)
    return items[-1] if items else ""


def dir_words(text: str) -> str:
    return " ".join(w[: w.rfind("/") + 1] if "/" in w else "./" for w in words(text))


def notdir_words(text: str) -> str:
    return " ".join(w[w.rfind("/") + 1:] for w in words(text))


def suffix_words(text: str) -> str:
    out = []
    for item in words(text):
        name = item[item.rfind("/") + 1:]
        if "." in name:
            out.append(name[name.rfind("."):])
    return " ".join(out)


def basename_words(text: str) -> str:
    out = []
    for item in words(text):
        slash, dot = item.rfind("/"), item.rfind(".")
        out.append(item[:dot] if dot > slash else item)
    return " ".join(out)


def addprefix(prefix: str, text: str) -> str:
    return " ".join(prefix + w for w in words(text))


def addsuffix(suffix: str, text: str) -> str:
    return " ".join(w + suffix for w in words(text))


def join_words(first: str, second: str) -> str:
    left, right = words(first), words(second)
    length = max(len(left), len(right))
    return " ".join((left[i] if i < len(left) else "") + (right[i] if i < len(right) else "")
                    for i in range(length))


def lexical_abspath(name: str, directory: str) -> str:
    """`name` made absolute against `directory` by text alone, `.` and `..` folded, no symlink followed: what
    make's $(abspath) and a shell's logical `cd` (its $PWD) both do."""
    path = name if name.startswith("/") else directory.rstrip("/") + "/" + name
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/" + "/".join(parts)


def abspath_words(text: str, directory: str) -> str:
    return " ".join(lexical_abspath(w, directory) for w in words(text))


def realpath_words(text: str, directory: str) -> str:
    out = []
    for item in words(text):
        path = item if item.startswith("/") else os.path.join(directory, item)
        if os.path.exists(path):
            out.append(os.path.realpath(path))
    return " ".join(out)


_GLOB_CHARS = "*?["


def wildcard_words(text: str, directory: str, *, limit: int = 10000) -> str:
    """`$(wildcard ...)`: each pattern's matches, sorted (make 4.3 sorts them), relative to `directory`.

    Only reads directories. `limit` bounds the answer for a pattern such as `**/*` on a huge tree.
    """
    out: list[str] = []
    for pattern in words(text):
        expanded = os.path.expanduser(pattern) if pattern.startswith("~") else pattern
        if not any(c in expanded for c in _GLOB_CHARS):
            target = expanded if expanded.startswith("/") else os.path.join(directory, expanded)
            if os.path.lexists(target):
                out.append(expanded)
            continue
        found = glob.glob(expanded, root_dir=directory) if not expanded.startswith("/") else glob.glob(expanded)
        out.extend(sorted(found))
        if len(out) > limit:
            break
    return " ".join(out[:limit])
