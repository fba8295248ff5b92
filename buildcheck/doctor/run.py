"""`run_doctor`: workspaces + features + a probe + the toolchain status -> the report.

The order of work: for each workspace, what its build needs (needs.py); the requirements of all of
them gathered per need; each need probed once; the checks decided (check.py); one install command.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from buildcheck.cargo.discover import find_workspace
from buildcheck.doctor.check import (Check, Distribution, Facts, HeaderFacts, ProgramFacts, Requirement,
                                     distribution, evaluate, install_command)
from buildcheck.doctor.features import load_resolver
from buildcheck.doctor.needs import CrateUse, WorkspaceNeeds, workspace_needs
from buildcheck.doctor.probe import Probe
from buildcheck.doctor.table import Need, SysTable, load_table
from buildcheck.doctor.toolchain import ToolchainStatus, toolchain_checks
from buildcheck.errors import UsageError
from buildcheck.i18n import _

SCHEMA_VERSION = 1
HOST_TRIPLE = "x86_64-unknown-linux-gnu"
_KIND_ORDER = {"command": 0, "program": 1, "pkg-config": 2, "library": 3, "libclang": 3, "header": 4}


@dataclass(frozen=True)
class WorkspaceRequest:
    """One workspace to check and how it will be built (`cargo build --workspace [--features ...]`)."""

    path: Path
    features: tuple[str, ...] = ()
    default_features: bool = True
    # Why cargo must not be run there (a setting names the program it would start); None: it may be.
    no_cargo_because: str | None = None


@dataclass(frozen=True)
class Conditional:
    """A crate of Cargo.lock these features do not build, and the features that would."""

    crate: str
    version: str | None
    workspace: str
    needs: tuple[str, ...]
    only_with: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"crate": self.crate, "version": self.version, "workspace": self.workspace, "needs": list(self.needs),
                "only_with": list(self.only_with)}


@dataclass(frozen=True)
class DoctorReport:
    project: str
    distribution: Distribution
    workspaces: tuple[WorkspaceNeeds, ...]
    checks: tuple[Check, ...]
    conditional: tuple[Conditional, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def install_command(self) -> str | None:
        return install_command(self.checks, self.distribution.family)

    @property
    def toolchain_commands(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.install for c in self.checks
                                   if c.failing and c.kind == "command" and c.install))

    @property
    def exit_code(self) -> int:
        return 1 if any(c.failing for c in self.checks) else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "command": "doctor",
            "project": self.project,
            "distribution": self.distribution.to_json(),
            "workspaces": [{"root": str(w.root), "features": list(w.features), "decided_by": w.decided_by,
                            "metadata_note": w.metadata_note} for w in self.workspaces],
            "checks": [c.to_json() for c in self.checks],
            "conditional": [c.to_json() for c in self.conditional],
            "install_command": self.install_command,
            "toolchain_commands": list(self.toolchain_commands),
            "notes": list(self.notes),
        }


def _metadata_allowed(status: ToolchainStatus | None) -> tuple[bool, str | None]:
    """cargo tree only with a cargo that will not download a toolchain."""
    if status is None:
        return False, _("cargo tree not run: the toolchain status is unknown, and a rustup proxy could "
                        "download the pinned toolchain")
    if status.manager == "rustup" and status.installed is not True:
        return False, _("cargo tree not run: the pinned toolchain is not installed")
    if status.cargo_path is None and status.manager == "none":
        return False, _("cargo tree not run: no cargo")
    return True, None


def _label(use: CrateUse, prefix: str) -> str:
    text = f"{prefix}{use.name} {use.version}".strip()
    if use.gate:
        text += " " + _("[feature {features}]").format(features=", ".join(use.gate))
    if use.mode_origin:
        text += " " + _("[{mode} via {origin}]").format(mode=use.mode, origin=use.mode_origin)
    if use.dependents:
        shown = ", ".join(use.dependents[:3]) + (", …" if len(use.dependents) > 3 else "")
        text += _(" (for {dependents})").format(dependents=shown)
    return text


def _facts(need: Need, requirements: Sequence[Requirement], probe: Probe, env: Mapping[str, str],
           libclang_runtime: bool) -> Facts:
    if need.kind == "program":
        named_by = need.override_env if need.override_env and env.get(need.override_env) else None
        program = env[named_by].split()[0] if named_by else need.program or need.id
        path = probe.find_program(program)
        wants_version = any(r.min_version for r in requirements)
        version = probe.program_version(path) if path and wants_version else None
        return ProgramFacts(path=path, version=version, named_by=named_by)
    if need.kind == "pkg-config":
        for entry in need.header_dirs:
            variable, _sep, sub = entry.partition("/")
            if env.get(variable):
                directory = os.path.join(env[variable], sub) if sub else env[variable]
                return HeaderFacts(variable=variable, directory=directory,
                                   path=probe.find_header(need.header or "", [directory]))
        return probe.pkg_config(need.module or need.id)
    if need.kind == "library":
        extra: list[str] = []
        for variable in need.env:
            if variable != "LIBRARY_PATH" and env.get(variable):
                extra.extend(d for d in env[variable].split(os.pathsep) if d)
        extra.extend(probe.expand_dirs(need.search) if need.search else ())
        return probe.find_library(need.library or need.id, extra)
    if need.kind == "libclang":
        return probe.find_libclang(runtime=libclang_runtime)
    return HeaderFacts(variable="", directory="", path=probe.find_header(need.header or "", []))


def _workspace_features(request: WorkspaceRequest, member_features: set[str]) -> tuple[str, ...]:
    return tuple(f for f in request.features if f.rpartition("/")[2] in member_features)


def run_doctor(workspaces: Sequence[WorkspaceRequest], *, env: Mapping[str, str], probe: Probe,
               toolchain: ToolchainStatus | None, project: str, table: SysTable | None = None,
               cargo: str | None = None, cwd: str | None = None) -> DoctorReport:
    """`cwd`: paths under it are shown relative to it (as the user typed them), others stay absolute."""
    table = table or load_table()

    def shown(path: Path | str) -> str:
        text = str(path)
        if cwd and (text == cwd or text.startswith(cwd.rstrip("/") + "/")):
            return os.path.relpath(text, cwd)
        return text

    allowed, metadata_note = _metadata_allowed(toolchain)
    results: list[WorkspaceNeeds] = []
    notes: list[str] = []
    unknown_everywhere = set(f.rpartition("/")[2] for r in workspaces for f in r.features)
    for request in workspaces:
        workspace = find_workspace(request.path)
        if workspace is None:
            raise UsageError(_("no Cargo.toml in {path} or above it").format(path=request.path))
        resolver = load_resolver(workspace.members, workspace.root, HOST_TRIPLE)
        member_features = {f for m in resolver.members for f in resolver.member_features(m)}
        unknown_everywhere -= member_features
        features = _workspace_features(request, member_features)
        built = None
        note = metadata_note
        if allowed and request.no_cargo_because:
            note = request.no_cargo_because
        elif allowed:
            built = probe.cargo_tree(workspace.root, features, request.default_features,
                                     cargo or (toolchain.cargo_path if toolchain else None))
            if built is None:
                note = _("cargo tree --offline failed (no registry cache?): decided from the manifests")
        results.append(workspace_needs(root=workspace.root, display_root=Path(shown(workspace.root)), table=table, resolver=resolver, features=features,
                                       default_features=request.default_features, env=env, built=built,
                                       metadata_note=note))
    if unknown_everywhere:
        raise UsageError(_("no workspace here has the feature(s) {features}").format(
            features=", ".join(sorted(unknown_everywhere))))
    several = len(results) > 1
    requirements: dict[str, list[Requirement]] = {}
    conditional: list[Conditional] = []
    for result in results:
        prefix = f"{result.root.name}: " if several else ""
        for use in result.crates:
            if not use.built:
                if use.only_with:
                    conditional.append(Conditional(use.name, use.version, str(result.root),
                                                   tuple(r.need for r in use.row.needs), use.only_with))
                continue
            if not use.row_covers_version:
                notes.append(_("{crate} {version}: the table was read for {read}; checked as that version").format(
                    crate=use.name, version=use.version, read=use.row.source.version))
            for ref in use.needs():
                requirements.setdefault(ref.need, []).append(Requirement(_label(use, prefix), ref.min_version))
        for tool in result.tools:
            requirements.setdefault(tool.need, []).append(
                Requirement(prefix + shown(tool.origin.path or "") + (f":{tool.origin.line}" if tool.origin.line else ""),
                            None, tool.required))
    # Build scripts that ask pkg-config need the program itself (unless a variable points elsewhere first).
    pkg_users = [need_id for need_id in requirements if table.needs[need_id].kind == "pkg-config"]
    if pkg_users:
        requirements.setdefault("pkg-config", []).append(Requirement(
            _("the pkg-config crate, for {needs}").format(needs=", ".join(sorted(pkg_users))),
            None, any(r.required for n in pkg_users for r in requirements[n])))
    os_release = probe.os_release()
    dist = distribution(os_release)
    runtime = any(r.libclang_runtime for r in results)
    checks: list[Check] = []
    for need_id, reqs in requirements.items():
        need = table.needs[need_id]
        facts = _facts(need, reqs, probe, env, runtime)
        checks.append(evaluate(need, reqs, facts, dist.family, env))
    # A pkg-config need answered by OPENSSL_DIR needs no pkg-config program; drop it when nothing else does.
    checks.sort(key=lambda c: (_KIND_ORDER.get(table.needs[c.name].kind, 9), c.name))
    toolchain_needed_by = ", ".join(str(r.root.name) for r in results) or project
    all_checks = [*toolchain_checks(toolchain, toolchain_needed_by), *checks]
    if not dist.family:
        notes.append(_("unknown distribution ({id}): install commands name Debian and RHEL packages in the "
                       "docs only").format(id=dist.id or "no /etc/os-release"))
    return DoctorReport(project=project, distribution=dist, workspaces=tuple(results), checks=tuple(all_checks),
                        conditional=tuple(conditional), notes=tuple(dict.fromkeys(notes)))
