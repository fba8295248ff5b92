"""A cargo command line, read for what decides the build's settings: profile, target, --config, packages, features.

A Makefile recipe hands cargo arguments such as `cargo build --release --workspace --features="cuda"`; the
scanner needs the profile (`--release`, `-r`, `--profile NAME`; a plain `cargo build` builds `dev`), the target,
`--config` values, which packages are built (`-p`, `--workspace`) and the features (for `doctor`). `+toolchain`
is rustup's own shorthand and picks the toolchain before anything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Subcommands that compile the project's crates into binaries.
BUILD_SUBCOMMANDS = frozenset({"build", "b", "rustc", "install"})
_WITH_VALUE = frozenset({"--profile", "--target", "--config", "--features", "-F", "--package", "-p", "--exclude",
                         "--manifest-path", "--target-dir", "--jobs", "-j", "--bin", "--example", "--test",
                         "--bench", "--color", "--message-format", "-Z", "--timings", "--artifact-dir",
                         "--out-dir", "--root", "--version", "--git", "--branch", "--tag", "--rev", "--path",
                         "--registry", "--index", "--crate-type", "-C", "--lockfile-path"})


@dataclass(frozen=True, kw_only=True)
class CargoInvocation:
    argv: tuple[str, ...]
    subcommand: str | None
    toolchain: str | None = None          # `cargo +1.72.0 build`
    profile: str = "dev"
    targets: tuple[str, ...] = ()
    config_args: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()
    workspace: bool = False
    features: tuple[str, ...] = ()
    all_features: bool = False
    no_default_features: bool = False
    manifest_path: str | None = None
    rustc_args: tuple[str, ...] = ()      # `cargo rustc -- ARGS`: extra rustc arguments for the final unit

    @property
    def builds(self) -> bool:
        return self.subcommand in BUILD_SUBCOMMANDS


def _features(value: str) -> list[str]:
    return [f for f in value.replace(",", " ").split() if f]


def parse_cargo_invocation(argv: Sequence[str]) -> CargoInvocation:
    """`argv` starts with the program (`cargo`); unknown options are skipped, never guessed at."""
    args = list(argv[1:])
    toolchain = None
    if args and args[0].startswith("+"):
        toolchain = args.pop(0)[1:]
    subcommand: str | None = None
    profile: str | None = None
    release = False
    targets: list[str] = []
    config: list[str] = []
    packages: list[str] = []
    features: list[str] = []
    workspace = all_features = no_default = False
    manifest = None
    rustc_args: tuple[str, ...] = ()
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rustc_args = tuple(args[i + 1:])
            break
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        value: str | None = inline if eq else None
        if value is None and name in _WITH_VALUE and i + 1 < len(args):
            value = args[i + 1]
            i += 1
        elif value is None and len(arg) > 2 and arg[:2] in ("-p", "-F", "-j", "-Z") and arg[1] != "-":
            name, value = arg[:2], arg[2:]
        i += 1
        if subcommand is None and not arg.startswith("-"):
            subcommand = arg
        elif name in ("--release", "-r"):
            release = True
        elif name == "--profile" and value is not None:
            profile = value
        elif name == "--target" and value is not None:
            targets.append(value)
        elif name == "--config" and value is not None:
            config.append(value)
        elif name in ("--package", "-p") and value is not None:
            packages.append(value)
        elif name in ("--workspace", "--all"):
            workspace = True
        elif name in ("--features", "-F") and value is not None:
            features += _features(value)
        elif name == "--all-features":
            all_features = True
        elif name == "--no-default-features":
            no_default = True
        elif name == "--manifest-path" and value is not None:
            manifest = value
    if profile is None:
        profile = "release" if release else ("release" if subcommand == "install" else "dev")
    return CargoInvocation(argv=tuple(argv), subcommand=subcommand, toolchain=toolchain, profile=profile,
                           targets=tuple(targets), config_args=tuple(config), packages=tuple(packages),
                           workspace=workspace, features=tuple(features), all_features=all_features,
                           no_default_features=no_default, manifest_path=manifest, rustc_args=rustc_args)
