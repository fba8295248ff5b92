"""From a directory to every build it stands for: its workspaces, and for each the ways it is really built.

A directory inside a cargo workspace stands for that workspace. A directory that holds none (damocles' repository
root, whose quick start says `make all`) stands for the workspaces its build reaches: those its Makefile's recipes
enter (`$(MAKE) -C sub`, `make -C sub`, `cd sub && cargo ...`), then, within a bounded depth and skipping
`target/`, `.git/`, `vendor/`, `node_modules/`, directories holding a workspace root.

Each workspace is judged on every build path: a direct `cargo build` from its directory with the user's
environment, and, where a Makefile builds it, the cargo call that `make` makes (its environment as make hands it
over, e.g. an `export RUSTFLAGS` that turns an unset RUSTFLAGS into a set-but-empty one). `--via` picks which
paths the verdict covers; the default, both, fails when either puts the project's debug info into the binary.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from buildcheck.cargo.discover import find_workspace
from buildcheck.cargo.resolved import ScanResult, Via
from buildcheck.causes import Cause, derive, findings
from buildcheck.i18n import N_
from buildcheck.messages import Message
from buildcheck.model import Finding, Origin, SEVERITY_RANK

ViaChoice = Literal["cargo", "make", "both"]
VIA_CHOICES: tuple[ViaChoice, ...] = ("both", "cargo", "make")
MAX_DEPTH = 3
SKIPPED_DIRECTORIES = frozenset({"target", ".git", "vendor", "node_modules", ".venv", "dist"})


@dataclass(frozen=True, kw_only=True)
class BuildPath:
    """One way of building one workspace, resolved, with its causes."""

    scan: ScanResult
    causes: tuple[Cause, ...]
    via: Via = "cargo"
    origin: Origin | None = None   # the Makefile recipe line that runs this cargo (make path)
    chain: tuple[Origin, ...] = () # the make invocations leading to it, outermost first
    entry: Message | None = None   # how the user starts it (`make build-worker` in ~/damocles)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return findings(self.causes)

    @property
    def verdict(self) -> Message:
        """Whether the binary will carry DWARF and whose: unstripped, it keeps at least the prebuilt standard
        library's; "debuginfo none" beside "will carry debug sections" reads as a contradiction unless said."""
        scan = self.scan
        levels = {"level": scan.debuginfo, "strip": scan.strip}
        if not scan.debug_sections_expected:
            return Message.of("verdict.no-dwarf", N_(
                "no debug sections expected in the binary (debuginfo {level}, strip {strip})"), **levels)
        if scan.debuginfo != "none" or any(cause.debug for cause in self.causes):
            return Message.of("verdict.dwarf", N_(
                "the binary will carry DWARF debug sections (debuginfo {level}, strip {strip})"), **levels)
        return Message.of("verdict.std-dwarf", N_(
            "the binary will carry the standard library's DWARF debug sections, none of the project's (debuginfo "
            "{level}, strip {strip})"), **levels)

    def failed(self, fail_on: str) -> bool:
        threshold = SEVERITY_RANK[fail_on]
        return any(SEVERITY_RANK[f.severity] >= threshold for f in self.findings)


@dataclass(frozen=True, kw_only=True)
class WorkspaceReport:
    directory: Path
    found_by: Origin | None          # how root discovery found it (a Makefile recipe, the directory walk)
    direct: BuildPath
    make: BuildPath | None = None
    notes: tuple[Message, ...] = ()  # what the make model could not follow

    def paths(self, via: ViaChoice) -> tuple[BuildPath, ...]:
        chosen = []
        if via in ("cargo", "both"):
            chosen.append(self.direct)
        if via in ("make", "both") and self.make is not None:
            chosen.append(self.make)
        return tuple(chosen) or (self.direct,)

    @property
    def documented(self) -> BuildPath:
        """The path a user following the project's docs takes: make, where a Makefile builds it."""
        return self.make or self.direct

    def findings(self, via: ViaChoice = "both") -> tuple[Finding, ...]:
        out: list[Finding] = []
        for path in self.paths(via):
            out.extend(f for f in path.findings if f not in out)
        return tuple(out)

    def exit_code(self, via: ViaChoice = "both", fail_on: str = "error") -> int:
        return 1 if any(path.failed(fail_on) for path in self.paths(via)) else 0

    def fix(self, via: ViaChoice = "both") -> tuple[Any, ...]:
        """Every remedy, in the order explain ranks them (the first is the one to apply first)."""
        from buildcheck.explain import explain

        remedies: list[Any] = []
        for path in self.paths(via):
            remedies.extend(r for r in explain(path.scan, path.causes).fix if r not in remedies)
        return tuple(remedies)


