"""`buildcheck inspect` for a person: the size story, the sections, the top origins with bars."""

from __future__ import annotations

import re

from rich.text import Text

from buildcheck.elf.inspect import BinaryReport, DebugOrigin, SectionInfo
from buildcheck.i18n import _, ngettext
from buildcheck.isa.report import IsaReport
from buildcheck.report import inspect_isa_text
from buildcheck.report.console import TextOut
from buildcheck.report.layout import table
from buildcheck.sizes import format_size

# Above this many sections only the largest are listed (a Rust binary built with
# -ffunction-sections objects can have tens of thousands); --all-sections lists every one.
SECTIONS_SHOWN = 40
BAR_WIDTH = 10
MISSING_SHOWN = 3

_GCC_PRODUCER = re.compile(r"^(GNU \S+ [0-9][^ ]*)")
_RUSTC_PRODUCER = re.compile(r"rustc version ([0-9][^ )]*)")
_CLANG_PRODUCER = re.compile(r"^(clang version [0-9][^ ]*)")


def producer_summary(producer: str | None) -> str:
    """The compiler and the switches that matter here: `GNU C17 12.2.0 -g`, `rustc 1.95.0`."""
    if not producer:
        return ""
    m = _RUSTC_PRODUCER.search(producer)
    if m:
        return "rustc " + m.group(1)
    m = _GCC_PRODUCER.match(producer)
    if m:
        # only the debug switches: they are what put the bytes there (-g, -g3, -gdwarf-4, -gz ...)
        switches = [w for w in producer.split()[3:] if w.startswith("-g")]
        return " ".join([m.group(1), *switches])
    m = _CLANG_PRODUCER.match(producer)
    if m:
        return m.group(1)
    return producer if len(producer) <= 60 else producer[:57] + "..."


def _percent(part: int, whole: int) -> str:
    return "{p:.1f}%".format(p=100.0 * part / whole) if whole else "-"


def _bar(part: int, whole: int) -> Text:
    """A proportional bar in eighths of a cell, so small shares still show."""
    if not whole:
        return Text("")
    eighths = round(BAR_WIDTH * 8 * part / whole)
    full, rest = divmod(eighths, 8)
    text = "█" * full + ("" if rest == 0 else " ▏▎▍▌▋▊▉"[rest])
    if not text and part:
        text = "▏"
    return Text(text, style="cyan")


def _table(out: TextOut, rows: list[list[Text | str]], align: str) -> None:
    for line in table(rows, align=align, width=out.width):
        out.console.print(line, soft_wrap=True, highlight=False, markup=False, emoji=False)


def render(out: TextOut, reports: list[BinaryReport], *, top: int = 10, all_sections: bool = False,
           isa: list[IsaReport] | None = None) -> None:
    for i, report in enumerate(reports):
        if i:
            out.blank()
        _render_one(out, report, top=top, all_sections=all_sections)
        if isa is not None:
            inspect_isa_text.render(out, isa[i])


def _story(out: TextOut, label: str, value: str) -> None:
    out.line((f"{label:<12}", "bold"), " ", value, hang=13)


