"""The manifest feature resolver (doctor's fallback) against real cargo on generated workspaces.

The authority is `cargo tree -e normal,build`, which resolves features as `cargo build` does;
cargo metadata's resolve lists an optional dependency that only a weak `dep?/feature` names
(seen with cargo 1.95 on these generated workspaces), so it is not used.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from buildcheck.cargo.discover import find_workspace
from buildcheck.doctor.features import load_resolver
from buildcheck.doctor.probe import HostProbe

TRIPLE = "x86_64-unknown-linux-gnu"


def _cargo() -> str | None:
    for candidate in (shutil.which("cargo"), str(Path.home() / ".cargo/bin/cargo"), "/usr/bin/cargo"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


CARGO = _cargo()


def write_package(directory: Path, name: str, deps: dict[str, dict], features: dict[str, list[str]],
                  workspace: list[str] | None = None) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "src").mkdir(exist_ok=True)
    (directory / "src" / "lib.rs").write_text("")
    lines = [f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n']
    if workspace is not None:
        lines.append("[workspace]\nmembers = [" + ", ".join(f'"{m}"' for m in workspace) + "]\n")
    lines.append("[dependencies]")
    for key, spec in deps.items():
        items = ", ".join(f"{k} = {json.dumps(v)}" for k, v in spec.items())
        lines.append(f"{key} = {{ {items} }}")
    lines.append("\n[features]")
    for feature, items in features.items():
        lines.append(f"{feature} = {json.dumps(items)}")
    (directory / "Cargo.toml").write_text("\n".join(lines) + "\n")


def generate(root: Path, seed: int) -> list[str]:
    """A root package, one member and four libraries outside the root, wired by random optional
    dependencies, `dep:`, `x/feat`, `x?/feat`, default features on or off. Returns feature names to try."""
    rng = random.Random(seed)
    libs = [f"lib{i}" for i in range(4)]
    lib_features: dict[str, dict[str, list[str]]] = {}
    for index, lib in enumerate(libs):
        later = libs[index + 1:]
        deps: dict[str, dict] = {}
        features: dict[str, list[str]] = {"gpu": [], "extra": []}
        for other in later:
            if rng.random() < 0.6:
                optional = rng.random() < 0.6
                deps[other] = {"path": f"../{other}", "optional": optional, "default-features": rng.random() < 0.5}
                if optional:
                    features["gpu"].append(rng.choice([f"dep:{other}", other, f"{other}/gpu", f"{other}?/extra"]))
                else:
                    features["gpu"].append(rng.choice([f"{other}/gpu", f"{other}/extra"]))
        features["default"] = rng.choice([[], ["extra"], ["gpu"]])
        lib_features[lib] = features
        write_package(root / "ext" / lib, lib, deps, features)
    member_deps = {"lib0": {"path": "../../ext/lib0", "optional": True, "default-features": False},
                   "lib1": {"path": "../../ext/lib1", "default-features": rng.random() < 0.5}}
    write_package(root / "ws" / "member", "member", member_deps,
                  {"fast": ["lib0/gpu"], "weak": ["lib0?/extra", "lib1/extra"], "default": []})
    root_deps = {"member": {"path": "member"},
                 "lib2": {"path": "../ext/lib2", "optional": True}}
    write_package(root / "ws", "rootpkg", root_deps,
                  {"default": rng.choice([[], ["member/weak"]]), "cuda": ["member/fast", "dep:lib2"],
                   "lib3ish": ["lib2/gpu"]}, workspace=["member"])
    return ["cuda", "lib3ish", "member/weak", "member/fast"]


def cargo_activated(workspace: Path, features: list[str], default: bool) -> dict[str, frozenset[str]]:
    """What the build compiles as cargo itself resolves it (cargo tree, through doctor's own probe call)."""
    probe = HostProbe({"PATH": f"{Path(CARGO).parent}:/usr/bin:/bin", "HOME": str(workspace),
                       "CARGO_HOME": str(workspace / ".ch"), "RUSTUP_HOME": str(Path.home() / ".rustup")})
    built = probe.cargo_tree(workspace, features, default, CARGO)
    assert built is not None
    return built


@pytest.mark.cargo
@pytest.mark.skipif(CARGO is None, reason="needs cargo")
@pytest.mark.parametrize("seed", range(12))
def test_resolver_agrees_with_cargo_tree(tmp_path, seed):
    candidates = generate(tmp_path, seed)
    rng = random.Random(seed * 7 + 1)
    workspace = find_workspace(tmp_path / "ws")
    resolver = load_resolver(workspace.members, workspace.root, TRIPLE)
    for _round in range(3):
        selected = rng.sample(candidates, rng.randint(0, 2))
        default = rng.random() < 0.7
        real = cargo_activated(tmp_path / "ws", selected, default)
        ours = resolver.activated(selected, default_features=default)
        assert set(ours) == set(real), (selected, default)
        for name, features in real.items():
            assert ours[name] == features, (name, selected, default, sorted(ours[name]), sorted(features))


def test_damocles_like_fixture_requests():
    root = Path(__file__).resolve().parent.parent / "fixtures" / "doctor" / "damocles-like"
    workspace = find_workspace(root)
    resolver = load_resolver(workspace.members, workspace.root, TRIPLE)
    plain = resolver.resolve([])
    assert plain["filecoin-proofs"].features == {"opencl", "multicore-sdr"}
    assert not plain["filecoin-proofs"].default_features
    cuda = resolver.resolve(["cuda"])
    assert "cuda" in cuda["filecoin-proofs"].features and "cuda" in cuda["storage-proofs-porep"].features
    assert resolver.resolve([], default_features=False).get("filecoin-proofs") is None
