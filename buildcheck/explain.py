"""`explain(scan, binary)`: join what a binary carries with the settings that would put it there, and rank the causes.

Pure: a ScanResult (the resolved settings of a directory) and optionally a BinaryReport
in, an Explanation out. Nothing is read or printed here.

How evidence meets settings (buildcheck/binary_evidence.py reads the binary):
- Rust units of the project's crates appear only when those crates were compiled with
  debuginfo: `-g`/`-C debuginfo` in the winning rustflags (every crate), a profile `debug`
  (every crate without its own override), or a `package.*` override (those crates).
- Units of the standard library alone mean nothing stripped the binary: a toolchain before
  cargo 1.77 (which never strips), or an explicit `strip = "none"` / `-C strip=none`.
- C/C++/asm units whose GCC producer records `-g` come from CFLAGS/CXXFLAGS when those carry a
  debug flag, otherwise from the profile: cargo tells build scripts DEBUG=true and the cc crate adds `-g`.
- When the binary shows what the settings cannot produce (or lacks what they must produce),
  that is a contradiction: the binary was built elsewhere or with other flags. We say so
  instead of guessing which setting it was.
Without a binary the causes come from the settings alone, ranked by how much they put in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from buildcheck.binary_evidence import BinaryEvidence, read_evidence
from buildcheck.binary_findings import strip_fix
from buildcheck.cargo.levels import debuginfo_from_flags, is_on, strip_from_flags
from buildcheck.cargo.profiles import IMPLICIT_STRIP_SINCE
from buildcheck.cargo.scan import ScanResult
from buildcheck.elf.inspect import BinaryReport
from buildcheck.i18n import _, ngettext
from buildcheck.model import Finding, Origin
from buildcheck.sizes import format_size

SCHEMA_VERSION = 1
CauseKind = Literal["rustflags", "profile", "package-override", "c-flags", "cc-debug-from-profile",
                    "strip-disabled", "toolchain-no-strip", "unexplained"]
# Without bytes to compare, causes rank by reach: every crate, then some crates, then native code, then strip.
_REACH = {"rustflags": 0, "profile": 1, "package-override": 2, "c-flags": 3, "cc-debug-from-profile": 4,
          "strip-disabled": 5, "toolchain-no-strip": 6, "unexplained": 7}
NAMES_SHOWN = 6


@dataclass(frozen=True, kw_only=True)
class Cause:
    """One setting that puts (or would put) debug info into the binary."""

    kind: CauseKind
    rule: str                     # the rule id the same cause has in `scan`/`check` (docs/rules.md)
    summary: str                  # one line: what the setting is and where it is set
    origin: Origin | None
    evidence: tuple[str, ...]     # why we think so: settings and what the binary shows
    fix: str | None
    seen_in_binary: bool | None   # None: no binary was given
    debug_info_bytes: int = 0     # the binary's .debug_info this cause accounts for

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "rule": self.rule, "summary": self.summary,
                "location": self.origin.to_json() if self.origin else None, "evidence": list(self.evidence),
                "fix": self.fix, "seen_in_binary": self.seen_in_binary, "debug_info_bytes": self.debug_info_bytes}


@dataclass(frozen=True, kw_only=True)
class Contradiction:
    """The binary and the current settings disagree: it was built elsewhere or with other flags."""

    message: str
    evidence: tuple[str, ...] = ()

    def to_finding(self, binary_path: str) -> Finding:
        return Finding(rule="BC103", severity="warning", origin=Origin.file(binary_path), message=self.message,
                       fix=_("rebuild with the current settings, or run explain where the binary was built"))

    def to_json(self) -> dict[str, Any]:
        return {"rule": "BC103", "message": self.message, "evidence": list(self.evidence)}


@dataclass(frozen=True, kw_only=True)
class Explanation:
    headline: str
    project: str | None
    profile: str
    cargo_version: str | None
    toolchain_origin: Origin
    debug_sections_expected: bool
    binary: BinaryEvidence | None
    causes: tuple[Cause, ...]
    contradictions: tuple[Contradiction, ...] = field(default=())

    @property
    def top_fix(self) -> str | None:
        return next((c.fix for c in self.causes if c.fix and c.seen_in_binary is not False), None)

    def contradiction_findings(self) -> list[Finding]:
        if self.binary is None:
            return []
        return [c.to_finding(self.binary.path) for c in self.contradictions]

    def to_json(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, "command": "explain", "headline": self.headline,
                "project": self.project, "profile": self.profile, "cargo_version": self.cargo_version,
                "toolchain_location": self.toolchain_origin.to_json(),
                "debug_sections_expected": self.debug_sections_expected,
                "binary": self.binary.to_json() if self.binary else None,
                "causes": [c.to_json() for c in self.causes],
                "contradictions": [c.to_json() for c in self.contradictions],
                "fix": self.top_fix}


def _crate(package: str) -> str:
    return package.replace("-", "_")  # rustc's crate name for a package name


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown + (_(" and {n} more").format(n=len(names) - NAMES_SHOWN) if len(names) > NAMES_SHOWN else "")


def _where(origin: Origin) -> str:
    if origin.kind == "env":
        return _("{name} (set in your environment)").format(name=origin.env)
    return origin.describe()


def _finding_fix(scan: ScanResult, rule: str, origin: Origin | None = None) -> str | None:
    """The fix the scan already worked out for this rule (and origin): one wording for scan, check and explain."""
    for finding in scan.findings:
        if finding.rule == rule and (origin is None or finding.origin == origin) and finding.fix:
            return finding.fix
    return None


@dataclass(frozen=True)
class _Seen:
    """What the binary shows, in the terms the settings speak."""

    evidence: BinaryEvidence

    def crates_of(self, packages: set[str] | None) -> list[tuple[str, int]]:
        """The binary's crates with debug info among `packages` (None: any crate)."""
        wanted = None if packages is None else {_crate(p) for p in packages}
        return [(name, size) for name, size in self.evidence.crates if wanted is None or name in wanted]

    def native_of(self, kinds: frozenset[str] | None = None) -> list[Any]:
        return [n for n in self.evidence.native if kinds is None or n.kind in kinds]


