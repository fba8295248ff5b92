"""Which rustflags cargo passes to rustc: exactly one source wins, the rest are ignored.

Tiers, first set one wins (checked with cargo 1.65 and 1.95):
1. CARGO_ENCODED_RUSTFLAGS, split on 0x1f; set but empty means "no flags" and still wins;
2. RUSTFLAGS, split on spaces; set but empty still wins (the damocles Makefile trap);
3. target.<triple>.rustflags (+ CARGO_TARGET_<TRIPLE>_RUSTFLAGS), then every matching
   `target.'cfg(..)'.rustflags` in sorted key order; an empty result falls through;
4. build.rustflags (+ CARGO_BUILD_RUSTFLAGS).
With an explicit target (--target or build.target) host units (build scripts,
proc-macros) get no rustflags at all on stable cargo.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from buildcheck.cargo.cfg import TargetCfg, cfg_for_triple, evaluate, parse_cfg_key, with_codegen_features
from buildcheck.cargo.env_config import ConfigReader
from packaging.version import Version

from buildcheck.args.rustc import codegen_pairs, last_codegen
from buildcheck.args.split import split_variable
from buildcheck.i18n import N_
from buildcheck.model import Origin, Sourced

Tier = Literal["CARGO_ENCODED_RUSTFLAGS", "RUSTFLAGS", "target", "build", "none"]


@dataclass(frozen=True)
class TierFlags:
    tier: Tier
    items: tuple[Sourced[str], ...]
    source: Origin | None = None  # the env variable of tiers 1-2, which counts even when empty

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(item.value for item in self.items)

    def origins(self) -> tuple[Origin, ...]:
        if self.source is not None:
            return (self.source,)
        seen: list[Origin] = []
        for item in self.items:
            if item.origin not in seen:
                seen.append(item.origin)
        return tuple(seen)

    def to_json(self) -> dict[str, Any]:
        return {"tier": self.tier, "flags": list(self.flags),
                "locations": [origin.to_json() for origin in self.origins()]}


@dataclass(frozen=True)
class RustflagsResolution:
    """The winning tier's flags (as a Sourced tuple) and the tiers it hid."""

    winner: TierFlags
    hidden: tuple[TierFlags, ...]

    @property
    def tier(self) -> Tier:
        return self.winner.tier

    @property
    def flags(self) -> Sourced[tuple[str, ...]]:
        origins = self.winner.origins()
        origin = origins[0] if origins else Origin.default(N_("no rustflags set"))
        overridden = tuple(Sourced(h.flags, o) for h in self.hidden for o in h.origins()[:1])
        return Sourced(self.winner.flags, origin, overridden)

    def to_json(self) -> dict[str, Any]:
        out = self.winner.to_json()
        out["hidden"] = [h.to_json() for h in self.hidden]
        return out


def _env_tier(env: Mapping[str, str], name: Literal["CARGO_ENCODED_RUSTFLAGS", "RUSTFLAGS"],
              origin: Origin) -> TierFlags | None:
    if name not in env:
        return None
    raw = env[name]
    flags = split_variable(name, raw)
    return TierFlags(name, tuple(Sourced(flag, origin) for flag in flags), origin)


def _target_tier(reader: ConfigReader, triple: str, host_features: frozenset[str] | None,
                 rustc_version: Version | None = None) -> TierFlags | None:
    items: list[Sourced[str]] = list(reader.string_list(("target", triple, "rustflags")) or ())
    targets = reader.node(("target",))
    if targets is not None and targets.kind == "table":
        # Cargo asks `rustc --print cfg` with the rustflags it has without the cfg keys: an optimisation level
        # there turns `debug_assertions` off, a target-cpu or target-feature changes `target_feature`
        # (differential case #8).
        base = [i.value for i in items] or [i.value for i in (reader.string_list(("build", "rustflags")) or ())]
        cfg = _with_flags(cfg_for_triple(triple), base)
        cfg = with_codegen_features(cfg, list(codegen_pairs(base)), host_features=host_features,
                                    rustc_version=(rustc_version.major, rustc_version.minor) if rustc_version else None)
        for key in sorted(targets.value):
            expr = parse_cfg_key(key)
            if expr is None or not evaluate(expr, cfg):
                continue
            node = targets.value[key].get("rustflags")
            if node is not None:
                # cfg keys are never read from the environment: only the table counts.
                items.extend(ConfigReader(node, {}, reader.cargo_version).string_list(()) or ())
    return TierFlags("target", tuple(items)) if items else None


def _with_flags(cfg: TargetCfg, flags: list[str]) -> TargetCfg:
    """rustc's debug_assertions default follows the opt-level (on only at 0) unless -C debug-assertions says."""
    opt = last_codegen(flags, "opt-level")
    opt_level = opt.value if opt is not None else None
    switch = last_codegen(flags, "debug-assertions")
    assertions = None if switch is None else switch.value in (None, "", "y", "yes", "on", "true")
    on = assertions if assertions is not None else (opt_level in (None, "0"))
    names = cfg.names | {"debug_assertions"} if on else cfg.names - {"debug_assertions"}
    return TargetCfg(frozenset(names), cfg.values)


def resolve_rustflags(reader: ConfigReader, env: Mapping[str, str], triple: str, *,
                      native_features: frozenset[str] | None = None,
                      env_origins: Mapping[str, Origin] | None = None,
                      rustc_version: Version | None = None) -> RustflagsResolution:
    """The rustflags of target units for `triple`, and every lower tier that was set but ignored.

    rustc_version: the rustc that answers cargo's `--print cfg` (its target features depend on it); default: the
    cargo version, which rustup toolchains share with their rustc."""
    candidates: list[TierFlags] = []
    for name in ("CARGO_ENCODED_RUSTFLAGS", "RUSTFLAGS"):
        origin = (env_origins or {}).get(name) or Origin.environment(name)
        tier = _env_tier(env, name, origin)  # type: ignore[arg-type]
        if tier is not None:
            candidates.append(tier)
    target = _target_tier(reader, triple, native_features, rustc_version or reader.cargo_version)
    if target is not None:
        candidates.append(target)
    build = reader.string_list(("build", "rustflags"))
    if build:
        candidates.append(TierFlags("build", build))
    if not candidates:
        return RustflagsResolution(TierFlags("none", ()), ())
    return RustflagsResolution(candidates[0], tuple(candidates[1:]))
