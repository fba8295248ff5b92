"""`buildcheck scan` as a user runs it: exit codes, one-line errors, text and JSON output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.toolchains import rustup


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    full_env = {"PATH": "/usr/bin:/bin", "LANG": "C", **env}  # hermetic() puts its own rustup first
    return subprocess.run([sys.executable, "-m", "buildcheck", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def ws(tmp_path):
    root = tmp_path / "ws"
    (root / "src").mkdir(parents=True)
    (root / "Cargo.toml").write_text('[package]\nname = "damocles-worker"\nversion = "0.1.0"\n\n[workspace]\n')
    return root


def hermetic(tmp_path: Path, **extra: str) -> dict[str, str]:
    # A rustup of the test's own with 1.72.0 installed, chosen by RUSTUP_TOOLCHAIN: no cargo is run, and neither
    # this machine's rustup nor a Debian /usr/bin/cargo decides; CARGO_HOME keeps ~/.cargo out.
    machine = rustup(tmp_path / "machine", ["1.72.0"])
    return {"PATH": machine["PATH"] + ":/usr/bin:/bin", "RUSTUP_HOME": machine["RUSTUP_HOME"],
            "HOME": str(tmp_path / "home"), "CARGO_HOME": str(tmp_path / "cargo-home"),
            "RUSTUP_TOOLCHAIN": "1.72.0", **extra}


def test_lotus_flags_exit_1_with_the_fix(ws, tmp_path):
    done = run(["scan"], ws, hermetic(tmp_path, RUSTFLAGS="-C target-cpu=native -g"))
    assert done.returncode == 1, done.stderr
    assert "BC001" in done.stdout
    assert 'export RUSTFLAGS="-C target-cpu=native"' in done.stdout
    assert "Verdict" in done.stdout


def test_clean_scan_exits_0_with_a_warning_about_std(ws, tmp_path):
    done = run(["scan", "--format", "json"], ws, hermetic(tmp_path))
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["project"] == str(ws.resolve())
    toolchain = data["toolchain"]
    assert {k: toolchain[k] for k in ("cargo_version", "source", "location", "manager", "installed")} == {
        "cargo_version": "1.72.0", "source": "RUSTUP_TOOLCHAIN", "location": {"env": "RUSTUP_TOOLCHAIN"},
        "manager": "rustup", "installed": True}
    assert [f["rule"] for f in data["findings"] if f["severity"] == "warning"] == ["BC005"]


def test_dir_argument_and_config_option(ws, tmp_path):
    done = run(["scan", str(ws), "--config", "profile.release.debug = 1", "--format", "json"], tmp_path,
               hermetic(tmp_path))
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert data["effective"]["debuginfo"] == "limited"
    finding = next(f for f in data["findings"] if f["rule"] == "BC002")
    assert finding["location"] == {"cli": "profile.release.debug = 1"}


def test_outside_a_workspace_never_exits_2(tmp_path):
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    done = run(["scan", "--format", "json"], fresh, hermetic(tmp_path))
    assert done.returncode in (0, 1), done.stderr
    data = json.loads(done.stdout)
    assert data["project"] is None
    assert "BC022" in [f["rule"] for f in data["findings"]]


@pytest.mark.parametrize("files, args, needle", [
    ({".cargo/config.toml": "[build\n"}, [], ".cargo/config.toml:1: "),
    ({"Cargo.toml": '[package]\nname = "x"\nversion = "0.1.0"\n[profile.release]\ndebug = "everything"\n'}, [],
     "Cargo.toml:5: "),
    ({}, ["--config", "a = 1\nb = 2"], "not a TOML dotted key expression"),
    ({}, ["--profile", "dist"], "profile `dist` is not defined"),
    ({".cargo/config.toml": '[build]\nrustflags = "-g"\n', "../.cargo/config.toml": '[build]\nrustflags = ["-g"]\n'},
     [], "failed to merge"),
])
def test_configuration_cargo_rejects_exits_2_with_one_line(ws, tmp_path, files, args, needle):
    for name, text in files.items():
        path = ws / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    done = run(["scan", *args], ws, hermetic(tmp_path))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("buildcheck: error: "), done.stderr
    assert needle in lines[0]
    assert "Traceback" not in done.stderr


def test_missing_directory_is_a_usage_error(tmp_path):
    done = run(["scan", str(tmp_path / "nope")], tmp_path, hermetic(tmp_path))
    assert done.returncode == 2 and "Traceback" not in done.stderr


@pytest.mark.parametrize("name", ["config.toml", "config"])
def test_a_directory_where_cargo_looks_for_a_config_file_stops_the_build_and_the_scan(ws, tmp_path, name):
    """cargo asks whether `.cargo/config.toml` exists, not whether it is a file, then fails to read it ("Is a
    directory"): the build cannot start, so the scan must not report a clean one."""
    (ws / ".cargo" / name).mkdir(parents=True)
    done = run(["scan"], ws, hermetic(tmp_path))
    assert done.returncode == 2, done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(ws / ".cargo" / name) in lines[0], done.stderr


def test_a_root_whose_make_stops_before_the_workspace_says_so(tmp_path):
    """No make path to judge, but not silence either: the note names the Makefile line make stops at."""
    root = tmp_path / "root"
    ws = root / "ws"
    (ws / "src").mkdir(parents=True)
    (ws / "Cargo.toml").write_text('[package]\nname = "ws"\nversion = "0.1.0"\n')
    (ws / "src" / "main.rs").write_text("fn main() {}\n")
    (root / "Makefile").write_text("all:\n\t$(MAKE) -C ws build\n")
    (ws / "Makefile").write_text("X = $(X)a\nbuild:\n\tcargo build --release $(X)\n")
    done = run(["scan", "--format", "json"], root, hermetic(tmp_path))
    assert done.returncode == 0, done.stderr
    workspace = json.loads(done.stdout)["workspaces"][0]
    assert workspace["make"] is None
    assert any("ws/Makefile:1" in note and "references itself" in note for note in workspace["notes"])
    text = run(["scan"], root, hermetic(tmp_path)).stdout
    assert "ws/Makefile:1" in text and "before it runs cargo" in text
