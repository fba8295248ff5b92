"""Seeded random layered cargo configurations.

`generate(seed)` always returns the same Case for the same seed, so a failing
case is reproduced by its seed alone. Every rustflags source gets its own marker
(`--cfg bc_<source>`) as its first flag, so the rustc command line shows exactly
which sources reached it and in which order; the other flags are drawn from the
ones that matter for debug info (`-g`, `-C debuginfo=N`, `-Cdebuginfo=1`) plus
harmless ones. Values cargo must reject (string/array conflicts, bad levels,
string levels on old cargo, undefined profiles) are drawn on purpose but rarely,
so most cases still build.
"""

from __future__ import annotations

import json
import os
import random

from .case import TRIPLE, Case
from .workspace import LAYER_DIRS, WS, Layout

TRIPLE_ENV = TRIPLE.upper().replace("-", "_")

EXTRA_FLAGS = [
    [], [], ["-g"], ["-g"], ["-C", "debuginfo=0"], ["-C", "debuginfo=1"], ["-C", "debuginfo=2"],
    ["-Cdebuginfo=1"], ["-Cdebuginfo=0"], ["-C", "target-cpu=native"], ["-C", "target-cpu=native", "-g"],
    ["-Copt-level=2"], ["-g", "-C", "debuginfo=0"], ["--codegen", "debuginfo=1"], ["-Cdebuginfo=2", "-g"],
]
# rustc accepts named levels on the command line only from 1.71 (rustc 1.63 would fail the build, not cargo).
EXTRA_FLAGS_MODERN = [["-C", "debuginfo=limited"], ["-Cdebuginfo=line-tables-only"], ["-C", "debuginfo=none", "-g"]]
DEBUG_TOML_OLD = ["true", "false", "0", "1", "2"]
DEBUG_TOML_STRINGS = ['"full"', '"limited"', '"none"', '"line-tables-only"', '"line-directives-only"']
DEBUG_TOML_INVALID = ["3", '"bogus"', '"0"', '"true"', "-1", "1.0"]
DEBUG_ENV_OLD = ["true", "false", "0", "1", "2"]
DEBUG_ENV_STRINGS = ["limited", "full", "none", "line-tables-only"]
STRIP_TOML = ["true", "false", '"none"', '"debuginfo"', '"symbols"']
STRIP_ENV = ["true", "false", "none", "debuginfo", "symbols"]
CFG_EXPRESSIONS = ['cfg(unix)', 'cfg(target_os = "linux")', 'cfg(windows)', 'cfg(target_arch = "x86_64")',
                   'cfg(all(unix, target_pointer_width = "64"))', 'cfg(not(target_os = "macos"))',
                   'cfg(any(windows, target_env = "musl"))', 'cfg(debug_assertions)',
                   'cfg(target_feature = "sse2")', 'cfg(target_feature = "avx2")', 'cfg(target_feature = "crt-static")',
                   'cfg(target_has_atomic = "64")', 'cfg(panic = "unwind")', 'cfg(target_vendor = "unknown")',
                   'cfg(target_family = "unix")', 'cfg(feature = "std")']
CUSTOM_PROFILES = {"dist": "release", "fastdbg": "dev", "dist-lto": "dist"}   # dist-lto: a chain of two


class _Toml:
    """A config file being written: tables in insertion order, each with its key lines.

    Some files are written with dotted keys at the top level instead of [tables]
    (both are common in the wild and put keys on different lines).
    """

    def __init__(self, dotted: bool):
        self.dotted = dotted
        self.tables: dict[str, list[str]] = {}
        self.top: list[str] = []

    def set(self, table: str, key: str, value: str) -> None:
        self.tables.setdefault(table, []).append(f"{key} = {value}")

    def render(self) -> str:
        if self.dotted:
            lines = list(self.top)
            for table, keys in self.tables.items():
                lines += [f"{table}.{line}" for line in keys]
            return "\n".join(lines) + "\n"
        out = "\n".join(self.top) + ("\n\n" if self.top else "")
        for table, keys in self.tables.items():
            out += f"[{table}]\n" + "\n".join(keys) + "\n\n"
        return out

    def __bool__(self) -> bool:
        return bool(self.tables or self.top)