def _crate_evidence(found: list[tuple[str, int]]) -> str:
    return _("the binary has debug info of {count} crate(s): {names} ({size})").format(
        count=len(found), names=_names([name for name, _size in found]),
        size=format_size(sum(size for _name, size in found)))


def _rustflags_cause(scan: ScanResult, seen: _Seen | None) -> Cause | None:
    winner = scan.rustflags.winner
    found = debuginfo_from_flags(winner.flags)
    if not found or not is_on(found[0]):
        return None
    level, index = found
    origin = winner.items[index].origin
    flag = winner.flags[index]
    evidence = [_("`{flag}` is in the rustflags cargo uses ({tier}): rustc gives every crate debuginfo {level}, "
                  "whatever the profile says").format(flag=flag, tier=winner.tier, level=level)]
    crates: list[tuple[str, int]] = []
    if seen is not None:
        crates = seen.crates_of(None)
        evidence.append(_crate_evidence(crates) if crates else _("the binary has no crate's debug info"))
    return Cause(kind="rustflags", rule="BC001", origin=origin, fix=_finding_fix(scan, "BC001"),
                 summary=_("`{flag}` in {where}").format(flag=flag, where=_where(origin)),
                 evidence=tuple(evidence), seen_in_binary=None if seen is None else bool(crates),
                 debug_info_bytes=sum(size for _n, size in crates))


def _is_package_override(origin: Origin) -> bool:
    """`[profile.<name>.package.<spec>]`, from the key path a file origin was read from."""
    key = origin.key
    return key is not None and len(key) >= 3 and key[0] == "profile" and key[2] == "package"


