"""The fix plan: every remedy the causes of a build need, once each, and what cargo uses once they are applied.

`fix` writes the plan's file edits, `flags` turns its environment changes (and the rustflags that remain) into
shell lines, and findings and explanations describe the same remedies: the commands cannot disagree.

The plan holds the remedies of every cause that puts debug info into the binary or keeps it there, whether it
applies today or hides behind another (removing `CARGO_PROFILE_RELEASE_DEBUG=true` must not just reveal the
`debug = 2` under it). build-override (BC004) is left out: it never reaches the binary.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from buildcheck.args import rustc
from buildcheck.args.split import split_variable
from buildcheck.cargo.resolved import ScanResult
from buildcheck.causes import Cause
from buildcheck.messages import Message
from buildcheck.remedies import ChangeMakefile, DropArgument, EditFile, Remedy, RunCommand, SetEnv


@dataclass(frozen=True)
class FixPlan:
    remedies: tuple[Remedy, ...]
    reasons: tuple[Message, ...] = ()   # per remedy, the message of the cause it removes

    def reason(self, remedy: Remedy) -> Message | None:
        for candidate, reason in zip(self.remedies, self.reasons):
            if candidate == remedy:
                return reason
        return None

    @property
    def env(self) -> tuple[SetEnv, ...]:
        return tuple(r for r in self.remedies if isinstance(r, SetEnv))

    @property
    def files(self) -> tuple[EditFile, ...]:
        return tuple(r for r in self.remedies if isinstance(r, EditFile))

    @property
    def arguments(self) -> tuple[DropArgument, ...]:
        return tuple(r for r in self.remedies if isinstance(r, DropArgument))

    @property
    def commands(self) -> tuple[RunCommand, ...]:
        return tuple(r for r in self.remedies if isinstance(r, RunCommand))

    @property
    def makefiles(self) -> tuple[ChangeMakefile, ...]:
        return tuple(r for r in self.remedies if isinstance(r, ChangeMakefile))

    def env_value(self, name: str, current: str | None) -> str | None:
        """The value `name` has once the plan is applied."""
        for remedy in self.env:
            if remedy.name == name:
                return remedy.value
        return current


def fix_plan(causes: Iterable[Cause]) -> FixPlan:
    remedies: list[Remedy] = []
    reasons: list[Message] = []
    taken_env: set[str] = set()
    for cause in causes:
        if cause.remedy is None or cause.kind == "build-override-debug":
            continue
        if not (cause.debug or cause.keeps or isinstance(cause.remedy, RunCommand)):
            continue
        if isinstance(cause.remedy, SetEnv):
            if cause.remedy.name in taken_env:  # the first (most severe) cause decides a variable's new value
                continue
            taken_env.add(cause.remedy.name)
        if cause.remedy not in remedies:
            remedies.append(cause.remedy)
            reasons.append(cause.message)
    return FixPlan(tuple(remedies), tuple(reasons))


def _drops(option: rustc.RustcOption) -> bool:
    return rustc.turns_debuginfo_on(option) or rustc.strip_keeps_debuginfo(option)


def rustflags_after(scan: ScanResult, plan: FixPlan) -> tuple[str, ...]:
    """The rustflags cargo passes once the plan is applied: the first tier still set wins (as in cargo), with the
    debug options the plan removes taken out of the config tiers."""
    dropped_args = {remedy.argument for remedy in plan.arguments}
    env = dict(scan.environment)
    for tier in (scan.rustflags.winner, *scan.rustflags.hidden):
        if tier.tier in ("CARGO_ENCODED_RUSTFLAGS", "RUSTFLAGS"):
            value = plan.env_value(tier.tier, env.get(tier.tier, ""))
            if value is None:
                continue  # unset: cargo goes on to the next tier
            return tuple(split_variable(tier.tier, value))
        kept = [item.value for item in tier.items
                if not (item.origin.kind == "cli" and f"--config {item.origin.detail}" in dropped_args)]
        flags = rustc.without(kept, _drops)
        if tier.tier == "target" and not flags:
            continue  # an empty target tier falls through to build.rustflags
        return flags
    return ()
