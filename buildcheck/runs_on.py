"""Will it run there? Worker machines from their /proc/cpuinfo, the gate per machine, portable flags for a fleet.

A SPEC names machines:
- a file: /proc/cpuinfo collected from a worker (`ssh worker cat /proc/cpuinfo > fleet/worker1`);
- a directory: every regular file in it is one machine (the fleet);
- `host`: this machine's /proc/cpuinfo;
- an x86-64 level name (`x86-64`, `x86-64-v2`, `x86-64-v3`, `x86-64-v4`, or `v1`..`v4`): a machine with
  exactly that level's flags.

Only `read_spec_file` / `machines_from_spec` touch the file system; the gate and the flags are pure.
Dispatched features never fail the gate: the binary asks the CPU before using them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from buildcheck.errors import InputError
from buildcheck.i18n import N_, _
from buildcheck.messages import Message
from buildcheck.isa.names import readable
from buildcheck.model import Finding, Origin
from buildcheck.recommend.verdict import gate_verdict
from buildcheck.x86_features import (
    CPUINFO_TO_RUSTC,
    LEVEL_CPUINFO,
    LEVEL_NAMES,
    LEVEL_RUSTC_FEATURES,
    RustcVersion,
    is_cfg_stable,
    level_of,
    with_implied,
)

if TYPE_CHECKING:  # the decoder and the gate are imported only by the functions that need them
    from buildcheck.gate import GateReport
    from buildcheck.isa.report import IsaReport

MAX_CPUINFO_BYTES = 8 * 1024 * 1024
MAX_FLEET_FILES = 10_000
_SHORT_LEVELS = {"v1": "x86-64", "v2": "x86-64-v2", "v3": "x86-64-v3", "v4": "x86-64-v4"}


@dataclass(frozen=True, kw_only=True)
class Machine:
    name: str                  # the file it was read from, `host`, or the level name
    flags: frozenset[str]      # /proc/cpuinfo names
    model: str | None = None   # "model name" of the first processor, when the file has one

    @property
    def level(self) -> str | None:
        return level_of(self.flags)


def parse_cpuinfo(text: str, name: str) -> Machine:
    """The flags every processor of a /proc/cpuinfo has (hybrid CPUs list per-core flags); InputError without any."""
    flag_sets: list[frozenset[str]] = []
    model = None
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key = key.strip()
        if key == "flags":
            flag_sets.append(frozenset(value.split()))
        elif key == "model name" and model is None:
            model = value.strip() or None
    if not flag_sets:
        raise InputError(_("{path}: no `flags` line: not an x86 /proc/cpuinfo").format(path=name))
    common = flag_sets[0].intersection(*flag_sets[1:])
    return Machine(name=name, flags=common, model=model)


def level_machine(spec: str) -> Machine | None:
    level = _SHORT_LEVELS.get(spec, spec)
    if level in LEVEL_CPUINFO:
        return Machine(name=level, flags=LEVEL_CPUINFO[level])
    return None


def read_spec_file(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read(MAX_CPUINFO_BYTES)
    except OSError as exc:
        raise InputError(_("cannot read {path}: {error}").format(path=path, error=exc.strerror or exc)) from None


def machines_from_spec(spec: str, *, host_cpuinfo: str = "/proc/cpuinfo",
                       read: Callable[[str], str] = read_spec_file) -> list[Machine]:
    """The machines a SPEC names (see the module docstring); InputError for a path that is neither."""
    machine = level_machine(spec)
    if machine is not None:
        return [machine]
    if spec == "host":
        return [parse_cpuinfo(read(host_cpuinfo), "host")]
    if os.path.isdir(spec):
        try:
            names = sorted(entry.name for entry in os.scandir(spec)
                           if entry.is_file() and not entry.name.startswith("."))
        except OSError as exc:
            raise InputError(_("cannot read {path}: {error}").format(path=spec, error=exc.strerror or exc)) from None
        if not names:
            raise InputError(_("{path}: no cpuinfo files in this directory").format(path=spec))
        if len(names) > MAX_FLEET_FILES:
            raise InputError(_("{path}: more than {n} files; name a smaller fleet").format(
                path=spec, n=MAX_FLEET_FILES))
        return [parse_cpuinfo(read(os.path.join(spec, name)), os.path.join(spec, name)) for name in names]
    if os.path.exists(spec):
        return [parse_cpuinfo(read(spec), spec)]
    raise InputError(_("--runs-on {spec}: not a file, a directory, `host` or a level ({levels})").format(
        spec=spec, levels=", ".join(LEVEL_NAMES)))


def machines_from_specs(specs: Iterable[str], *, host_cpuinfo: str = "/proc/cpuinfo",
                        read: Callable[[str], str] = read_spec_file) -> list[Machine]:
    out: list[Machine] = []
    for spec in specs:
        out.extend(machines_from_spec(spec, host_cpuinfo=host_cpuinfo, read=read))
    return out


@dataclass(frozen=True, kw_only=True)
class MachineVerdict:
    machine: Machine
    missing: tuple[str, ...]   # required features (cpuinfo names) this machine lacks

    @property
    def runs(self) -> bool:
        return not self.missing


def gate(required: Iterable[str], machines: Sequence[Machine]) -> list[MachineVerdict]:
    """Per machine, the required features it lacks. Dispatched features are not asked for."""
    wanted = sorted(set(required))
    return [MachineVerdict(machine=m, missing=tuple(f for f in wanted if f not in m.flags)) for m in machines]


@dataclass(frozen=True, kw_only=True)
class PortableFlags:
    level: str                      # the highest x86-64 level every machine has
    extra: tuple[str, ...]          # rustc names every machine has beyond the level (stable on that rustc)
    flags: tuple[str, ...]          # -C target-cpu=LEVEL [-C target-feature=+a,+b]
    machines: int

    @property
    def rustflags(self) -> str:
        return " ".join(self.flags)


def portable_flags(machines: Sequence[Machine], *, rustc_version: RustcVersion | None) -> PortableFlags:
    """The highest level all machines share plus the features they all have beyond it, in rustc's names.

    Only names `cfg(target_feature)` accepts on that rustc are used (an unstable one draws a warning
    and differs between versions); rustc_version None: the newest.
    """
    if not machines:
        raise InputError(_("--runs-on named no machines"))
    common = frozenset.intersection(*(m.flags for m in machines))
    level = level_of(common) or "x86-64"
    given = with_implied(LEVEL_RUSTC_FEATURES[level], rustc_version)
    shared = {CPUINFO_TO_RUSTC[flag] for flag in common if flag in CPUINFO_TO_RUSTC}
    # every shared feature is named, even one another implies: the flags then say plainly what they ask for
    extra = tuple(sorted(f for f in shared - given if is_cfg_stable(f, rustc_version)))
    flags: tuple[str, ...] = ("-C", f"target-cpu={level}")
    if extra:
        flags += ("-C", "target-feature=" + ",".join("+" + f for f in extra))
    return PortableFlags(level=level, extra=extra, flags=flags, machines=len(machines))


@dataclass(frozen=True, kw_only=True)
class BinaryOnFleet:
    """One binary's ISA analysis against every machine."""

    isa: IsaReport
    verdicts: tuple[MachineVerdict, ...]

    def to_json(self) -> dict[str, Any]:
        return {"path": self.isa.path, "analyzed": self.isa.analyzed, "note": self.isa.note,
                "level": self.isa.level, "required": sorted(self.isa.required_features),
                "dispatched": sorted(e.feature for e in self.isa.dispatched),
                "unproven": sorted(e.feature for e in self.isa.unproven),
                "machines": [{"name": v.machine.name, "model": v.machine.model, "level": v.machine.level,
                              "runs": v.runs, "missing": list(v.missing)} for v in self.verdicts]}


