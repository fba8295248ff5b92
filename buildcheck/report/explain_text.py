"""`buildcheck explain` for a person: the headline, the causes ranked with their evidence, the contradictions."""

from __future__ import annotations

from buildcheck.explain import Explanation
from buildcheck.i18n import N_, _
from buildcheck.messages import Message, Size
from buildcheck.report.console import TextOut


def _seen(seen: bool | None) -> tuple[str, str]:
    if seen is None:
        return "cyan", _("predicted from the settings")
    return ("green", _("seen in the binary")) if seen else ("yellow", _("not in the binary"))


def render(out: TextOut, explanation: Explanation) -> None:
    project = out.path(explanation.project) if explanation.project else _("no cargo workspace found")
    version = explanation.cargo_version or _("unknown")
    subject = " " + explanation.binary.path if explanation.binary else _(" (no binary: settings only)")
    out.line((_("buildcheck explain"), "bold"), subject)
    out.line(_("settings of {project}, profile {profile}, cargo {version} (from {where})").format(
        project=project, profile=explanation.profile, version=version, where=out.where(explanation.toolchain_origin)))
    binary = explanation.binary
    if binary is not None:
        out.line(out.text(Message.of("explain.sizes", N_("{size}: debug sections {debug}, .debug_info {info}; about "
                                                         "{stripped} without them"), size=Size(binary.file_size),
                                     debug=Size(binary.debug_bytes), info=Size(binary.debug_info_bytes),
                                     stripped=Size(binary.stripped_size_estimate))))
    out.blank()
    out.line((out.text(explanation.headline).strip(), "bold"))
    if explanation.causes:
        out.blank()
        out.line((_("Causes"), "bold"), _(" (most important first)"))
    for number, explained in enumerate(explanation.causes, start=1):
        style, label = _seen(explained.seen_in_binary)
        out.line(f"{number}. ", out.text(explained.summary), "  ", (label, style), "  ",
                 getattr(explained, "rule", None) or explained.cause.rule, indent=2, hang=5)
        for line in explained.evidence:
            out.line("- ", out.text(line), indent=5, hang=7)
        cause = getattr(explained, "cause", None)
        if cause is not None and cause.remedy is not None:
            out.line((_("fix: "), "green"), out.remedy(cause.remedy.describe()), indent=5, hang=7)
    if explanation.contradictions:
        out.blank()
        out.line((_("The binary contradicts the current settings"), "bold"))
    for contradiction in explanation.contradictions:
        out.line(("!", "yellow"), " ", out.text(contradiction.message), indent=2, hang=4)
        for line in contradiction.evidence:
            out.line("- ", out.text(line), indent=5, hang=7)
    if len(explanation.fix) > 1:
        out.blank()
        out.line((_("Every fix, in order"), "bold"))
        for remedy in explanation.fix:
            out.line("- ", out.remedy(remedy.describe()), indent=2, hang=4)
    if explanation.cpu:
        out.blank()
        out.line((_("Which CPUs it runs on"), "bold"))
        for message in explanation.cpu:
            out.line("- ", out.text(message), indent=2, hang=4)
