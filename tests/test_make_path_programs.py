"""The make build path never runs a program a Makefile names (its own PATH, RUSTC): it reads no version from it."""

from __future__ import annotations

from pathlib import Path

from buildcheck.make_paths import make_build_path
from buildcheck.project import ScanOptions

WORKER_MAKEFILE = "{exports}\nall: build-all\n\nbuild-all:\n\tcargo build --release\n"


def _fake_program(path: Path, marker: Path, version: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n: > {marker}\necho '{version}'\n")
    path.chmod(0o755)


def _tree(tmp_path: Path, exports: str) -> Path:
    ws = tmp_path / "ws"
    (ws / "src").mkdir(parents=True)
    (ws / "Cargo.toml").write_text('[package]\nname = "app"\nversion = "0.1.0"\n')
    (ws / "src" / "main.rs").write_text("fn main() {}\n")
    (ws / "Makefile").write_text(WORKER_MAKEFILE.format(exports=exports))
    return ws


def _env(tmp_path: Path, path: str) -> dict[str, str]:
    return {"PATH": path, "HOME": str(tmp_path / "home"), "CARGO_HOME": str(tmp_path / "ch")}


def test_a_makefile_path_or_rustc_is_never_run(tmp_path):
    marker = tmp_path / "ran"
    _fake_program(tmp_path / "makebin" / "cargo", marker, "cargo 1.60.0")
    _fake_program(tmp_path / "makebin" / "rustc", marker, "rustc 1.60.0")
    exports = f"export PATH := {tmp_path / 'makebin'}:$(PATH)\nexport RUSTC = {tmp_path / 'makebin' / 'rustc'}\n"
    ws = _tree(tmp_path, exports)
    traced = make_build_path(ws, ws, ScanOptions(env=_env(tmp_path, "/nonexistent")))
    assert traced is not None
    scan = traced[0]
    assert scan.via == "make" and scan.toolchain.cargo_path == str(tmp_path / "makebin" / "cargo")
    assert scan.toolchain.version is None and scan.toolchain.rustc_version is None
    assert not marker.exists()


def test_the_users_own_cargo_is_read_on_the_make_path_too(tmp_path):
    marker = tmp_path / "ran"
    _fake_program(tmp_path / "userbin" / "cargo", marker, "cargo 1.65.0")
    ws = _tree(tmp_path, "export RUSTFLAGS\n")
    traced = make_build_path(ws, ws, ScanOptions(env=_env(tmp_path, str(tmp_path / "userbin"))))
    assert traced is not None
    assert str(traced[0].toolchain.version) == "1.65.0" and marker.exists()
