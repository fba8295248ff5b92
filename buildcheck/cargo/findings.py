"""Turn resolved settings into findings, each pointing at the origin to change and saying what to set instead.

Severity follows the exit-code contract: `error` only when debug info of the
project's crates (or of C/C++/CUDA code linked into it) will end up in the
binary; `warning` when it is compiled but stripped, or for the standard
library's own debug info; `info` for context (hidden tiers, no workspace).
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from buildcheck.args import rustc
from buildcheck.cargo.levels import debuginfo_from_flags, is_on
from buildcheck.cargo.profiles import IMPLICIT_STRIP_SINCE, ResolvedProfile
from buildcheck.cargo.rustflags import TierFlags
from buildcheck.cargo.toml_source import load_toml
from buildcheck.i18n import _
from buildcheck.model import Finding, Origin, Severity

if TYPE_CHECKING:
    from buildcheck.cargo.discover import Workspace
    from buildcheck.cargo.layers import LoadedConfig
    from buildcheck.cargo.scan import ScanResult


def without_debug_flags(flags: Sequence[str]) -> list[str]:
    """`flags` minus every debuginfo option (`-g`, `-C debuginfo=N` in all spellings), the rest kept in order."""
    return list(rustc.without(flags, lambda option: option.kind == "codegen" and option.name == "debuginfo"))


def shell_value(text: str) -> str:
    """Double quotes, as people write `export RUSTFLAGS="..."`, unless the text needs shell escaping."""
    if not any(ch in text for ch in '"$`\\!'):
        return f'"{text}"'
    return shlex.quote(text)


def _profile_env(profile: str, key: str) -> str:
    return f"CARGO_PROFILE_{profile.upper().replace('-', '_')}_{key}"


def _fix_for_debug(origin: Origin, profile: str) -> str:
    if origin.kind == "file":
        return _("set `debug = false` at {where}").format(where=origin.describe())
    if origin.kind == "env":
        return _("unset {name} (or export {name}=false)").format(name=origin.env)
    if origin.kind == "cli":
        return _("drop `--config {arg}`").format(arg=origin.detail)
    return _("export {name}=false").format(name=_profile_env(profile, "DEBUG"))


def _rustflags_fix(tier: TierFlags, debug_index: int) -> str:
    kept = without_debug_flags(tier.flags)
    if tier.tier == "RUSTFLAGS":
        return _("export RUSTFLAGS={value}").format(value=shell_value(" ".join(kept)))
    if tier.tier == "CARGO_ENCODED_RUSTFLAGS":
        return _("export CARGO_ENCODED_RUSTFLAGS without the debug flags (or unset it)")
    origin = tier.items[debug_index].origin
    return _("remove `{flag}` from rustflags at {where}").format(flag=tier.flags[debug_index],
                                                                  where=origin.describe())


def _std_strip_fix(profile: str) -> str:
    return _("export {name}=debuginfo (or `[profile.{profile}] strip = \"debuginfo\"` in Cargo.toml)").format(
        name=_profile_env(profile, "STRIP"), profile=profile)


def build_findings(result: ScanResult, *, workspace: Workspace | None, loaded: LoadedConfig,
                   profile: ResolvedProfile, env: Mapping[str, str], cargo_home: Path | None) -> list[Finding]:
    out: list[Finding] = []
    stripped = not result.debug_sections_expected
    lands: Severity = "warning" if stripped else "error"
    version = result.cargo_version
    name = result.profile

    if workspace is None:
        out.append(Finding(rule="BC022", severity="info", message=_(
            "no Cargo.toml found from {cwd} upwards: scanned the environment and the config layers only").format(
            cwd=result.cwd)))
    if result.toolchain.source == "assumed":
        out.append(Finding(rule="BC020", severity="info", origin=result.toolchain.origin, message=_(
            "could not tell which cargo will build; assumed the newest cargo's rules (implicit strip from 1.77)"),
            fix=_("pin the toolchain in rust-toolchain.toml, or pass --cargo PATH")))

    # Rustflags: the winning tier, and what it hid.
    winner = result.rustflags.winner
    found = debuginfo_from_flags(winner.flags)
    if found and is_on(found[0]):
        level, index = found
        origin = winner.items[index].origin
        if stripped:
            message = _("`{flag}` in {source} compiles every crate with debug info ({level}); cargo strips it from "
                        "the binary at link time, but the build is slower and larger on disk").format(
                flag=winner.flags[index], source=origin.describe(), level=level)
        else:
            message = _("`{flag}` in {source} puts debug info ({level}) of every crate into the binary").format(
                flag=winner.flags[index], source=origin.describe(), level=level)
        out.append(Finding(rule="BC001", severity=lands, origin=origin, message=message,
                           fix=_rustflags_fix(winner, index)))
    for hidden in result.rustflags.hidden:
        if not hidden.flags:
            continue
        origin = hidden.origins()[0]
        out.append(Finding(rule="BC007", severity="info", origin=origin, message=_(
            "rustflags {flags} from {source} are ignored: {winner} takes precedence").format(
            flags=" ".join(hidden.flags), source=origin.describe(),
            winner=winner.origins()[0].describe() if winner.origins() else winner.tier)))
    cpu = rustc.last_codegen(winner.flags, "target-cpu")
    if cpu is not None and cpu.value == "native":
        out.append(Finding(rule="BC200", severity="info", origin=winner.origins()[0], message=_(
            "-C target-cpu=native: the binary may die with SIGILL (Illegal instruction) on another CPU model")))

    # Profiles: members, package overrides, build-override.
    for unit in result.member_units():
        if is_on(unit.debuginfo.value):
            origin = unit.debuginfo.origin
            out.append(Finding(rule="BC002", severity=lands, origin=origin, message=_(
                "profile `{profile}` gives `{package}` debuginfo `{level}` (from {source})").format(
                profile=name, package=unit.package, level=unit.debuginfo.value, source=origin.describe()),
                fix=_fix_for_debug(origin, name)))
            break  # one finding per cause: the members share the profile
    overrides: dict[Origin, list[str]] = {}
    member_debug_origins = {u.debuginfo.origin for u in result.member_units()}
    for package in result.packages:
        unit = result.unit(package)
        if is_on(unit.debuginfo.value) and unit.debuginfo.origin not in member_debug_origins:
            overrides.setdefault(unit.debuginfo.origin, []).append(package)
    for origin, packages in overrides.items():
        out.append(Finding(rule="BC003", severity=lands, origin=origin, message=_(
            "a package override gives {count} package(s) debug info: {names}").format(
            count=len(packages), names=", ".join(packages[:8]) + (" ..." if len(packages) > 8 else "")),
            fix=_fix_for_debug(origin, name)))
    build_override = profile.layer.build_override
    if build_override and build_override.debug and is_on(build_override.debug.value):
        origin = build_override.debug.origin
        out.append(Finding(rule="BC004", severity="warning", origin=origin, message=_(
            "build-override gives build scripts and proc-macros debuginfo `{level}`; it does not reach the binary, "
            "but makes the build slower").format(level=build_override.debug.value),
            fix=_fix_for_debug(origin, name)))
    if any(is_on(result.unit(p).debuginfo.value) for p in (result.packages or result.members)) \
            and "CRATE_CC_NO_DEFAULTS" not in env:
        out.append(Finding(rule="BC012", severity="warning", message=_(
            "cargo tells build scripts DEBUG=true for packages with debuginfo on; the cc crate then compiles their "
            "C/C++ (e.g. librocksdb-sys) with -g")))

    # Strip: the toolchain's default, or an explicit "none".
    if not stripped:
        units = result.member_units()
        explicit = next((u.strip for u in units if u.strip.origin.kind != "default"), None)
        if explicit is not None:
            out.append(Finding(rule="BC006", severity="warning", origin=explicit.origin, message=_(
                "strip is set to `{value}` at {source}: whatever debug info is compiled in stays in the binary").format(
                value=explicit.value, source=explicit.origin.describe()), fix=_std_strip_fix(name)))
        elif version is not None and version < IMPLICIT_STRIP_SINCE:
            out.append(Finding(rule="BC005", severity="warning", origin=result.toolchain.origin, message=_(
                "cargo {version} never strips release binaries: the standard library's own debug info (about 10 MB) "
                "stays in the binary").format(version=version), fix=_std_strip_fix(name)))

    # The damocles Makefile.
    if result.make is not None and result.make_rustflags is not None:
        alt = result.make_rustflags.winner
        lost = " ".join(winner.flags) or _("(none)")
        out.append(Finding(rule="BC008", severity="warning", origin=result.make.origin, message=_(
            "building through make exports RUSTFLAGS={value}: cargo then uses {alt_flags} instead of the rustflags "
            "{flags} from {source}").format(
            value=shell_value(result.make.value_under_make or ""), alt_flags=" ".join(alt.flags) or _("no rustflags"),
            flags=lost, source=winner.origins()[0].describe() if winner.origins() else winner.tier),
            fix=_("put the flags in RUSTFLAGS itself (export RUSTFLAGS=...) when building through make")))

    # C, C++ and CUDA.
    for setting in result.native_flags:
        if setting.debug_flag is None:
            continue
        rule = "BC011" if setting.language == "cuda" else "BC010"
        device = setting.debug_flag in ("-G", "--device-debug")
        severity: Severity = "error" if device else lands
        kept = [flag for flag in setting.value.split() if flag != setting.debug_flag]
        out.append(Finding(rule=rule, severity=severity, origin=Origin.environment(setting.variable), message=_(
            "`{flag}` in {name} compiles {language} code built by build scripts with debug info").format(
            flag=setting.debug_flag, name=setting.variable, language=setting.language),
            fix=_("export {name}={value}").format(name=setting.variable, value=shell_value(" ".join(kept)))))

    # Config files and manifests cargo ignores or reads differently than it looks.
    for used, ignored in loaded.shadowed:
        out.append(Finding(rule="BC021", severity="warning", origin=Origin.file(str(ignored)), message=_(
            "both {used} and {ignored} exist: cargo reads only {used}").format(used=used, ignored=ignored),
            fix=_("merge them into {ignored} and delete {used}").format(used=used, ignored=ignored)))
    for path, line in loaded.ignored_includes:
        out.append(Finding(rule="BC024", severity="warning", origin=Origin.file(str(path), line), message=_(
            "cargo {version} ignores `include` (stable from 1.93): the included files do not apply").format(
            version=version)))
    if workspace is not None:
        for member in workspace.members:
            manifest = member / "Cargo.toml"
            if member == workspace.root or not manifest.is_file():
                continue
            doc = load_toml(manifest)
            if "profile" in doc.data:
                out.append(Finding(rule="BC023", severity="warning",
                                   origin=Origin.file(str(manifest), doc.line_of(("profile",))), message=_(
                    "profiles for the non root package will be ignored: put them in {root}").format(
                    root=workspace.root_manifest.path)))
    return out
