"""Compare two inspect reports: what grew, shrank, appeared or vanished.

Works on the JSON form of an inspect report (`BinaryReport.to_json()`), so the
same code compares two binaries, two saved reports, or one of each. Sections
are matched by name (the n-th section of a name with the n-th of the other
file, since relocatable objects repeat names); origins by (name, kind).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Status = Literal["grew", "shrank", "appeared", "vanished", "same"]


@dataclass(frozen=True, kw_only=True)
class Delta:
    name: str
    kind: str | None  # an origin's kind (rust, c++, ...); None for sections
    old: int | None   # bytes; None when absent on that side
    new: int | None

    @property
    def change(self) -> int:
        return (self.new or 0) - (self.old or 0)

    @property
    def status(self) -> Status:
        if self.old is None:
            return "appeared"
        if self.new is None:
            return "vanished"
        if self.new > self.old:
            return "grew"
        if self.new < self.old:
            return "shrank"
        return "same"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "old": self.old, "new": self.new,
                               "change": self.change, "status": self.status}
        if self.kind is not None:
            out["kind"] = self.kind
        return out


@dataclass(frozen=True, kw_only=True)
class Pair:
    """One whole-file number on both sides."""

    old: int
    new: int

    @property
    def change(self) -> int:
        return self.new - self.old

    @property
    def growth(self) -> float | None:
        """Relative change (0.05 = grew by 5%); None when the old value is 0."""
        return None if self.old == 0 else self.change / self.old

    def to_json(self) -> dict[str, Any]:
        return {"old": self.old, "new": self.new, "change": self.change, "growth": self.growth}


@dataclass(frozen=True, kw_only=True)
class BinaryDiff:
    old_path: str
    new_path: str
    file_size: Pair
    debug_bytes: Pair
    debug_info_bytes: Pair
    stripped_size_estimate: Pair
    sections: tuple[Delta, ...]
    origins: tuple[Delta, ...]

    def changed_sections(self) -> tuple[Delta, ...]:
        return tuple(d for d in self.sections if d.status != "same")

    def changed_origins(self) -> tuple[Delta, ...]:
        return tuple(d for d in self.origins if d.status != "same")

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "command": "diff",
            "old": self.old_path,
            "new": self.new_path,
            "file_size": self.file_size.to_json(),
            "debug_bytes": self.debug_bytes.to_json(),
            "debug_info_bytes": self.debug_info_bytes.to_json(),
            "stripped_size_estimate": self.stripped_size_estimate.to_json(),
            "sections": [d.to_json() for d in self.changed_sections()],
            "origins": [d.to_json() for d in self.changed_origins()],
        }


def _by_largest_change(deltas: Iterable[Delta]) -> tuple[Delta, ...]:
    return tuple(sorted(deltas, key=lambda d: (-abs(d.change), d.name)))


def _section_sizes(report: Mapping[str, Any]) -> dict[str, int]:
    """Section name -> on-disk size; repeated names get `name#2`, `name#3`, ... in header order."""
    seen: Counter[str] = Counter()
    sizes: dict[str, int] = {}
    for section in report.get("sections", []):
        name = section["name"]
        seen[name] += 1
        key = name if seen[name] == 1 else f"{name}#{seen[name]}"
        # NOBITS sections (.bss) take no file bytes; their sh_size is memory, not size on disk.
        sizes[key] = 0 if section.get("type") == "NOBITS" else int(section["size"])
    return sizes


def _origin_sizes(report: Mapping[str, Any]) -> dict[tuple[str, str], int]:
    sizes: dict[tuple[str, str], int] = {}
    for origin in report.get("origins", []):
        key = (origin["name"], origin["kind"])
        sizes[key] = sizes.get(key, 0) + int(origin["debug_info_bytes"])
    return sizes


def _pair(old: Mapping[str, Any], new: Mapping[str, Any], field: str) -> Pair:
    return Pair(old=int(old.get(field) or 0), new=int(new.get(field) or 0))


def diff_reports(old: Mapping[str, Any], new: Mapping[str, Any]) -> BinaryDiff:
    old_sections, new_sections = _section_sizes(old), _section_sizes(new)
    sections = [Delta(name=name, kind=None, old=old_sections.get(name), new=new_sections.get(name))
                for name in {*old_sections, *new_sections}]
    old_origins, new_origins = _origin_sizes(old), _origin_sizes(new)
    origins = [Delta(name=name, kind=kind, old=old_origins.get((name, kind)), new=new_origins.get((name, kind)))
               for name, kind in {*old_origins, *new_origins}]
    return BinaryDiff(
        old_path=str(old.get("path")),
        new_path=str(new.get("path")),
        file_size=_pair(old, new, "file_size"),
        debug_bytes=_pair(old, new, "debug_bytes"),
        debug_info_bytes=_pair(old, new, "debug_info_bytes"),
        stripped_size_estimate=_pair(old, new, "stripped_size_estimate"),
        sections=_by_largest_change(sections),
        origins=_by_largest_change(origins),
    )


_PERCENT = re.compile(r"(?P<number>[0-9]{1,6}(?:\.[0-9]{1,6})?)\s*%")


@dataclass(frozen=True, kw_only=True)
class GrowthGate:
    """`--max-growth`: the limit as written, and whether the new file stayed within it."""

    limit: str
    passed: bool

    def to_json(self) -> dict[str, Any]:
        return {"max_growth": self.limit, "passed": self.passed}


def parse_growth(text: str) -> tuple[str, float]:
    """`5%` -> ("relative", 0.05); `2MiB` -> ("bytes", 2097152)."""
    from buildcheck.errors import UsageError
    from buildcheck.i18n import _
    from buildcheck.sizes import parse_size

    match = _PERCENT.fullmatch(text.strip())
    if match:
        return "relative", float(match.group("number")) / 100
    try:
        return "bytes", float(parse_size(text))
    except UsageError:
        raise UsageError(_("invalid --max-growth {text!r}: expected a percentage such as 5% "
                           "or a size such as 2MiB").format(text=text)) from None


def growth_gate(diff: BinaryDiff, limit: str) -> GrowthGate:
    """Whether NEW grew more than `limit`: a size in bytes, or a share of OLD (any growth from an empty OLD)."""
    kind, value = parse_growth(limit)
    change = diff.file_size.change
    if kind == "bytes":
        exceeded = change > value
    else:
        exceeded = change > 0 if diff.file_size.growth is None else diff.file_size.growth > value
    return GrowthGate(limit=limit, passed=not exceeded)
