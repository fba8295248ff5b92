"""`buildcheck flags`: the fix plan's environment, plus the recommended CPU flags, as shell-independent changes.

Decisions (all taken here, none in the renderer):
- the rustflags are what cargo uses once the fix plan is applied (buildcheck/recommend/plan.py), so flags and scan
  agree: `RUSTFLAGS=-g` over config rustflags `--cfg tokio_unstable` gives
  `RUSTFLAGS="--cfg tokio_unstable -C target-cpu=native"`, the config's flags kept, the `-g` gone;
- `-C target-cpu=native` is added unless a target-cpu is already chosen (an explicit non-native one is the user's
  deliberate choice and is kept); with `--portable`, native is replaced by the portable flags;
- they travel in RUSTFLAGS, or in CARGO_ENCODED_RUSTFLAGS when a flag holds a space (RUSTFLAGS splits on spaces);
  the variable that carried them before is unset (CARGO_ENCODED_RUSTFLAGS must go: it beats RUSTFLAGS), except in
  a `$GITHUB_ENV` file, which cannot unset and gets the final flags instead;
- every other environment remedy of the plan: unset, or a neutral value where unsetting is impossible or would drop
  unrelated flags (`env_vars.neutral_value`); `CARGO_PROFILE_<NAME>_STRIP=debuginfo` for a cargo that never strips;
- file, Makefile and toolchain remedies cannot be set in a shell: they become comments naming where to act.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from buildcheck import blst as blst_knowledge
from buildcheck.args.split import join_for_variable
from buildcheck.i18n import N_
from buildcheck.messages import Message
from buildcheck.recommend.env_vars import neutral_value
from buildcheck.recommend.plan import FixPlan
from buildcheck.recommend.rustflags import ensure_native_cpu, remove_debug_flags, replace_target_cpu, target_cpu_of
from buildcheck.recommend.shells import Comment, EnvChange, RenderedEnv, SetVar, Shell, UnsetVar, render

RUSTFLAGS_CARRIERS = ("CARGO_ENCODED_RUSTFLAGS", "RUSTFLAGS")


@dataclass(frozen=True, kw_only=True)
class FlagsPlan:
    """What `flags` proposes: the rustflags to build with and every environment change, as data."""

    rustflags: tuple[str, ...]
    carrier: str
    changes: tuple[SetVar | UnsetVar | Message, ...]   # a Message is a comment
    native: bool                                       # the flags build for this host's CPU
    present: frozenset[str] = frozenset()              # the rustflags variables set in the environment now

    def for_shell(self, shell: Shell) -> tuple[EnvChange, ...]:
        encoded = "CARGO_ENCODED_RUSTFLAGS"
        # A $GITHUB_ENV file cannot unset, and even an empty CARGO_ENCODED_RUSTFLAGS beats RUSTFLAGS: where it is
        # set it stays the carrier, and RUSTFLAGS only gets its debug flags taken out.
        keep_encoded = shell == "github-env" and encoded in self.present
        out: list[EnvChange] = []
        for change in self.changes:
            if isinstance(change, Message):
                out.append(Comment(change.text()))
            elif keep_encoded and isinstance(change, SetVar) and change.name == "RUSTFLAGS" \
                    and change.value == join_for_variable("RUSTFLAGS", self.rustflags):
                if "RUSTFLAGS" in self.present:
                    out.append(UnsetVar("RUSTFLAGS", fallback=self._neutral_rustflags))
            elif keep_encoded and isinstance(change, UnsetVar) and change.name == encoded:
                out.append(SetVar(encoded, join_for_variable(encoded, self.rustflags)))
            else:
                out.append(change)
        if shell == "github-env" and any(isinstance(c, UnsetVar) and c.name == "RUSTFLAGS" and not c.fallback
                                         for c in out):
            out.append(Comment(Message.of("flags.github-env-rustflags", N_(
                "GITHUB_ENV cannot unset RUSTFLAGS; it is set empty, and an empty RUSTFLAGS still wins over "
                "build.rustflags and target.*.rustflags in cargo config files")).text()))
        return tuple(out)

    def render(self, shell: Shell) -> RenderedEnv:
        return render(self.for_shell(shell), shell)

    _neutral_rustflags: str = ""  # RUSTFLAGS without its debug flags, where it cannot be unset


def flags_plan(plan: FixPlan, remaining: tuple[str, ...], environment: Mapping[str, str], *,
               portable_flags: tuple[str, ...] = (), blst: str | None = None) -> FlagsPlan:
    """remaining: the rustflags cargo uses once `plan` is applied (`plan.rustflags_after`)."""
    changes: list[SetVar | UnsetVar | Message] = [
        Message.of("flags.first-run", N_("first: {command}"), command=command.describe()) for command in plan.commands]
    cleaned = remove_debug_flags(remaining)   # nothing left to remove after the plan; notes about kept flags
    changes += [Message.of("flags.note", N_("{note}"), note=note) for note in cleaned.notes]
    cpu = target_cpu_of(remaining)
    if portable_flags and cpu in (None, "native"):
        flags = replace_target_cpu(remaining, portable_flags)
    else:
        flags = ensure_native_cpu(remaining)
        if cpu not in (None, "native"):
            changes.append(Message.of("flags.kept-target-cpu", N_("kept your explicit target-cpu={cpu}"), cpu=cpu))
    for name in RUSTFLAGS_CARRIERS:
        current = environment.get(name)
        if current is not None and plan.env_value(name, current) != current:
            changes.append(Message.of("flags.removed", N_("{name} had {flags}: the debug flags are removed"),
                                      name=name, flags=current))
    if blst is not None and target_cpu_of(flags) is not None:
        # blst reads `target-cpu=` from CARGO_ENCODED_RUSTFLAGS from 0.3.11 on (see buildcheck.blst).
        if blst_knowledge.reads_target_cpu(blst):
            changes.append(Message.of("flags.blst", N_(
                "with a target-cpu, blst {version} follows the target's features instead of this build host's ADX"),
                version=blst))
        else:
            changes.append(Message.of("flags.blst-old", N_(
                "blst {version} ignores the target-cpu and takes ADX from this build host: build on a host like the "
                "oldest worker, or update blst to 0.3.11 or later (`cargo update -p blst`)"), version=blst))
    carrier = "CARGO_ENCODED_RUSTFLAGS" if any(" " in flag for flag in flags) else "RUSTFLAGS"
    changes.append(SetVar(carrier, join_for_variable(carrier, flags)))
    for name in RUSTFLAGS_CARRIERS:
        if name != carrier and name in environment:
            changes.append(UnsetVar(name, fallback=join_for_variable(name, flags)))
    for remedy in plan.env:
        if remedy.name in RUSTFLAGS_CARRIERS:
            continue
        reason = plan.reason(remedy)
        if reason is not None:
            changes.append(reason)  # why, as a comment above the change
        current = environment.get(remedy.name, "")
        if remedy.value is None:
            changes.append(UnsetVar(remedy.name, fallback=neutral_value(remedy.name, current).value))
        else:
            changes.append(SetVar(remedy.name, remedy.value))
    for remedy in (*plan.files, *plan.makefiles, *plan.arguments):
        changes.append(Message.of("flags.elsewhere", N_(
            "{remedy} (not an environment setting: `buildcheck fix` shows the edit)"), remedy=remedy.describe()))
    present = frozenset(name for name in RUSTFLAGS_CARRIERS if name in environment)
    neutral = neutral_value("RUSTFLAGS", environment.get("RUSTFLAGS", "")).value
    return FlagsPlan(rustflags=tuple(flags), carrier=carrier, changes=tuple(changes),
                     native=target_cpu_of(flags) == "native", present=present, _neutral_rustflags=neutral)