def _profile_causes(scan: ScanResult, seen: _Seen | None) -> list[Cause]:
    """The profile's `debug` for the members, then each package override, grouped by where it is set."""
    groups: dict[Origin, list[str]] = {}
    levels: dict[Origin, str] = {}
    member_origins = {u.debuginfo.origin for u in scan.member_units() if is_on(u.debuginfo.value)}
    packages_in_build = list(dict.fromkeys((*scan.members, *scan.packages))) or [u.package for u in scan.member_units()]
    for package in packages_in_build:
        unit = scan.unit(package)
        if is_on(unit.debuginfo.value):
            groups.setdefault(unit.debuginfo.origin, []).append(package)
            levels[unit.debuginfo.origin] = unit.debuginfo.value
    causes = []
    for origin, packages in groups.items():
        is_profile = not _is_package_override(origin) and origin in member_origins
        crates = seen.crates_of(set(packages)) if seen is not None else []
        evidence = [_("`debug` = {level} for {count} package(s): {names}").format(
            level=levels[origin], count=len(packages), names=_names(packages))]
        if seen is not None:
            evidence.append(_crate_evidence(crates) if crates else _("none of them has debug info in the binary"))
        if is_profile:
            summary = _("`debug` in profile `{profile}` at {where}").format(profile=scan.profile, where=_where(origin))
        else:
            summary = _("a `package` override of profile `{profile}` at {where}").format(
                profile=scan.profile, where=_where(origin))
        causes.append(Cause(kind="profile" if is_profile else "package-override",
                            rule="BC002" if is_profile else "BC003", origin=origin, summary=summary,
                            fix=_finding_fix(scan, "BC002", origin) or _finding_fix(scan, "BC003", origin),
                            evidence=tuple(evidence), seen_in_binary=None if seen is None else bool(crates),
                            debug_info_bytes=sum(size for _n, size in crates)))
    return causes


_LANGUAGE_KINDS = {"c": frozenset({"c", "asm"}), "c++": frozenset({"c++"}), "cuda": frozenset({"cuda"})}


def _native_causes(scan: ScanResult, seen: _Seen | None) -> list[Cause]:
    causes = []
    explained: set[str] = set()
    for setting in scan.native_flags:
        if setting.debug_flag is None:
            continue
        origin = Origin.environment(setting.variable)
        evidence = [_("`{flag}` in {name}: the cc crate appends it to every {language} compile of the build "
                      "scripts").format(flag=setting.debug_flag, name=setting.variable, language=setting.language)]
        native = seen.native_of(_LANGUAGE_KINDS[setting.language]) if seen is not None else []
        explained.update(_LANGUAGE_KINDS[setting.language])
        if seen is not None:
            evidence.append(_native_evidence(native) if native else
                            _("the binary has no {language} debug info").format(language=setting.language))
        causes.append(Cause(kind="c-flags", rule="BC011" if setting.language == "cuda" else "BC010", origin=origin,
                            summary=_("`{flag}` in {where}").format(flag=setting.debug_flag, where=_where(origin)),
                            fix=_finding_fix(scan, "BC011" if setting.language == "cuda" else "BC010", origin),
                            evidence=tuple(evidence), seen_in_binary=None if seen is None else bool(native),
                            debug_info_bytes=sum(n.debug_info_bytes for n in native)))
    environment = dict(scan.environment)
    debug_packages = [p for p in (scan.packages or scan.members) if is_on(scan.unit(p).debuginfo.value)]
    if debug_packages and "CRATE_CC_NO_DEFAULTS" not in environment:
        origin = scan.unit(debug_packages[0]).debuginfo.origin
        native = [n for n in seen.native_of() if n.kind not in explained] if seen is not None else []
        evidence = [_("cargo tells the build scripts of {count} package(s) DEBUG=true (their profile debuginfo is "
                      "on); the cc crate then compiles C/C++ with -g").format(count=len(debug_packages))]
        if seen is not None:
            evidence.append(_native_evidence(native) if native else _("the binary has no C/C++ debug info"))
        causes.append(Cause(kind="cc-debug-from-profile", rule="BC012", origin=origin,
                            summary=_("DEBUG=true for build scripts, from the profile `debug` at {where}").format(
                                where=_where(origin)),
                            fix=_finding_fix(scan, "BC002", origin) or _finding_fix(scan, "BC003", origin),
                            evidence=tuple(evidence), seen_in_binary=None if seen is None else bool(native),
                            debug_info_bytes=sum(n.debug_info_bytes for n in native)))
    return causes


