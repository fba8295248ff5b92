"""`buildcheck fix [DIR] [--write]`: the config-file edits that take debug info out, as a diff or written.

Only files the scan read settings from are edited (the config layers and the workspace
root Cargo.toml); environment variables are never touched, only named on stderr with a
pointer to `buildcheck flags`.

Exit codes (docs/en/fix.md): 0 nothing to edit, or the edits were written; 1 a diff was
shown and not written (so CI can run `buildcheck fix` as a check); 2 usage error,
unreadable or invalid config, or a file that changed since it was read.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from buildcheck.context import RunContext
from buildcheck.errors import InputError
from buildcheck.i18n import _


def _display_path(path: str, cwd: Path) -> str:
    """Relative to the directory scanned when the file is under it, else absolute (~/.cargo, a parent)."""
    relative = os.path.relpath(path, cwd)
    return path if relative.startswith("..") else relative


def _check_writable(paths: list[str]) -> None:
    """Refuse before the first write rather than leave some files edited and others not."""
    for path in paths:
        target = os.path.realpath(path)
        if not (os.access(target, os.W_OK) and os.access(os.path.dirname(target), os.W_OK | os.X_OK)):
            raise InputError(_("cannot write {path} (or the backup next to it): permission denied; "
                               "nothing was written").format(path=path))


@click.command(name="fix", help=_(
    "Show (or --write) the config-file edits that remove debug info, as a unified diff. Only files the "
    "scan read are edited, atomically, with a .bak backup. Exit 1 when a diff is shown and not written.\n"
    "\n\b\nExamples:\n  buildcheck fix                              show the diff\n  buildcheck fix "
    "--write                      apply it\n  buildcheck fix ~/damocles/damocles-worker > fix.patch"))
@click.argument("directory", required=False, type=click.Path(file_okay=False), metavar="[DIR]")
@click.option("--write", "write", is_flag=True,
              help=_("Apply the edits (atomically, keeping a .bak backup of each file) instead of showing them."))
@click.option("--profile", default="release", show_default=True, help=_("The cargo profile that will be built."))
@click.option("--cargo", default=None, metavar="PATH", help=_("The cargo whose version decides version-dependent rules."))
@click.pass_obj
def command(ctx: RunContext, directory: str | None, write: bool, profile: str, cargo: str | None) -> int:
    from buildcheck.cargo.scan import scan
    from buildcheck.recommend.config_edit import edit_config_file, write_edited
    from buildcheck.recommend.from_scan import config_causes, edits_by_file, env_causes, needs_strip
    from buildcheck.report import fix_text

    cwd = ctx.directory(directory)
    result = scan(cwd=cwd, env=ctx.env, profile=profile, cargo=cargo, host_cpu_features=ctx.host_cpu_features())
    causes = config_causes(result)
    # Every edit is computed (and checked) before anything is written, so a bad file stops the run
    # before a single file has changed.
    edited = [edit_config_file(path, edits, display_path=_display_path(path, result.cwd))
              for path, edits in edits_by_file(causes).items()]
    changed = [e for e in edited if e.changed]

    written: list[tuple[str, str]] = []
    if write:
        _check_writable([e.path for e in changed])
        for edit in changed:
            backup = write_edited(edit)
            written.append((edit.path, str(backup)))
    fix_text.render(sys.stdout, causes=causes, edited=changed, written=written if write else None,
                    env_causes=env_causes(result), needs_strip=needs_strip(result), profile=result.profile)
    return 1 if changed and not write else 0

