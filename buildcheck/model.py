"""Values that never forget where they came from, and the findings built on them.

Every setting buildcheck resolves is a `Sourced` value: the value, the `Origin`
that set it (a file and line, an environment variable, a `--config` argument, a
built-in default) and the values it overrode. Findings point at an origin so
every renderer (text, JSON, SARIF, GitHub annotations) can say *where* to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from buildcheck.i18n import _
from buildcheck.messages import Message

T = TypeVar("T")

OriginKind = Literal["file", "env", "cli", "default", "command"]
Severity = Literal["error", "warning", "info"]

SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True, kw_only=True)
class Origin:
    """Where a value was defined.

    kind    file: a config file, manifest, toolchain file or Makefile (path, line)
            env: an environment variable (env); path and line when a Makefile line set or exported it
            cli: a command-line argument such as `--config` (detail holds the argument)
            default: cargo's or rustc's built-in default (detail says which)
            command: the output of a command buildcheck ran, e.g. `cargo --version`
    """

    kind: OriginKind
    path: str | None = None
    line: int | None = None
    env: str | None = None
    detail: str | None = None
    # The dotted key path a config-file value was read from, e.g. ("profile", "release", "debug"), so that
    # `buildcheck fix` can edit exactly that key. Not part of equality: two origins are the same place when
    # file and line agree, whichever key was asked for.
    key: tuple[str, ...] | None = field(default=None, compare=False)

    @classmethod
    def file(cls, path: str, line: int | None = None, key: tuple[str, ...] | None = None) -> Origin:
        return cls(kind="file", path=str(path), line=line, key=key)

    @classmethod
    def environment(cls, name: str, set_by: Origin | None = None) -> Origin:
        """The variable `name`; `set_by`: the Makefile line that gave it the value the build sees."""
        if set_by is not None:
            return cls(kind="env", env=name, path=set_by.path, line=set_by.line)
        return cls(kind="env", env=name)

    @classmethod
    def cli(cls, argument: str) -> Origin:
        return cls(kind="cli", detail=argument)

    @classmethod
    def default(cls, detail: str) -> Origin:
        return cls(kind="default", detail=detail)

    @classmethod
    def command(cls, detail: str) -> Origin:
        return cls(kind="command", detail=detail)

    def describe(self, style: Any = None) -> str:
        """A short human label: `path:line`, `environment variable RUSTFLAGS`, ...

        style: how to show paths (buildcheck.report.layout.PathStyle: `~`, relative to the cwd); None: as stored."""
        path = style.show(self.path) if style is not None and self.path else self.path
        if self.kind == "file":
            return f"{path}:{self.line}" if self.line else str(path)
        if self.kind == "env":
            if self.path:
                return _("{name} as {where} sets it for the build").format(
                    name=self.env, where=f"{path}:{self.line}" if self.line else path)
            return _("environment variable {name}").format(name=self.env)
        if self.kind == "cli":
            return f"--config {self.detail}"
        if self.kind == "command":
            return f"`{self.detail}`"
        # A default's detail is English marked with N_() where it is made, translated here.
        return _("default ({detail})").format(detail=_(self.detail)) if self.detail else _("default")

    def to_json(self) -> dict[str, Any]:
        """The JSON `location` contract: {path, line} for files, {env} for variables."""
        if self.kind == "file":
            out: dict[str, Any] = {"path": self.path}
            if self.line is not None:
                out["line"] = self.line
            return out
        if self.kind == "env":
            return {"env": self.env, "path": self.path, "line": self.line} if self.path else {"env": self.env}
        if self.kind == "cli":
            return {"cli": self.detail}
        if self.kind == "command":
            return {"command": self.detail}
        return {"default": self.detail}


@dataclass(frozen=True)
class Sourced(Generic[T]):
    """A resolved value with its origin and the values it overrode (nearest first)."""

    value: T
    origin: Origin
    overridden: tuple[Sourced[Any], ...] = field(default=())

    def override_with(self, value: T, origin: Origin) -> Sourced[T]:
        """The value that wins over this one, remembering this one as overridden."""
        return Sourced(value, origin, (self, *self.overridden))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "location": self.origin.to_json()}
        if self.overridden:
            out["overrode"] = [o.to_json() for o in self.overridden]
        return out


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One thing buildcheck has to say, with a stable rule id (see `rules.py`).

    The message and the fix are data (buildcheck/messages.py): translated only when rendered, identified by
    a stable id and parameters in JSON and SARIF."""

    rule: str
    severity: Severity
    message: Message
    origin: Origin | None = None
    fix: Message | None = None

    def to_json(self) -> dict[str, Any]:
        from buildcheck.rules import RULES

        return {
            "rule": self.rule,
            "name": RULES[self.rule].name if self.rule in RULES else self.rule,
            "severity": self.severity,
            "message": self.message.text(),
            "message_id": self.message.id,
            "params": self.message.params_json(),
            "location": self.origin.to_json() if self.origin else None,
            "fix": self.fix.text() if self.fix else None,
            "fix_id": self.fix.id if self.fix else None,
            "fix_params": self.fix.params_json() if self.fix else None,
        }