def _native_evidence(native: list[Any]) -> str:
    switches = sorted({n.debug_switch for n in native if n.debug_switch})
    recorded = _("GCC recorded {flags}").format(flags=", ".join(switches)) if switches else \
        _("the compiler recorded no switches")
    return _("the binary has {language} debug info ({size}); {recorded}").format(
        language="/".join(sorted({n.kind for n in native})), size=format_size(sum(n.debug_info_bytes for n in native)),
        recorded=recorded)


def _strip_cause(scan: ScanResult, seen: _Seen | None) -> Cause | None:
    """Why nothing strips the binary: an explicit strip none, or a cargo older than 1.77."""
    if scan.strip != "none":
        return None
    version = scan.cargo_version
    units = scan.member_units()
    in_flags = next((u for u in units if strip_from_flags(u.rustflags) == "none"), None)
    explicit = next((u.strip for u in units if u.strip.origin.kind != "default" and u.strip.value == "none"), None)
    std = seen.evidence.std_bytes if seen is not None else 0
    has_dwarf = seen.evidence.has_dwarf if seen is not None else False
    seen_flag = None if seen is None else has_dwarf
    std_line = [_("the binary keeps the standard library's debug info ({size})").format(size=format_size(std))] \
        if std else []
    if in_flags is not None:
        origin = scan.rustflags.winner.origins()[0] if scan.rustflags.winner.origins() else None
        return Cause(kind="strip-disabled", rule="BC006", origin=origin, fix=_finding_fix(scan, "BC006"),
                     summary=_("`-C strip=none` in the rustflags ({where})").format(
                         where=_where(origin) if origin else scan.rustflags.tier),
                     evidence=(_("rustflags come after cargo's own -C strip and win"), *std_line),
                     seen_in_binary=seen_flag, debug_info_bytes=std)
    if explicit is not None:
        return Cause(kind="strip-disabled", rule="BC006", origin=explicit.origin, fix=_finding_fix(scan, "BC006"),
                     summary=_("`strip = \"none\"` at {where}").format(where=_where(explicit.origin)),
                     evidence=(_("whatever debug info is compiled in stays in the binary"), *std_line),
                     seen_in_binary=seen_flag, debug_info_bytes=std)
    if version is not None and version < IMPLICIT_STRIP_SINCE:
        built_by = [_("the binary's Rust units were built by rustc {versions}").format(
            versions=", ".join(seen.evidence.rustc_versions))] if seen is not None and seen.evidence.rustc_versions \
            else []
        return Cause(kind="toolchain-no-strip", rule="BC005", origin=scan.toolchain.origin,
                     fix=_finding_fix(scan, "BC005") or strip_fix(scan.profile),
                     summary=_("cargo {version} (from {where}), which never strips").format(
                         version=version, where=_where(scan.toolchain.origin)),
                     evidence=(_("cargo strips release binaries by itself only from 1.77"), *std_line, *built_by),
                     seen_in_binary=seen_flag, debug_info_bytes=std)
    return None