@dataclass(frozen=True, kw_only=True)
class FleetCheck:
    machines: tuple[Machine, ...]
    binaries: tuple[BinaryOnFleet, ...]

    @property
    def passed(self) -> bool:
        return all(v.runs for b in self.binaries for v in b.verdicts)

    def findings(self) -> list[Finding]:
        """BC104 for each binary and machine that lacks a feature the binary uses without asking the CPU; BC105 for
        a binary whose features could not be read (not x86-64): the question was asked and is not answered."""
        out = []
        for binary in self.binaries:
            if not binary.isa.analyzed:
                out.append(Finding(rule="BC105", severity="warning", origin=Origin.file(binary.isa.path),
                                   message=Message.of("BC105", N_(
                                       "{binary}: {why}; whether it runs on the {count} machine(s) of --runs-on is "
                                       "not known"), binary=binary.isa.path, why=binary.isa.note or "",
                                       count=len(self.machines))))
                continue
            users = {e.feature: e for e in binary.isa.required}
            for verdict in binary.verdicts:
                if verdict.runs:
                    continue
                example = next((readable(users[f].functions[0]) for f in verdict.missing
                                if f in users and users[f].functions), None)
                machine = verdict.machine.name + (f" ({verdict.machine.model})" if verdict.machine.model else "")
                if example:
                    message = Message.of("BC104.example", N_(
                        "{binary} uses {features} without asking the CPU first (e.g. in {function}); {machine} lacks "
                        "them: the binary would die there with SIGILL (Illegal instruction)"),
                        binary=binary.isa.path, features=list(verdict.missing), machine=machine, function=example)
                else:
                    message = Message.of("BC104", N_(
                        "{binary} uses {features} without asking the CPU first; {machine} lacks them: the binary "
                        "would die there with SIGILL (Illegal instruction)"),
                        binary=binary.isa.path, features=list(verdict.missing), machine=machine)
                fix = Message.of("BC104.fix", N_(
                    "build for what every machine has: eval \"$(buildcheck flags --portable --runs-on SPEC)\", or "
                    "build on the oldest CPU of the fleet"))
                out.append(Finding(rule="BC104", severity="error", message=message, origin=Origin.file(binary.isa.path),
                                   fix=fix))
        return out

    def to_json(self) -> dict[str, Any]:
        return {"machines": [{"name": m.name, "model": m.model, "level": m.level} for m in self.machines],
                "binaries": [b.to_json() for b in self.binaries]}


