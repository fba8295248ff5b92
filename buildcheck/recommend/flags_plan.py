"""`buildcheck flags`: from what the scanner found to the environment to build with.

Input is a `FlagsPlan` the command fills from the scan; output is a list of
`EnvChange`s (shell-independent, except where a shell cannot unset) that
`shells.render` turns into lines. Decisions taken here:

- the rustflags go into RUSTFLAGS, cleaned of debug flags, with every other flag kept in
  order; `-C target-cpu=native` is added unless a target-cpu is already chosen (an
  explicit non-native one is the user's deliberate choice and is kept);
- with `portable`, `native` is replaced by the portable flags (x86-64-v3 plus
  `+sha,+adx`, or an explicit `target-feature` list);
- CARGO_ENCODED_RUSTFLAGS, which beats RUSTFLAGS, is unset and its flags moved to
  RUSTFLAGS — unless the target is github-env (which cannot unset, and an *empty*
  CARGO_ENCODED_RUSTFLAGS would still win): then it is kept and set to the cleaned flags;
- a flag containing a space (RUSTFLAGS cannot carry it) puts all flags in
  CARGO_ENCODED_RUSTFLAGS, wherever they came from;
- other variables that turn debug info on are unset, or set to a neutral value where
  unsetting is impossible or would drop unrelated flags (`env_vars.neutral_value`);
- `CARGO_PROFILE_<NAME>_STRIP=debuginfo` when the toolchain does not strip (cargo < 1.77);
- a config-file cause becomes a comment naming the file:line to change (`buildcheck fix`).
"""

from __future__ import annotations

from dataclasses import dataclass

from buildcheck.i18n import _
from buildcheck.model import Origin
from buildcheck.recommend.env_vars import neutral_value
from buildcheck.recommend.rustflags import (
    ensure_native_cpu,
    join_flags,
    remove_debug_flags,
    replace_target_cpu,
    target_cpu_of,
)
from buildcheck.recommend.shells import Comment, EnvChange, RenderedEnv, SetVar, Shell, UnsetVar, render


@dataclass(frozen=True, kw_only=True)
class FlagsPlan:
    """What the scan found, reduced to what `flags` needs.

    rustflags_var   the env var the target rustflags come from (CARGO_ENCODED_RUSTFLAGS,
                    RUSTFLAGS, CARGO_BUILD_RUSTFLAGS, CARGO_TARGET_<T>_RUSTFLAGS), or None
                    when they come from config files (or there are none)
    current_flags   the rustflags cargo would pass to rustc now, already split
    debug_env_vars  other variables that turn debug info on: (name, value)
    needs_strip     the toolchain does not strip release binaries (cargo < 1.77)
    config_causes   config-file lines that turn debug info on
    portable_flags  when non-empty, use these instead of `-C target-cpu=native`
    profile         the cargo profile being built
    """

    rustflags_var: str | None
    current_flags: tuple[str, ...]
    debug_env_vars: tuple[tuple[str, str], ...] = ()
    needs_strip: bool = False
    config_causes: tuple[Origin, ...] = ()
    portable_flags: tuple[str, ...] = ()
    profile: str = "release"


def _profile_env(profile: str, key: str) -> str:
    return "CARGO_PROFILE_{}_{}".format(profile.upper().replace("-", "_"), key)


def recommended_flags(plan: FlagsPlan) -> tuple[tuple[str, ...], list[Comment]]:
    """The rustflags to build with, and comments saying what was removed or noted."""
    cleaned = remove_debug_flags(plan.current_flags)
    comments = [Comment(_("removed {flag}: {reason}").format(flag=" ".join(r.tokens), reason=r.reason))
                for r in cleaned.removed]
    comments += [Comment(note) for note in cleaned.notes]
    cpu = target_cpu_of(cleaned.kept)
    if plan.portable_flags and cpu in (None, "native"):
        flags = replace_target_cpu(cleaned.kept, plan.portable_flags)
    else:
        flags = ensure_native_cpu(cleaned.kept)
        if cpu not in (None, "native"):
            comments.append(Comment(_("kept your explicit target-cpu={cpu}").format(cpu=cpu)))
    return flags, comments


def plan_changes(plan: FlagsPlan, shell: Shell) -> list[EnvChange]:
    flags, comments = recommended_flags(plan)
    changes: list[EnvChange] = list(comments)

    # RUSTFLAGS splits on spaces, so a flag with a space (from a config array or the
    # encoded variable) can only travel in CARGO_ENCODED_RUSTFLAGS.
    needs_encoding = any(" " in f for f in flags)
    keep_encoded = needs_encoding or (plan.rustflags_var == "CARGO_ENCODED_RUSTFLAGS" and shell == "github-env")
    carrier = "CARGO_ENCODED_RUSTFLAGS" if keep_encoded else "RUSTFLAGS"
    changes.append(SetVar(carrier, join_flags(carrier, flags)))

    cancelled = {carrier}
    # The variable that carried the flags so far, when it is not the one we now set: its
    # useful flags moved into `carrier`, so it goes (CARGO_ENCODED_RUSTFLAGS must, it wins).
    to_cancel = list(plan.debug_env_vars)
    if plan.rustflags_var and plan.rustflags_var != carrier:
        to_cancel.insert(0, (plan.rustflags_var, join_flags(plan.rustflags_var, plan.current_flags)))
    for name, value in to_cancel:
        if name in cancelled:
            continue
        cancelled.add(name)
        neutral = neutral_value(name, value)
        if name == "CARGO_ENCODED_RUSTFLAGS":
            # Where it cannot be unset (github-env) it gets the final flags: even an empty
            # CARGO_ENCODED_RUSTFLAGS would win over RUSTFLAGS.
            changes.append(UnsetVar(name, fallback=join_flags(name, flags)))
        elif name == plan.rustflags_var or neutral.prefer_unset:
            # The old carrier's useful flags now live in `carrier`: unset it where possible.
            changes.append(UnsetVar(name, fallback=neutral.value))
        else:
            changes.append(SetVar(name, neutral.value))
        if shell == "github-env" and name == "RUSTFLAGS" and not neutral.value:
            changes.append(Comment(_(
                "GITHUB_ENV cannot unset RUSTFLAGS; it is set empty, and an empty RUSTFLAGS still wins over "
                "build.rustflags and target.*.rustflags in cargo config files")))

    if plan.needs_strip:
        changes.append(Comment(_("this toolchain (cargo < 1.77) never strips: strip the standard library's debug info")))
        changes.append(SetVar(_profile_env(plan.profile, "STRIP"), "debuginfo"))

    for origin in plan.config_causes:
        changes.append(Comment(_("{where}: turns debug info on; change it there (`buildcheck fix` shows the edit)")
                               .format(where=origin.describe())))
    return changes


def render_flags(plan: FlagsPlan, shell: Shell) -> RenderedEnv:
    return render(plan_changes(plan, shell), shell)
