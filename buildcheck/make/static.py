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
from dataclasses import dataclass, field
from pathlib import Path

from buildcheck.make.expand import MakeFatal
from buildcheck.make.options import parse_arguments
from buildcheck.make.recipes import classify, run_command
from buildcheck.make.shell import ShellModel, Started
from buildcheck.make.shell_syntax import ShellUnsupported
from buildcheck.make.process import Invocation, Trace
from buildcheck.make.walk import MakeRun
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


@dataclass
class _Scanned:
    """One directory's Makefile read statically: what each target's recipe starts, the
    prerequisites of each target, and the default goal."""

    programs: dict[str, list[tuple[str, Started, Origin]]] = field(default_factory=dict)
    prerequisites: dict[str, list[str]] = field(default_factory=dict)
    default_goal: str = ""

    def reachable(self, goals: Sequence[str]) -> list[tuple[str, Started, Origin]]:
        """The programs of the targets `goals` need (all targets when no goal is known)."""
        if not goals and not self.default_goal:
            return [item for items in self.programs.values() for item in items]
        seen: list[str] = []
        pending = list(goals or [self.default_goal])
        while pending:
            target = pending.pop(0)
            if target in seen:
                continue
            seen.append(target)
            pending.extend(self.prerequisites.get(target, []))
        return [item for target in seen for item in self.programs.get(target, [])]


def reached_programs(directory: Path, env: Mapping[str, str], *, arguments: Sequence[str] = (), max_depth: int = 4,
                     shell: ShellModel = ShellModel()) -> list[tuple[str, Started, Origin]]:
    """Every cargo and make program any rule's recipe would start, following sub-makes into the
    targets they ask for: (kind, program, the line of the Makefile in `directory` that leads to it).
    A directory below is read once; each line of the top Makefile gets what its sub-make reaches."""
    trace = Trace(env, max_depth=max_depth, max_bytes=1024 * 1024, shell=shell)
    memo: dict[str, _Scanned] = {}

    def scan(where: Path, scan_env: Mapping[str, str], scan_arguments: Sequence[str], depth: int) -> _Scanned:
        key = os.path.realpath(where)
        if key in memo:
            return memo[key]
        scanned = memo[key] = _Scanned()   # a loop back into a directory being read adds nothing
        if depth > max_depth:
            return scanned
        process = MakeRun(trace, Invocation(where, tuple(scan_arguments), "make", dict(scan_env), {}, (), None))
        try:
            if not process.start() or not process.read_makefiles():
                return scanned
            process.after_reading()
        except (MakeFatal, RecursionError):
            if not process.db.explicit:
                return scanned
        default = process.db.variables.get(".DEFAULT_GOAL")
        scanned.default_goal = default.value if default is not None else ""
        make_command = process.expander.expand("$(MAKE_COMMAND)")
        for target, rules in list(process.db.explicit.items()):
            scanned.prerequisites[target] = [p for rule in rules for p in (*rule.prerequisites, *rule.order_only)]
            if target.startswith(".") and "/" not in target:
                continue
            found = scanned.programs.setdefault(target, [])
            for rule in rules:
                if not rule.has_recipe:
                    continue
                unique = list(dict.fromkeys(rule.prerequisites))
                try:
                    commands, environment, choice = process.recipe_commands(
                        target, None, rule, list(rule.prerequisites), unique, list(rule.order_only), unique)
                    child_env = {name: item.value for name, item in environment().items()} if commands else {}
                except (MakeFatal, RecursionError):
                    continue
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
                        found.append((kind, program, command.origin))
                        if kind == "make":
                            options = parse_arguments(program.argv[1:])
                            sub = program.cwd
                            for step in options.arguments("directory"):
                                sub = Path(step) if step.startswith("/") else sub / step
                            if sub.is_dir():
                                below = scan(sub, program.env, list(options.variables), depth + 1)
                                found.extend((k, p, command.origin) for k, p, _line in below.reachable(options.goals))
        return scanned

    top = scan(Path(directory), env, arguments, 0)
    return [item for items in top.programs.values() for item in items]


def workspaces_built_by(directory: Path, env: Mapping[str, str], *, max_depth: int = 4,
                        shell: ShellModel = ShellModel()) -> list[tuple[Path, Origin]]:
    """The directories in which the Makefile in `directory` (or a sub-make it starts) runs cargo,
    each with the line of that Makefile that leads there; in order of discovery."""
    out: dict[str, Origin] = {}
    builds: dict[str, Origin] = {}
    for kind, program, origin in reached_programs(directory, env, max_depth=max_depth, shell=shell):
        if kind != "cargo":
            continue
        target = os.path.realpath(_manifest_directory(program) or program.cwd)
        out.setdefault(target, origin)
        if "build" in program.argv[1:2]:
            builds.setdefault(target, origin)
    # point at a line that builds there when there is one (`make build-worker`, not `make check-worker`)
    return [(Path(path), builds.get(path, origin)) for path, origin in out.items()]
