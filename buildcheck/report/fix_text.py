"""`buildcheck fix` output: the unified diff on stdout (nothing else, so it can be piped to a patch),
what each edit does, what was written, and the environment to change by hand on stderr."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

import click

from buildcheck.i18n import _
from buildcheck.recommend.config_edit import EditResult
from buildcheck.recommend.from_scan import ConfigCause, EnvCause, describe_cause


def _err(text: str) -> None:
    click.echo(text, err=True)


def render(out: TextIO, *, causes: Sequence[ConfigCause], edited: Sequence[EditResult],
           written: Sequence[tuple[str, str]] | None, env_causes: Sequence[EnvCause], needs_strip: bool,
           profile: str) -> None:
    if written is None:
        for result in edited:
            out.write(result.diff)
        out.flush()
    for cause in causes:
        line = describe_cause(cause)
        if not cause.effective:
            line += " " + _("(hidden today by a higher-priority setting; it applies once that is removed)")
        _err(line)
    if written is not None:
        for path, backup in written:
            _err(_("wrote {path} (backup: {backup})").format(path=path, backup=backup))
    elif edited:
        _err(_("not written: run `buildcheck fix --write` to apply"))
    if not causes:
        _err(_("no config-file setting turns debug info on"))
    for cause in env_causes:
        _err(_("environment variable {name}={value} is not changed by fix; unset it, or run "
               "`eval \"$(buildcheck flags)\"`").format(name=cause.name, value=cause.value))
    if needs_strip:
        _err(_("this cargo (< 1.77) never strips: export CARGO_PROFILE_{name}_STRIP=debuginfo "
               "(`buildcheck flags` prints it)").format(name=profile.upper().replace("-", "_")))
