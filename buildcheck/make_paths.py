"""The build a Makefile runs, as one more build path of a workspace (buildcheck/make/ predicts it, read only).

For a workspace, "the make build" is the `cargo build` that `make` runs in it: damocles-worker's own `make build-all`,
or, where a Makefile above reaches it (damocles' root: `$(MAKE) -C ./damocles-worker/ build-all`), the one a user
following the project's docs gets from there. Of the builds buildcheck/make/builds.py finds, the one entered from
the highest directory is taken, its default goal first. That cargo call is scanned like a direct build, with the
environment make hands it (an `export RUSTFLAGS` turns an unset RUSTFLAGS into a set-but-empty one), each variable
make set pointing at its Makefile line, and the recipe's own arguments (`--release --workspace --features=cuda`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from buildcheck.i18n import N_
from buildcheck.messages import Message
from buildcheck.model import Origin

if TYPE_CHECKING:
    from buildcheck.cargo.resolved import ScanResult
    from buildcheck.make import CargoCall, MakeBuild
    from buildcheck.project import ScanOptions


def discover_made_workspaces(directory: Path, env: Mapping[str, str]) -> Sequence[tuple[Path, Origin]]:
    """The directories a Makefile in `directory` builds through `$(MAKE) -C sub`, `make -C sub`, `cd sub && cargo`."""
    from buildcheck.make import workspaces_built_by

    return workspaces_built_by(directory, env)


def documented_build(builds: Sequence[MakeBuild]) -> MakeBuild | None:
    """The make build the project's docs lead to: entered from the highest directory, its default goal first."""
    if not builds:
        return None
    return min(builds, key=lambda b: (len(b.entry.resolve().parents), "" not in b.goals and "all" not in b.goals))


def _entries(workspace: Path, root: Path) -> list[Path]:
    """Where a make build of `workspace` can start: its own directory, each one above it up to `root`, and the
    one above that (a workspace scanned on its own may be built from its parent's Makefile, as damocles' are)."""
    workspace = workspace.resolve()
    root = root.resolve()
    levels = len(workspace.parents) - len(root.parents) if root in workspace.parents else 0
    return [workspace, *list(workspace.parents)[:levels + 1]]


def documented_make_build(workspace: Path, root: Path, env: Mapping[str, str]) -> MakeBuild | None:
    """The make build of `workspace` from its own Makefile or one up to `root`, as the docs run it."""
    from buildcheck.make import make_builds

    return documented_build(make_builds(workspace.resolve(), env, entries=_entries(workspace, root)))


def make_stops_before(workspace: Path, root: Path, options: ScanOptions) -> tuple[Message, ...]:
    """When no make build of `workspace` is found: the error `make` would stop with on its way there, if any."""
    from buildcheck.make import make_stops

    for entry in reversed(_entries(workspace, root)):  # the outermost first: the make the docs run
        stops = make_stops(workspace, [entry], options.env)
        if stops:
            return (Message.of("make.stops", N_("{where}: {error}; the build through make ends there, before it "
                                                "runs cargo for this workspace"),
                               error=stops[0].message, where=stops[0].origin or Origin.file(str(entry))),)
    return ()


# The variables that decide which cargo and rustc a build runs (cargo's PATH lookup, rustup, RUSTC).
PROGRAM_VARIABLES = ("PATH", "RUSTC", "RUSTUP_TOOLCHAIN", "RUSTUP_HOME", "CARGO_HOME", "HOME")


def programs_unchanged(call: CargoCall, env: Mapping[str, str]) -> bool:
    """Whether make leaves cargo the programs the user's own environment names.

    When a Makefile changes them (`export RUSTC = ...`, a PATH of its own), buildcheck reads no version from
    them: it never runs a program a Makefile or a configuration names.
    """
    return all(call.env.get(name) == env.get(name) for name in PROGRAM_VARIABLES)


def _run_nothing(_program: str, _env: Mapping[str, str]) -> None:
    return None


def env_origins(call: CargoCall) -> dict[str, Origin]:
    """Each variable make gave cargo a value of its own, with the Makefile line behind it."""
    out: dict[str, Origin] = {}
    for name, change in call.changes.items():
        if change.value is None:
            continue  # unexported: absent from cargo's environment
        line = change.export_origin or change.origin
        if line is not None and line.path:
            out[name] = Origin.environment(name, set_by=line)
    return out


def make_build_path(workspace: Path, root: Path, options: ScanOptions) -> tuple[
        ScanResult, Origin | None, tuple[Origin, ...], Message, tuple[Message, ...]] | None:
    """The make build of `workspace` (from its own Makefile or one up to `root`), scanned; None without one."""
    from buildcheck.cargo.invocation import parse_cargo_invocation

    build = documented_make_build(workspace, root, options.env)
    if build is None:
        return None
    call = build.call
    invocation = parse_cargo_invocation(call.argv)
    # The recipe's own command line decides profile, target and --config: the command line buildcheck was given
    # describes the direct cargo build.
    runs = {} if programs_unchanged(call, options.env) else {"run_cargo_version": _run_nothing}
    scan = options.scan(call.cwd, env=dict(call.env), env_origins=env_origins(call), via="make",
                        invocation=invocation, profile=None, target=None, config_args=(), **runs)
    chain = tuple(step.recipe_line for step in call.via if step.recipe_line is not None)
    notes = tuple(Message.of("make.note", N_("{text}"), text=note.message) for note in build.notes
                  if note.kind not in ("assumption", "up-to-date"))
    goal = next((g for g in build.goals if g), "")
    command = "make" if "" in build.goals else f"make {goal}"
    entry = Message.of("make.entry", N_("`{command}` in {directory}"), command=command, directory=build.entry.resolve())
    return scan, call.origin, chain, entry, notes
