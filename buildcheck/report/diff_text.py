"""`buildcheck diff` for a person: the whole-file numbers, then what changed by section and by origin."""

from __future__ import annotations

from rich.text import Text

from buildcheck.compare import BinaryDiff, Delta, GrowthGate, Pair
from buildcheck.i18n import _
from buildcheck.report.console import TextOut
from buildcheck.report.layout import table
from buildcheck.sizes import format_size

STATUS_STYLE = {"grew": "red", "appeared": "red", "shrank": "green", "vanished": "green"}


def _signed(change: int) -> str:
    sign = "+" if change > 0 else "-" if change < 0 else "±"
    return sign + format_size(abs(change))


def _growth(pair: Pair) -> str:
    return "" if pair.growth is None else "{p:+.1f}%".format(p=100 * pair.growth)


def _size(value: int | None) -> str:
    return "-" if value is None else format_size(value)


def _status(delta: Delta, color: bool) -> Text:
    labels = {"grew": _("grew"), "shrank": _("shrank"), "appeared": _("appeared"),
              "vanished": _("vanished"), "same": _("same")}
    return Text(labels[delta.status], style=STATUS_STYLE.get(delta.status, "") if color else "")


def _print(out: TextOut, lines: list[Text]) -> None:
    for line in lines:
        out.console.print(line, soft_wrap=True, highlight=False, markup=False, emoji=False)


def _deltas(out: TextOut, title: str, deltas: tuple[Delta, ...], *, with_kind: bool, top: int) -> None:
    out.blank()
    out.line((title, "bold"))
    header = [_("name"), *([_("kind")] if with_kind else []), _("old"), _("new"), _("change"), _("status")]
    rows: list[list[Text | str]] = [header]
    for d in (deltas if top == 0 else deltas[:top]):
        rows.append([d.name, *([d.kind or ""] if with_kind else []), _size(d.old), _size(d.new), _signed(d.change),
                     _status(d, not out.console.no_color)])
    _print(out, table(rows, align="l" + ("l" if with_kind else "") + "rrrl", width=out.width, indent=2))


def render(out: TextOut, diff: BinaryDiff, *, top: int = 15, gate: GrowthGate | None = None) -> None:
    out.line((_("{old} → {new}").format(old=out.path(diff.old_path), new=out.path(diff.new_path)), "bold"))
    rows: list[list[Text | str]] = [["", _("old"), _("new"), _("change"), _("growth")]]
    for label, pair in ((_("file size"), diff.file_size), (_("debug sections"), diff.debug_bytes),
                        (_(".debug_info"), diff.debug_info_bytes),
                        (_("after strip --strip-debug"), diff.stripped_size_estimate)):
        rows.append([label, format_size(pair.old), format_size(pair.new), _signed(pair.change), _growth(pair)])
    _print(out, table(rows, align="lrrrr", width=out.width))
    sections, origins = diff.changed_sections(), diff.changed_origins()
    if not sections and not origins:
        out.line(_("No section or origin changed size."))
    if sections:
        _deltas(out, _("Sections that changed"), sections, with_kind=False, top=top)
    if origins:
        _deltas(out, _("Debug info by origin that changed"), origins, with_kind=True, top=top)
    if gate is not None:
        out.blank()
        if gate.passed:
            out.line((_("PASS: growth within --max-growth {limit}").format(limit=gate.limit), "bold green"))
        else:
            out.line((_("FAIL: the file grew more than --max-growth {limit}").format(limit=gate.limit), "bold red"))
