"""`explain(scan, causes, binary)`: join what a binary carries with the causes that would put it there, and rank them.

Pure: the causes of one build (buildcheck/causes.py) and optionally a BinaryReport in, an Explanation out. The
causes are the same ones `scan`, `check`, `fix` and `flags` show; explain adds evidence and ranks them.

How evidence meets settings (buildcheck/binary_evidence.py reads the binary):
- Rust units of the project's crates appear only when those crates were compiled with debuginfo: `-g`/`-C
  debuginfo` in the winning rustflags (every crate), a profile `debug` (every crate without its own override), or
  a `package.*` override (those crates). Split DWARF (`.dwo`/`.dwp` beside the binary) counts as theirs.
- Units of the standard library alone mean nothing stripped the binary: a toolchain before cargo 1.77 (which never
  strips), or an explicit `strip = "none"` / `-C strip=none`.
- C/C++/asm units come from CFLAGS/CXXFLAGS when those carry a debug switch, otherwise from the profile: cargo
  tells build scripts DEBUG=true and the cc crate adds `-g`. Both causes read the same native evidence.
- The binary's Rust units record the rustc that built them: another version than the settings name is the first
  thing to tell, because the settings are then judged by the wrong toolchain's rules.
- When the binary shows what the settings cannot produce (or lacks what they must produce), that is a
  contradiction: the binary was built elsewhere or with other flags. We say so instead of guessing.
Without a binary the causes come from the settings alone, ranked by how much they put in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from typing import TYPE_CHECKING

from buildcheck.binary_evidence import BinaryEvidence, NativeDebug
from buildcheck.cargo.resolved import ScanResult
from buildcheck.causes import Cause
from buildcheck.i18n import N_, N_plural
from buildcheck.messages import Joined, Message, Percent, Size
from buildcheck.model import Finding, Origin
from buildcheck.remedies import Remedy

if TYPE_CHECKING:  # the ELF reader is loaded only when a binary is read
    from buildcheck.elf.inspect import BinaryReport

SCHEMA_VERSION = 2
NAMES_SHOWN = 6
FIXES_IN_HEADLINE = 3
_CRATE_KINDS = ("rustflags-debuginfo", "profile-debug", "package-override-debug")
_NATIVE_KINDS = ("c-flags-debuginfo", "cuda-flags-debuginfo", "cc-debug-from-profile")
_KEEP_KINDS = ("strip-disabled", "toolchain-no-strip")
# Without bytes to compare, causes rank by reach: every crate, then some crates, then native code, then strip.
_REACH = {"rustflags-debuginfo": 0, "profile-debug": 1, "package-override-debug": 2, "c-flags-debuginfo": 3,
          "cuda-flags-debuginfo": 3, "cc-debug-from-profile": 4, "strip-disabled": 5, "toolchain-no-strip": 6}
_LANGUAGE_KINDS = {"c": frozenset({"c", "asm"}), "c++": frozenset({"c++"}), "cuda": frozenset({"cuda"})}


@dataclass(frozen=True, kw_only=True)
class ExplainedCause:
    """One cause with what the binary says about it."""

    cause: Cause
    summary: Message
    evidence: tuple[Message, ...]
    seen_in_binary: bool | None   # None: no binary was given
    debug_info_bytes: int = 0     # the binary's .debug_info this cause accounts for

    @property
    def kind(self) -> str:
        return self.cause.kind

    @property
    def rule(self) -> str:
        return self.cause.rule

    @property
    def origin(self) -> Origin | None:
        return self.cause.origin

    def to_json(self) -> dict[str, Any]:
        cause = self.cause
        return {"kind": cause.kind, "rule": cause.rule, "summary": self.summary.text(),
                "summary_id": self.summary.id, "summary_params": self.summary.params_json(),
                "location": cause.origin.to_json() if cause.origin else None,
                "evidence": [e.text() for e in self.evidence],
                "evidence_ids": [e.to_json() for e in self.evidence],
                "fix": cause.remedy.describe().text() if cause.remedy else None,
                "seen_in_binary": self.seen_in_binary, "debug_info_bytes": self.debug_info_bytes}


@dataclass(frozen=True, kw_only=True)
class Unexplained:
    """Debug info the binary shows that no setting here explains (no workspace to hold it against)."""

    rule: str
    summary: Message
    evidence: tuple[Message, ...]
    debug_info_bytes: int
    seen_in_binary: bool = True
    kind: str = "unexplained"
    origin: Origin | None = None

    def to_json(self) -> dict[str, Any]:
        return {"kind": "unexplained", "rule": self.rule, "summary": self.summary.text(),
                "summary_id": self.summary.id, "summary_params": self.summary.params_json(), "location": None,
                "evidence": [e.text() for e in self.evidence], "evidence_ids": [e.to_json() for e in self.evidence],
                "fix": None, "seen_in_binary": True, "debug_info_bytes": self.debug_info_bytes}


@dataclass(frozen=True, kw_only=True)
class Contradiction:
    """The binary and the current settings disagree: it was built elsewhere or with other flags."""

    message: Message
    evidence: tuple[Message, ...] = ()

    def to_finding(self, binary_path: str) -> Finding:
        return Finding(rule="BC103", severity="warning", origin=Origin.file(binary_path), message=self.message,
                       fix=Message.of("BC103.fix", N_(
                           "rebuild with the current settings, or run explain where the binary was built")))

    def to_json(self) -> dict[str, Any]:
        return {"rule": "BC103", "message": self.message.text(), "message_id": self.message.id,
                "params": self.message.params_json(), "evidence": [e.text() for e in self.evidence]}


@dataclass(frozen=True, kw_only=True)
class Explanation:
    headline: Message
    project: str | None
    profile: str
    cargo_version: str | None
    toolchain_origin: Origin
    debug_sections_expected: bool
    binary: BinaryEvidence | None
    causes: tuple[ExplainedCause | Unexplained, ...]
    contradictions: tuple[Contradiction, ...] = field(default=())
    fix: tuple[Remedy, ...] = ()   # every remedy the active causes need, most important first
    cpu: tuple[Message, ...] = ()  # what the settings make the binary need from a CPU (target-cpu=native, blst)

    def contradiction_findings(self) -> list[Finding]:
        if self.binary is None:
            return []
        return [c.to_finding(self.binary.path) for c in self.contradictions]

    def to_json(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, "command": "explain", "headline": self.headline.text(),
                "headline_id": self.headline.id, "project": self.project, "profile": self.profile,
                "cargo_version": self.cargo_version, "toolchain_location": self.toolchain_origin.to_json(),
                "debug_sections_expected": self.debug_sections_expected,
                "binary": self.binary.to_json() if self.binary else None,
                "causes": [c.to_json() for c in self.causes],
                "contradictions": [c.to_json() for c in self.contradictions],
                "fix": [r.describe().text() for r in self.fix],
                "cpu": [m.text() for m in self.cpu], "cpu_ids": [m.to_json() for m in self.cpu]}


def _crate(package: str) -> str:
    return package.replace("-", "_")  # rustc's crate name for a package name


def _names(names: Sequence[str]) -> Message:
    if len(names) <= NAMES_SHOWN:
        return Message.of("names", N_("{names}"), names=list(names))
    return Message.of("names.more", N_("{names} and {n} more"), names=list(names[:NAMES_SHOWN]),
                      n=len(names) - NAMES_SHOWN)


def _crate_evidence(found: Sequence[tuple[str, int]]) -> Message:
    return Message.of("evidence.crates", N_("the binary has debug info of {count} crate(s): {names} ({size})"),
                      count=len(found), names=_names([name for name, _size in found]),
                      size=Size(sum(size for _name, size in found)))


def _native_evidence(native: Sequence[NativeDebug]) -> Message:
    switches = sorted({n.debug_switch for n in native if n.debug_switch})
    kinds = "/".join(sorted({n.kind for n in native}))
    size = Size(sum(n.debug_info_bytes for n in native))
    if switches:
        return Message.of("evidence.native.recorded", N_(
            "the binary has {language} debug info ({size}); GCC recorded {flags}"),
            language=kinds, size=size, flags=switches)
    return Message.of("evidence.native", N_(
        "the binary has {language} debug info ({size}); the compiler recorded no switches"), language=kinds,
        size=size)


def _std_evidence(ev: BinaryEvidence) -> list[Message]:
    if not ev.std_bytes:
        return []
    return [Message.of("evidence.std", N_("the binary keeps the standard library's debug info ({size})"),
                       size=Size(ev.std_bytes))]


def _summary(cause: Cause, scan: ScanResult) -> Message:
    where = cause.origin
    if cause.kind == "rustflags-debuginfo":
        return Message.of("summary.rustflags", N_("`{flag}` in {where}"), flag=cause.message.param("flag"),
                          where=where)
    if cause.kind == "profile-debug":
        return Message.of("summary.profile", N_("`debug` in profile `{profile}` at {where}"), profile=scan.profile,
                          where=where)
    if cause.kind == "package-override-debug":
        return Message.of("summary.package-override", N_("a `package` override of profile `{profile}` at {where}"),
                          profile=scan.profile, where=where)
    if cause.kind in ("c-flags-debuginfo", "cuda-flags-debuginfo"):
        return Message.of("summary.c-flags", N_("`{flag}` in {where}"), flag=cause.message.param("flag"),
                          where=where)
    if cause.kind == "cc-debug-from-profile":
        return Message.of("summary.cc-debug", N_("DEBUG=true for build scripts, from the profile `debug` at {where}"),
                          where=where)
    if cause.kind == "strip-disabled":
        return Message.of("summary.strip-disabled", N_("strip disabled at {where}"), where=where)
    return Message.of("summary.toolchain-no-strip", N_("cargo {version} (from {where}), which never strips"),
                      version=str(scan.cargo_version), where=where)


def _native_of(ev: BinaryEvidence, cause: Cause) -> list[NativeDebug]:
    if cause.kind == "cc-debug-from-profile":
        return list(ev.native)
    kinds = _LANGUAGE_KINDS.get(cause.language or "", frozenset())
    return [n for n in ev.native if n.kind in kinds]


def _explained(cause: Cause, scan: ScanResult, ev: BinaryEvidence | None) -> ExplainedCause:
    evidence: list[Message] = []
    seen: bool | None = None
    size = 0
    if cause.kind == "rustflags-debuginfo":
        evidence.append(Message.of("evidence.rustflags", N_(
            "`{flag}` is in the rustflags cargo uses: rustc gives every crate debuginfo {level}, whatever the profile "
            "says"), flag=cause.message.param("flag"), level=cause.level))
    elif cause.kind in ("profile-debug", "package-override-debug"):
        evidence.append(Message.of("evidence.profile", N_("`debug` = {level} for {count} package(s): {names}"),
                                   level=cause.level, count=len(cause.packages), names=_names(cause.packages)))
    elif cause.kind in ("c-flags-debuginfo", "cuda-flags-debuginfo", "cc-debug-from-profile"):
        evidence.append(cause.message)
    elif cause.kind == "toolchain-no-strip":
        evidence.append(Message.of("evidence.no-strip", N_("cargo strips release binaries by itself only from 1.77")))
    else:
        evidence.append(cause.message)
    if ev is not None:
        if cause.kind in _CRATE_KINDS:
            wanted = None if cause.kind == "rustflags-debuginfo" else {_crate(p) for p in cause.packages}
            crates = [(name, n) for name, n in ev.crates if wanted is None or name in wanted]
            seen, size = bool(crates), sum(n for _name, n in crates)
            evidence.append(_crate_evidence(crates) if crates else Message.of(
                "evidence.no-crates", N_("none of them has debug info in the binary")))
        elif cause.kind in _NATIVE_KINDS:
            native = _native_of(ev, cause)
            seen, size = bool(native), sum(n.debug_info_bytes for n in native)
            evidence.append(_native_evidence(native) if native else Message.of(
                "evidence.no-native", N_("the binary has no C/C++ debug info")))
        elif cause.kind in _KEEP_KINDS:
            seen, size = ev.has_dwarf, ev.std_bytes
            evidence.extend(_std_evidence(ev))
    return ExplainedCause(cause=cause, summary=_summary(cause, scan), evidence=tuple(evidence), seen_in_binary=seen,
                          debug_info_bytes=size)


def _built_by(ev: BinaryEvidence) -> tuple[Message, ...]:
    if not ev.rustc_versions:
        return ()
    return (Message.of("evidence.built-by", N_("the binary's Rust units were built by rustc {versions}"),
                       versions=list(ev.rustc_versions)),)


def _contradictions(scan: ScanResult, causes: Sequence[Cause], ev: BinaryEvidence) -> list[Contradiction]:
    out: list[Contradiction] = []
    version = str(scan.cargo_version) if scan.cargo_version else None
    rustc = str(scan.toolchain.rustc_version) if scan.toolchain.rustc_version else None
    built_by = _built_by(ev)
    if rustc and ev.rustc_versions and rustc not in ev.rustc_versions:
        # Told first: every rule below is judged by the toolchain the settings name, which did not build it.
        out.append(Contradiction(message=Message.of("BC103.toolchain", N_(
            "{path} was built by rustc {built}, but the toolchain here is rustc {rustc} ({where}): the binary is "
            "explained by cargo {version}'s rules, which may not be how it was built"),
            path=ev.path, built=list(ev.rustc_versions), rustc=rustc, version=version or "?",
            where=scan.toolchain.origin)))
    crate_causes = [c for c in causes if c.kind in _CRATE_KINDS]
    native_causes = [c for c in causes if c.kind in _NATIVE_KINDS]
    if ev.has_dwarf and not scan.debug_sections_expected:
        out.append(Contradiction(message=Message.of("BC103.has-debug", N_(
            "{path} carries debug info ({size} of debug sections), but the current settings leave none in the binary "
            "(cargo {version}, strip {strip}): it was built elsewhere, with another toolchain or other flags"),
            path=ev.path, size=Size(ev.debug_bytes), version=version or "?", strip=scan.strip), evidence=built_by))
    elif not ev.has_dwarf and scan.debug_sections_expected:
        out.append(Contradiction(message=Message.of("BC103.no-debug", N_(
            "{path} has no debug info, but the current settings would leave debug sections in it (debuginfo {level}, "
            "strip {strip}): it was stripped after the build, or built elsewhere or with other flags"),
            path=ev.path, level=scan.debuginfo, strip=scan.strip)))
    if ev.crates and not crate_causes:
        out.append(Contradiction(message=Message.of("BC103.unexpected-crates", N_(
            "{path} has debug info of {count} crate(s) ({names}), but the current settings compile every crate "
            "without debug info: it was built with other flags (e.g. -g in RUSTFLAGS of another shell) or other "
            "config files"), path=ev.path, count=len(ev.crates), names=_names([n for n, _s in ev.crates])),
            evidence=built_by))
    elif ev.crates and scan.workspace_root is not None and scan.packages and \
            not ev.crate_names() & {_crate(p) for p in scan.packages}:
        out.append(Contradiction(message=Message.of("BC103.other-project", N_(
            "none of the crates with debug info in {path} ({names}) is a package of {project}: it was built from "
            "another project"), path=ev.path, names=_names([n for n, _s in ev.crates]),
            project=str(scan.workspace_root)), evidence=built_by))
    elif crate_causes and not ev.crates and scan.debug_sections_expected and ev.has_dwarf and not ev.split_dwarf:
        out.append(Contradiction(message=Message.of("BC103.missing-crates", N_(
            "the current settings give crates debug info ({causes}), but {path} has none of its crates' debug info: "
            "it was built without them"), causes=[_summary(c, scan) for c in crate_causes], path=ev.path),
            evidence=built_by))
    if ev.native and not native_causes:
        out.append(Contradiction(message=Message.of("BC103.unexpected-native", N_(
            "{path} has C/C++ debug info ({names}), but neither CFLAGS/CXXFLAGS nor a profile `debug` asks for it "
            "now: it was built with other flags"), path=ev.path,
            names=_names([n.crate or n.name for n in ev.native])),
            evidence=(_native_evidence(list(ev.native)),)))
    return out


def _unexplained(ev: BinaryEvidence, explained: Sequence[ExplainedCause]) -> list[Unexplained]:
    """Without a workspace only the environment can be matched: say what else the binary shows and what can cause
    it, for each part no environment cause was seen to explain."""
    seen = {c.cause.kind for c in explained if c.seen_in_binary}
    out = []
    if ev.crates and not seen & set(_CRATE_KINDS):
        out.append(Unexplained(rule="BC100", debug_info_bytes=ev.crate_bytes, evidence=(_crate_evidence(ev.crates),),
                               summary=Message.of("unexplained.crates", N_(
                                   "crates compiled with debug info: `-g` or `-C debuginfo` in rustflags, or a "
                                   "profile `debug` where the binary was built"))))
    if ev.native and not seen & set(_NATIVE_KINDS):
        out.append(Unexplained(rule="BC100", debug_info_bytes=ev.native_bytes,
                               evidence=(_native_evidence(list(ev.native)),), summary=Message.of(
                                   "unexplained.native", N_(
                                       "C/C++ compiled with debug info: -g in CFLAGS/CXXFLAGS, or DEBUG=true from a "
                                       "profile `debug` for the build scripts"))))
    if ev.std_only and not seen & set(_KEEP_KINDS):
        out.append(Unexplained(rule="BC102", debug_info_bytes=ev.std_bytes, evidence=tuple(_std_evidence(ev)),
                               summary=Message.of("unexplained.std", N_(
                                   "only the standard library's debug info: a cargo older than 1.77, which never "
                                   "strips, or `strip = \"none\"`"))))
    return out


def _rank(causes: Sequence[ExplainedCause | Unexplained]) -> list[ExplainedCause | Unexplained]:
    # What the binary shows first; then the settings that compile debug info in, before the missing strip that only
    # keeps it (in a hello-world std's bytes outweigh the crates', in damocles-worker never).
    seen_order = {True: 0, None: 1, False: 2}
    return sorted(causes, key=lambda c: (seen_order[c.seen_in_binary], c.kind in _KEEP_KINDS,
                                         -c.debug_info_bytes, _REACH.get(c.kind, 9)))


def _fix(ranked: Sequence[ExplainedCause], all_causes: Sequence[Cause]) -> tuple[Remedy, ...]:
    """Every remedy the build needs to lose the debug info: the ranked causes' first (those not contradicted by the
    binary), then what hides behind them (revealed once the first are removed)."""
    remedies: list[Remedy] = []
    for explained in ranked:
        if explained.seen_in_binary is not False and explained.cause.remedy is not None:
            remedies.append(explained.cause.remedy)
    for cause in all_causes:
        if not cause.effective and (cause.debug or cause.keeps) and cause.remedy is not None:
            remedies.append(cause.remedy)
    return tuple(dict.fromkeys(remedies))


def _fix_text(fix: Sequence[Remedy]) -> Message | None:
    if not fix:
        return None
    shown = [r.describe() for r in fix[:FIXES_IN_HEADLINE]]
    if len(fix) > FIXES_IN_HEADLINE:
        return Message.of("headline.fix.more", N_(" Fix: {fixes}; and {n} more (below)."), fixes=Joined(tuple(shown)),
                          n=len(fix) - FIXES_IN_HEADLINE)
    return Message.of("headline.fix", N_(" Fix: {fixes}."), fixes=Joined(tuple(shown)))


def _headline(scan: ScanResult, ev: BinaryEvidence | None, ranked: Sequence[ExplainedCause],
              contradictions: Sequence[Contradiction], fix: Message | None) -> Message:
    active = [c for c in ranked if c.seen_in_binary is not False]
    crate_cause = next((c for c in active if c.cause.kind in _CRATE_KINDS), None)
    strip_cause = next((c for c in active if c.cause.kind in _KEEP_KINDS), None)
    fix_text = fix or ""
    if ev is None:
        if not active:
            return Message.of("headline.clean", N_(
                "The settings of {project} put no debug info into the binary (debuginfo {level}, strip {strip})."),
                project=str(scan.workspace_root or scan.cwd), level=scan.debuginfo, strip=scan.strip)
        if not scan.debug_sections_expected:
            return Message.of("headline.stripped", N_(
                "Debug info is compiled ({cause}) but stripped at link time (strip {strip}): the binary will have "
                "none; the build is slower for it.{fix}"), cause=active[0].summary, strip=scan.strip, fix=fix_text)
        if strip_cause is not None and strip_cause is not active[0]:
            return Message.of("headline.predicted.unstripped", N_(
                "The binary will carry debug info: {cause}, with {strip}.{fix}"), cause=active[0].summary,
                strip=strip_cause.summary, fix=fix_text)
        return Message.of("headline.predicted", N_("The binary will carry debug info: {cause}.{fix}"),
                          cause=active[0].summary, fix=fix_text)
    if contradictions and contradictions[0].message.id == "BC103.toolchain":
        lead: Message | str = Message.of("headline.toolchain", N_("{contradiction}. "),
                                         contradiction=contradictions[0].message)
    else:
        lead = ""
    if not ev.has_dwarf:
        tail = contradictions[-1].message if contradictions else ""
        return Message.of("headline.binary.clean", N_("{lead}Your {size} binary carries no debug info. {tail}"),
                          lead=lead, size=Size(ev.file_size), tail=tail)
    if ev.crates:
        singular, plural = N_plural("{n} crate carries debug info", "{n} crates carry debug info")
        what: Message = Message.of("headline.what.crates", singular, plural=plural, n=len(ev.crates))
    elif ev.native:
        what = Message.of("headline.what.native", N_("C/C++ code carries debug info"))
    elif ev.std_only:
        what = Message.of("headline.what.std", N_("all of it the standard library's ({std})"), std=Size(ev.std_bytes))
    else:
        what = Message.of("headline.what.unknown", N_("of an origin that could not be read"))
    match: Message | str = ""
    if crate_cause is not None:
        match = Message.of("headline.matches", N_(", which matches {cause}"), cause=crate_cause.summary)
    elif active and active[0].cause.kind not in _KEEP_KINDS:
        match = Message.of("headline.matches", N_(", which matches {cause}"), cause=active[0].summary)
    elif strip_cause is not None and ev.std_only:
        match = Message.of("headline.left-by", N_(", left there by {cause}"), cause=strip_cause.summary)
        strip_cause = None
    elif contradictions:
        match = Message.of("headline.contradicted", N_(
            ", which the current settings do not explain (see the contradictions)"))
        strip_cause = None
    toolchain: Message | str = Message.of("headline.on", N_(" on {cause}"), cause=strip_cause.summary) \
        if strip_cause is not None else ""
    return Message.of("headline.binary", N_("{lead}Your {size} binary is {percent} debug info; {what}{match}"
                                            "{toolchain}.{fix}"),
                      lead=lead, size=Size(ev.file_size), percent=Percent(ev.debug_share), what=what, match=match,
                      toolchain=toolchain, fix=fix_text)


def explain(scan: ScanResult, causes: Sequence[Cause], binary: BinaryReport | None = None) -> Explanation:
    if binary is not None:
        from buildcheck.binary_evidence import read_evidence

        evidence: BinaryEvidence | None = read_evidence(binary)
    else:
        evidence = None
    relevant = [c for c in causes if c.effective and (c.debug or c.keeps)]
    explained = [_explained(c, scan, evidence) for c in relevant]
    contradictions: list[Contradiction] = []
    unexplained: list[Unexplained] = []
    if evidence is not None:
        if scan.workspace_root is None:
            unexplained = _unexplained(evidence, explained)  # no project settings to hold the binary against
        else:
            contradictions = _contradictions(scan, relevant, evidence)
    ranked = [c for c in _rank(explained) if isinstance(c, ExplainedCause)]
    fix = _fix(ranked, causes)
    cpu: list[Message] = [c.message for c in causes if c.kind in ("target-cpu-native", "blst-host-adx")]
    if cpu:
        cpu.append(Message.of("explain.runs-on", N_(
            "before copying it to other machines: `buildcheck check --binary {path} --runs-on SPEC` (a "
            "/proc/cpuinfo of each worker, or a directory of them) says which would kill it"),
            path=evidence.path if evidence is not None else "BINARY"))
    return Explanation(
        headline=_headline(scan, evidence, ranked, contradictions, _fix_text(fix)),
        project=str(scan.workspace_root) if scan.workspace_root else None, profile=scan.profile,
        cargo_version=str(scan.cargo_version) if scan.cargo_version else None,
        toolchain_origin=scan.toolchain.origin, debug_sections_expected=scan.debug_sections_expected,
        binary=evidence, causes=tuple(_rank([*explained, *unexplained])), contradictions=tuple(contradictions), fix=fix,
        cpu=tuple(cpu))
