"""`buildcheck fix [DIR] [--write]`: the config-file edits that take debug info out, as a diff or written.

Only files the scan read settings from are edited (the config layers and the workspace root Cargo.toml); the
environment is never touched, only named on stderr with a pointer to `buildcheck flags`.

Exit codes (docs/en/fix.md): 0 nothing to edit, or the edits were written; 1 a diff was shown and not written (so CI
can run `buildcheck fix` as a check); 2 usage error, unreadable or invalid config, or a file that changed since it
was read.
"""

from __future__ import annotations

import os
import sys

import click

from buildcheck.cli_text import command as declare, global_options, option
from buildcheck.commands._options import cargo_option, profile_option, via_option
from buildcheck.context import RunContext
from buildcheck.errors import InputError
from buildcheck.i18n import N_, _


def _check_writable(paths: list[str]) -> None:
    """Refuse before the first write rather than leave some files edited and others not."""
    for path in paths:
        target = os.path.realpath(path)
        if not (os.access(target, os.W_OK) and os.access(os.path.dirname(target), os.W_OK | os.X_OK)):
            raise InputError(_("cannot write {path} (or the backup next to it): permission denied; "
                               "nothing was written").format(path=path))


@declare("fix", help=N_(
    "Show (or --write) the config-file edits that remove debug info, as a unified diff. Only files the scan read "
    "are edited, atomically, with a .bak backup. Exit 1 when a diff is shown and not written.\n\n\b\nExamples:\n"
    "  buildcheck fix                              show the diff\n"
    "  buildcheck fix --write                      apply it\n"
    "  buildcheck fix ~/damocles/damocles-worker > fix.patch"))
@click.argument("directory", required=False, type=click.Path(file_okay=False), metavar="[DIR]")
@option("--write", "write", is_flag=True,
        help=N_("Apply the edits (atomically, keeping a .bak backup of each file) instead of showing them."))
@profile_option(N_("The cargo profile that will be built."))
@cargo_option()
@via_option()
@global_options
@click.pass_obj
def command(ctx: RunContext, directory: str | None, write: bool, profile: str, cargo: str | None, via: str) -> int:
    from buildcheck.commands._project import project_for
    from buildcheck.recommend.config_edit import edit_config_file, write_edited
    from buildcheck.recommend.fix_files import file_edits, project_plan
    from buildcheck.report import fix_text
    from buildcheck.report.console import make_console
    from buildcheck.report.layout import PathStyle

    project = project_for(ctx, directory, ctx.scan_options(profile=profile, cargo=cargo, read_cpu=False))
    plan = project_plan(project, via)  # type: ignore[arg-type]
    out = make_console(ctx, sys.stderr)
    # Every edit is computed (and checked) before anything is written, so a bad file stops the run before a single
    # file has changed.
    # Diff headers must name real paths (`patch -p1` / `patch -p0` read them): relative under the cwd, else absolute.
    in_diff = PathStyle(cwd=ctx.cwd)
    edited = [edit_config_file(path, edits, display_path=in_diff.show(path)) for path, edits in file_edits(plan, project)]
    changed = [e for e in edited if e.changed]
    written: list[tuple[str, str]] = []
    if write:
        _check_writable([e.path for e in changed])
        for edit in changed:
            backup = write_edited(edit)
            written.append((edit.path, str(backup)))
    fix_text.render(sys.stdout, out, plan=plan, edited=changed, written=written if write else None)
    return 1 if changed and not write else 0
