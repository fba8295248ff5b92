"""Symbol names for people: the crate and language a name tells, Rust legacy names as paths.

No decoder here: the CLI's renderers and the fleet gate use it without loading iced-x86.
"""

from __future__ import annotations

import re

_LEGACY_RUST = re.compile(r"^_ZN(\d+)")
_RUST_HASH = re.compile(r"17h[0-9a-f]{16}E$")
_V0_CRATE = re.compile(r"C(?:s[0-9A-Za-z]*_)?u?(\d+)_?")


def symbol_origin(name: str) -> tuple[str | None, str]:
    """(crate, language) from a symbol name: Rust's legacy and v0 manglings name the crate first."""
    if name.startswith("_R"):
        m = _V0_CRATE.search(name, 2)
        if m:
            length = int(m.group(1))
            return name[m.end():m.end() + length] or None, "Rust"
        return None, "Rust"
    m = _LEGACY_RUST.match(name)
    if m:
        length = int(m.group(1))
        crate = name[m.end():m.end() + length]
        return (crate or None), ("Rust" if _RUST_HASH.search(name) else "C++")
    if name.startswith("_Z"):
        return None, "C++"
    return None, "C/asm"


_LEGACY_ESCAPES = {"$LT$": "<", "$GT$": ">", "$RF$": "&", "$BP$": "*", "$C$": ",", "$SP$": "@"}
_LEGACY_ESCAPE = re.compile(r"\$(?:LT|GT|RF|BP|C|SP|u[0-9a-f]{2})\$")
_LLVM_SUFFIX = re.compile(r"\.llvm\.\d+$")


def readable(name: str) -> str:
    """A Rust legacy-mangled symbol as a path (`work::kernel`), for people; other names as they are.

    The legacy scheme (`_ZN` + length-prefixed parts + `E`, a trailing `h<hash>` part, `$LT$`-style
    escapes) is simple and fully known; v0 (`_R...`) and C++ names are left mangled rather than
    half-decoded (the JSON keeps every name as the symbol table has it).
    """
    if not name.startswith("_ZN"):
        return name
    body = _LLVM_SUFFIX.sub("", name)
    parts: list[str] = []
    at = 3
    while at < len(body) and body[at].isdigit():
        end = at
        while end < len(body) and body[end].isdigit():
            end += 1
        length = int(body[at:end])
        parts.append(body[end:end + length])
        at = end + length
    if at != len(body) - 1 or body[at] != "E" or not parts:
        return name  # a C++ name: parameters follow the E
    if len(parts) > 1 and re.fullmatch(r"h[0-9a-f]{16}", parts[-1]):
        parts.pop()

    def unescape(part: str) -> str:
        part = part[1:] if part.startswith("_$") else part
        part = _LEGACY_ESCAPE.sub(lambda m: _LEGACY_ESCAPES.get(m.group(0)) or chr(int(m.group(0)[2:-1], 16)), part)
        return part.replace("..", "::")
    return "::".join(unescape(p) for p in parts)
