"""`buildcheck inspect` for a person: the size story, the sections, the top origins with bars."""

from __future__ import annotations

import re

from rich.console import Console
from rich.table import Table
from rich.text import Text

from buildcheck.elf.inspect import BinaryReport, DebugOrigin, SectionInfo
from buildcheck.i18n import _, ngettext
from buildcheck.isa.report import IsaReport
from buildcheck.report import inspect_isa_text
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


def render(console: Console, reports: list[BinaryReport], *, top: int = 10, all_sections: bool = False,
           isa: list[IsaReport] | None = None) -> None:
    for i, report in enumerate(reports):
        if i:
            console.print()
        _render_one(console, report, top=top, all_sections=all_sections)
        if isa is not None:
            inspect_isa_text.render(console, isa[i])


def _render_one(console: Console, r: BinaryReport, *, top: int, all_sections: bool) -> None:
    title = Text(r.path, style="bold")
    title.append("  " + _("ELF {bits}-bit {endian}-endian {type} {machine}").format(
        bits=r.elf.class_, endian=r.elf.endianness, type=r.elf.type, machine=r.elf.machine), style="dim")
    console.print(title, soft_wrap=True)

    debug_sections = [s for s in r.sections if s.debug]
    story = Table.grid(padding=(0, 2))
    story.add_column(style="bold")
    story.add_column()
    story.add_row(_("file size"), format_size(r.file_size))
    if debug_sections:
        story.add_row(_("debug info"), _("{size} in {n} sections ({share} of the file)").format(
            size=format_size(r.debug_bytes), n=len(debug_sections), share=_percent(r.debug_bytes, r.file_size)))
    else:
        story.add_row(_("debug info"), _("none"))
    story.add_row(_("after strip"), _("{size} with `strip --strip-debug` (estimated, {saved} less)").format(
        size=format_size(r.stripped_size_estimate), saved=format_size(r.file_size - r.stripped_size_estimate)))
    if r.debug_info_bytes:
        versions = ", ".join(str(v) for v in r.dwarf_versions) or "?"
        story.add_row(".debug_info", _("{size} uncompressed, {units} (DWARF {versions})").format(
            size=format_size(r.debug_info_bytes),
            units=ngettext("{n} unit", "{n} units", r.units).format(n=r.units), versions=versions))
    if r.symtab_bytes:
        story.add_row(_("symbols"), _("{size} in .symtab/.strtab (kept by --strip-debug)").format(
            size=format_size(r.symtab_bytes)))
    if r.build_id:
        story.add_row(_("build-id"), r.build_id)
    if r.debuglink:
        story.add_row(_("debuglink"), r.debuglink)
    if r.split_dwarf and r.split_units:
        story.add_row(_("split DWARF"), _("{size} of .debug_info.dwo in {units}, read from its .dwp/.dwo files").format(
            size=format_size(r.split_debug_info_bytes),
            units=ngettext("{n} unit", "{n} units", r.split_units).format(n=r.split_units)))
    elif r.split_dwarf:
        story.add_row(_("split DWARF"), _("skeleton units only: none of their .dwp/.dwo files could be read"))
    if r.dwp_file:
        story.add_row(".dwp", "{path} ({size})".format(path=r.dwp_file.path, size=format_size(r.dwp_file.size or 0)))
    found = [d for d in r.dwo_files if d.exists]
    if found:
        story.add_row(".dwo", ngettext("{n} file ({size})", "{n} files ({size})", len(found)).format(
            n=len(found), size=format_size(sum(d.size or 0 for d in found))))
    missing = r.split_files_missing
    if missing:
        shown = ", ".join(d.path for d in missing[:MISSING_SHOWN])
        story.add_row(_("not found"), ngettext("{n} .dwo file: {paths}", "{n} .dwo files: {paths}", len(missing))
                      .format(n=len(missing), paths=shown + (" …" if len(missing) > MISSING_SHOWN else "")))
    console.print(story)

    _render_sections(console, r, all_sections=all_sections)
    if r.origins:
        _render_origins(console, r.origins, r.debug_info_bytes, _("Debug info by origin"), top=top)
    if r.split_origins:
        _render_origins(console, r.split_origins, r.split_debug_info_bytes,
                        _("Split debug info by origin (.dwp/.dwo files)"), top=top)
    elif r.debug_info_bytes and not r.origins_computed:
        console.print(_("Origins of the debug info were not computed (see the warnings)."))
    for warning in r.warnings:
        console.print(Text(_("warning: {text}").format(text=warning), style="yellow"))