def _contradictions(scan: ScanResult, causes: list[Cause], ev: BinaryEvidence) -> list[Contradiction]:
    out: list[Contradiction] = []
    version = str(scan.cargo_version) if scan.cargo_version else _("an unknown cargo")
    built_by = [_("the binary's Rust units were built by rustc {versions}").format(
        versions=", ".join(ev.rustc_versions))] if ev.rustc_versions else []
    crate_causes = [c for c in causes if c.kind in ("rustflags", "profile", "package-override")]
    native_causes = [c for c in causes if c.kind in ("c-flags", "cc-debug-from-profile")]
    if ev.has_dwarf and not scan.debug_sections_expected:
        out.append(Contradiction(message=_(
            "{path} carries debug info ({size} of debug sections), but the current settings leave none in the binary "
            "(cargo {version}, strip {strip}): it was built elsewhere, with another toolchain or other "
            "flags").format(path=ev.path, size=format_size(ev.debug_bytes), version=version, strip=scan.strip),
            evidence=tuple(built_by)))
    elif not ev.has_dwarf and scan.debug_sections_expected:
        out.append(Contradiction(message=_(
            "{path} has no debug info, but the current settings would leave debug sections in it (debuginfo "
            "{level}, strip {strip}): it was stripped after the build, or built elsewhere or with other "
            "flags").format(path=ev.path, level=scan.debuginfo, strip=scan.strip)))
    if ev.crates and not crate_causes:
        out.append(Contradiction(message=_(
            "{path} has debug info of {count} crate(s) ({names}), but the current settings compile every crate "
            "without debug info: it was built with other flags (e.g. -g in RUSTFLAGS of another shell) or "
            "other config files").format(path=ev.path, count=len(ev.crates),
                                         names=_names([name for name, _s in ev.crates])), evidence=tuple(built_by)))
    elif ev.crates and scan.workspace_root is not None and scan.packages and \
            not ev.crate_names() & {_crate(p) for p in scan.packages}:
        out.append(Contradiction(message=_(
            "none of the crates with debug info in {path} ({names}) is a package of {project}: it was built from "
            "another project").format(path=ev.path, names=_names([name for name, _s in ev.crates]),
                                      project=scan.workspace_root), evidence=tuple(built_by)))
    elif crate_causes and not ev.crates and scan.debug_sections_expected and ev.has_dwarf:
        out.append(Contradiction(message=_(
            "the current settings give crates debug info ({causes}), but {path} has none of its crates' debug "
            "info: it was built without them").format(
            causes="; ".join(c.summary for c in crate_causes), path=ev.path), evidence=tuple(built_by)))
    if ev.native and not native_causes:
        switches = sorted({n.debug_switch for n in ev.native if n.debug_switch})
        out.append(Contradiction(message=_(
            "{path} has C/C++ debug info ({names}{recorded}), but neither CFLAGS/CXXFLAGS nor a profile `debug` "
            "asks for it now: it was built with other flags").format(
            path=ev.path, names=_names([n.crate or n.name for n in ev.native]),
            recorded=_("; GCC recorded {flags}").format(flags=", ".join(switches)) if switches else "")))
    return out


def _unexplained(ev: BinaryEvidence, causes: list[Cause]) -> list[Cause]:
    """Without a workspace only the environment can be matched: say what else the binary shows and what can
    cause it, for each part no environment cause was seen to explain."""
    seen = {c.kind for c in causes if c.seen_in_binary}
    out = []
    if ev.crates and not seen & {"rustflags", "profile", "package-override"}:
        out.append(Cause(kind="unexplained", rule="BC100", origin=None, fix=None, seen_in_binary=True,
                         summary=_("crates compiled with debug info: `-g` or `-C debuginfo` in rustflags, or a "
                                   "profile `debug` where the binary was built"),
                         evidence=(_crate_evidence(list(ev.crates)),), debug_info_bytes=ev.crate_bytes))
    if ev.native and not seen & {"c-flags", "cc-debug-from-profile"}:
        out.append(Cause(kind="unexplained", rule="BC100", origin=None, fix=None, seen_in_binary=True,
                         summary=_("C/C++ compiled with debug info: -g in CFLAGS/CXXFLAGS, or DEBUG=true from a "
                                   "profile `debug` for the build scripts"),
                         evidence=(_native_evidence(list(ev.native)),), debug_info_bytes=ev.native_bytes))
    if ev.std_only and not seen & {"strip-disabled", "toolchain-no-strip"}:
        out.append(Cause(kind="unexplained", rule="BC102", origin=None, fix=None, seen_in_binary=True,
                         summary=_("only the standard library's debug info: a cargo older than 1.77, which never "
                                   "strips, or `strip = \"none\"`"),
                         evidence=(_("the binary keeps the standard library's debug info ({size})").format(
                             size=format_size(ev.std_bytes)),), debug_info_bytes=ev.std_bytes))
    return out


def _rank(causes: list[Cause]) -> list[Cause]:
    # What the binary shows first; then the settings that compile debug info in, before the missing strip
    # that only keeps it (in a hello-world std's bytes outweigh the crates', in damocles-worker never).
    seen_order = {True: 0, None: 1, False: 2}
    keeps_only = ("strip-disabled", "toolchain-no-strip")
    return sorted(causes, key=lambda c: (seen_order[c.seen_in_binary], c.kind in keeps_only, -c.debug_info_bytes,
                                         _REACH[c.kind]))


