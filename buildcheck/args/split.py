"""How cargo splits the text of a rustflags source into arguments.

Cargo splits `RUSTFLAGS` on the space character and trims each piece (`a.split(' ').map(str::trim)`, empty pieces
dropped): `RUSTFLAGS=$'-C target-cpu=native -g\\n'` gives rustc `-g`, and a tab inside a piece stays in it.
`CARGO_ENCODED_RUSTFLAGS` is split on 0x1f only, untrimmed. A rustflags *string* in a config file, or a list-valued
config key given as an environment variable (`CARGO_BUILD_RUSTFLAGS`, `CARGO_TARGET_<TRIPLE>_RUSTFLAGS`), is split
with Rust's `split_whitespace`. Rust's whitespace (the Unicode White_Space property) is not Python's `str.isspace`:
Python also counts the separators 0x1c-0x1f, Rust does not, so both are spelled out here.
"""

from __future__ import annotations

import re

ENCODED_SEPARATOR = "\x1f"
# Unicode White_Space, as Rust's char::is_whitespace defines it.
RUST_WHITESPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                   "\u200a\u2028\u2029\u202f\u205f\u3000")
_WHITESPACE_RUN = re.compile("[" + re.escape(RUST_WHITESPACE) + "]+")


def rust_trim(text: str) -> str:
    return text.strip(RUST_WHITESPACE)


def split_whitespace(text: str) -> list[str]:
    """Rust's `str::split_whitespace`."""
    return [piece for piece in _WHITESPACE_RUN.split(text) if piece]


def split_rustflags_variable(value: str) -> list[str]:
    """`RUSTFLAGS` as cargo reads it: split on ' ', each piece trimmed, empty pieces dropped."""
    return [trimmed for trimmed in (rust_trim(piece) for piece in value.split(" ")) if trimmed]


def split_encoded(value: str) -> list[str]:
    """`CARGO_ENCODED_RUSTFLAGS`: 0x1f-separated; empty means no flags."""
    return value.split(ENCODED_SEPARATOR) if value else []


def split_variable(name: str, value: str) -> list[str]:
    """The arguments cargo reads from the environment variable `name`."""
    if name == "CARGO_ENCODED_RUSTFLAGS":
        return split_encoded(value)
    if name == "RUSTFLAGS":
        return split_rustflags_variable(value)
    return split_whitespace(value)  # config-backed variables: CARGO_BUILD_RUSTFLAGS, CARGO_TARGET_*_RUSTFLAGS


def join_for_variable(name: str, flags: list[str] | tuple[str, ...]) -> str:
    """The value that makes cargo read `flags` back from `name` (a flag with a space needs the encoded form)."""
    if name == "CARGO_ENCODED_RUSTFLAGS":
        return ENCODED_SEPARATOR.join(flags)
    return " ".join(flags)
