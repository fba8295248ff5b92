"""What "the make build" of a cargo workspace means: every `make GOAL` that ends in `cargo build`
in that workspace, from the workspace's own Makefile or from a Makefile above it, and the
environment that cargo build gets.

For damocles-worker that is `make` / `make all` / `make build-all` in damocles-worker/ (whose
default goal also runs `cargo fmt` and `cargo clippy --fix` first), and `make`, `make all`,
`make build`, `make build-worker` at the repository root, which reach `build-all` through
`$(MAKE) -C ./damocles-worker/`. Calls that agree on directory, argv and environment are grouped,
so the answer lists each distinct cargo build once with all the ways to reach it.

Which goals to try comes from a static reading of every rule (static.py): only goals whose recipe,
or a prerequisite's recipe, reaches the workspace are traced.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from buildcheck.make.expand import MakeFatal
from buildcheck.make.result import CargoCall, MakeNote, MakeTrace
from buildcheck.make.shell import ShellModel
from buildcheck.make.static import reached_programs
from buildcheck.make.process import Invocation, Trace
from buildcheck.make.walk import MakeRun, trace_make

MAKEFILE_NAMES = ("GNUmakefile", "makefile", "Makefile")


@dataclass(frozen=True)
class MakeBuild:
    """One distinct `cargo build` the make build of a workspace runs.

    entry   the directory make is run in (the workspace, or a directory above it)
    goals   the goals that run it there ("" is `make` with no goal: the default goal)
    call    the cargo command: directory, argv, complete environment, changes with their origins
    trace   the trace of the first of those goals (all calls, notes, completeness)
    """

    entry: Path
    goals: tuple[str, ...]
    call: CargoCall
    trace: MakeTrace

    @property
    def notes(self) -> tuple[MakeNote, ...]:
        return self.trace.notes


def _has_makefile(directory: Path) -> bool:
    return any((directory / name).is_file() for name in MAKEFILE_NAMES)


def _candidate_goals(entry: Path, env: Mapping[str, str], workspace: str) -> list[str]:
    """Goals of the Makefile in `entry` whose recipes, or their prerequisites', reach the workspace."""
    trace = Trace(env, max_depth=4, max_bytes=1024 * 1024, shell=ShellModel())
    process = MakeRun(trace, Invocation(entry, (), "make", dict(env), {}, (), None))
    try:
        if not process.start() or not process.read_makefiles():
            return [""]
        process.after_reading()
    except (MakeFatal, RecursionError):
        pass
    db = process.db
    reaching: set[str] = set()
    lines = set()
    for kind, program, origin in reached_programs(entry, env):
        if kind == "cargo" and os.path.realpath(program.cwd) == workspace and "build" in program.argv[1:2]:
            lines.add((origin.path, origin.line))
    for target, rules in db.explicit.items():
        for rule in rules:
            if any((line.origin.path, line.origin.line) in lines for line in rule.recipe):
                reaching.add(target)
    # a goal reaches the workspace when it or one of its prerequisites (transitively) does
    changed = True
    while changed:
        changed = False
        for target, rules in db.explicit.items():
            if target in reaching:
                continue
            if any(p in reaching for rule in rules for p in (*rule.prerequisites, *rule.order_only)):
                reaching.add(target)
                changed = True
    goals = [""] + sorted(t for t in reaching if not (t.startswith(".") and "/" not in t) and "%" not in t)
    return goals


def make_builds(workspace: Path, env: Mapping[str, str], *, entries: Sequence[Path] | None = None,
                levels_up: int = 2, max_depth: int = 8) -> list[MakeBuild]:
    """The cargo build commands that make runs in `workspace`, from its own Makefile and from the
    Makefiles of up to `levels_up` parent directories (or the given `entries`)."""
    workspace_path = Path(workspace)
    resolved = os.path.realpath(workspace_path)
    if entries is None:
        entries = [workspace_path]
        parent = workspace_path.resolve()
        for _ in range(levels_up):
            parent = parent.parent
            entries.append(parent)
    builds: list[MakeBuild] = []
    for entry in entries:
        if not _has_makefile(Path(entry)):
            continue
        for goal in _candidate_goals(Path(entry), env, resolved):
            trace = trace_make(Path(entry), [goal] if goal else [], env, max_depth=max_depth)
            for call in trace.builds():
                if os.path.realpath(call.cwd) != resolved:
                    continue
                _add(builds, MakeBuild(Path(entry), (goal,), call, trace))
    return builds


def make_stops(workspace: Path, entries: Sequence[Path], env: Mapping[str, str], *,
               max_depth: int = 8) -> list[MakeNote]:
    """Why `make` (its default goal) in each of `entries` ends with an error once it has entered `workspace`
    without running its cargo build: a Makefile there that make rejects (a variable that references itself,
    `$(error ...)`, a missing rule). The user following the docs gets that error, not a binary."""
    resolved = os.path.realpath(workspace)
    stops: list[MakeNote] = []
    for entry in entries:
        if not _has_makefile(Path(entry)):
            continue
        trace = trace_make(Path(entry), [], env, max_depth=max_depth)
        entered = os.path.realpath(trace.directory) == resolved or any(
            os.path.realpath(make.directory) == resolved for make in trace.makes)
        reached = any(os.path.realpath(call.cwd) == resolved for call in trace.builds())
        if entered and not reached and not trace.succeeded:
            stops.extend(note for note in trace.notes if note.kind == "error" and note not in stops)
    return stops


def _same(first: CargoCall, second: CargoCall) -> bool:
    return first.cwd == second.cwd and first.argv == second.argv and dict(first.env) == dict(second.env)


def _add(builds: list[MakeBuild], new: MakeBuild) -> None:
    for index, existing in enumerate(builds):
        if existing.entry == new.entry and _same(existing.call, new.call):
            if new.goals[0] not in existing.goals:
                builds[index] = MakeBuild(existing.entry, (*existing.goals, *new.goals), existing.call, existing.trace)
            return
    builds.append(new)


__all__ = ["MakeBuild", "make_builds"]
