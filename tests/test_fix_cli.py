"""`buildcheck fix` as a user runs it: diff on stdout, exit codes, --write with backups, refusals."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers.toolchains import rustup

from buildcheck import cli

MANIFEST = '[package]\nname = "damocles-worker"\nversion = "0.1.0"\n\n[workspace]\n'


@pytest.fixture
def ws(tmp_path):
    root = tmp_path / "ws"
    (root / "src").mkdir(parents=True)
    (root / "Cargo.toml").write_text(MANIFEST)
    return root


def hermetic(tmp_path: Path, **extra: str) -> dict[str, str]:
    machine = rustup(tmp_path / "machine", ["1.95.0"])  # a rustup of the test's own, never this machine's
    return {"PATH": machine["PATH"] + ":/usr/bin:/bin", "RUSTUP_HOME": machine["RUSTUP_HOME"], "LANG": "C",
            "HOME": str(tmp_path / "home"), "CARGO_HOME": str(tmp_path / "cargo-home"), "RUSTUP_TOOLCHAIN": "1.95.0",
            **extra}


def fix(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "buildcheck", "fix", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def debug_config(ws: Path) -> Path:
    config = ws / ".cargo" / "config.toml"
    config.parent.mkdir(exist_ok=True)
    config.write_text("# team settings\n[profile.release]\ndebug = true   # for perf\nopt-level = 3\n")
    return config


def test_clean_project_exits_0_with_nothing_on_stdout(ws, tmp_path):
    done = fix([], ws, hermetic(tmp_path))
    assert (done.returncode, done.stdout) == (0, "")
    assert "no config-file setting turns debug info on" in done.stderr


def test_diff_exits_1_and_writes_nothing(ws, tmp_path):
    config = debug_config(ws)
    before = config.read_text()
    done = fix([], ws, hermetic(tmp_path))
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[:2] == ["--- a/.cargo/config.toml", "+++ b/.cargo/config.toml"]
    assert "-debug = true   # for perf" in done.stdout and "+debug = false   # for perf" in done.stdout
    assert "set profile.release.debug = false at .cargo/config.toml:3" in done.stderr
    assert config.read_text() == before and not Path(str(config) + ".bak").exists()


def test_write_keeps_layout_and_a_backup_then_exits_0(ws, tmp_path):
    config = debug_config(ws)
    before = config.read_text()
    done = fix(["--write"], ws, hermetic(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    backup = Path(str(config) + ".bak")
    # shown as compilers show paths: relative to where buildcheck runs
    assert "wrote .cargo/config.toml (backup: .cargo/config.toml.bak)" in done.stderr
    assert backup.read_text() == before
    assert config.read_text() == before.replace("debug = true", "debug = false")
    again = fix([], ws, hermetic(tmp_path))
    assert (again.returncode, again.stdout) == (0, "")


def test_env_causes_are_named_not_touched(ws, tmp_path):
    done = fix([], ws, hermetic(tmp_path, RUSTFLAGS="-C target-cpu=native -g"))
    assert (done.returncode, done.stdout) == (0, "")
    assert 'also, in the environment: export RUSTFLAGS="-C target-cpu=native"' in done.stderr
    assert 'eval "$(buildcheck flags)"' in done.stderr


def test_old_cargo_points_at_flags_for_strip(ws, tmp_path):
    done = fix([], ws, hermetic(tmp_path, RUSTUP_TOOLCHAIN="1.72.0"))
    assert done.returncode == 0
    assert "CARGO_PROFILE_RELEASE_STRIP=debuginfo" in done.stderr


def test_several_files_one_diff_each(ws, tmp_path):
    debug_config(ws)
    home = tmp_path / "cargo-home"
    home.mkdir()
    (home / "config.toml").write_text('[build]\nrustflags = ["-g", "-C", "target-cpu=native"]\n')
    done = fix([], ws, hermetic(tmp_path))
    assert done.returncode == 1
    assert done.stdout.count("\n--- ") + done.stdout.startswith("--- ") == 2
    assert done.stdout.startswith("--- a/.cargo/config.toml\n")  # inside the project: git-style
    absolute = (home / "config.toml").resolve()
    assert f"\n--- {absolute}\n+++ {absolute}\n" in done.stdout  # outside the project: as `diff -u` prints it


def test_broken_config_exits_2_before_writing_anything(ws, tmp_path):
    config = debug_config(ws)
    (ws / "Cargo.toml").write_text(MANIFEST + "[profile.release\n")
    done = fix(["--write"], ws, hermetic(tmp_path))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "debug = true" in config.read_text()


def test_file_changed_since_read_is_refused(ws, tmp_path, monkeypatch, capsys):
    """Someone edits the file between the read and the write: nothing is written, exit 2."""
    import buildcheck.recommend.config_edit as config_edit

    config = debug_config(ws)
    real = config_edit.edit_config_file

    def edit_then_someone_writes(path, edits, **kwargs):
        result = real(path, edits, **kwargs)
        Path(path).write_text(Path(path).read_text() + "# meanwhile\n")
        return result

    monkeypatch.setattr(config_edit, "edit_config_file", edit_then_someone_writes)
    for name, value in hermetic(tmp_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("RUSTFLAGS", raising=False)
    monkeypatch.chdir(ws)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["fix", "--write"])
    assert exit_info.value.code == 2
    assert "changed since it was read" in capsys.readouterr().err
    assert config.read_text().endswith("debug = true   # for perf\nopt-level = 3\n# meanwhile\n")
    assert not Path(str(config) + ".bak").exists()


def test_not_a_directory_exits_2(ws, tmp_path):
    done = fix([str(ws / "Cargo.toml")], ws, hermetic(tmp_path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
