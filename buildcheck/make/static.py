"""Which directories a Makefile builds with cargo, over all its rules, without choosing a goal.

This is how buildcheck finds damocles' cargo workspaces from the repository root: the root
Makefile reaches `damocles-worker/` and `damocles-worker-util/` through `$(MAKE) -C dir ...`, and
their Makefiles run `cargo build` there. Every rule's recipe is expanded (in its target's context)
and read through the shell model; sub-makes are followed into their directories (bounded), and a
directory counts when a cargo command runs in it (`cd dir && cargo ...`, or `--manifest-path
dir/Cargo.toml`). Nothing is run.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from buildcheck.make.expand import MakeFatal
from buildcheck.make.options import parse_arguments
from buildcheck.make.recipes import classify, run_command
from buildcheck.make.shell import ShellModel, ShellUnsupported, Started
from buildcheck.make.walk import Invocation, MakeProcess, Trace
from buildcheck.model import Origin


def _manifest_directory(program: Started) -> Path | None:
    arguments = list(program.argv[1:])
    for index, argument in enumerate(arguments):
        if argument == "--manifest-path" and index + 1 < len(arguments):
            value = arguments[index + 1]
        elif argument.startswith("--manifest-path="):
            value = argument.partition("=")[2]
        else:
            continue
        path = Path(value) if value.startswith("/") else program.cwd / value
        return path.parent
    return None


def reached_programs(directory: Path, env: Mapping[str, str], *, arguments: Sequence[str] = (), max_depth: int = 4,
                     shell: ShellModel = ShellModel()) -> list[tuple[str, Started, Origin]]:
    """Every cargo and make program any rule's recipe would start, following sub-makes: (kind,
    program, the line of the first Makefile that leads to it)."""
    trace = Trace(env, max_depth=max_depth, max_bytes=1024 * 1024, shell=shell)
    found: list[tuple[str, Started, Origin]] = []
    visited: set[str] = set()

    def scan(where: Path, scan_env: Mapping[str, str], scan_arguments: Sequence[str], lead: Origin | None,
             depth: int) -> None:
        key = os.path.realpath(where)
        if key in visited or depth > max_depth:
            return
        visited.add(key)
        process = MakeProcess(trace, Invocation(where, tuple(scan_arguments), "make", dict(scan_env), {}, (), None))
        try:
            if not process.start() or not process.read_makefiles():
                return
            process.after_reading()
        except MakeFatal:
            if not process.db.explicit:
                return
        make_command = process.expander.expand("$(MAKE_COMMAND)")
        for target, rules in list(process.db.explicit.items()):
            if target.startswith(".") and "/" not in target:
                continue
            for rule in rules:
                if not rule.has_recipe:
                    continue
                unique = list(dict.fromkeys(rule.prerequisites))
                try:
                    commands, exported, choice = process.recipe_commands(target, None, rule, list(rule.prerequisites),
                                                                         unique, list(rule.order_only), unique)
                except MakeFatal:
                    continue
                child_env = {name: item.value for name, item in exported.items()}
                for command in commands:
                    try:
                        started = run_command(command, child_env, Path(process.directory), trace.registry, choice,
                                              shell).started
                    except ShellUnsupported:
                        continue
                    for program in started:
                        kind = classify(program.argv, make_command)
                        if kind == "other":
                            continue
                        origin = lead or command.origin
                        found.append((kind, program, origin))
                        if kind == "make":
                            options = parse_arguments(program.argv[1:])
                            sub = program.cwd
                            for step in options.arguments("directory"):
                                sub = Path(step) if step.startswith("/") else sub / step
                            if sub.is_dir():
                                scan(sub, program.env, [a for a in program.argv[1:] if "=" in a], origin, depth + 1)

    scan(Path(directory), env, arguments, None, 0)
    return found


def workspaces_built_by(directory: Path, env: Mapping[str, str], *, max_depth: int = 4,
                        shell: ShellModel = ShellModel()) -> list[tuple[Path, Origin]]:
    """The directories in which the Makefile in `directory` (or a sub-make it starts) runs cargo,
    each with the line of that Makefile that leads there; in order of discovery."""
    out: dict[str, Origin] = {}
    for kind, program, origin in reached_programs(directory, env, max_depth=max_depth, shell=shell):
        if kind != "cargo":
            continue
        target = _manifest_directory(program) or program.cwd
        out.setdefault(os.path.realpath(target), origin)
    return [(Path(path), origin) for path, origin in out.items()]
