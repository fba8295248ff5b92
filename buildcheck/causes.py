"""Causes: from one resolved build to every setting that puts debug info into the binary, and what removes it.

This is the one place that decides what is wrong with a build's settings. `scan`/`check` render causes as
findings, `explain` joins them with what a binary shows, `fix` applies their file remedies and `flags` their
environment remedies: one input, one answer everywhere.

A cause is typed data: the rule (docs/en/rules.md), the severity, the origin (a file and line, an environment
variable, a `--config` argument, a Makefile line) with the values it overrode, the packages it gives debug info,
a message (buildcheck/messages.py: translated only when rendered) and the remedy (buildcheck/remedies.py).

Severity follows the exit-code contract: `error` when debug info of the project's crates (or of C/C++/CUDA code
linked into it) ends up in the binary; `warning` when it is compiled but stripped at link time, for the standard
library's own debug info, and for what will make the build itself fail or download; `info` for context.

Causes that do not apply today but would once a higher source is removed (a `debug = true` under
`CARGO_PROFILE_RELEASE_DEBUG=true`, `-g` in config rustflags under a set RUSTFLAGS) are kept with
`effective=False`: they are no findings, but their remedies belong to the fix, or removing the first cause would
only reveal the next.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from packaging.version import Version

from buildcheck import blst as blst_knowledge
from buildcheck.args import rustc
from buildcheck.args.cc import is_device_debug, without_c_debug, without_nvcc_debug
from buildcheck.args.split import join_for_variable, split_whitespace
from buildcheck.cargo.layers import INCLUDE_SINCE
from buildcheck.cargo.levels import DEBUG_LEVELS, InvalidValue, is_on, parse_profile_debug
from buildcheck.cargo.native_flags import cc_defaults_disabled
from buildcheck.cargo.profiles import IMPLICIT_STRIP_SINCE, implicit_strip_applies
from buildcheck.cargo.resolved import ScanResult
from buildcheck.cargo.rustflags import TierFlags
from buildcheck.cargo.toolchain import Toolchain
from buildcheck.i18n import N_
from buildcheck.messages import Message
from buildcheck.model import Finding, Origin, Severity, Sourced
from buildcheck.recommend.edits import RemoveRustflags, SetKey
from buildcheck.remedies import DropArgument, EditFile, Remedy, RunCommand, SetEnv, ChangeMakefile

CauseKind = Literal[
    "rustflags-debuginfo", "profile-debug", "package-override-debug", "build-override-debug",
    "toolchain-no-strip", "strip-disabled", "rustflags-hidden", "make-hides-rustflags", "c-flags-debuginfo",
    "cuda-flags-debuginfo", "cc-debug-from-profile", "toolchain-unknown", "toolchain-not-installed",
    "toolchain-components-missing", "toolchain-pin-ignored", "config-shadowed", "no-workspace",
    "member-profile-ignored", "include-ignored", "target-cpu-native", "blst-host-adx",
]
# Packages whose build script compiles C/C++ (their Cargo.lock entry names one of these as a dependency).
NATIVE_BUILD_HELPERS = ("cc", "cmake")


@dataclass(frozen=True, kw_only=True)
class Cause:
    kind: CauseKind
    rule: str
    severity: Severity
    message: Message
    origin: Origin | None = None
    overrode: tuple[Sourced[Any], ...] = ()
    remedy: Remedy | None = None
    packages: tuple[str, ...] = ()   # the packages whose compiled code it gives debug info
    language: str | None = None      # c, c++, cuda for native causes
    level: str | None = None         # the debuginfo level it sets
    effective: bool = True           # applies today; False: revealed once a higher source is removed
    debug: bool = False              # puts debug info into the binary (or would, were it not stripped)
    keeps: bool = False              # keeps what was compiled in (nothing strips it)

    def finding(self) -> Finding:
        return Finding(rule=self.rule, severity=self.severity, message=self.message, origin=self.origin,
                       fix=self.remedy.describe() if self.remedy else None)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "rule": self.rule, "severity": self.severity, "effective": self.effective,
                "message": self.message.text(), "message_id": self.message.id,
                "params": self.message.params_json(),
                "location": self.origin.to_json() if self.origin else None,
                "overrode": [o.origin.to_json() for o in self.overrode],
                "packages": list(self.packages), "level": self.level,
                "fix": self.remedy.describe().text() if self.remedy else None}


def findings(causes: Iterable[Cause]) -> tuple[Finding, ...]:
    return tuple(cause.finding() for cause in causes if cause.effective)


def _lands(scan: ScanResult) -> Severity:
    return "error" if scan.debug_sections_expected else "warning"


def _profile_env(profile: str, key: str) -> str:
    return f"CARGO_PROFILE_{profile.upper().replace('-', '_')}_{key}"


def _origin_remedy(origin: Origin, *, key_value: Any, env_value: str | None) -> Remedy | None:
    """The remedy for a value set at `origin`: edit the file's key, change the variable, drop the argument."""
    if origin.kind == "file" and origin.key is not None:
        return EditFile(origin, SetKey(origin.key, key_value))
    if origin.kind == "env" and origin.env:
        if origin.path:  # a Makefile gives the build this value
            return ChangeMakefile(Origin.file(origin.path, origin.line), Message.of(
                "edit.makefile-variable", N_("stop setting {name} there"), name=origin.env))
        return SetEnv(origin.env, env_value)
    if origin.kind == "cli" and origin.detail:
        return DropArgument(f"--config {origin.detail}")
    return None


