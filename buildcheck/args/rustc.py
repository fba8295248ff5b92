"""rustc's arguments as options with their token spans: the one parser of rustc's command-line grammar.

rustc reads its arguments with getopts. A codegen option is spelled four ways (`-C key=value`, `-Ckey=value`,
`--codegen key=value`, `--codegen=key=value`) and its key is looked up with `-` and `_` alike
(`-C target_cpu=native` is target-cpu). `-g` means `-C debuginfo=2` and `-O` means `-C opt-level=2`. An option that
takes a value consumes the next token whatever it looks like: `--cfg -g` sets a cfg named `-g`. For every codegen
key the last occurrence wins; for debuginfo the later of the last `-g` and the last `-C debuginfo=` decides.

Each option keeps its span of tokens, so a caller can remove an option as written (both tokens of `-C debuginfo=2`)
and keep every other token byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from packaging.version import Version

OptionKind = Literal["codegen", "with-value", "flag", "dangling"]

# rustc options whose value may be the next token (getopts `optopt`/`optmulti`), long and short forms.
_LONG_WITH_VALUE = frozenset({
    "--cfg", "--check-cfg", "--crate-type", "--crate-name", "--edition", "--emit", "--print", "--out-dir",
    "--explain", "--target", "--allow", "--warn", "--force-warn", "--deny", "--forbid", "--cap-lints", "--extern",
    "--sysroot", "--error-format", "--json", "--color", "--diagnostic-width", "--remap-path-prefix", "--env-set",
    "--unpretty", "--pretty", "--extern-location"})
_SHORT_WITH_VALUE = frozenset({"-L", "-l", "-o", "-A", "-W", "-D", "-F", "-Z"})

# `-C debuginfo=` values. rustc 1.71 added the names (cargo#11958 era); rustc 1.63 takes only 0, 1, 2.
DEBUGINFO_NAMES_SINCE = Version("1.71")
_DEBUGINFO_VALUES = {"0": "none", "1": "limited", "2": "full", "none": "none", "limited": "limited", "full": "full",
                     "line-directives-only": "line-directives-only", "line-tables-only": "line-tables-only"}
_NUMERIC_DEBUGINFO = frozenset({"0", "1", "2"})
STRIP_VALUES = frozenset({"none", "debuginfo", "symbols"})


@dataclass(frozen=True)
class RustcOption:
    """One option as written: tokens[start:end] of the list it was parsed from."""

    start: int
    end: int
    tokens: tuple[str, ...]
    kind: OptionKind
    name: str          # codegen key normalised to dashes (`target-cpu`), or the option as typed (`--cfg`, `-g`)
    value: str | None  # the codegen value, or the option's value; None for flags and bare `-C key`

    @property
    def written(self) -> str:
        return " ".join(self.tokens)


def _codegen(start: int, end: int, tokens: tuple[str, ...], assignment: str) -> RustcOption:
    key, sep, value = assignment.partition("=")
    return RustcOption(start, end, tokens, "codegen", key.strip().replace("_", "-"), value if sep else None)


def parse_rustc_args(args: Sequence[str]) -> list[RustcOption]:
    """Every option in `args`, in order; `-g` and `-O` come back as the codegen options they mean."""
    options: list[RustcOption] = []
    i = 0
    while i < len(args):
        token = args[i]
        if token in ("-C", "--codegen"):
            if i + 1 < len(args):
                options.append(_codegen(i, i + 2, (token, args[i + 1]), args[i + 1]))
                i += 2
            else:  # rustc: "Argument to option 'C' missing"
                options.append(RustcOption(i, i + 1, (token,), "dangling", token, None))
                i += 1
            continue
        if token.startswith("--codegen="):
            options.append(_codegen(i, i + 1, (token,), token[len("--codegen="):]))
        elif token.startswith("-C") and not token.startswith("--"):
            options.append(_codegen(i, i + 1, (token,), token[2:]))
        elif token == "-g":
            options.append(RustcOption(i, i + 1, (token,), "codegen", "debuginfo", "2"))
        elif token == "-O":
            options.append(RustcOption(i, i + 1, (token,), "codegen", "opt-level", "2"))
        elif token in _LONG_WITH_VALUE or token in _SHORT_WITH_VALUE:
            if i + 1 < len(args):
                options.append(RustcOption(i, i + 2, (token, args[i + 1]), "with-value", token, args[i + 1]))
                i += 2
                continue
            options.append(RustcOption(i, i + 1, (token,), "dangling", token, None))
        elif "=" in token and token.split("=", 1)[0] in _LONG_WITH_VALUE:
            name, _sep, value = token.partition("=")
            options.append(RustcOption(i, i + 1, (token,), "with-value", name, value))
        elif token[:2] in _SHORT_WITH_VALUE and len(token) > 2:
            options.append(RustcOption(i, i + 1, (token,), "with-value", token[:2], token[2:]))
        else:
            options.append(RustcOption(i, i + 1, (token,), "flag", token, None))
        i += 1
    return options


def codegen_options(args: Sequence[str]) -> list[RustcOption]:
    return [option for option in parse_rustc_args(args) if option.kind == "codegen"]


def last_codegen(args: Sequence[str], key: str) -> RustcOption | None:
    """The `-C key=...` rustc uses (the last one), or None."""
    found = None
    for option in codegen_options(args):
        if option.name == key:
            found = option
    return found


def parse_debuginfo_value(value: str | None, rustc_version: Version | None = None) -> str | None:
    """The level `-C debuginfo=value` sets, or None when that rustc rejects the value."""
    if value is None:
        return None
    if rustc_version is not None and rustc_version < DEBUGINFO_NAMES_SINCE and value not in _NUMERIC_DEBUGINFO:
        return None
    return _DEBUGINFO_VALUES.get(value)


def debuginfo_option(args: Sequence[str]) -> RustcOption | None:
    """The option that decides debuginfo on this command line (the last `-g` / `-C debuginfo=`), or None."""
    return last_codegen(args, "debuginfo")


def turns_debuginfo_on(option: RustcOption) -> bool:
    """`-g`, or `-C debuginfo=` with any value but 0/none (a value rustc rejects is no way to turn it off)."""
    return option.kind == "codegen" and option.name == "debuginfo" and (option.value or "").strip() not in (
        "0", "none")


def strip_keeps_debuginfo(option: RustcOption) -> bool:
    """`-C strip=none` (or a boolean no): it comes after cargo's own `-C strip=` and keeps every debug section."""
    return option.kind == "codegen" and option.name == "strip" and (option.value or "").strip() in (
        "none", "false", "no", "n", "off")


