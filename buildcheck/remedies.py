"""What removes a cause: typed edits of the environment, of config files, of the command line, of the toolchain.

A remedy is data. `buildcheck flags` renders the environment ones for a shell, `buildcheck fix` applies the file
ones, and every finding, explanation and headline describes the same remedy with `describe()`, so that one input
has one answer everywhere.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from buildcheck.i18n import N_
from buildcheck.messages import Message
from buildcheck.model import Origin
from buildcheck.recommend.edits import Edit, RemoveRustflags, SetKey


_PLAIN = re.compile(r"[A-Za-z0-9_./:=+,@%-]+")


def shell_value(text: str) -> str:
    """As people write it: bare when nothing needs quoting, `"..."` for spaces, shell escaping for the rest."""
    if _PLAIN.fullmatch(text):
        return text
    if not any(ch in text for ch in '"$`\\!\n\x1f'):
        return f'"{text}"'
    return shlex.quote(text)


@dataclass(frozen=True)
class SetEnv:
    """Give `name` a new value in the build's environment; `value` None: unset it."""

    name: str
    value: str | None

    def describe(self) -> Message:
        if self.value is None:
            return Message.of("remedy.unset", N_("unset {name}"), name=self.name)
        return Message.of("remedy.export", N_("export {name}={value}"), name=self.name,
                          value=shell_value(self.value))


@dataclass(frozen=True)
class EditFile:
    """Edit one key of a cargo config file or of the workspace Cargo.toml (`buildcheck fix` does it)."""

    origin: Origin          # the file and line the key is written on
    edit: Edit

    @property
    def path(self) -> str:
        assert self.origin.path is not None
        return self.origin.path

    def describe(self) -> Message:
        if isinstance(self.edit, SetKey):
            what = Message.of("edit.set-key", N_("set {key} = {value}"), key=self.edit.dotted_key,
                              value=self.edit.toml_value)
        else:
            assert isinstance(self.edit, RemoveRustflags)
            what = Message.of("edit.remove-rustflags", N_("remove {flags} from {key}"),
                              flags=list(self.edit.flags or ()), key=self.edit.dotted_key)
        return Message.of("remedy.edit-file", N_("{what} at {where}"), what=what, where=self.origin)


@dataclass(frozen=True)
class DropArgument:
    """A command-line argument of the build (`--config ...`) that must go."""

    argument: str

    def describe(self) -> Message:
        return Message.of("remedy.drop-argument", N_("drop `{argument}` from the cargo command line"),
                          argument=self.argument)


@dataclass(frozen=True)
class RunCommand:
    """A command to run before building (installing the pinned toolchain)."""

    command: str

    def describe(self) -> Message:
        return Message.of("remedy.run", N_("run `{command}`"), command=self.command)


@dataclass(frozen=True)
class ChangeMakefile:
    """A Makefile line gives the build a value the environment cannot change."""

    origin: Origin
    what: Message

    def describe(self) -> Message:
        return Message.of("remedy.makefile", N_("{what} at {where}"), what=self.what, where=self.origin)


Remedy = SetEnv | EditFile | DropArgument | RunCommand | ChangeMakefile
# The remedies whose text is a shell command as it stands (the text output keeps each on one line, to be copied).
COMMAND_MESSAGES = frozenset({"remedy.export", "remedy.unset"})
