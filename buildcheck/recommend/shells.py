"""Environment changes written for a shell, a `$GITHUB_ENV` file or a Makefile, quoted correctly.

Each target has its own quoting:
- sh: `export X='…'` through shlex.quote; `\\x1f` (CARGO_ENCODED_RUSTFLAGS) is made by
  POSIX printf's `\\037`, since plain sh has no `$'…'`;
- fish: `set -gx X '…'`; inside fish single quotes only `\\\\` and `\\'` are escapes, and
  an unquoted `\\x1f` is fish's own escape for the separator;
- github-env: `X=value` lines, or the `X<<DELIM` heredoc form for multi-line values;
  a `$GITHUB_ENV` file cannot unset, so an unset becomes an assignment of a neutral value;
- make: `export X := …` with `$` written `$$` and `#` written `\\#` (else a comment),
  backslashes before `#` doubled and a trailing backslash guarded by `$()`;
  the separator comes from a helper variable set by `$(shell printf '\\037')`.
Comments are `# …` lines everywhere except github-env, whose file has no comment syntax:
there they are returned as notes for stderr.
"""

from __future__ import annotations

import hashlib
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from buildcheck.recommend.rustflags import ENCODED_SEPARATOR

Shell = Literal["sh", "fish", "github-env", "make"]
SHELLS: tuple[Shell, ...] = ("sh", "fish", "github-env", "make")

_MAKE_SEPARATOR_VAR = "BUILDCHECK_US"


@dataclass(frozen=True)
class SetVar:
    name: str
    value: str


@dataclass(frozen=True)
class UnsetVar:
    """Unset `name`; where that is impossible (github-env) assign `fallback` instead."""

    name: str
    fallback: str = ""


@dataclass(frozen=True)
class Comment:
    text: str


EnvChange = SetVar | UnsetVar | Comment


@dataclass(frozen=True, kw_only=True)
class RenderedEnv:
    lines: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())


def _fish_quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _make_escape(value: str) -> str:
    """Text that GNU make reads back as `value` on the right of `:=`.

    `$` doubles; `#` needs a backslash, and backslashes right before a `#` must double
    too (make reads `\\\\#` as one backslash and a comment); a trailing backslash would
    continue the line, so an empty `$()` follows it.
    """
    escaped = re.sub(r"(\\*)#", lambda m: m.group(1) * 2 + "\\#", value.replace("$", "$$"))
    return escaped + "$()" if escaped.endswith("\\") else escaped


def _heredoc_delimiter(value: str) -> str:
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    lines = set(value.splitlines())
    n = 12
    while (delimiter := f"BUILDCHECK_EOF_{digest[:n]}") in lines:  # a value that contains its own delimiter
        n += 1
    return delimiter


def _render_sh(change: SetVar) -> str:
    if ENCODED_SEPARATOR in change.value:
        parts = change.value.split(ENCODED_SEPARATOR)
        fmt = "\\037".join(["%s"] * len(parts))
        args = " ".join(shlex.quote(p) for p in parts)
        if not change.value.endswith("\n"):
            return f"export {change.name}=\"$(printf '{fmt}' {args})\""
        # $(…) eats trailing newlines: print a sentinel after them and cut it off again.
        return (f"{change.name}=\"$(printf '{fmt}.' {args})\"; "
                f"export {change.name}=\"${{{change.name}%.}}\"")
    return f"export {change.name}={shlex.quote(change.value)}"


def _render_fish(change: SetVar) -> str:
    if ENCODED_SEPARATOR in change.value:
        quoted = "\\x1f".join(_fish_quote(p) for p in change.value.split(ENCODED_SEPARATOR))
        return f"set -gx {change.name} {quoted}"
    return f"set -gx {change.name} {_fish_quote(change.value)}"


def _render_make(change: SetVar) -> list[str]:
    if "\n" in change.value or "\r" in change.value:
        body = change.value.replace("$", "$$")
        return [f"define {change.name}", *body.splitlines(), "endef", f"export {change.name}"]
    if ENCODED_SEPARATOR in change.value:
        joined = f"$({_MAKE_SEPARATOR_VAR})".join(_make_escape(p) for p in change.value.split(ENCODED_SEPARATOR))
        return [f"{_MAKE_SEPARATOR_VAR} := $(shell printf '\\037')", f"export {change.name} := {joined}"]
    return [f"export {change.name} := {_make_escape(change.value)}"]


def _render_github_env(name: str, value: str) -> list[str]:
    if "\n" in value or "\r" in value:
        delimiter = _heredoc_delimiter(value)
        return [f"{name}<<{delimiter}", *value.splitlines(), delimiter]
    return [f"{name}={value}"]


def render(changes: Sequence[EnvChange], shell: Shell) -> RenderedEnv:
    lines: list[str] = []
    notes: list[str] = []
    for change in changes:
        if isinstance(change, Comment):
            if shell == "github-env":
                notes.append(change.text)
            else:
                lines.extend("# " + text for text in change.text.splitlines())
        elif isinstance(change, UnsetVar):
            if shell == "sh":
                lines.append(f"unset {change.name}")
            elif shell == "fish":
                lines.append(f"set -e {change.name}")
            elif shell == "make":
                lines.append(f"unexport {change.name}")
            else:
                lines.extend(_render_github_env(change.name, change.fallback))
        elif shell == "sh":
            lines.append(_render_sh(change))
        elif shell == "fish":
            lines.append(_render_fish(change))
        elif shell == "make":
            lines.extend(_render_make(change))
        else:
            lines.extend(_render_github_env(change.name, change.value))
    return RenderedEnv(lines=tuple(lines), notes=tuple(notes))