def _toml_list(flags: list[str]) -> str:
    return "[" + ", ".join(json.dumps(flag) for flag in flags) + "]"


class _Generator:
    def __init__(self, seed: int, string_levels: bool):
        self.rng = random.Random(seed)
        # Cargo accepts string debug levels from 1.71; older cargo gets one only now and then, to see it refuse.
        self.string_levels = string_levels
        self.seed = seed
        self.env: dict[str, str] = {}
        self.files: dict[str, _Toml] = {}
        self.extra_files: dict[str, str] = {}
        self.config_args: list[str] = []
        # One rustflags style per case most of the time; mixing string and array across layers is a merge error.
        self.rustflags_style = self.rng.choice(["array", "string"])

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def flags(self, source: str) -> list[str]:
        choices = EXTRA_FLAGS + (EXTRA_FLAGS_MODERN if self.string_levels else [])
        return ["--cfg", f"bc_{source}", *self.rng.choice(choices)]

    def rustflags_value(self, source: str) -> str:
        flags = [] if self.chance(0.04) else self.flags(source)   # an empty list still counts as "set"
        style = self.rustflags_style if self.chance(0.9) else self.rng.choice(["array", "string"])
        if style == "array":
            return _toml_list(flags)
        sep = "  " if self.chance(0.2) else " "
        return json.dumps(sep.join(flags))

    def layer(self, name: str) -> _Toml:
        if name not in self.files:
            self.files[name] = _Toml(dotted=self.chance(0.2))
        return self.files[name]

    def debug_toml(self) -> str:
        if self.chance(0.01):
            return self.rng.choice(DEBUG_TOML_INVALID)
        strings = self.string_levels or self.chance(0.03)
        return self.rng.choice(DEBUG_TOML_OLD + (DEBUG_TOML_STRINGS if strings else []))

    def debug_env(self) -> str:
        strings = self.string_levels or self.chance(0.05)
        return self.rng.choice(DEBUG_ENV_OLD + (DEBUG_ENV_STRINGS if strings else []))

    def strip_toml(self) -> str:
        return '"everything"' if self.chance(0.01) else self.rng.choice(STRIP_TOML)

    # --- the sources -------------------------------------------------------------------------
    def env_rustflags(self) -> None:
        roll = self.rng.random()
        if roll < 0.10:
            self.env["RUSTFLAGS"] = ""
        elif roll < 0.12:
            self.env["RUSTFLAGS"] = "   "
        elif roll < 0.5:
            sep = "  " if self.chance(0.15) else " "
            self.env["RUSTFLAGS"] = sep.join(self.flags("env_rustflags")) + (" " if self.chance(0.1) else "")
        roll = self.rng.random()
        if roll < 0.04:
            self.env["CARGO_ENCODED_RUSTFLAGS"] = ""
        elif roll < 0.15:
            self.env["CARGO_ENCODED_RUSTFLAGS"] = "\x1f".join(self.flags("env_encoded"))
        if self.chance(0.2):
            self.env["CARGO_BUILD_RUSTFLAGS"] = " ".join(self.flags("env_build"))
        if self.chance(0.15):
            self.env[f"CARGO_TARGET_{TRIPLE_ENV}_RUSTFLAGS"] = " ".join(self.flags("env_target"))

    def layer_rustflags(self, layer: str) -> None:
        tag = layer.replace("-", "_")
        if self.chance(0.35):
            self.layer(layer).set("build", "rustflags", self.rustflags_value(f"{tag}_build"))
        if self.chance(0.15):
            self.layer(layer).set(f"target.{TRIPLE}", "rustflags", self.rustflags_value(f"{tag}_target"))
        if self.chance(0.15):
            cfg = self.rng.choice(CFG_EXPRESSIONS)
            index = CFG_EXPRESSIONS.index(cfg)
            self.layer(layer).set(f"target.'{cfg}'", "rustflags", self.rustflags_value(f"{tag}_cfg{index}"))

    def profile_settings(self, toml: _Toml, profile: str, p: float) -> None:
        if self.chance(p):
            toml.set(f"profile.{profile}", "debug", self.debug_toml())
        if self.chance(p * 0.6):
            toml.set(f"profile.{profile}", "strip", self.strip_toml())
        if self.chance(p * 0.3):
            toml.set(f'profile.{profile}.package."*"', "debug", self.debug_toml())
        if self.chance(p * 0.3):
            spec = '"dep@0.1.0"' if self.chance(0.2) else "dep"
            toml.set(f"profile.{profile}.package.{spec}", "debug", self.debug_toml())
        if self.chance(p * 0.2):
            toml.set(f"profile.{profile}.package.dep", "strip", self.strip_toml())
        if self.chance(p * 0.3):
            toml.set(f"profile.{profile}.build-override", "debug", self.debug_toml())
        if self.chance(p * 0.15):
            toml.set(f"profile.{profile}.package.bdep", "debug", self.debug_toml())
        if self.chance(p * 0.15):
            toml.set(f"profile.{profile}.package.app", "debug", self.debug_toml())
        if self.chance(p * 0.1):
            toml.set(f"profile.{profile}.build-override", "strip", self.strip_toml())

    def env_profile(self, profile: str) -> None:
        name = profile.upper().replace("-", "_")
        if self.chance(0.15):
            self.env[f"CARGO_PROFILE_{name}_DEBUG"] = self.debug_env()
        if self.chance(0.1):
            self.env[f"CARGO_PROFILE_{name}_STRIP"] = self.rng.choice(STRIP_ENV)
        if self.chance(0.04):
            self.env[f"CARGO_PROFILE_{name}_PACKAGE_DEP_DEBUG"] = self.debug_env()
        if self.chance(0.04):
            self.env[f"CARGO_PROFILE_{name}_BUILD_OVERRIDE_DEBUG"] = self.debug_env()

    def cli(self, profile: str) -> None:
        if self.chance(0.1):
            spaces = " " if self.chance(0.3) else ""
            self.config_args.append(f"profile.{profile}.debug{spaces}={spaces}{self.debug_toml()}")
        if self.chance(0.06):
            self.config_args.append(f"profile.{profile}.strip={self.strip_toml()}")
        if self.chance(0.1):
            self.config_args.append(f"build.rustflags={self.rustflags_value('cli_build')}")
        if self.chance(0.05):
            self.config_args.append(f"target.{TRIPLE}.rustflags={self.rustflags_value('cli_target')}")
        if self.chance(0.1):
            extra = _Toml(dotted=False)
            if self.chance(0.6):
                extra.set("build", "rustflags", self.rustflags_value("clifile_build"))
            self.profile_settings(extra, profile, 0.6)
            if extra:
                self.extra_files[f"{WS}/extra-config.toml"] = extra.render()
                self.config_args.append("extra-config.toml")
        self.rng.shuffle(self.config_args)


