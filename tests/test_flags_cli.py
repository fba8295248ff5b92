"""`buildcheck flags` as a user runs it: stdout is evaluable by each target, notes go to stderr."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.toolchains import rustup

MANIFEST = '[package]\nname = "damocles-worker"\nversion = "0.1.0"\n\n[workspace]\n'
SEALING_HOST = ("processor\t: 0\nflags\t\t: fpu sse sse2 fxsr pni ssse3 sse4_1 sse4_2 cx16 popcnt lahf_lm abm "
                "avx avx2 bmi1 bmi2 f16c fma movbe xsave sha_ni adx\n")
OLD_HOST = "processor\t: 0\nflags\t\t: fpu sse sse2 fxsr\n"


@pytest.fixture
def ws(tmp_path):
    root = tmp_path / "ws"
    (root / "src").mkdir(parents=True)
    (root / "Cargo.toml").write_text(MANIFEST)
    (tmp_path / "cpuinfo").write_text(SEALING_HOST)
    return root


def hermetic(tmp_path: Path, version: str = "1.72.0", **extra: str) -> dict[str, str]:
    machine = rustup(tmp_path / f"machine-{version}", [version])  # a rustup of the test's own
    return {"PATH": machine["PATH"] + ":/usr/bin:/bin", "RUSTUP_HOME": machine["RUSTUP_HOME"], "LANG": "C",
            "HOME": str(tmp_path / "home"), "CARGO_HOME": str(tmp_path / "cargo-home"), "RUSTUP_TOOLCHAIN": version,
            **extra}


def flags(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "buildcheck", "flags", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def sh_env_after(args: list[str], cwd: Path, env: dict[str, str]) -> dict[str, str]:
    """The environment sh has after `eval "$(buildcheck flags ARGS)"`."""
    command = " ".join([sys.executable, "-m", "buildcheck", "flags", *args])
    script = f'eval "$({command} 2>/dev/null)" || exit 99\nenv -0'
    out = subprocess.run(["sh", "-c", script], cwd=cwd, env=env, capture_output=True, check=True, timeout=60).stdout
    return dict(item.split("=", 1) for item in out.decode().split("\0") if "=" in item)


def test_lotus_env_eval_in_sh(ws, tmp_path):
    env = hermetic(tmp_path, RUSTFLAGS="-C target-cpu=native -g", CARGO_PROFILE_RELEASE_DEBUG="true",
                   CXXFLAGS="-O2 -g")
    after = sh_env_after(["--cpuinfo", str(tmp_path / "cpuinfo")], ws, env)
    assert after["RUSTFLAGS"] == "-C target-cpu=native"
    assert "CARGO_PROFILE_RELEASE_DEBUG" not in after
    assert after["CXXFLAGS"] == "-O2"
    assert after["CARGO_PROFILE_RELEASE_STRIP"] == "debuginfo"  # cargo 1.72 never strips


def test_no_rustflags_adds_native_and_new_cargo_needs_no_strip(ws, tmp_path):
    after = sh_env_after(["--cpuinfo", str(tmp_path / "cpuinfo")], ws, hermetic(tmp_path, "1.95.0"))
    assert after["RUSTFLAGS"] == "-C target-cpu=native"
    assert "CARGO_PROFILE_RELEASE_STRIP" not in after


def test_encoded_rustflags_with_a_space_survive_eval(ws, tmp_path):
    env = hermetic(tmp_path, CARGO_ENCODED_RUSTFLAGS="-g\x1f--cfg\x1ffeature=\"a b\"")
    after = sh_env_after(["--cpuinfo", str(tmp_path / "cpuinfo")], ws, env)
    assert after["CARGO_ENCODED_RUSTFLAGS"].split("\x1f") == ["--cfg", 'feature="a b"', "-C", "target-cpu=native"]


def test_summary_and_sigill_warning_on_stderr_only(ws, tmp_path):
    done = flags(["--cpuinfo", str(tmp_path / "cpuinfo")], ws, hermetic(tmp_path, RUSTFLAGS="-g"))
    assert done.returncode == 0, done.stderr
    assert "SIGILL" in done.stderr and "+sha" in done.stderr and "avx512f" in done.stderr
    assert "SIGILL" not in done.stdout
    assert all(line.startswith(("export ", "unset ", "# ")) for line in done.stdout.splitlines())


def test_portable_names_x86_64_v3_and_the_sealing_extras(ws, tmp_path):
    after = sh_env_after(["--portable", "--cpuinfo", str(tmp_path / "cpuinfo")], ws, hermetic(tmp_path, RUSTFLAGS="-g"))
    assert after["RUSTFLAGS"] == "-C target-cpu=x86-64-v3 -C target-feature=+sha,+adx"


def test_portable_on_an_old_host_is_the_baseline(ws, tmp_path):
    (tmp_path / "old").write_text(OLD_HOST)
    after = sh_env_after(["--portable", "--cpuinfo", str(tmp_path / "old")], ws, hermetic(tmp_path))
    assert after["RUSTFLAGS"] == "-C target-cpu=x86-64"


def test_explicit_target_cpu_is_kept(ws, tmp_path):
    after = sh_env_after(["--cpuinfo", str(tmp_path / "cpuinfo")], ws,
                         hermetic(tmp_path, RUSTFLAGS="-C target-cpu=znver3 -g"))
    assert after["RUSTFLAGS"] == "-C target-cpu=znver3"


def test_github_env_has_no_comments_and_notes_on_stderr(ws, tmp_path):
    done = flags(["--shell", "github-env", "--cpuinfo", str(tmp_path / "cpuinfo")], ws,
                 hermetic(tmp_path, RUSTFLAGS="-C target-cpu=native -g", CARGO_ENCODED_RUSTFLAGS=""))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines and all("=" in line and not line.startswith("#") for line in lines)
    # An empty CARGO_ENCODED_RUSTFLAGS wins and a GITHUB_ENV file cannot unset it: it gets the flags.
    assert "CARGO_ENCODED_RUSTFLAGS=-C\x1ftarget-cpu=native" in lines
    # The hidden RUSTFLAGS is neutralised too (it would come back if the encoded one went away).
    assert "RUSTFLAGS=-C target-cpu=native" in lines
    assert "note: cargo 1.72.0 never strips release binaries" in done.stderr


def test_profile_option_names_the_strip_variable(ws, tmp_path):
    (ws / "Cargo.toml").write_text(MANIFEST + '\n[profile.prod]\ninherits = "release"\n')
    after = sh_env_after(["--profile", "prod", "--cpuinfo", str(tmp_path / "cpuinfo")], ws, hermetic(tmp_path))
    assert after["CARGO_PROFILE_PROD_STRIP"] == "debuginfo"


def test_config_cause_is_a_comment_with_file_and_line(ws, tmp_path):
    config = ws / ".cargo" / "config.toml"
    config.parent.mkdir()
    config.write_text("# team settings\n[profile.release]\ndebug = true\n")
    done = flags(["--cpuinfo", str(tmp_path / "cpuinfo")], ws, hermetic(tmp_path))
    assert f"# set profile.release.debug = false at {config.resolve()}:3 (not an environment setting" in done.stdout


@pytest.mark.skipif(not shutil.which("make"), reason="needs GNU make")
def test_make_output_is_read_back_by_make(ws, tmp_path):
    done = flags(["--shell", "make", "--cpuinfo", str(tmp_path / "cpuinfo")], ws,
                 hermetic(tmp_path, RUSTFLAGS="-g --cfg 'x'"))
    (tmp_path / "flags.mk").write_text(done.stdout)
    (tmp_path / "Makefile").write_text("include flags.mk\nall:\n\t@printf '%s' \"$$RUSTFLAGS\"\n")
    out = subprocess.run(["make", "-s", "-C", str(tmp_path)], capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin", "RUSTFLAGS": "-g"}).stdout
    assert out == "--cfg 'x' -C target-cpu=native"


@pytest.mark.skipif(not shutil.which("fish"), reason="needs fish")
def test_fish_output_is_read_back_by_fish(ws, tmp_path):
    done = flags(["--shell", "fish", "--cpuinfo", str(tmp_path / "cpuinfo")], ws, hermetic(tmp_path, RUSTFLAGS="-g"))
    (tmp_path / "flags.fish").write_text(done.stdout)
    out = subprocess.run(["fish", "-c", f"source {tmp_path / 'flags.fish'}; printf '%s' $RUSTFLAGS"],
                         capture_output=True, text=True, check=True).stdout
    assert out == "-C target-cpu=native"


def test_bad_inputs_exit_2_with_one_line(ws, tmp_path):
    missing = flags(["--cpuinfo", str(tmp_path / "nope")], ws, hermetic(tmp_path))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "nope" in missing.stderr
    not_dir = flags([str(tmp_path / "cpuinfo")], ws, hermetic(tmp_path))
    assert not_dir.returncode == 2 and "Traceback" not in not_dir.stderr
    broken = ws / ".cargo" / "config.toml"
    broken.parent.mkdir()
    broken.write_text("[profile.release\n")
    bad = flags(["--cpuinfo", str(tmp_path / "cpuinfo")], ws, hermetic(tmp_path))
    assert bad.returncode == 2 and bad.stdout == "" and "config.toml:1" in bad.stderr
