"""`buildcheck diff` for a person: the whole-file numbers, then what changed by section and by origin."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from buildcheck.compare import BinaryDiff, Delta, Pair
from buildcheck.i18n import _
from buildcheck.sizes import format_size

STATUS_STYLE = {"grew": "red", "appeared": "red", "shrank": "green", "vanished": "green"}


def _signed(change: int) -> str:
    sign = "+" if change > 0 else "-" if change < 0 else "±"
    return sign + format_size(abs(change))


def _growth(pair: Pair) -> str:
    return "" if pair.growth is None else "{p:+.1f}%".format(p=100 * pair.growth)


def _size(value: int | None) -> str:
    return "-" if value is None else format_size(value)


def _status(delta: Delta) -> Text:
    labels = {"grew": _("grew"), "shrank": _("shrank"), "appeared": _("appeared"),
              "vanished": _("vanished"), "same": _("same")}
    return Text(labels[delta.status], style=STATUS_STYLE.get(delta.status, ""))


def _delta_table(title: str, deltas: tuple[Delta, ...], *, with_kind: bool, top: int) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", box=None, padding=(0, 2))
    table.add_column(_("name"))
    if with_kind:
        table.add_column(_("kind"))
    for header in (_("old"), _("new"), _("change")):
        table.add_column(header, justify="right")
    table.add_column(_("status"))
    shown = deltas if top == 0 else deltas[:top]
    for d in shown:
        row = [d.name] + ([d.kind or ""] if with_kind else []) + [_size(d.old), _size(d.new), _signed(d.change)]
        table.add_row(*row, _status(d))
    return table


def render(console: Console, diff: BinaryDiff, *, top: int = 15) -> None:
    console.print(Text(_("{old} → {new}").format(old=diff.old_path, new=diff.new_path), style="bold"), soft_wrap=True)
    story = Table(box=None, padding=(0, 2), header_style="dim")
    story.add_column("", style="bold")
    for header in (_("old"), _("new"), _("change"), _("growth")):
        story.add_column(header, justify="right")
    rows = ((_("file size"), diff.file_size), (_("debug sections"), diff.debug_bytes),
            (_(".debug_info"), diff.debug_info_bytes), (_("after strip --strip-debug"), diff.stripped_size_estimate))
    for label, pair in rows:
        story.add_row(label, format_size(pair.old), format_size(pair.new), _signed(pair.change), _growth(pair))
    console.print(story)
    sections, origins = diff.changed_sections(), diff.changed_origins()
    if not sections and not origins:
        console.print(_("No section or origin changed size."))
        return
    if sections:
        console.print()
        console.print(_delta_table(_("Sections that changed"), sections, with_kind=False, top=top))
    if origins:
        console.print()
        console.print(_delta_table(_("Debug info by origin that changed"), origins, with_kind=True, top=top))
