"""Pure decisions: what the build needs x what the probes found -> one check per thing, with a status.

Nothing here touches the machine: it takes the needs (needs.py) and the facts a probe gathered
(probe.py), and says for each need `ok`, `missing`, `too old` or `unknown`, who needs it, what was
found where, and the package that installs it on this distribution family.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from buildcheck.doctor.probe import LibclangFacts, LibraryFacts, PkgConfigFacts
from buildcheck.doctor.table import Need
from buildcheck.i18n import _

Status = Literal["ok", "missing", "too old", "unknown"]


@dataclass(frozen=True)
class Requirement:
    """One reason the build needs a thing: who (crate and feature, or Makefile:line) and from which version."""

    needed_by: str
    min_version: str | None = None
    required: bool = True


@dataclass(frozen=True)
class ProgramFacts:
    path: str | None
    version: str | None = None
    named_by: str | None = None     # the variable (CC, NVCC...) that chose the program


@dataclass(frozen=True)
class HeaderFacts:
    variable: str                   # the variable that pointed there
    directory: str
    path: str | None


Facts = ProgramFacts | PkgConfigFacts | LibraryFacts | LibclangFacts | HeaderFacts


@dataclass(frozen=True, kw_only=True)
class Check:
    name: str
    status: Status
    needed_by: tuple[str, ...]
    found: str | None
    install: str | None             # a package for apt-get/dnf, or a command (the toolchain)
    required: bool = True
    detail: str | None = None
    kind: Literal["package", "command"] = "package"
    note: str | None = None
    env: tuple[str, ...] = field(default=())

    @property
    def failing(self) -> bool:
        return self.required and self.status in ("missing", "too old")

    def to_json(self) -> dict:
        return {"name": self.name, "status": self.status, "needed_by": list(self.needed_by), "found": self.found,
                "install": self.install, "required": self.required, "detail": self.detail}


# -- versions as pkg-config compares them (rpmvercmp) ---------------------------------------------

_SEGMENT = re.compile(r"(\d+|[A-Za-z]+)")


def compare_versions(a: str, b: str) -> int:
    """-1, 0 or 1: digit runs compare as numbers, letter runs as text, a digit run beats a letter run,
    and when one runs out first the longer one is newer; this is what pkg-config's `>=` uses."""
    if a == b:
        return 0
    left, right = _SEGMENT.findall(a), _SEGMENT.findall(b)
    for x, y in zip(left, right):
        if x.isdigit() != y.isdigit():
            return 1 if x.isdigit() else -1
        if x.isdigit():
            x_num, y_num = int(x), int(y)
            if x_num != y_num:
                return 1 if x_num > y_num else -1
        elif x != y:
            return 1 if x > y else -1
    if len(left) == len(right):
        return 0
    return 1 if len(left) > len(right) else -1


def strictest(requirements: Sequence[Requirement]) -> str | None:
    versions = [r.min_version for r in requirements if r.min_version]
    best: str | None = None
    for version in versions:
        if best is None or compare_versions(version, best) > 0:
            best = version
    return best


def _version_status(found: str | None, minimum: str | None) -> tuple[Status, str | None]:
    if minimum is None:
        return "ok", None
    if found is None:
        return "unknown", _("needs {minimum} or newer; the version could not be read").format(minimum=minimum)
    if compare_versions(found, minimum) < 0:
        return "too old", _("needs {minimum} or newer, found {found}").format(minimum=minimum, found=found)
    return "ok", None


def evaluate(need: Need, requirements: Sequence[Requirement], facts: Facts, family: str | None,
             env: Mapping[str, str]) -> Check:
    """The check of one need from the facts its probe gathered."""
    minimum = strictest(requirements)
    needed_by = tuple(dict.fromkeys(r.needed_by for r in requirements))
    required = any(r.required for r in requirements)
    install = need.packages.get(family) if family else None
    steering = tuple(name for name in need.env if name in env)
    common = {"name": need.id, "needed_by": needed_by, "install": install, "required": required,
              "note": need.note, "env": steering}
    if isinstance(facts, ProgramFacts):
        if facts.path is None:
            detail = (_("{variable} names {program}, which is not there").format(variable=facts.named_by,
                                                                                  program=env.get(facts.named_by, ""))
                      if facts.named_by else _("`{program}` is not on PATH").format(program=need.program))
            return Check(status="missing", found=None, detail=detail, **common)
        status, detail = _version_status(facts.version, minimum)
        found = facts.path + (f" ({facts.version})" if facts.version else "")
        return Check(status=status, found=found, detail=detail, **common)
    if isinstance(facts, HeaderFacts):
        if facts.path is None:
            return Check(status="missing", found=None, detail=_("{variable} is set, but {directory} has no {header}")
                         .format(variable=facts.variable, directory=facts.directory, header=need.header), **common)
        return Check(status="ok", found=facts.path, detail=_("{variable} is set: pkg-config is not asked")
                     .format(variable=facts.variable), **common)
    if isinstance(facts, PkgConfigFacts):
        if not facts.found:
            return Check(status="missing", found=None, detail=_("pkg-config finds no module `{module}`")
                         .format(module=need.module), **common)
        status, detail = _version_status(facts.version, minimum)
        found = f"{need.module} {facts.version or '?'}" + (f" ({facts.location})" if facts.location else "")
        return Check(status=status, found=found, detail=detail, **common)
    if isinstance(facts, LibraryFacts):
        if facts.path is None:
            return Check(status="missing", found=None, detail=_("no lib{name}.so or lib{name}.a where the linker looks")
                         .format(name=need.library), **common)
        return Check(status="ok", found=facts.path, detail=None, **common)
    if isinstance(facts, LibclangFacts):
        if facts.path is None:
            detail = _("no libclang.so, libclang-NN.so or libclang.so.N found ({searched})").format(
                searched=facts.searched)
            if facts.rejected:
                detail += _(" (rejected, wrong ELF class: {files})").format(files=", ".join(facts.rejected))
            return Check(status="missing", found=None, detail=detail, **common)
        return Check(status="ok", found=facts.path, detail=None, **common)
    raise TypeError(type(facts).__name__)


# -- the distribution ---------------------------------------------------------------------------

_DEBIAN = {"debian", "ubuntu", "linuxmint", "pop", "raspbian", "kali", "deepin", "uos"}
_RHEL = {"rhel", "fedora", "centos", "rocky", "almalinux", "ol", "amzn", "anolis", "openeuler", "kylin"}


@dataclass(frozen=True)
class Distribution:
    id: str | None
    name: str | None
    family: str | None              # "debian" | "rhel" | None

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "family": self.family}


def distribution(os_release: Mapping[str, str]) -> Distribution:
    """The family from os-release's ID, then ID_LIKE (Ubuntu says ID_LIKE=debian, Rocky ID_LIKE="rhel centos fedora")."""
    ids = [os_release.get("ID", "").lower(), *os_release.get("ID_LIKE", "").lower().split()]
    family = None
    for candidate in ids:
        if candidate in _DEBIAN:
            family = "debian"
            break
        if candidate in _RHEL:
            family = "rhel"
            break
    return Distribution(id=os_release.get("ID") or None, name=os_release.get("PRETTY_NAME") or None, family=family)


def install_command(checks: Sequence[Check], family: str | None) -> str | None:
    """One command for every failing package: `sudo apt-get install -y ...` or `sudo dnf install -y ...`."""
    packages = list(dict.fromkeys(c.install for c in checks if c.failing and c.kind == "package" and c.install))
    if not packages or family is None:
        return None
    tool = "apt-get" if family == "debian" else "dnf"
    return f"sudo {tool} install -y {' '.join(packages)}"