def _headline(scan: ScanResult, ev: BinaryEvidence | None, causes: list[Cause],
              contradictions: list[Contradiction]) -> str:
    active = [c for c in causes if c.seen_in_binary is not False and c.kind != "unexplained"]
    crate_cause = next((c for c in active if c.kind in ("rustflags", "profile", "package-override")), None)
    strip_cause = next((c for c in active if c.kind in ("toolchain-no-strip", "strip-disabled")), None)
    fix = next((c.fix for c in active if c.fix), None)
    fix_text = _(" Fix: {fix}").format(fix=fix) if fix else ""
    if ev is None:
        if not active:
            return _("The settings of {project} put no debug info into the binary (debuginfo {level}, strip "
                     "{strip}).").format(project=scan.workspace_root or scan.cwd, level=scan.debuginfo,
                                         strip=scan.strip)
        if not scan.debug_sections_expected:
            return _("Debug info is compiled ({cause}) but stripped at link time (strip {strip}): the binary will "
                     "have none; the build is slower for it.{fix}").format(
                cause=active[0].summary, strip=scan.strip, fix=fix_text)
        return _("The binary will carry debug info: {cause}{toolchain}.{fix}").format(
            cause=active[0].summary, fix=fix_text,
            toolchain=_(", with {strip}").format(strip=strip_cause.summary)
            if strip_cause and strip_cause is not active[0] else "")
    size = _("Your {size} binary is {percent} debug info").format(
        size=format_size(ev.file_size),
        percent="{p:.0f}%".format(p=100.0 * ev.debug_share))
    if not ev.has_dwarf:
        return _("Your {size} binary carries no debug info.").format(size=format_size(ev.file_size)) + (
            " " + contradictions[0].message if contradictions else "")
    what: str
    if ev.crates:
        what = ngettext("{count} crate carries debug info", "{count} crates carry debug info",
                        len(ev.crates)).format(count=len(ev.crates))
    elif ev.native:
        what = _("C/C++ code carries debug info")
    elif ev.std_only:
        what = _("all of it the standard library's ({std})").format(std=format_size(ev.std_bytes))
    else:
        what = _("of an origin that could not be read")
    if crate_cause is not None:
        match = _(", which matches {cause}").format(cause=crate_cause.summary)
    elif active and active[0].kind != "unexplained" and active[0].kind not in ("toolchain-no-strip",
                                                                                "strip-disabled"):
        match = _(", which matches {cause}").format(cause=active[0].summary)
    elif strip_cause is not None and ev.std_only:
        match = _(", left there by {cause}").format(cause=strip_cause.summary)
        strip_cause = None
    elif contradictions:
        match = _(", which the current settings do not explain (see the contradictions)")
        strip_cause = None
    else:
        match = ""
    toolchain = _(" on {cause}").format(cause=strip_cause.summary) if strip_cause is not None else ""
    return _("{size}; {what}{match}{toolchain}.{fix}").format(size=size, what=what, match=match, toolchain=toolchain,
                                                          fix=fix_text)


def explain(scan: ScanResult, binary: BinaryReport | None) -> Explanation:
    evidence = read_evidence(binary) if binary is not None else None
    seen = _Seen(evidence) if evidence is not None else None
    causes: list[Cause] = []
    rustflags = _rustflags_cause(scan, seen)
    if rustflags is not None:
        causes.append(rustflags)
    causes.extend(_profile_causes(scan, seen))
    causes.extend(_native_causes(scan, seen))
    strip = _strip_cause(scan, seen)
    if strip is not None:
        causes.append(strip)
    contradictions: list[Contradiction] = []
    if evidence is not None:
        if scan.workspace_root is None:
            causes.extend(_unexplained(evidence, causes))  # no project settings to hold the binary against
        else:
            contradictions = _contradictions(scan, causes, evidence)
    ranked = _rank(causes)
    return Explanation(
        headline=_headline(scan, evidence, ranked, contradictions),
        project=str(scan.workspace_root) if scan.workspace_root else None, profile=scan.profile,
        cargo_version=str(scan.cargo_version) if scan.cargo_version else None,
        toolchain_origin=scan.toolchain.origin, debug_sections_expected=scan.debug_sections_expected,
        binary=evidence, causes=tuple(ranked), contradictions=tuple(contradictions))
