"""The shipped table of what -sys and build-helper crates look for (sys_crates.toml), loaded and checked.

The knowledge lives as data, each row citing the build script it was read from; this module only
turns it into frozen dataclasses and refuses a table that contradicts itself (a crate naming an
unknown need, a need without a package for a distribution family), so a bad edit fails the tests
instead of a user's run.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from buildcheck.cargo.toml_source import load_toml

NeedKind = Literal["program", "pkg-config", "library", "libclang", "header"]
Family = Literal["debian", "rhel"]

FAMILIES: tuple[Family, ...] = ("debian", "rhel")
TABLE_PATH = Path(__file__).with_name("sys_crates.toml")
_KINDS = ("program", "pkg-config", "library", "libclang", "header")


class TableError(ValueError):
    """sys_crates.toml contradicts itself; a defect of ours, caught by the tests."""


@dataclass(frozen=True, kw_only=True)
class Need:
    id: str
    kind: NeedKind
    summary: str
    packages: dict[str, str]
    program: str | None = None      # program: the name looked up on PATH
    override_env: str | None = None  # program: the variable that names another program (CC, NVCC...)
    module: str | None = None       # pkg-config module
    library: str | None = None      # library: the -l name
    header: str | None = None       # header: relative path
    header_dirs: tuple[str, ...] = ()  # "VAR" or "VAR/sub": when set, the build script reads the header there
    env: tuple[str, ...] = ()       # variables that steer the search
    search: tuple[str, ...] = ()    # extra directories (globs) a build script adds, below the probe's root
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class NeedRef:
    need: str
    min_version: str | None = None


@dataclass(frozen=True, kw_only=True)
class Modes:
    default: Literal["bundled", "system"]
    switch_features: tuple[str, ...] = ()
    switch_env: tuple[str, ...] = ()
    other_needs: tuple[NeedRef, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Source:
    repo: str
    paths: tuple[str, ...]
    version: str
    commit: str

    def describe(self) -> str:
        return f"{self.repo} {', '.join(self.paths)} @ {self.version} ({self.commit[:12]})"


@dataclass(frozen=True, kw_only=True)
class CrateRow:
    name: str
    versions: SpecifierSet
    source: Source
    needs: tuple[NeedRef, ...]
    why: str
    only_with: tuple[str, ...] = ()
    gate_on_by_default: bool = False
    gate_is_own_feature: bool = False
    modes: Modes | None = None
    env: tuple[str, ...] = ()

    def covers(self, version: str | None) -> bool:
        """Whether the row was read for this version (local versions like +8.1.1 are ignored)."""
        if not version:
            return True
        try:  # Cargo.lock may hold several versions of one crate ("0.6.0, 0.7.0")
            return all(self.versions.contains(v.strip().split("+", 1)[0], prereleases=True)
                       for v in version.split(","))
        except Exception:  # a version packaging cannot read: do not claim it is covered
            return False


@dataclass(frozen=True)
class SysTable:
    needs: dict[str, Need]
    crates: dict[str, CrateRow]


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise TableError(f"{where}: expected a string or a list of strings")


def _need_refs(value: Any, where: str, needs: dict[str, Need]) -> tuple[NeedRef, ...]:
    if not isinstance(value, list):
        raise TableError(f"{where}: expected a list of {{ need = ... }}")
    refs = []
    for item in value:
        if not isinstance(item, dict) or item.get("need") not in needs:
            raise TableError(f"{where}: unknown need {item!r}")
        refs.append(NeedRef(need=item["need"], min_version=item.get("min_version")))
    return tuple(refs)


def _need(need_id: str, raw: dict[str, Any]) -> Need:
    kind = raw.get("kind")
    if kind not in _KINDS:
        raise TableError(f"need.{need_id}: kind must be one of {', '.join(_KINDS)}")
    packages = raw.get("packages")
    if not isinstance(packages, dict) or set(packages) != set(FAMILIES):
        raise TableError(f"need.{need_id}: packages must name one package for each of {', '.join(FAMILIES)}")
    required_key = {"program": "program", "pkg-config": "module", "library": "library", "header": "header"}.get(kind)
    if required_key and not isinstance(raw.get(required_key), str):
        raise TableError(f"need.{need_id}: a {kind} need names its `{required_key}`")
    env = raw.get("env")
    override = env if kind == "program" and isinstance(env, str) else None
    return Need(id=need_id, kind=kind, summary=str(raw.get("summary", need_id)), packages=dict(packages),
                program=raw.get("program"), override_env=override, module=raw.get("module"),
                library=raw.get("library"), header=raw.get("header"),
                header_dirs=_strings(raw.get("header_dirs"), f"need.{need_id}.header_dirs"),
                env=() if override else _strings(env, f"need.{need_id}.env"),
                search=_strings(raw.get("search"), f"need.{need_id}.search"), note=raw.get("note"))


def _crate(name: str, raw: dict[str, Any], needs: dict[str, Need]) -> CrateRow:
    where = f"crate.{name}"
    try:
        versions = SpecifierSet(raw.get("versions", ""))
    except InvalidSpecifier as exc:
        raise TableError(f"{where}.versions: {exc}") from exc
    source = raw.get("source")
    if not isinstance(source, dict) or not all(isinstance(source.get(k), str) for k in ("repo", "version", "commit")):
        raise TableError(f"{where}: every row cites its source (repo, paths, version, commit)")
    if len(source["commit"]) != 40:
        raise TableError(f"{where}.source.commit: a full 40-character commit")
    modes_raw = raw.get("modes")
    modes = None
    if modes_raw is not None:
        if modes_raw.get("default") not in ("bundled", "system"):
            raise TableError(f"{where}.modes.default: bundled or system")
        modes = Modes(default=modes_raw["default"],
                      switch_features=_strings(modes_raw.get("switch_features"), f"{where}.modes"),
                      switch_env=_strings(modes_raw.get("switch_env"), f"{where}.modes"),
                      other_needs=_need_refs(modes_raw.get("other_needs", []), f"{where}.modes.other_needs", needs))
    if not isinstance(raw.get("why"), str):
        raise TableError(f"{where}: says `why` in one line")
    return CrateRow(name=name, versions=versions,
                    source=Source(repo=source["repo"], paths=_strings(source.get("paths"), where),
                                  version=source["version"], commit=source["commit"]),
                    needs=_need_refs(raw.get("needs", []), f"{where}.needs", needs), why=raw["why"],
                    only_with=_strings(raw.get("only_with"), where),
                    gate_on_by_default=bool(raw.get("gate_on_by_default", False)),
                    gate_is_own_feature=bool(raw.get("gate_is_own_feature", False)),
                    modes=modes, env=_strings(raw.get("env"), where))


def parse_table(data: dict[str, Any]) -> SysTable:
    if data.get("schema_version") != 1:
        raise TableError("schema_version must be 1")
    needs = {need_id: _need(need_id, raw) for need_id, raw in (data.get("need") or {}).items()}
    crates = {name: _crate(name, raw, needs) for name, raw in (data.get("crate") or {}).items()}
    return SysTable(needs=needs, crates=crates)


@lru_cache(maxsize=1)
def load_table(path: Path = TABLE_PATH) -> SysTable:
    return parse_table(load_toml(path, locate=False).data)
