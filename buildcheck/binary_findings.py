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
from buildcheck.i18n import N_
from buildcheck.messages import Joined, Message, Percent, Size
from buildcheck.model import Finding, Origin

# The standard library's own DWARF measured 3.9 MB (rustup 1.95) and 11.2 MB (Debian rustc 1.63) in a
# hello-world; 64 MiB leaves room for a bigger std and still sits far below a -g damocles-worker (1-2 GB).
UNATTRIBUTED_ERROR_BYTES = 64 << 20
CRATES_NAMED = 6


def strip_fix(profile: str) -> Message:
    variable = "CARGO_PROFILE_{name}_STRIP".format(name=profile.upper().replace("-", "_"))
    return Message.of("BC102.fix", N_("export {name}=debuginfo (or `[profile.{profile}] strip = \"debuginfo\"` in "
                                      "Cargo.toml)"), name=variable, profile=profile)


def _share(evidence: BinaryEvidence) -> Message:
    return Message.of("binary.share", N_("{debug} of its {size} ({percent}) are debug sections"),
                      debug=Size(evidence.debug_bytes), size=Size(evidence.file_size),
                      percent=Percent(evidence.debug_bytes / evidence.file_size if evidence.file_size else 0.0))


def _names(names: list[str]) -> Message:
    if len(names) <= CRATES_NAMED:
        return Message.of("names", N_("{names}"), names=names)
    return Message.of("names.more", N_("{names} and {n} more"), names=names[:CRATES_NAMED],
                      n=len(names) - CRATES_NAMED)


def debug_info_findings(evidence: BinaryEvidence, *, profile: str = "release") -> list[Finding]:
    """BC100 or BC102 for a binary that carries DWARF; nothing for one that does not."""
    if not evidence.has_dwarf:
        return []
    where = Origin.file(evidence.path)
    explain_hint = Message.of("BC100.fix", N_("`buildcheck explain {path}` names the setting that put it there"),
                              path=evidence.path)
    parts: list[Message] = []
    if evidence.crates:
        parts.append(Message.of("BC100.crates", N_("{count} crate(s) compiled with debug info ({names})"),
                                count=len(evidence.crates), names=_names([name for name, _size in evidence.crates])))
    if evidence.native:
        compiled = [n for n in evidence.native if n.debug_switch]
        if compiled:
            parts.append(Message.of("BC100.native.switch", N_(
                "{count} C/C++/asm origin(s) with debug info (the compiler recorded {flag})"),
                count=len(evidence.native), flag=compiled[0].debug_switch))
        else:
            parts.append(Message.of("BC100.native", N_("{count} C/C++/asm origin(s) with debug info"),
                                    count=len(evidence.native)))
    if evidence.split_dwarf and evidence.split_debug_info_bytes:
        if evidence.split_files_missing:
            parts.append(Message.of("BC100.split.some-missing", N_(
                "split DWARF: {size} more in the .dwp/.dwo files beside it, {n} .dwo file(s) not found"),
                size=Size(evidence.split_debug_info_bytes), n=evidence.split_files_missing))
        else:
            parts.append(Message.of("BC100.split", N_("split DWARF: {size} more in the .dwp/.dwo files beside it"),
                                    size=Size(evidence.split_debug_info_bytes)))
    elif evidence.split_dwarf:
        parts.append(Message.of("BC100.split.not-found", N_(
            "split-DWARF skeleton units (the debug info itself is in .dwo/.dwp files, not found beside it)")))
    if parts:
        return [Finding(rule="BC100", severity="error", origin=where, fix=explain_hint, message=Message.of(
            "BC100", N_("{path} carries debug info: {what}; {share}"), path=evidence.path, what=Joined(tuple(parts)),
            share=_share(evidence)))]
    if evidence.unknown_bytes:
        large = evidence.debug_bytes > UNATTRIBUTED_ERROR_BYTES
        if large:
            message = Message.of("BC100.unattributed.large", N_(
                "{path} carries debug info whose origin could not be read; {share}, more than the standard library "
                "alone ever carries"), path=evidence.path, share=_share(evidence))
        else:
            message = Message.of("BC100.unattributed", N_(
                "{path} carries debug info whose origin could not be read; {share}"), path=evidence.path,
                share=_share(evidence))
        return [Finding(rule="BC100", severity="error" if large else "warning", origin=where, message=message,
                        fix=explain_hint)]
    return [Finding(rule="BC102", severity="warning", origin=where, fix=strip_fix(profile), message=Message.of(
        "BC102", N_("{path} carries only the standard library's debug info ({std}), as cargo < 1.77 leaves it; "
                    "{share}"), path=evidence.path, std=Size(evidence.std_bytes), share=_share(evidence)))]


def size_findings(evidence: BinaryEvidence, max_size: int | None) -> list[Finding]:
    if max_size is None or evidence.file_size <= max_size:
        return []
    fix = Message.of("BC101.fix", N_("remove what makes it large: debug info first (`buildcheck explain {path}`)"),
                     path=evidence.path) if evidence.has_dwarf else None
    return [Finding(rule="BC101", severity="error", origin=Origin.file(evidence.path), fix=fix, message=Message.of(
        "BC101", N_("{path} is {size} ({bytes} bytes), over --max-size {limit} ({limit_bytes} bytes); without debug "
                    "sections it would be about {stripped}"),
        path=evidence.path, size=Size(evidence.file_size), bytes=evidence.file_size, limit=Size(max_size),
        limit_bytes=max_size, stripped=Size(evidence.stripped_size_estimate)))]


def binary_findings(evidence: BinaryEvidence, *, max_size: int | None = None,
                    profile: str = "release") -> list[Finding]:
    return [*debug_info_findings(evidence, profile=profile), *size_findings(evidence, max_size)]
