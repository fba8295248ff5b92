"""The CI gate's rules for a built binary: BC100 (debug info), BC101 (too large), BC102 (only std's debug info).

The rule, from what the binary itself shows (buildcheck/binary_evidence.py):
- BC100 error: debug info that a build setting of the project put there: Rust units of any
  crate other than the standard library, C/C++/asm/CUDA units (GCC writes them only under
  `-g`), or split-DWARF skeletons (whose units, read from the .dwp/.dwo files beside the
  binary, count as the crates' and native code's own). None of these appear in a release
  build without a debug setting, whatever the binary's size.
- BC102 warning: only the standard library's units. That is what cargo < 1.77 leaves in every
  unstripped release binary (3-11 MB measured, see docs/check.md): a toolchain default, not a
  debug setting, so it warns rather than fails (`--fail-on warning` fails on it).
- When the inspector could not attribute the DWARF (compressed with a codec this Python lacks,
  or damaged), the size is the secondary signal: more than `UNATTRIBUTED_ERROR_BYTES` of debug
  sections is more than the standard library ever carries → BC100 error; less → BC100 warning.
- BC101 error: the file is larger than --max-size.
Binary findings carry the binary's path as their origin; the CI renderers place them on the
workspace manifest (SARIF and annotations need a file of the repository) and name the binary.
"""

from __future__ import annotations

from buildcheck.binary_evidence import BinaryEvidence
from buildcheck.i18n import _
from buildcheck.model import Finding, Origin
from buildcheck.sizes import format_size

# The standard library's own DWARF measured 3.9 MB (rustup 1.95) and 11.2 MB (Debian rustc 1.63) in a
# hello-world; 64 MiB leaves room for a bigger std and still sits far below a -g damocles-worker (1-2 GB).
UNATTRIBUTED_ERROR_BYTES = 64 << 20
CRATES_NAMED = 6


def _percent(part: int, whole: int) -> str:
    return "{p:.0f}%".format(p=100.0 * part / whole) if whole else "0%"


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:CRATES_NAMED])
    return shown + (_(" and {n} more").format(n=len(names) - CRATES_NAMED) if len(names) > CRATES_NAMED else "")


def strip_fix(profile: str) -> str:
    variable = "CARGO_PROFILE_{name}_STRIP".format(name=profile.upper().replace("-", "_"))
    return _("export {name}=debuginfo (or `[profile.{profile}] strip = \"debuginfo\"` in Cargo.toml)").format(
        name=variable, profile=profile)


def _share(evidence: BinaryEvidence) -> str:
    return _("{debug} of its {size} ({percent}) are debug sections").format(
        debug=format_size(evidence.debug_bytes), size=format_size(evidence.file_size),
        percent=_percent(evidence.debug_bytes, evidence.file_size))


def debug_info_findings(evidence: BinaryEvidence, *, profile: str = "release") -> list[Finding]:
    """BC100 or BC102 for a binary that carries DWARF; nothing for one that does not."""
    if not evidence.has_dwarf:
        return []
    where = Origin.file(evidence.path)
    explain_hint = _("`buildcheck explain {path}` names the setting that put it there").format(path=evidence.path)
    parts: list[str] = []
    if evidence.crates:
        parts.append(_("{count} crate(s) compiled with debug info ({names})").format(
            count=len(evidence.crates), names=_names([name for name, _size in evidence.crates])))
    if evidence.native:
        compiled = [n for n in evidence.native if n.debug_switch]
        parts.append(_("{count} C/C++/asm origin(s) with debug info{switch}").format(
            count=len(evidence.native),
            switch=_(" (the compiler recorded {flag})").format(flag=compiled[0].debug_switch) if compiled else ""))
    if evidence.split_dwarf and evidence.split_debug_info_bytes:
        parts.append(_("split DWARF: {size} more in the .dwp/.dwo files beside it{missing}").format(
            size=format_size(evidence.split_debug_info_bytes),
            missing=_(", {n} .dwo file(s) not found").format(n=evidence.split_files_missing)
            if evidence.split_files_missing else ""))
    elif evidence.split_dwarf:
        parts.append(_("split-DWARF skeleton units (the debug info itself is in .dwo/.dwp files, not found beside "
                       "it)"))
    if parts:
        return [Finding(rule="BC100", severity="error", origin=where, message=_(
            "{path} carries debug info: {what}; {share}").format(
            path=evidence.path, what="; ".join(parts), share=_share(evidence)), fix=explain_hint)]
    if evidence.unknown_bytes:
        large = evidence.debug_bytes > UNATTRIBUTED_ERROR_BYTES
        return [Finding(rule="BC100", severity="error" if large else "warning", origin=where, message=_(
            "{path} carries debug info whose origin could not be read; {share}{verdict}").format(
            path=evidence.path, share=_share(evidence),
            verdict=_(", more than the standard library alone ever carries") if large else ""), fix=explain_hint)]
    return [Finding(rule="BC102", severity="warning", origin=where, message=_(
        "{path} carries only the standard library's debug info ({std}), as cargo < 1.77 leaves it; {share}").format(
        path=evidence.path, std=format_size(evidence.std_bytes), share=_share(evidence)), fix=strip_fix(profile))]


def size_findings(evidence: BinaryEvidence, max_size: int | None) -> list[Finding]:
    if max_size is None or evidence.file_size <= max_size:
        return []
    return [Finding(rule="BC101", severity="error", origin=Origin.file(evidence.path), message=_(
        "{path} is {size} ({bytes} bytes), over --max-size {limit} ({limit_bytes} bytes); without debug sections it "
        "would be about {stripped}").format(
        path=evidence.path, size=format_size(evidence.file_size), bytes=evidence.file_size,
        limit=format_size(max_size), limit_bytes=max_size, stripped=format_size(evidence.stripped_size_estimate)),
        fix=_("remove what makes it large: debug info first (`buildcheck explain {path}`)").format(
            path=evidence.path) if evidence.has_dwarf else None)]


def binary_findings(evidence: BinaryEvidence, *, max_size: int | None = None,
                    profile: str = "release") -> list[Finding]:
    return [*debug_info_findings(evidence, profile=profile), *size_findings(evidence, max_size)]