def _render_one(out: TextOut, r: BinaryReport, *, top: int, all_sections: bool) -> None:
    out.line((r.path, "bold"), "  ", (_("ELF {bits}-bit {endian}-endian {type} {machine}").format(
        bits=r.elf.class_, endian=r.elf.endianness, type=r.elf.type, machine=r.elf.machine), "dim"))
    debug_sections = [s for s in r.sections if s.debug]
    _story(out, _("file size"), format_size(r.file_size))
    if debug_sections:
        _story(out, _("debug info"), _("{size} in {n} sections ({share} of the file)").format(
            size=format_size(r.debug_bytes), n=len(debug_sections), share=_percent(r.debug_bytes, r.file_size)))
    else:
        _story(out, _("debug info"), _("none"))
    _story(out, _("after strip"), _("{size} with `strip --strip-debug` (estimated, {saved} less)").format(
        size=format_size(r.stripped_size_estimate), saved=format_size(r.file_size - r.stripped_size_estimate)))
    if r.debug_info_bytes:
        versions = ", ".join(str(v) for v in r.dwarf_versions) or "?"
        _story(out, ".debug_info", _("{size} uncompressed, {units} (DWARF {versions})").format(
            size=format_size(r.debug_info_bytes),
            units=ngettext("{n} unit", "{n} units", r.units).format(n=r.units), versions=versions))
    if r.symtab_bytes:
        _story(out, _("symbols"), _("{size} in .symtab/.strtab (kept by --strip-debug)").format(
            size=format_size(r.symtab_bytes)))
    if r.build_id:
        _story(out, _("build-id"), r.build_id)
    if r.debuglink:
        _story(out, _("debuglink"), r.debuglink)
    if r.split_dwarf and r.split_units:
        _story(out, _("split DWARF"), _("{size} of .debug_info.dwo in {units}, read from its .dwp/.dwo files").format(
            size=format_size(r.split_debug_info_bytes),
            units=ngettext("{n} unit", "{n} units", r.split_units).format(n=r.split_units)))
    elif r.split_dwarf:
        _story(out, _("split DWARF"), _("skeleton units only: none of their .dwp/.dwo files could be read"))
    if r.dwp_file:
        _story(out, ".dwp", "{path} ({size})".format(path=out.path(r.dwp_file.path),
                                                     size=format_size(r.dwp_file.size or 0)))
    found = [d for d in r.dwo_files if d.exists]
    if found:
        _story(out, ".dwo", ngettext("{n} file ({size})", "{n} files ({size})", len(found)).format(
            n=len(found), size=format_size(sum(d.size or 0 for d in found))))
    missing = r.split_files_missing
    if missing:
        shown = ", ".join(out.path(d.path) for d in missing[:MISSING_SHOWN])
        _story(out, _("not found"), ngettext("{n} .dwo file: {paths}", "{n} .dwo files: {paths}", len(missing))
               .format(n=len(missing), paths=shown + (" …" if len(missing) > MISSING_SHOWN else "")))

    _render_sections(out, r, all_sections=all_sections)
    if r.origins:
        _render_origins(out, r.origins, r.debug_info_bytes, _("Debug info by origin"), top=top)
    if r.split_origins:
        _render_origins(out, r.split_origins, r.split_debug_info_bytes,
                        _("Split debug info by origin (.dwp/.dwo files)"), top=top)
    elif r.debug_info_bytes and not r.origins_computed:
        out.line(_("Origins of the debug info were not computed (see the warnings)."))
    for warning in r.warnings:
        out.line((_("warning: {text}").format(text=warning), "yellow"))


def _styled(text: str, style: str, out: TextOut) -> Text:
    return Text(text, style=style if not out.console.no_color else "")


def _render_sections(out: TextOut, r: BinaryReport, *, all_sections: bool) -> None:
    shown: list[SectionInfo] = list(r.sections)
    hidden = 0
    if not all_sections and len(shown) > SECTIONS_SHOWN:
        largest = sorted(shown, key=lambda s: s.file_bytes, reverse=True)[:SECTIONS_SHOWN]
        keep = {s.index for s in largest} | {s.index for s in shown if s.debug}
        hidden = len(shown) - len(keep)
        shown = [s for s in shown if s.index in keep]
    out.blank()
    out.line((_("Sections"), "bold"))
    rows: list[list[Text | str]] = [["#", _("name"), _("type"), _("size"), _("flags"), _("share"), _("note")]]
    for s in shown:
        note = ""
        if s.compressed:
            note = _("{kind}-compressed, {size} uncompressed").format(
                kind=s.compression, size=format_size(s.uncompressed_size))
        elif s.type == "NOBITS":
            note = _("no file bytes")
        rows.append([str(s.index), _styled(s.name, "magenta", out) if s.debug else s.name, s.type,
                     format_size(s.size), s.flags, _percent(s.file_bytes, r.file_size), note])
    _table(out, rows, "rllrlrl")
    if hidden:
        out.line((_("{n} smaller sections not shown (--all-sections lists them)").format(n=hidden), "dim"))


def _render_origins(out: TextOut, all_origins: tuple[DebugOrigin, ...], total: int, title: str, *,
                    top: int) -> None:
    out.blank()
    out.line((title, "bold"))
    rows: list[list[Text | str]] = [[_("origin"), _("kind"), _("units"), ".debug_info", _("share"), "",
                                     _("producer")]]
    origins: list[DebugOrigin] = list(all_origins[:top]) if top > 0 else list(all_origins)
    for o in origins:
        name = o.name
        if o.crate and o.kind in ("c", "c++", "asm", "cuda") and o.name == o.crate:
            name = _("{crate} (build script)").format(crate=o.crate)
        bar = _bar(o.debug_info_bytes, total)
        rows.append([name, o.kind, str(o.units), format_size(o.debug_info_bytes), _percent(o.debug_info_bytes, total),
                     _styled(bar.plain, "cyan", out), producer_summary(o.producer)])
    _table(out, rows, "llrrrll")
    rest = all_origins[len(origins):]
    if rest:
        out.line((_("{n} more origins with {size} ({share})").format(
            n=len(rest), size=format_size(sum(o.debug_info_bytes for o in rest)),
            share=_percent(sum(o.debug_info_bytes for o in rest), total)), "dim"))