def generate(seed: int, cargo_version: tuple[int, int] = (1, 95)) -> Case:
    """The case for this seed, for a cargo of that version (string debug levels only where it accepts them)."""
    g = _Generator(seed, string_levels=cargo_version >= (1, 71))
    rng = g.rng
    roll = rng.random()
    profile = "release" if roll < 0.6 else "dev" if roll < 0.72 else rng.choice(sorted(CUSTOM_PROFILES))
    cwd = WS if rng.random() < 0.85 else f"{WS}/src"
    layers = ["home", "grandparent", "parent", "workspace"] + (["cwd-sub"] if cwd != WS else [])

    g.env_rustflags()
    for layer in layers:
        g.layer_rustflags(layer)
        g.profile_settings(g.layer(layer), profile if rng.random() < 0.8 else "release", 0.15)

    manifest = _Toml(dotted=False)
    if profile in CUSTOM_PROFILES and rng.random() < 0.97:   # undefined custom profile: cargo refuses
        custom = profile
        while custom in CUSTOM_PROFILES:                        # define each custom profile of the chain
            where = rng.random()
            inherits = json.dumps(CUSTOM_PROFILES[custom])
            if where < 0.6:
                manifest.set(f"profile.{custom}", "inherits", inherits)
            elif where < 0.85:
                g.layer(rng.choice(layers)).set(f"profile.{custom}", "inherits", inherits)
            else:
                g.env[f"CARGO_PROFILE_{custom.upper().replace('-', '_')}_INHERITS"] = CUSTOM_PROFILES[custom]
            g.profile_settings(manifest, CUSTOM_PROFILES[custom], 0.3)   # the parent profile's own settings
            custom = CUSTOM_PROFILES[custom]
    g.profile_settings(manifest, profile, 0.4)
    g.env_profile(profile)
    g.cli(profile)

    target = TRIPLE if rng.random() < 0.25 else None
    if target is None and rng.random() < 0.06:
        g.layer(rng.choice(layers)).set("build", "target", json.dumps(TRIPLE))
    elif target is None and rng.random() < 0.04:
        g.env["CARGO_BUILD_TARGET"] = TRIPLE

    home_roll = rng.random()
    home_dir = LAYER_DIRS["home"]
    if home_roll < 0.05:      # empty CARGO_HOME counts as unset: cargo uses $HOME/.cargo
        g.env["CARGO_HOME"] = ""
        home_dir = "user-home/.cargo"
    elif home_roll < 0.15:    # a relative CARGO_HOME is joined to the cwd
        g.env["CARGO_HOME"] = os.path.relpath("home", cwd)

    files: dict[str, str] = {}
    for layer, toml in g.files.items():
        if not toml:
            continue
        directory = home_dir if layer == "home" else LAYER_DIRS[layer]
        config_dir = directory if layer == "home" else f"{directory}/.cargo"
        roll = rng.random()
        if roll < 0.08:      # the legacy name alone
            files[f"{config_dir}/config"] = toml.render()
        elif roll < 0.14:    # both names: cargo reads `config`, warns, ignores config.toml
            files[f"{config_dir}/config"] = toml.render()
            decoy = _Toml(dotted=False)
            decoy.set("build", "rustflags", g.rustflags_value(f"{layer.replace('-', '_')}_ignored"))
            decoy.set(f"profile.{profile}", "debug", "2")
            files[f"{config_dir}/config.toml"] = decoy.render()
        else:
            files[f"{config_dir}/config.toml"] = toml.render()
    if rng.random() < 0.1:   # include (stable since cargo 1.93; older cargo has other rules)
        included = _Toml(dotted=False)
        included.set("build", "rustflags", g.rustflags_value("included_build"))
        g.profile_settings(included, profile, 0.5)
        files[f"{WS}/.cargo/included.toml"] = included.render()
        own = files.get(f"{WS}/.cargo/config.toml", "")
        files[f"{WS}/.cargo/config.toml"] = 'include = ["included.toml"]\n' + own
    files.update(g.extra_files)

    build_script = rng.random() < 0.75
    layout = Layout(dep_is_member=rng.random() < 0.5, build_script=build_script,
                    dep_also_build_dep=build_script and rng.random() < 0.25, proc_macro=rng.random() < 0.2,
                    lockfile=rng.random() < 0.5, manifest_profiles=manifest.render() if manifest else "")
    toolchain = rng.choice(["pin-file", "pin-file", "pin-file-parent", "pin-legacy-file", "rustup-env",
                            "cargo-path", "cargo-path", "rustup-env-over-wrong-file", "cargo-path-over-wrong-file"])
    return Case(name=f"seed{seed}", layout=layout, files=tuple(sorted(files.items())),
                env=tuple(sorted(g.env.items())), cwd=cwd, profile=profile, target=target,
                config_args=tuple(g.config_args), toolchain=toolchain)