def check_fleet(isa_reports: Sequence[IsaReport], machines: Sequence[Machine]) -> FleetCheck:
    """Each binary against each machine; a binary that could not be analysed (not x86-64) fails nowhere, and its
    findings say that it was not judged (BC105)."""
    return FleetCheck(machines=tuple(machines), binaries=tuple(
        BinaryOnFleet(isa=isa, verdicts=tuple(gate(isa.required_features, machines))) for isa in isa_reports))


def check_binaries_on(report: GateReport, binaries: Sequence[str], specs: Sequence[str], *,
                      host_cpuinfo: str, fail_on: str) -> tuple[FleetCheck, GateReport]:
    """`check --runs-on`: read the machines, analyse each binary, add BC104/BC105 findings and redo the verdict."""
    from buildcheck.isa.report import inspect_isa

    machines = machines_from_specs(specs, host_cpuinfo=host_cpuinfo)
    fleet = check_fleet([inspect_isa(path) for path in binaries], machines)
    from buildcheck.gate import GatedFinding

    extra = tuple(GatedFinding(finding=f, manifest_path=None) for f in fleet.findings())
    if not extra:
        return fleet, report
    gated = report.gated + extra
    return fleet, replace(report, gated=gated, verdict=gate_verdict([g.finding for g in gated], fail_on))  # type: ignore[arg-type]
