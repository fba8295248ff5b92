"""Read what real cargo handed to rustc, from the ``Running `rustc ...` `` lines of `cargo build -v`.

This is the ground truth side of the differential suite, so it does as little
interpretation as possible: it splits each command line with shlex, names the
unit (package, host or target) and extracts the three things buildcheck
predicts — the final debuginfo level, cargo's `-C strip=` and the rustflags
tail — without knowing anything about cargo's configuration rules.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

# rustc's own spellings of a debuginfo level, normalised to the profile names buildcheck uses.
_LEVEL_NAMES = {
    "0": "none", "none": "none", "false": "none", "n": "none", "no": "none", "off": "none",
    "1": "limited", "limited": "limited",
    "2": "full", "full": "full", "true": "full", "y": "full", "yes": "full", "on": "full",
    "line-tables-only": "line-tables-only",
    "line-directives-only": "line-directives-only",
}

_RUNNING = re.compile(r"^\s*Running `(?P<cmd>.*)`\s*$")


def normalize_level(value: object) -> str:
    """A debuginfo level from rustc, a profile or buildcheck as one of buildcheck's five names."""
    text = str(value).strip().strip('"').lower()
    if text.isdigit() and int(text) > 2:
        return "full"  # rustc before 1.71 read the level as a number and treated anything >= 2 as full
    try:
        return _LEVEL_NAMES[text]
    except KeyError:
        raise ValueError(f"not a debuginfo level: {value!r}") from None


@dataclass(frozen=True)
class RustcCall:
    """One rustc invocation cargo made, with just enough structure to compare against a prediction."""

    argv: tuple[str, ...]
    crate_name: str
    package: str
    is_build_script: bool
    extra_filename: str | None
    externs: tuple[str, ...]  # file names of the --extern artifacts (libdep-<hash>.rlib)
    has_target_flag: bool
    is_proc_macro: bool = False

    @property
    def final_debuginfo(self) -> str:
        """What rustc uses: the last `-C debuginfo=` or `-g` on the whole command line (rustflags included)."""
        level = "none"
        for option, value in _codegen_options(self.argv):
            if option == "debuginfo":
                level = normalize_level(value)
            elif option == "-g":
                level = "full"
        return level

    @property
    def cargo_strip(self) -> str:
        """The `-C strip=` value, or "none" when there is none (cargo passes nothing for none)."""
        strip = "none"
        for option, value in _codegen_options(self.argv):
            if option == "strip":
                strip = {"false": "none", "true": "symbols"}.get(value, value)
        return strip

    def marker_flags(self, prefix: str) -> tuple[str, ...]:
        """`--cfg NAME` markers whose NAME starts with prefix, in command-line order."""
        found = []
        for index, arg in enumerate(self.argv[:-1]):
            if arg == "--cfg" and self.argv[index + 1].startswith(prefix):
                found.append(self.argv[index + 1])
        return tuple(found)

    def ends_with(self, flags: tuple[str, ...]) -> bool:
        """True when the command line ends with exactly these flags (cargo appends rustflags last)."""
        return not flags or self.argv[-len(flags):] == tuple(flags)


def _codegen_options(argv: tuple[str, ...]):
    """Yield (name, value) for every `-C name=value` / `-Cname=value`, and ("-g", "") for `-g`, in order."""
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "-g":
            yield "-g", ""
        elif arg in ("-C", "--codegen") and index + 1 < len(argv):
            index += 1
            name, _, value = argv[index].partition("=")
            yield name, value
        elif arg.startswith("-C") and len(arg) > 2:
            name, _, value = arg[2:].partition("=")
            yield name, value
        elif arg.startswith("--codegen="):
            name, _, value = arg[len("--codegen="):].partition("=")
            yield name, value
        index += 1


def _option_value(argv: list[str], name: str) -> str | None:
    for index, arg in enumerate(argv[:-1]):
        if arg == name:
            return argv[index + 1]
    return None


def parse_running_lines(stderr: str) -> list[RustcCall]:
    """Every rustc call in `cargo build -v` output (build-script *executions* are skipped)."""
    calls = []
    for line in stderr.splitlines():
        match = _RUNNING.match(line)
        if not match:
            continue
        argv = shlex.split(match.group("cmd"))
        crate = _option_value(argv, "--crate-name")
        if crate is None:
            continue  # `Running target/.../build-script-build`: running a build script, not compiling
        out_dir = _option_value(argv, "--out-dir") or ""
        extra = None
        for option, value in _codegen_options(tuple(argv)):
            if option == "extra-filename":
                extra = value
        is_build_script = crate.startswith("build_script_")
        if is_build_script:
            # --out-dir .../build/<package>-<hash>: the only place the package name appears.
            package = re.sub(r"-[0-9a-f]+$", "", out_dir.rstrip("/").rsplit("/", 1)[-1])
        else:
            package = crate.replace("_", "-")
        externs = tuple(value.partition("=")[2].rsplit("/", 1)[-1]
                        for index, value in enumerate(argv) if index and argv[index - 1] == "--extern")
        calls.append(RustcCall(argv=tuple(argv), crate_name=crate, package=package,
                               is_build_script=is_build_script, extra_filename=extra,
                               externs=externs, has_target_flag="--target" in argv,
                               is_proc_macro=_option_value(argv, "--crate-type") == "proc-macro"))
    return calls


def split_host_and_target(calls: list[RustcCall]) -> dict[tuple[str, bool], RustcCall]:
    """Key each call by (package, host).

    Host units are the build scripts, the proc-macros and every library they link, found through the
    --extern artifact names; target units are the rest of what the non-build-script
    units link. This works with and without --target. Without --target, cargo
    builds a crate needed on both sides only once when both want the same
    settings: that one call then answers for both keys. Two calls for one key would
    make the comparison ambiguous: an error of the workspace generator, not of cargo.
    """
    by_artifact = {}
    for call in calls:
        if call.extra_filename is not None:
            by_artifact[f"lib{call.crate_name}{call.extra_filename}"] = call

    def reachable(roots: list[RustcCall], stop_at_proc_macros: bool = False) -> set[int]:
        seen: set[int] = set()
        pending = list(roots)
        while pending:
            call = pending.pop()
            if id(call) in seen or (stop_at_proc_macros and call.is_proc_macro):
                continue
            seen.add(id(call))
            for artifact in call.externs:
                stem = artifact.rsplit(".", 1)[0]
                if stem in by_artifact:
                    pending.append(by_artifact[stem])
        return seen

    # Proc-macros run inside the compiler: host units, as are the libraries they link.
    host = reachable([call for call in calls if call.is_build_script or call.is_proc_macro])
    target = reachable([call for call in calls if not call.is_build_script and id(call) not in host],
                       stop_at_proc_macros=True)
    units: dict[tuple[str, bool], RustcCall] = {}
    for call in calls:
        keys = [(call.package, True)] if id(call) in host else []
        if id(call) in target or not keys:
            keys.append((call.package, False))
        for key in keys:
            if key in units:
                raise AssertionError(f"two rustc calls for {key}: cannot tell them apart")
            units[key] = call
    return units