def without(args: Sequence[str], drop: Callable[[RustcOption], bool]) -> tuple[str, ...]:
    """`args` minus every option `drop` selects, the other tokens kept in order, byte for byte."""
    removed: set[int] = set()
    for option in parse_rustc_args(args):
        if drop(option):
            removed.update(range(option.start, option.end))
    return tuple(token for index, token in enumerate(args) if index not in removed)


def options_matching(args: Sequence[str], keep: Callable[[RustcOption], bool]) -> list[RustcOption]:
    return [option for option in parse_rustc_args(args) if keep(option)]


def codegen_pairs(args: Sequence[str]) -> Iterable[tuple[str, str | None]]:
    """(key, value) of each codegen option, in order (what `rustc --print cfg` sees of target-cpu/target-feature)."""
    return ((option.name, option.value) for option in codegen_options(args))


def rejected_option(args: Sequence[str], rustc_version: Version | None = None) -> RustcOption | None:
    """The first option rustc refuses to start with (a dangling `-C`, a `-C debuginfo=` or `-C strip=` value it
    does not know), or None. rustc checks every occurrence, not only the one that wins."""
    for option in parse_rustc_args(args):
        if option.kind == "dangling":
            return option
        if option.kind != "codegen":
            continue
        if option.name == "debuginfo" and parse_debuginfo_value(option.value, rustc_version) is None:
            return option
        if option.name == "strip" and option.value not in STRIP_VALUES:
            return option
    return None