def _render_sections(console: Console, r: BinaryReport, *, all_sections: bool) -> None:
    shown: list[SectionInfo] = list(r.sections)
    hidden = 0
    if not all_sections and len(shown) > SECTIONS_SHOWN:
        largest = sorted(shown, key=lambda s: s.file_bytes, reverse=True)[:SECTIONS_SHOWN]
        keep = {s.index for s in largest} | {s.index for s in shown if s.debug}
        hidden = len(shown) - len(keep)
        shown = [s for s in shown if s.index in keep]
    table = Table(title=_("Sections"), title_justify="left", box=None, pad_edge=False, show_edge=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column(_("name"), no_wrap=True, overflow="ellipsis", max_width=32)
    table.add_column(_("type"), no_wrap=True)
    table.add_column(_("size"), justify="right", no_wrap=True)
    table.add_column(_("flags"))
    table.add_column(_("share"), justify="right", no_wrap=True)
    table.add_column(_("note"), no_wrap=True, overflow="ellipsis")
    for s in shown:
        note = ""
        if s.compressed:
            note = _("{kind}-compressed, {size} uncompressed").format(
                kind=s.compression, size=format_size(s.uncompressed_size))
        elif s.type == "NOBITS":
            note = _("no file bytes")
        style = "magenta" if s.debug else None
        table.add_row(str(s.index), Text(s.name, style=style or ""), s.type, format_size(s.size), s.flags,
                      _percent(s.file_bytes, r.file_size), note)
    console.print()
    console.print(table)
    if hidden:
        console.print(Text(_("{n} smaller sections not shown (--all-sections lists them)").format(n=hidden),
                           style="dim"))


def _render_origins(console: Console, all_origins: tuple[DebugOrigin, ...], total: int, title: str, *,
                    top: int) -> None:
    table = Table(title=title, title_justify="left", box=None, pad_edge=False, show_edge=False)
    table.add_column(_("origin"), no_wrap=True, overflow="ellipsis", max_width=32)
    table.add_column(_("kind"), no_wrap=True)
    table.add_column(_("units"), justify="right", no_wrap=True)
    table.add_column(".debug_info", justify="right", no_wrap=True)
    table.add_column(_("share"), justify="right", no_wrap=True)
    table.add_column("", no_wrap=True, min_width=BAR_WIDTH)
    table.add_column(_("producer"), overflow="fold", max_width=36)
    origins: list[DebugOrigin] = list(all_origins[:top]) if top > 0 else list(all_origins)
    for o in origins:
        name = o.name
        if o.crate and o.kind in ("c", "c++", "asm", "cuda") and o.name == o.crate:
            name = _("{crate} (build script)").format(crate=o.crate)
        table.add_row(name, o.kind, str(o.units), format_size(o.debug_info_bytes),
                      _percent(o.debug_info_bytes, total), _bar(o.debug_info_bytes, total),
                      producer_summary(o.producer))
    console.print()
    console.print(table)
    rest = all_origins[len(origins):]
    if rest:
        console.print(Text(_("{n} more origins with {size} ({share})").format(
            n=len(rest), size=format_size(sum(o.debug_info_bytes for o in rest)),
            share=_percent(sum(o.debug_info_bytes for o in rest), total)), style="dim"))