@dataclass(frozen=True, kw_only=True)
class ProjectReport:
    directory: Path
    is_root: bool                    # the directory held no workspace: the workspaces were discovered
    workspaces: tuple[WorkspaceReport, ...]

    def exit_code(self, via: ViaChoice = "both", fail_on: str = "error") -> int:
        return max((w.exit_code(via, fail_on) for w in self.workspaces), default=0)


# -- discovery -----------------------------------------------------------------------------------------------------

def _is_workspace_root(directory: Path) -> bool:
    if not (directory / "Cargo.toml").is_file():
        return False
    workspace = find_workspace(directory)
    return workspace is not None and workspace.root.resolve() == directory.resolve()


def _walk(root: Path, depth: int = MAX_DEPTH) -> list[Path]:
    """Workspace roots under `root`, breadth first, not descending into a found one."""
    found: list[Path] = []
    level = [root]
    for _ in range(depth):
        below: list[Path] = []
        for directory in level:
            try:
                entries = sorted(os.scandir(directory), key=lambda e: e.name)
            except OSError:
                continue
            for entry in entries:
                if not entry.is_dir(follow_symlinks=False) or entry.name in SKIPPED_DIRECTORIES \
                        or entry.name.startswith("."):
                    continue
                path = Path(entry.path)
                if _is_workspace_root(path):
                    found.append(path)
                else:
                    below.append(path)
        level = below
    return found


MakeDiscovery = Callable[[Path, Mapping[str, str]], Sequence[tuple[Path, Origin]]]


def discover_workspaces(directory: Path, env: Mapping[str, str],
                        make_discovery: MakeDiscovery | None = None) -> list[tuple[Path, Origin | None]]:
    """The workspaces a directory without its own stands for: the Makefile's first, then the directory walk."""
    found: dict[Path, Origin | None] = {}
    if make_discovery is not None:
        for path, origin in make_discovery(directory, env):
            workspace = find_workspace(path) if (path / "Cargo.toml").is_file() else None
            if workspace is not None:
                found.setdefault(workspace.root.resolve(), origin)
    for path in _walk(directory):
        found.setdefault(path.resolve(), None)
    return list(found.items())


# -- building the report -------------------------------------------------------------------------------------------

MakePaths = Callable[[Path, Path, "ScanOptions"], "tuple[ScanResult, Origin | None, tuple[Origin, ...], Message, tuple[Message, ...]] | None"]
MakeStops = Callable[[Path, Path, "ScanOptions"], "tuple[Message, ...]"]


@dataclass(frozen=True)
class ScanOptions:
    """What every build path of one run shares (the command line's options and the machine's facts)."""

    env: Mapping[str, str]
    profile: str | None = None
    target: str | None = None
    config_args: tuple[str, ...] = ()
    cargo: str | None = None
    host_triple: str = "x86_64-unknown-linux-gnu"
    host_cpu_features: frozenset[str] | None = None
    run_cargo_version: Any = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def scan(self, cwd: Path, **overrides: Any) -> ScanResult:
        from buildcheck.cargo.scan import scan

        arguments: dict[str, Any] = dict(cwd=cwd, env=self.env, profile=self.profile, target=self.target,
                                         config_args=self.config_args, cargo=self.cargo, host_triple=self.host_triple,
                                         run_cargo_version=self.run_cargo_version,
                                         host_cpu_features=self.host_cpu_features)
        arguments.update(overrides)
        return scan(**arguments)


def make_hides_rustflags(direct: ScanResult, make: ScanResult) -> list[Cause]:
    """BC008: a Makefile line gives cargo a rustflags variable (damocles: `export RUSTFLAGS`, empty when the user has
    none), so cargo ignores rustflags a direct `cargo build` would use. Only when something is really hidden."""
    from buildcheck.i18n import N_
    from buildcheck.remedies import SetEnv
    from buildcheck.args.rustc import without, turns_debuginfo_on
    from buildcheck.args.split import join_for_variable

    made, plain = make.rustflags.winner, direct.rustflags.winner
    source = made.source
    if made.tier not in ("RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS") or source is None or not source.path:
        return []
    if plain.tier == made.tier or not plain.flags:
        return []
    kept = without(plain.flags, turns_debuginfo_on)
    value = join_for_variable(made.tier, made.flags)
    return [Cause(kind="make-hides-rustflags", rule="BC008", severity="warning", origin=source,
                  remedy=SetEnv(made.tier, join_for_variable(made.tier, kept)) if kept else None,
                  message=Message.of("BC008", N_(
                      "building through make, {where} gives cargo {name}={value}: cargo then ignores the rustflags "
                      "{flags} from {source} that a direct cargo build uses"),
                      where=Origin.file(source.path, source.line), name=made.tier, value=repr(value),
                      flags=" ".join(plain.flags), source=plain.origins()[0] if plain.origins() else plain.tier))]


