"""`buildcheck demo`, the README's quick start: the whole story on the shipped examples, nothing written elsewhere."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from buildcheck import cli, i18n, tour

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def english_afterwards():
    # Command modules fix their help texts when first imported: import them in English first, so a
    # --lang zh run here does not leave Chinese help behind for tests that run later in this process.
    import importlib

    i18n.set_language("en")
    for command in cli.COMMANDS:
        if cli._available(command):
            importlib.import_module(f"buildcheck.commands.{command}")
    yield
    i18n.set_language("en")


def tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def run(capsys, monkeypatch, argv: list[str]) -> tuple[int, str, str]:
    # A machine without cargo and without a locale: the demo must not need either.
    monkeypatch.setenv("PATH", "")
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "RUSTFLAGS", "CARGO_HOME", "RUSTUP_TOOLCHAIN"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def test_demo_tells_the_whole_story_and_ends_clean(capsys, monkeypatch):
    before = tree_digest(tour.EXAMPLES)
    code, out, err = run(capsys, monkeypatch, ["--color", "never", "demo"])
    assert code == 0, out + err
    # the setup, the scan's findings with their origins, the binary, the explanation, the fix, the clean rescan
    assert 'RUSTFLAGS="-C target-cpu=native -g"' in out
    assert "cargo 1.72.0 (from" in out and "rust-toolchain.toml:2" in out
    assert "error BC001 `-g` in environment variable RUSTFLAGS" in out
    assert "lotus-workspace/.cargo/config.toml:4" in out and "BC002" in out and "BC005" in out
    assert "97.7% of the file" in out  # inspect on the -g binary
    assert "seen in the binary" in out  # explain joins the binary with the settings
    # The stand-in binary matches a package of the example workspace; it was compiled by a newer rustc than the
    # pinned 1.72.0, which explain says (and only that).
    assert out.count("\n  ! ") == 1 and "was built by rustc" in out
    assert "export RUSTFLAGS='-C target-cpu=native'" in out and "export CARGO_PROFILE_RELEASE_STRIP=debuginfo" in out
    assert "+debug = false" not in out  # --write: the edit is applied in the copy, not only shown
    # The whole story is on stdout (`buildcheck demo > tour.txt` keeps the CPU summary and the written files).
    assert "wrote " in out and "config.toml.bak" in out and "on this host enables, for sealing" in out
    assert err == ""
    assert "Verdict: no debug sections expected in the binary (debuginfo none, strip debuginfo)" in out
    assert out.count("Step ") >= 6
    # The build host is the shipped sample (an EPYC 7302) in every step, not the machine the demo runs on.
    assert out.count("uses x86-64-v3 plus sha_ni, adx, 3dnowprefetch, aes, pclmulqdq, rdrand, rdseed, sse4a and") >= 2
    # the shipped examples themselves are untouched
    assert tree_digest(tour.EXAMPLES) == before


def test_demo_keep_writes_only_into_the_given_directory(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    code, _out, _err = run(capsys, monkeypatch, ["--color", "never", "demo", "--keep", "copy"])
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy"]
    config = tmp_path / "copy" / "lotus-workspace" / ".cargo" / "config.toml"
    assert "debug = false" in config.read_text()
    assert "debug = true" in config.with_name("config.toml.bak").read_text()


def test_demo_refuses_a_directory_that_is_not_empty(capsys, monkeypatch, tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "mine.txt").write_text("keep me")
    monkeypatch.chdir(tmp_path)
    code, _out, err = run(capsys, monkeypatch, ["demo", "--keep", "busy"])
    assert code == 2 and "not an empty directory" in err
    assert (tmp_path / "busy" / "mine.txt").read_text() == "keep me"
    assert sorted(p.name for p in (tmp_path / "busy").iterdir()) == ["mine.txt"]


def test_demo_in_chinese(capsys, monkeypatch):
    code, out, _err = run(capsys, monkeypatch, ["--lang", "zh", "--color", "never", "demo"])
    assert code == 0
    assert "第 1/6 步" in out and "调试信息" in out
    assert "BC001" in out and 'RUSTFLAGS="-C target-cpu=native -g"' in out


def test_shipped_binary_is_the_fixture_byte_for_byte():
    shipped = (tour.EXAMPLES / "binaries" / "rust-tiny-debug").read_bytes()
    fixture = (REPO / "fixtures" / "binaries" / "rust-tiny-debug").read_bytes()
    assert hashlib.sha256(shipped).hexdigest() == hashlib.sha256(fixture).hexdigest()
    sums = (REPO / "fixtures" / "binaries" / "SHA256SUMS").read_text()
    assert f"{hashlib.sha256(shipped).hexdigest()}  rust-tiny-debug" in sums
    assert len(shipped) < 700 * 1024


def test_example_workspace_pins_the_damocles_toolchain():
    pin = tour.EXAMPLES / "lotus-workspace" / "damocles-worker" / "rust-toolchain.toml"
    assert 'channel = "1.72.0"' in pin.read_text()


def test_lotus_environment_stays_inside_the_copy(tmp_path):
    files = tour.copy_examples(tmp_path / "t")
    env = tour.lotus_environment(files)
    assert env["RUSTFLAGS"] == "-C target-cpu=native -g"
    assert "PATH" not in env
    for name in ("HOME", "CARGO_HOME"):
        assert Path(env[name]).is_relative_to(files.root)


def test_readme_quick_start_runs_the_demo_and_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    first = "python3 -m venv .venv && .venv/bin/pip install -q . && .venv/bin/buildcheck demo"
    second = "python3 -m venv .venv && .venv/bin/pip install -q '.[test]' && .venv/bin/python -m pytest -q"
    assert first in readme and second in readme
    assert readme.index(first) < readme.index(second)
    assert second in (REPO / ".ci" / "run").read_text()


def test_the_sample_cpu_is_a_whole_cpuinfo_with_its_level():
    from buildcheck.recommend.cpu_features import cpuinfo_flags, read_cpuinfo
    from buildcheck.x86_features import level_of

    assert level_of(cpuinfo_flags(read_cpuinfo(str(tour.EXAMPLES / "cpuinfo.txt")))) == "x86-64-v3"