# -- rustflags -----------------------------------------------------------------------------------------------------

def _rustflags_key(key: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """`("build", "rustflags", "0")` -> `("build", "rustflags")`: array items carry their index."""
    if not key or "rustflags" not in key:
        return None
    last = len(key) - 1 - key[::-1].index("rustflags")
    return key[: last + 1]


def _drops(option: rustc.RustcOption) -> bool:
    return rustc.turns_debuginfo_on(option) or rustc.strip_keeps_debuginfo(option)


@dataclass(frozen=True)
class _FlagGroup:
    """The options of one rustflags tier that come from one source (a file's key, a variable, an argument)."""

    origin: Origin
    options: tuple[rustc.RustcOption, ...]
    all_flags: tuple[str, ...]   # every flag of that source, to compute what remains


def _groups(tier: TierFlags) -> list[_FlagGroup]:
    """The debug-relevant options of a tier, grouped by where they were written."""
    options = rustc.parse_rustc_args(tier.flags)
    groups: dict[tuple[Any, ...], list[rustc.RustcOption]] = {}
    origins: dict[tuple[Any, ...], Origin] = {}
    members: dict[tuple[Any, ...], list[str]] = {}
    for option in options:
        origin = tier.items[option.start].origin
        key = (origin.kind, origin.path, _rustflags_key(origin.key), origin.env, origin.detail)
        origins.setdefault(key, origin)
        members.setdefault(key, []).extend(option.tokens)
        if _drops(option):
            groups.setdefault(key, []).append(option)
    # A group is located at its last dropped option (the `-g` item of an array, not the array's first item).
    return [_FlagGroup(tier.items[found[-1].start].origin if tier.items[found[-1].start].origin.kind == "file"
                       else origins[key], tuple(found), tuple(members[key])) for key, found in groups.items()]


def _rustflags_remedy(group: _FlagGroup, tier: TierFlags) -> Remedy | None:
    origin = group.origin
    written = tuple(dict.fromkeys(option.written for option in group.options))
    if origin.kind == "file" and origin.path and _rustflags_key(origin.key):
        return EditFile(origin, RemoveRustflags(_rustflags_key(origin.key) or (), written))  # type: ignore[arg-type]
    if origin.kind == "env" and origin.env:
        if origin.path:
            return ChangeMakefile(Origin.file(origin.path, origin.line), Message.of(
                "edit.makefile-rustflags", N_("remove {flags} from {name}"), flags=list(written), name=origin.env))
        kept = rustc.without(group.all_flags, _drops)
        # Nothing left: unset it, and cargo goes back to the next tier (config files); an empty RUSTFLAGS would
        # still win and keep hiding those (BC007).
        return SetEnv(origin.env, join_for_variable(origin.env, kept) if kept else None)
    if origin.kind == "cli" and origin.detail:
        return DropArgument(f"--config {origin.detail}")
    return None


def _tier_label(tier: TierFlags) -> Message:
    if tier.tier in ("RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS"):
        return Message.of("tier.env", N_("{name}"), name=tier.tier)
    if tier.tier == "target":
        return Message.of("tier.target", N_("target.<triple>.rustflags"))
    return Message.of("tier.build", N_("build.rustflags"))


def _rustflags_causes(scan: ScanResult) -> list[Cause]:
    out: list[Cause] = []
    winner = scan.rustflags.winner
    overrode = tuple(Sourced(h.flags, h.origins()[0]) for h in scan.rustflags.hidden if h.origins())
    level = rustc.debuginfo_option(winner.flags)
    level_value = rustc.parse_debuginfo_value(level.value, scan.cargo_version) if level is not None else None
    stripped = not scan.debug_sections_expected
    for group in _groups(winner):
        turns_on = [o for o in group.options if rustc.turns_debuginfo_on(o)]
        remedy = _rustflags_remedy(group, winner)
        if turns_on and level_value is not None and is_on(level_value):
            flag = turns_on[-1].written
            if stripped:
                message = Message.of("BC001.stripped", N_(
                    "`{flag}` in {source} compiles every crate with debug info ({level}); cargo strips it from the "
                    "binary at link time, but the build is slower and larger on disk"),
                    flag=flag, source=group.origin, level=level_value)
            else:
                message = Message.of("BC001.lands", N_(
                    "`{flag}` in {source} puts debug info ({level}) of every crate into the binary"),
                    flag=flag, source=group.origin, level=level_value)
            out.append(Cause(kind="rustflags-debuginfo", rule="BC001", severity=_lands(scan), message=message,
                             origin=group.origin, overrode=overrode, remedy=remedy, packages=scan.packages,
                             level=level_value, debug=True))
        strip_none = [o for o in group.options if rustc.strip_keeps_debuginfo(o)]
        if strip_none and scan.strip == "none":
            out.append(Cause(kind="strip-disabled", rule="BC006", severity="warning", origin=group.origin,
                             remedy=remedy, keeps=True, message=Message.of("BC006.rustflags", N_(
                                 "`{flag}` in {source} comes after cargo's own `-C strip=` and keeps every debug "
                                 "section in the binary"), flag=strip_none[-1].written, source=group.origin)))
    for hidden in scan.rustflags.hidden:
        if not hidden.flags:
            continue
        origin = hidden.origins()[0]
        out.append(Cause(kind="rustflags-hidden", rule="BC007", severity="info", origin=origin, message=Message.of(
            "BC007", N_("rustflags {flags} from {source} are ignored: {winner} takes precedence"),
            flags=" ".join(hidden.flags), source=origin,
            winner=winner.origins()[0] if winner.origins() else _tier_label(winner))))
        # What the hidden tier would put in once the winner is gone: part of the fix, not of today's findings.
        for group in _groups(hidden):
            if any(rustc.turns_debuginfo_on(o) for o in group.options):
                out.append(Cause(kind="rustflags-debuginfo", rule="BC001", severity="info", effective=False,
                                 origin=group.origin, remedy=_rustflags_remedy(group, hidden), debug=True,
                                 packages=scan.packages, message=Message.of("BC001.hidden", N_(
                                     "`{flag}` in {source} is hidden today; it turns debug info on once {winner} "
                                     "no longer takes precedence"),
                                     flag=[o for o in group.options if rustc.turns_debuginfo_on(o)][-1].written,
                                     source=group.origin,
                                     winner=winner.origins()[0] if winner.origins() else _tier_label(winner))))
    return out


# -- profiles ------------------------------------------------------------------------------------------------------

def _turns_on(value: Any, version: Version | None) -> bool:
    """Overridden values are kept as written (`true`, `2`, `"limited"`); read them as cargo would."""
    try:
        return is_on(value if isinstance(value, str) and value in DEBUG_LEVELS else parse_profile_debug(value, version))
    except InvalidValue:
        return False


def _debug_rule(origin: Origin) -> tuple[CauseKind, str]:
    key = origin.key or ()
    if "build-override" in key or "_BUILD_OVERRIDE_" in (origin.env or ""):
        return "build-override-debug", "BC004"
    if len(key) > 3 and key[2] == "package":
        return "package-override-debug", "BC003"
    return "profile-debug", "BC002"


def _profile_causes(scan: ScanResult) -> list[Cause]:
    out: list[Cause] = []
    version = scan.cargo_version
    target_units = [scan.unit(p) for p in (dict.fromkeys((*scan.members, *scan.packages)) or
                                           {u.package: None for u in scan.member_units()})]
    groups: dict[Origin, list[str]] = {}
    heads: dict[Origin, Sourced[Any]] = {}
    for unit in target_units:
        if is_on(unit.debuginfo.value):
            groups.setdefault(unit.debuginfo.origin, []).append(unit.package)
            heads[unit.debuginfo.origin] = unit.debuginfo
    hidden_seen: set[Origin] = set()
    for origin, packages in groups.items():
        head = heads[origin]
        kind, rule = _debug_rule(origin)
        if kind == "build-override-debug":
            continue  # host units only: handled below
        if kind == "profile-debug":
            message = Message.of("BC002", N_("profile `{profile}` gives {count} package(s) debuginfo `{level}` "
                                             "(from {source}): {names}"),
                                 profile=scan.profile, count=len(packages), level=head.value, source=origin,
                                 names=_names(packages))
        else:
            message = Message.of("BC003", N_("a package override gives {count} package(s) debuginfo `{level}`: "
                                             "{names}"), count=len(packages), level=head.value, names=_names(packages))
        out.append(Cause(kind=kind, rule=rule, severity=_lands(scan), message=message, origin=origin,
                         overrode=head.overridden, remedy=_origin_remedy(origin, key_value=False, env_value=None),
                         packages=tuple(packages), level=head.value, debug=True))
        # Lower values that turn debug info on too: revealed once this one is removed.
        for entry in head.overridden:
            if entry.origin.kind == "default" or entry.origin in hidden_seen or not _turns_on(entry.value, version):
                continue
            hidden_seen.add(entry.origin)
            hidden_kind, hidden_rule = _debug_rule(entry.origin)
            out.append(Cause(kind=hidden_kind, rule=hidden_rule, severity="info", effective=False,
                             origin=entry.origin, remedy=_origin_remedy(entry.origin, key_value=False, env_value=None),
                             packages=tuple(packages), debug=True, message=Message.of("profile-debug.hidden", N_(
                                 "`debug` at {source} is overridden by {winner} today; it turns debug info on once "
                                 "that is removed"), source=entry.origin, winner=origin)))
    build_override = scan.resolved_profile.layer.build_override
    if build_override is not None and build_override.debug is not None and is_on(build_override.debug.value):
        origin = build_override.debug.origin
        out.append(Cause(kind="build-override-debug", rule="BC004", severity="info", origin=origin,
                         remedy=_origin_remedy(origin, key_value=False, env_value=None), level=build_override.debug.value,
                         message=Message.of("BC004", N_(
                             "build-override gives build scripts, proc-macros and build dependencies debuginfo "
                             "`{level}`; none of it reaches the binary (C/C++ that build scripts compile for the "
                             "binary follows each package's own profile), but the build is slower"),
                             level=build_override.debug.value)))
    return out


def _names(names: Sequence[str], shown: int = 8) -> str:
    return ", ".join(names[:shown]) + (" ..." if len(names) > shown else "")


# -- strip ---------------------------------------------------------------------------------------------------------

def _strip_causes(scan: ScanResult) -> list[Cause]:
    if scan.strip != "none":
        return []
    out: list[Cause] = []
    explicit = next((u.strip for u in scan.member_units() if u.strip.origin.kind != "default"), None)
    in_flags = any(rustc.strip_keeps_debuginfo(o) for o in rustc.parse_rustc_args(scan.rustflags.winner.flags))
    strip_env = _profile_env(scan.profile, "STRIP")
    if explicit is not None and explicit.value == "none" and not in_flags:
        out.append(Cause(kind="strip-disabled", rule="BC006", severity="warning", origin=explicit.origin,
                         overrode=explicit.overridden, keeps=True,
                         remedy=_origin_remedy(explicit.origin, key_value="debuginfo", env_value="debuginfo"),
                         message=Message.of("BC006", N_(
                             "strip is set to `{value}` at {source}: whatever debug info is compiled in stays in "
                             "the binary"), value=explicit.value, source=explicit.origin)))
    elif explicit is None and not in_flags and not implicit_strip_applies(
            scan.cargo_version, explicit_target=scan.explicit_target, target=scan.target):
        version = scan.cargo_version
        if version is not None and version >= IMPLICIT_STRIP_SINCE:
            message = Message.of("BC005.explicit-target", N_(
                "cargo {version} does not strip when the target is given explicitly (from 1.79 it does): the "
                "standard library's own debug info stays in the binary"), version=str(version))
        else:
            message = Message.of("BC005", N_(
                "cargo {version} never strips release binaries: the standard library's own debug info stays in the "
                "binary ({size})"), version=str(version), size=_std_size(scan))
        out.append(Cause(kind="toolchain-no-strip", rule="BC005", severity="warning", origin=scan.toolchain.origin,
                         keeps=True, remedy=SetEnv(strip_env, "debuginfo"), message=message))
    return out


def _std_size(scan: ScanResult) -> Message:
    """What the standard library's debug info weighs for this toolchain: measured for it, else the measured range
    (it depends on how the toolchain's std was built; buildcheck/std_debuginfo.py)."""
    from buildcheck.messages import Size
    from buildcheck.std_debuginfo import debug_section_range, measured_for

    kind = "rustup" if scan.toolchain.manager == "rustup" else "debian"
    found = measured_for(str(scan.toolchain.rustc_version or scan.cargo_version or ""), kind)
    if found is not None:
        return Message.of("std.measured", N_("{size} in a hello-world built by {toolchain}"),
                          size=Size(found.debug_section_bytes), toolchain=found.toolchain)
    low, high = debug_section_range()
    return Message.of("std.range", N_("{low} to {high} in a hello-world, depending on how the toolchain's std was "
                                      "built"), low=Size(low), high=Size(high))


# -- C, C++ and CUDA -----------------------------------------------------------------------------------------------

def native_packages(scan: ScanResult) -> tuple[str, ...]:
    """Packages of the build whose build script compiles C/C++ (they depend on cc or cmake)."""
    target_side = scan.graph.target_side(scan.built or scan.members)
    return tuple(name for name, node in scan.graph.packages.items()
                 if name in target_side and any(dep in NATIVE_BUILD_HELPERS for dep in
                                                (*node.dependencies, *(node.build_dependencies or ()))))


def _native_causes(scan: ScanResult) -> list[Cause]:
    out: list[Cause] = []
    compiled = native_packages(scan)
    for setting in scan.native_flags:
        if setting.debug_flag is None or not setting.applied:
            continue
        origin = scan.env_origin(setting.variable)
        tokens = split_whitespace(setting.value)
        kept = without_nvcc_debug(tokens) if setting.language == "cuda" else without_c_debug(tokens)
        remedy: Remedy | None = SetEnv(setting.variable, " ".join(kept) if kept else None)
        if origin.path:
            remedy = ChangeMakefile(Origin.file(origin.path, origin.line), Message.of(
                "edit.makefile-variable", N_("stop setting {name} there"), name=setting.variable))
        rule = "BC011" if setting.language == "cuda" else "BC010"
        severity: Severity = "error" if is_device_debug(setting.debug_flag) else _lands(scan)
        out.append(Cause(kind="cuda-flags-debuginfo" if rule == "BC011" else "c-flags-debuginfo", rule=rule,
                         severity=severity, origin=origin, remedy=remedy, language=setting.language, debug=True,
                         packages=compiled, message=Message.of(rule, N_(
                             "`{flag}` in {name} compiles the {language} code that build scripts build with debug "
                             "info"), flag=setting.debug_flag, name=origin, language=setting.language)))
    if not cc_defaults_disabled(dict(scan.environment)):
        debug_packages = [p for p in compiled if is_on(scan.unit(p).debuginfo.value)]
        if debug_packages:
            origin = scan.unit(debug_packages[0]).debuginfo.origin
            out.append(Cause(kind="cc-debug-from-profile", rule="BC012", severity=_lands(scan), origin=origin,
                             remedy=_origin_remedy(origin, key_value=False, env_value=None), language="c",
                             packages=tuple(debug_packages), debug=True, message=Message.of("BC012", N_(
                                 "cargo tells the build scripts of {count} package(s) that compile C/C++ "
                                 "DEBUG=true (their profile debuginfo is on), so the cc crate adds -g: {names}"),
                                 count=len(debug_packages), names=_names(debug_packages))))
    return out


# -- the toolchain -------------------------------------------------------------------------------------------------

def _not_installed(toolchain: Toolchain) -> Message:
    """BC025's words: where the download would come from, and a RUSTUP_UPDATE_ROOT that does not move it."""
    common = {"channel": toolchain.channel, "source": toolchain.origin, "server": toolchain.dist_server or ""}
    origin = toolchain.dist_server_origin
    if origin is not None and origin.kind == "env":
        return Message.of("BC025.mirror", N_(
            "the toolchain {channel} that {source} selects is not installed: the build makes rustup download it from "
            "{server}, as {server_origin} says (hundreds of MB), or fails without network"),
            server_origin=origin, **common)
    if toolchain.update_root:
        return Message.of("BC025.update-root", N_(
            "the toolchain {channel} that {source} selects is not installed: the build makes rustup download it from "
            "{server} (hundreds of MB), or fails without network. RUSTUP_UPDATE_ROOT ({url}) moves only rustup's own "
            "updates; a mirror for toolchains is RUSTUP_DIST_SERVER, which is not set"),
            url=toolchain.update_root, **common)
    return Message.of("BC025", N_(
        "the toolchain {channel} that {source} selects is not installed: the build makes rustup download it from "
        "{server} (hundreds of MB), or fails without network"), **common)


def _toolchain_causes(scan: ScanResult) -> list[Cause]:
    toolchain = scan.toolchain
    out: list[Cause] = []
    if toolchain.installed is False and toolchain.channel and toolchain.manager == "rustup":
        command = toolchain.install_command
        out.append(Cause(kind="toolchain-not-installed", rule="BC025", severity="warning", origin=toolchain.origin,
                         remedy=RunCommand(command) if command else None, message=_not_installed(toolchain)))
    elif toolchain.missing_components and toolchain.channel and toolchain.manager == "rustup":
        command = toolchain.install_command
        out.append(Cause(kind="toolchain-components-missing", rule="BC026", severity="warning",
                         origin=toolchain.origin, remedy=RunCommand(command) if command else None,
                         message=Message.of("BC026", N_(
                             "{source} asks for {components}, which toolchain {channel} does not have installed"),
                             source=toolchain.origin, components=list(toolchain.missing_components),
                             channel=toolchain.channel)))
    if toolchain.ignored_pin is not None:
        out.append(Cause(kind="toolchain-pin-ignored", rule="BC027", severity="info", origin=toolchain.ignored_pin,
                         message=Message.of("BC027", N_(
                             "{cargo} is not a rustup proxy: it ignores the toolchain pinned at {pin}, and its own "
                             "version ({version}) decides"), cargo=toolchain.cargo_path or "cargo",
                             pin=toolchain.ignored_pin, version=str(toolchain.version or "?"))))
    if toolchain.version is None:
        out.append(Cause(kind="toolchain-unknown", rule="BC020", severity="info", origin=toolchain.origin,
                         message=Message.of("BC020", N_(
                             "could not tell which cargo will build; assumed the newest cargo's rules (implicit "
                             "strip from 1.77): pin the toolchain in rust-toolchain.toml, or pass --cargo PATH"))))
    return out


# -- CPU-specific code ---------------------------------------------------------------------------------------------

def _cpu_causes(scan: ScanResult, host_features: frozenset[str] | None) -> list[Cause]:
    out: list[Cause] = []
    winner = scan.rustflags.winner
    cpu = rustc.last_codegen(winner.flags, "target-cpu")
    if cpu is not None and cpu.value == "native":
        origin = winner.items[cpu.start].origin
        given = native_gives(host_features) if scan.target.startswith("x86_64") else None
        if given is not None:
            message = Message.of("BC200.host", N_(
                "-C target-cpu=native in {source}: on this build host the binary (blst's assembly included) uses "
                "{given}, and dies with SIGILL (Illegal instruction) on a CPU without any of them"),
                source=origin, given=given)
        else:
            message = Message.of("BC200", N_(
                "-C target-cpu=native in {source}: the binary uses every instruction this build host has and may "
                "die with SIGILL (Illegal instruction) on another CPU model"), source=origin)
        out.append(Cause(kind="target-cpu-native", rule="BC200", severity="info", origin=origin, message=message))
    x86 = scan.target.startswith("x86_64")
    version = blst_knowledge.newest(scan.graph.versions.get("blst", ()))
    if version and x86 and blst_knowledge.follows_build_host(version, winner.flags) \
            and (host_features is None or "adx" in host_features):
        if not blst_knowledge.reads_target_cpu(version):
            message = Message.of("BC201.old-blst", N_(
                "blst {version} compiles its assembly with ADX whenever the build host has ADX, whatever `target-cpu=` "
                "says (blst reads the rustflags from 0.3.11 on): the binary needs ADX on every machine; update blst "
                "(`cargo update -p blst`) or build on a host like the oldest worker"), version=version)
        elif host_features is not None:
            message = Message.of("BC201.host-has-adx", N_(
                "blst {version} compiles its assembly with ADX because this build host has ADX (no `target-cpu=` "
                "in the rustflags): the binary dies with SIGILL on a CPU without ADX; give a target-cpu (or "
                "`buildcheck flags --portable`)"), version=version)
        else:
            message = Message.of("BC201.unknown-host", N_(
                "blst {version} compiles its assembly with ADX when the build host has ADX (no `target-cpu=` in the "
                "rustflags): the binary then needs ADX on every machine"), version=version)
        out.append(Cause(kind="blst-host-adx", rule="BC201", severity="info", message=message))
    return out


def native_gives(host_features: frozenset[str] | None, shown: int = 8) -> Message | None:
    """What `-C target-cpu=native` gives a binary built on this host: its x86-64 level and the features beyond it
    (cpuinfo names), from the host's rustc feature names; None when the host is unknown."""
    if not host_features:
        return None
    from buildcheck.recommend.cpu_features import SEALING_FEATURES
    from buildcheck.x86_features import LEVEL_CPUINFO, RUSTC_TO_CPUINFO, level_of

    # rustc has no names for the x86-64 baseline (cmov, cx8, ...): every x86-64 CPU has it
    flags = {RUSTC_TO_CPUINFO.get(f, f) for f in host_features} | LEVEL_CPUINFO["x86-64"]
    level = level_of(flags) or "x86-64"
    # What sealing code uses (SHA-NI, ADX, AVX-512) first: those are what a worker without them trips on.
    sealing = [RUSTC_TO_CPUINFO.get(f, f) for f in SEALING_FEATURES]
    beyond = sorted(flags - LEVEL_CPUINFO[level],
                    key=lambda flag: (sealing.index(flag) if flag in sealing else len(sealing), flag))
    if not beyond:
        return Message.of("native.level", N_("all of {level}"), level=level)
    if len(beyond) > shown:
        return Message.of("native.level.many", N_("{level} plus {features} and {n} more"), level=level,
                          features=beyond[:shown], n=len(beyond) - shown)
    return Message.of("native.level.plus", N_("{level} plus {features}"), level=level, features=beyond)


# -- configuration files cargo reads differently than it looks -----------------------------------------------------

def _config_causes(scan: ScanResult) -> list[Cause]:
    out: list[Cause] = []
    if scan.workspace is None:
        out.append(Cause(kind="no-workspace", rule="BC022", severity="info", message=Message.of("BC022", N_(
            "no Cargo.toml found from {cwd} upwards: scanned the environment and the config layers only"),
            cwd=str(scan.cwd))))
    for used, ignored in scan.loaded.shadowed:
        out.append(Cause(kind="config-shadowed", rule="BC021", severity="warning", origin=Origin.file(str(ignored)),
                         message=Message.of("BC021", N_(
                             "both {used} and {ignored} exist: cargo reads only {used}; merge them into {ignored} and "
                             "delete {used}"), used=str(used), ignored=str(ignored))))
    for path, line in scan.loaded.ignored_includes:
        out.append(Cause(kind="include-ignored", rule="BC024", severity="warning", origin=Origin.file(str(path), line),
                         message=Message.of("BC024", N_(
                             "cargo {version} ignores `include` (stable from {since}): the included files do not "
                             "apply"), version=str(scan.cargo_version), since=str(INCLUDE_SINCE))))
    if scan.workspace is not None:
        for member in scan.workspace.members:
            manifest = member / "Cargo.toml"
            if member == scan.workspace.root or not manifest.is_file():
                continue
            doc = scan.workspace.manifest(manifest)
            if "profile" in doc.data:
                out.append(Cause(kind="member-profile-ignored", rule="BC023", severity="warning",
                                 origin=Origin.file(str(manifest), doc.line_of(("profile",))), message=Message.of(
                                     "BC023", N_("profiles for the non root package will be ignored: put them in "
                                                 "{root}"), root=str(scan.workspace.root_manifest.path))))
    return out


def derive(scan: ScanResult, *, host_features: frozenset[str] | None = None) -> tuple[Cause, ...]:
    """Every cause of one build, most severe first (stable within a severity: the order they are found in)."""
    causes = [*_toolchain_causes(scan), *_rustflags_causes(scan), *_profile_causes(scan), *_native_causes(scan),
              *_strip_causes(scan), *_cpu_causes(scan, host_features), *_config_causes(scan)]
    rank = {"error": 0, "warning": 1, "info": 2}
    return tuple(sorted(causes, key=lambda c: (not c.effective, rank[c.severity])))