def _workspace_report(directory: Path, found_by: Origin | None, options: ScanOptions, root: Path,
                      make_paths: MakePaths | None, make_stops: MakeStops | None = None) -> WorkspaceReport:
    direct_scan = options.scan(directory)
    direct = BuildPath(scan=direct_scan, causes=derive(direct_scan, host_features=options.host_cpu_features))
    make: BuildPath | None = None
    notes: tuple[Message, ...] = ()
    if make_paths is not None:
        traced = make_paths(directory, root, options)
        if traced is not None:
            make_scan, origin, chain, entry, notes = traced
            causes = (*derive(make_scan, host_features=options.host_cpu_features),
                      *make_hides_rustflags(direct_scan, make_scan))
            make = BuildPath(scan=make_scan, via="make", origin=origin, chain=chain, entry=entry, causes=causes)
        elif make_stops is not None:  # no cargo call found: maybe make stops before it, with an error of its own
            notes = make_stops(directory, root, options)
    return WorkspaceReport(directory=directory, found_by=found_by, direct=direct, make=make, notes=notes)


def scan_project(directory: Path, options: ScanOptions, *, make_discovery: MakeDiscovery | None = None,
                 make_paths: MakePaths | None = None, make_stops: MakeStops | None = None) -> ProjectReport:
    directory = directory.resolve()
    workspace = find_workspace(directory)
    if workspace is not None:
        report = _workspace_report(directory, None, options, directory, make_paths, make_stops)
        return ProjectReport(directory=directory, is_root=False, workspaces=(report,))
    discovered = discover_workspaces(directory, options.env, make_discovery)
    if not discovered:  # nothing to build here: still report the environment and the config layers (BC022)
        return ProjectReport(directory=directory, is_root=False,
                             workspaces=(_workspace_report(directory, None, options, directory, None),))
    reports = tuple(_workspace_report(path, origin, options, directory, make_paths, make_stops)
                    for path, origin in discovered)
    return ProjectReport(directory=directory, is_root=True, workspaces=reports)


# -- the JSON documents ----------------------------------------------------------------------------------------------

def _path_json(path: BuildPath) -> dict[str, Any]:
    verdict = path.verdict
    effective = {**path.scan.effective_json(),
                 "verdict": {"id": verdict.id, "message": verdict.text(), "params": verdict.params_json()}}
    return {"effective": effective, "findings": [f.to_json() for f in path.findings],
            "causes": [c.to_json() for c in path.causes]}


def workspace_json(report: WorkspaceReport, command: str, via: ViaChoice = "both") -> dict[str, Any]:
    """One workspace's scan document (the shape `scan --format json` has for a workspace DIR)."""
    from buildcheck.cargo.resolved import SCAN_SCHEMA_VERSION

    scan = report.direct.scan
    direct = _path_json(report.direct)
    out: dict[str, Any] = {
        "schema_version": SCAN_SCHEMA_VERSION, "command": command,
        "project": str(scan.workspace_root) if scan.workspace_root else None,
        "profile": scan.profile, "target": scan.target, "host": scan.host,
        "toolchain": scan.toolchain.to_json(),
        "layers": [layer.to_json() for layer in scan.layers],
        "environment": dict(scan.environment),
        "effective": direct["effective"],
        "native_flags": [{"variable": n.variable, "value": n.value, "language": n.language,
                          "debug_flag": n.debug_flag, "applied": n.applied} for n in scan.native_flags],
        "make": None,
        "findings": direct["findings"],
        "causes": direct["causes"],
        "via": via,
        "exit_code": report.exit_code(via),
    }
    if report.found_by is not None:
        out["found_by"] = report.found_by.to_json()
    if report.make is not None:
        make = _path_json(report.make)
        out["make"] = {"location": report.make.origin.to_json() if report.make.origin else None,
                       "entry": report.make.entry.text() if report.make.entry else None,
                       "via": [o.to_json() for o in report.make.chain],
                       "toolchain": report.make.scan.toolchain.to_json(), **make}
    out["notes"] = [n.text() for n in report.notes]
    return out


def project_json(project: ProjectReport, command: str, via: ViaChoice = "both") -> dict[str, Any]:
    """A workspace DIR keeps the single-workspace shape; a root lists every workspace it stands for."""
    from buildcheck.cargo.resolved import SCAN_SCHEMA_VERSION

    if not project.is_root:
        return workspace_json(project.workspaces[0], command, via)
    return {"schema_version": SCAN_SCHEMA_VERSION, "command": command, "root": str(project.directory),
            "via": via, "exit_code": project.exit_code(via),
            "workspaces": [workspace_json(w, command, via) for w in project.workspaces]}
