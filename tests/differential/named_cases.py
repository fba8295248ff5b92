"""Hand-written differential cases: one rule of cargo each, the ones random generation hits only by luck.

Every rustflags source still starts with its `--cfg bc_<name>` marker, so the
comparison sees which sources reached rustc and in which order.
"""

from __future__ import annotations

from .case import TRIPLE, Case
from .workspace import WS, Layout

T = TRIPLE
TENV = TRIPLE.upper().replace("-", "_")
MEMBER_DEP_MANIFEST = '[package]\nname = "dep"\nversion = "0.1.0"\nedition = "2021"\n'


def _cfg(path: str, text: str) -> tuple[str, str]:
    return (path, text)


NAMED_CASES: tuple[Case, ...] = (
    Case(name="lotus-rustflags", env=(("RUSTFLAGS", "--cfg bc_env -C target-cpu=native -g"),)),
    Case(name="make-empty-rustflags-hides-config",
         env=(("RUSTFLAGS", ""),),
         files=(_cfg(f"{WS}/.cargo/config.toml", '[build]\nrustflags = ["--cfg", "bc_ws_build", "-g"]\n'),
                _cfg(f"{WS}/Makefile", "export RUSTFLAGS\n\nall:\n\tcargo build --release\n"))),
    Case(name="encoded-empty-wins-over-rustflags",
         env=(("CARGO_ENCODED_RUSTFLAGS", ""), ("RUSTFLAGS", "--cfg bc_env -g"))),
    Case(name="encoded-rustflags-keep-spaces",
         env=(("CARGO_ENCODED_RUSTFLAGS", "--cfg\x1fbc_encoded\x1f-C\x1fdebuginfo=1"),
              ("RUSTFLAGS", "--cfg bc_env -g"))),
    Case(name="target-and-cfg-rustflags-join",
         files=(_cfg("l0/l1/.cargo/config.toml", f'[target.{T}]\nrustflags = ["--cfg", "bc_parent_target"]\n'),
                _cfg(f"{WS}/.cargo/config.toml",
                     '[target.\'cfg(unix)\']\nrustflags = ["--cfg", "bc_ws_cfg_unix", "-g"]\n\n'
                     '[build]\nrustflags = ["--cfg", "bc_ws_build_hidden"]\n'),
                _cfg("home/config.toml",
                     '[target.\'cfg(target_os = "linux")\']\nrustflags = ["--cfg", "bc_home_cfg_linux"]\n'
                     '[target.\'cfg(windows)\']\nrustflags = ["--cfg", "bc_home_cfg_windows", "-g"]\n'))),
    Case(name="build-rustflags-concatenate-every-layer",
         env=(("CARGO_BUILD_RUSTFLAGS", "--cfg bc_env_build -Cdebuginfo=1"),),
         config_args=('build.rustflags=["--cfg", "bc_cli_build"]',),
         files=(_cfg("home/config.toml", '[build]\nrustflags = ["--cfg", "bc_home", "-g"]\n'),
                _cfg("l0/.cargo/config.toml", '[build]\nrustflags = ["--cfg", "bc_grandparent"]\n'),
                _cfg("l0/l1/.cargo/config.toml", 'build.rustflags = ["--cfg", "bc_parent", "-C", "debuginfo=0"]\n'),
                _cfg(f"{WS}/.cargo/config.toml", '[build]\nrustflags = ["--cfg", "bc_ws"]\n'))),
    Case(name="target-env-rustflags-append",
         env=((f"CARGO_TARGET_{TENV}_RUSTFLAGS", "--cfg bc_env_target -g"),),
         files=(_cfg(f"{WS}/.cargo/config.toml", f'[target.{T}]\nrustflags = "--cfg  bc_ws_target   -Cdebuginfo=1"\n'),)),
    Case(name="cargo-home-inside-the-walk-is-read-once",
         env=(("CARGO_HOME", "{root}/l0/.cargo"),),
         files=(_cfg("l0/.cargo/config.toml", '[build]\nrustflags = ["--cfg", "bc_grandparent_home"]\n'),
                _cfg(f"{WS}/.cargo/config.toml", '[build]\nrustflags = ["--cfg", "bc_ws"]\n'))),
    Case(name="legacy-config-beats-config-toml",
         files=(_cfg(f"{WS}/.cargo/config", '[build]\nrustflags = ["--cfg", "bc_ws_legacy"]\n'),
                _cfg(f"{WS}/.cargo/config.toml",
                     '[build]\nrustflags = ["--cfg", "bc_ws_toml_ignored", "-g"]\n[profile.release]\ndebug = 2\n'))),
    Case(name="target-flag-leaves-host-units-without-rustflags", target=T, layout=Layout(build_script=True),
         env=(("RUSTFLAGS", "--cfg bc_env -g"),)),
    Case(name="build-target-in-config-acts-like-target-flag",
         env=(("RUSTFLAGS", "--cfg bc_env -g"),),
         files=(_cfg("l0/l1/.cargo/config.toml", f'[build]\ntarget = "{T}"\n'),)),
    Case(name="custom-profile-inherits-with-overrides", profile="dist",
         layout=Layout(dep_is_member=False, manifest_profiles=(
             '[profile.dist]\ninherits = "release"\ndebug = 1\n\n'
             '[profile.dist.package.dep]\ndebug = 0\n\n'
             '[profile.dist.build-override]\ndebug = 2\n'))),
    Case(name="package-star-applies-to-non-members-only",
         layout=Layout(dep_is_member=False, manifest_profiles='[profile.release.package."*"]\ndebug = 2\n')),
    Case(name="package-star-skips-members",
         layout=Layout(dep_is_member=True, manifest_profiles='[profile.release.package."*"]\ndebug = 2\n')),
    Case(name="profile-in-member-manifest-is-ignored",
         files=(_cfg(f"{WS}/dep/Cargo.toml", MEMBER_DEP_MANIFEST + "\n[profile.release]\ndebug = 2\n"),)),
    Case(name="env-profile-debug-true", env=(("CARGO_PROFILE_RELEASE_DEBUG", "true"),)),
    Case(name="env-profile-strip-false-with-debug", env=(("CARGO_PROFILE_RELEASE_DEBUG", "1"),
                                                       ("CARGO_PROFILE_RELEASE_STRIP", "false"))),
    Case(name="env-build-override-debug", env=(("CARGO_PROFILE_RELEASE_BUILD_OVERRIDE_DEBUG", "true"),)),
    Case(name="cli-beats-env-beats-files",
         env=(("CARGO_PROFILE_RELEASE_DEBUG", "1"),),
         config_args=("profile.release.debug=0",),
         layout=Layout(manifest_profiles="[profile.release]\ndebug = 2\n"),
         files=(_cfg(f"{WS}/.cargo/config.toml", "[profile.release]\ndebug = 2\n"),)),
    Case(name="config-arg-names-a-file",
         config_args=("extra.toml",),
         files=(_cfg(f"{WS}/extra.toml", '[profile.release]\ndebug = 1\n[build]\nrustflags = ["--cfg", "bc_clifile"]\n'),)),
    Case(name="include-then-own-keys-win",
         files=(_cfg(f"{WS}/.cargo/config.toml",
                     'include = ["inc.toml"]\n\n[profile.release]\ndebug = 0\n'),
                _cfg(f"{WS}/.cargo/inc.toml",
                     '[profile.release]\ndebug = 2\nstrip = "none"\n[build]\nrustflags = ["--cfg", "bc_included"]\n'))),
    Case(name="string-debug-level-needs-cargo-1.71",
         layout=Layout(manifest_profiles='[profile.release]\ndebug = "line-tables-only"\n')),
    Case(name="dep-debuginfo-blocks-implicit-strip-of-app",
         layout=Layout(manifest_profiles="[profile.release.package.dep]\ndebug = 1\n")),
    Case(name="dev-profile-defaults", profile="dev"),
    Case(name="dev-profile-build-override-explicit", profile="dev",
         layout=Layout(manifest_profiles="[profile.dev.build-override]\ndebug = 1\n")),
    Case(name="release-build-override-explicit",
         layout=Layout(manifest_profiles="[profile.release.build-override]\ndebug = true\n")),
    Case(name="config-in-cwd-below-the-workspace-root", cwd=f"{WS}/src",
         files=(_cfg(f"{WS}/src/.cargo/config.toml", '[build]\nrustflags = ["--cfg", "bc_cwd", "-g"]\n'),
                _cfg(f"{WS}/.cargo/config.toml", '[build]\nrustflags = ["--cfg", "bc_ws"]\n'))),
    Case(name="merge-conflict-string-vs-array",
         files=(_cfg("home/config.toml", '[build]\nrustflags = "--cfg bc_home"\n'),
                _cfg(f"{WS}/.cargo/config.toml", '[build]\nrustflags = ["--cfg", "bc_ws"]\n'))),
    Case(name="custom-profile-without-inherits", profile="dist",
         layout=Layout(manifest_profiles="[profile.dist]\ndebug = 1\n")),
    Case(name="undefined-profile", profile="nosuch"),
    # cargo matches target.'cfg(..)' against `rustc --print cfg`, which has more than the triple's os/arch/family.
    Case(name="cfg-debug-assertions-matches-in-release",
         files=(_cfg(f"{WS}/.cargo/config.toml",
                     '[target.\'cfg(debug_assertions)\']\nrustflags = ["--cfg", "bc_cfg_debug_assertions", "-g"]\n'),)),
    Case(name="cfg-target-feature-sse2",
         files=(_cfg(f"{WS}/.cargo/config.toml",
                     '[target.\'cfg(target_feature = "sse2")\']\nrustflags = ["--cfg", "bc_cfg_sse2", "-g"]\n'),)),
    Case(name="cfg-panic-unwind",
         files=(_cfg(f"{WS}/.cargo/config.toml",
                     '[target.\'cfg(panic = "unwind")\']\nrustflags = ["--cfg", "bc_cfg_panic", "-g"]\n'),)),
    Case(name="cfg-target-has-atomic",
         files=(_cfg(f"{WS}/.cargo/config.toml",
                     '[target.\'cfg(target_has_atomic = "64")\']\nrustflags = ["--cfg", "bc_cfg_atomic", "-g"]\n'),)),
    Case(name="config-file-arg-against-env",
         env=(("CARGO_PROFILE_RELEASE_DEBUG", "2"),),
         config_args=("extra.toml",),
         files=(_cfg(f"{WS}/extra.toml", "[profile.release]\ndebug = 0\n"),)),
    Case(name="shared-dep-host-unit-takes-target-debuginfo",
         layout=Layout(dep_also_build_dep=True, manifest_profiles="[profile.release]\ndebug = 2\n")),
    Case(name="shared-dep-host-unit-takes-target-debuginfo-dev", profile="dev",
         layout=Layout(dep_also_build_dep=True)),
    Case(name="shared-dep-host-unit-takes-target-debuginfo-non-member", profile="dev",
         layout=Layout(dep_is_member=False, dep_also_build_dep=True)),
    Case(name="invalid-value-in-a-profile-not-built",
         files=(_cfg("l0/l1/.cargo/config.toml", "[profile.dev]\ndebug = -1\n"),)),
    Case(name="invalid-strip-in-build-override",
         files=(_cfg("l0/.cargo/config.toml", '[profile.release.build-override]\nstrip = "everything"\n'),)),
    # CARGO_PROFILE_DIST_LTO_DEBUG reads as profile.dist.lto(.debug) as well as profile.dist-lto.debug.
    Case(name="hyphenated-profile-env-collides", profile="dist-lto",
         env=(("CARGO_PROFILE_DIST_LTO_DEBUG", "1"),),
         layout=Layout(manifest_profiles='[profile.dist]\ninherits = "release"\n\n'
                                         '[profile.dist-lto]\ninherits = "dist"\n')),
    Case(name="proc-macro-is-a-host-unit", layout=Layout(proc_macro=True),
         env=(("RUSTFLAGS", "--cfg bc_env -g"),),
         files=(_cfg(f"{WS}/.cargo/config.toml", "[profile.release.build-override]\ndebug = 1\n"),)),
    Case(name="whitespace-only-rustflags-still-wins", env=(("RUSTFLAGS", "   "),),
         files=(_cfg(f"{WS}/.cargo/config.toml", '[build]\nrustflags = ["--cfg", "bc_ws", "-g"]\n'),)),
    Case(name="empty-target-rustflags-fall-through-to-build",
         files=(_cfg(f"{WS}/.cargo/config.toml",
                     f'[target.{T}]\nrustflags = []\n\n[build]\nrustflags = ["--cfg", "bc_ws_build", "-g"]\n'),)),
    # cargo asks `rustc --print cfg` *with* the rustflags of the non-cfg tiers: opt-level turns
    # debug_assertions off, target-cpu=native turns target features on.
    Case(name="cfg-debug-assertions-off-with-opt-level-in-rustflags",
         files=(_cfg(f"{WS}/.cargo/config.toml",
                     f'[target.{T}]\nrustflags = ["--cfg", "bc_ws_target", "-Copt-level=2"]\n\n'
                     '[target.\'cfg(debug_assertions)\']\nrustflags = ["--cfg", "bc_cfg_debug_assertions", "-g"]\n'),)),
    # sse4.2: not in the x86-64 baseline, on with target-cpu=native on any CPU of the last 15 years
    Case(name="cfg-target-feature-follows-target-cpu-in-build-rustflags",
         files=(_cfg(f"{WS}/.cargo/config.toml",
                     '[build]\nrustflags = ["--cfg", "bc_ws_build", "-C", "target-cpu=native"]\n'),
                _cfg("home/config.toml",
                     '[target.\'cfg(target_feature = "sse4.2")\']\nrustflags = ["--cfg", "bc_cfg_sse42", "-g"]\n'))),
    Case(name="cfg-target-feature-follows-target-cpu-in-target-rustflags",
         files=(_cfg(f"{WS}/.cargo/config.toml",
                     f'[target.{T}]\nrustflags = ["--cfg", "bc_ws_target", "-C", "target-cpu=native"]\n\n'
                     '[target.\'cfg(target_feature = "sse4.2")\']\nrustflags = ["--cfg", "bc_cfg_sse42", "-g"]\n'),)),
    Case(name="two-package-overrides-match-one-crate",
         layout=Layout(manifest_profiles='[profile.release.package.dep]\ndebug = 1\n\n'
                                         '[profile.release.package."dep@0.1.0"]\ndebug = 2\n')),
    Case(name="proc-macro-host-debuginfo-default-dev", profile="dev", layout=Layout(proc_macro=True)),
    Case(name="strip-string-overridden-by-env", env=(("CARGO_PROFILE_RELEASE_STRIP", "debuginfo"),),
         layout=Layout(manifest_profiles='[profile.release]\nstrip = "everything"\n')),
)
