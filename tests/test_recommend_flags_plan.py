"""`buildcheck flags` as data: the rustflags to build with and every environment change, from real scans."""

import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from buildcheck.cargo.scan import scan
from buildcheck.causes import derive
from buildcheck.recommend.env_vars import neutral_value, remove_c_debug_flags
from buildcheck.recommend.flags_plan import flags_plan
from buildcheck.recommend.plan import fix_plan, rustflags_after
from buildcheck.recommend.shells import SetVar, UnsetVar


def answer(tmp_path: Path, *, version: str = "1.95.0", config: str | None = None, manifest_extra: str = "",
           profile: str | None = None, portable: tuple[str, ...] = (), **env: str):
    ws = tmp_path / "ws"
    (ws / "src").mkdir(parents=True, exist_ok=True)
    (ws / "Cargo.toml").write_text('[package]\nname = "app"\nversion = "0.1.0"\n' + manifest_extra)
    if config is not None:
        (ws / ".cargo").mkdir(exist_ok=True)
        (ws / ".cargo" / "config.toml").write_text(config)
    full = {"HOME": str(tmp_path / "home"), "CARGO_HOME": str(tmp_path / "cargo-home"), "RUSTUP_TOOLCHAIN": version,
            **env}
    result = scan(cwd=ws, env=full, profile=profile)
    plan = fix_plan(derive(result))
    return flags_plan(plan, rustflags_after(result, plan), full, portable_flags=portable)


LOTUS = {"RUSTFLAGS": "-C target-cpu=native -g"}


def test_lotus_guide_flags_become_native_without_g(tmp_path):
    lotus = answer(tmp_path, **LOTUS)
    assert lotus.render("sh").lines[-1] == "export RUSTFLAGS='-C target-cpu=native'"
    assert lotus.render("fish").lines[-1] == "set -gx RUSTFLAGS '-C target-cpu=native'"
    assert lotus.render("github-env").lines == ("RUSTFLAGS=-C target-cpu=native",)
    assert lotus.render("make").lines[-1] == "export RUSTFLAGS := -C target-cpu=native"


def test_removed_flags_are_explained_as_a_comment_or_note(tmp_path):
    lotus = answer(tmp_path, **LOTUS)
    assert lotus.render("sh").lines[0].startswith("# RUSTFLAGS had -C target-cpu=native -g")
    assert lotus.render("github-env").notes[0].startswith("RUSTFLAGS had")


def test_unrelated_flags_kept_in_order_and_native_added_once(tmp_path):
    kept = answer(tmp_path, RUSTFLAGS="--cfg tokio_unstable -g -Copt-level=3")
    assert kept.rustflags == ("--cfg", "tokio_unstable", "-Copt-level=3", "-C", "target-cpu=native")
    assert answer(tmp_path, RUSTFLAGS="-Ctarget-cpu=native -g").rustflags == ("-Ctarget-cpu=native",)
    # rustc reads target_cpu as target-cpu: no second native (issue #11.15)
    assert answer(tmp_path, RUSTFLAGS="-C target_cpu=native").rustflags == ("-C", "target_cpu=native")


def test_explicit_other_target_cpu_is_kept_even_with_portable(tmp_path):
    kept = answer(tmp_path, portable=("-C", "target-cpu=x86-64-v3"), RUSTFLAGS="-C target-cpu=znver2 -g")
    assert kept.rustflags == ("-C", "target-cpu=znver2")
    assert any("znver2" in line for line in kept.render("sh").lines if line.startswith("#"))


def test_portable_replaces_native(tmp_path):
    portable = answer(tmp_path, portable=("-C", "target-cpu=x86-64-v3", "-C", "target-feature=+sha,+adx"),
                      RUSTFLAGS="-C target-cpu=native -g --cfg x")
    assert portable.rustflags == ("--cfg", "x", "-C", "target-cpu=x86-64-v3", "-C", "target-feature=+sha,+adx")


def test_encoded_rustflags_move_to_rustflags_in_shells_that_can_unset(tmp_path):
    moved = answer(tmp_path, CARGO_ENCODED_RUSTFLAGS="-g\x1f--cfg\x1ftokio_unstable")
    assert SetVar("RUSTFLAGS", "--cfg tokio_unstable -C target-cpu=native") in moved.changes
    assert any(isinstance(c, UnsetVar) and c.name == "CARGO_ENCODED_RUSTFLAGS" for c in moved.changes)


def test_encoded_rustflags_stay_encoded_when_a_flag_has_a_space(tmp_path):
    spaced = answer(tmp_path, CARGO_ENCODED_RUSTFLAGS='-g\x1f--cfg\x1ffeature="a b"')
    assert SetVar("CARGO_ENCODED_RUSTFLAGS", '--cfg\x1ffeature="a b"\x1f-C\x1ftarget-cpu=native') in spaced.changes
    assert not any(getattr(c, "name", None) == "RUSTFLAGS" for c in spaced.changes)


def test_github_env_never_empties_encoded_rustflags(tmp_path):
    """An empty CARGO_ENCODED_RUSTFLAGS would still win over RUSTFLAGS, so it is set to the flags instead."""
    lines = answer(tmp_path, CARGO_ENCODED_RUSTFLAGS="-g\x1f--cfg\x1fx").render("github-env").lines
    assert lines == ("CARGO_ENCODED_RUSTFLAGS=--cfg\x1fx\x1f-C\x1ftarget-cpu=native",)


def test_github_env_empty_rustflags_gets_a_note(tmp_path):
    rendered = answer(tmp_path, CARGO_ENCODED_RUSTFLAGS="--cfg\x1fx", RUSTFLAGS="-g").render("github-env")
    assert "RUSTFLAGS=" in rendered.lines
    assert any("empty RUSTFLAGS still wins" in n for n in rendered.notes)


def test_lower_priority_rustflags_variable_loses_its_debug_flags(tmp_path):
    lower = answer(tmp_path, CARGO_BUILD_RUSTFLAGS="-g --cfg x")
    lines = lower.render("sh").lines
    assert "export RUSTFLAGS='--cfg x -C target-cpu=native'" in lines
    assert "export CARGO_BUILD_RUSTFLAGS='--cfg x'" in lines
    assert "CARGO_BUILD_RUSTFLAGS=--cfg x" in lower.render("github-env").lines


def test_debug_env_vars_strip_and_config_causes(tmp_path):
    plan = answer(tmp_path, version="1.72.0", config="[profile.release]\n\n\n\n\n\ndebug = 1\n",
                  CARGO_PROFILE_RELEASE_DEBUG="true", CXXFLAGS="-O2 -g -gdwarf-4", CFLAGS="-g",
                  NVCC_APPEND_FLAGS="-G -O3")
    sh = plan.render("sh").lines
    assert "unset CARGO_PROFILE_RELEASE_DEBUG" in sh
    assert "export CXXFLAGS=-O2" in sh
    assert "unset CFLAGS" in sh
    assert "export NVCC_APPEND_FLAGS=-O3" in sh
    assert "export CARGO_PROFILE_RELEASE_STRIP=debuginfo" in sh
    assert any(line.startswith("# set profile.release.debug = false at ") and ".cargo/config.toml:7" in line
               for line in sh)  # revealed once CARGO_PROFILE_RELEASE_DEBUG is gone: changed in the file
    gh = plan.render("github-env").lines
    assert "CARGO_PROFILE_RELEASE_DEBUG=false" in gh and "CFLAGS=" in gh
    assert plan.render("make").lines.count("unexport CFLAGS") == 1
    assert "set -e CARGO_PROFILE_RELEASE_DEBUG" in plan.render("fish").lines


def test_custom_profile_strip_variable(tmp_path):
    plan = answer(tmp_path, version="1.72.0", profile="release-lto",
                  manifest_extra='\n[profile.release-lto]\ninherits = "release"\n')
    assert "export CARGO_PROFILE_RELEASE_LTO_STRIP=debuginfo" in plan.render("sh").lines


@pytest.mark.parametrize(("value", "cleaned"), [
    ("-O2 -g", "-O2"), ("-g3 -ggdb -gdwarf-4 -O3", "-O3"), ("-g0 -O2", "-g0 -O2"),
    ("-gno-record-gcc-switches", "-gno-record-gcc-switches"), ("-g3 -O2 -g", "-O2"),
])
def test_c_flags(value, cleaned):
    assert remove_c_debug_flags(value) == cleaned


def test_neutral_values():
    assert neutral_value("CARGO_PROFILE_RELEASE_DEBUG", "2").value == "false"
    assert neutral_value("CARGO_PROFILE_RELEASE_STRIP", "none").value == "debuginfo"
    assert neutral_value("EC_GPU_CUDA_NVCC_ARGS", "--device-debug -arch=sm_80").value == "-arch=sm_80"
    assert neutral_value("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS", "-g").prefer_unset


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs sh")
def test_sh_output_evaluates_to_a_clean_environment(tmp_path):
    """Run the sh lines in a real shell that starts from the Lotus guide's environment."""
    start = {"CARGO_ENCODED_RUSTFLAGS": "-C\x1ftarget-cpu=native\x1f-g", "RUSTFLAGS": "-g", "CXXFLAGS": "-g"}
    plan = answer(tmp_path, version="1.72.0", **start)
    script = "\n".join(plan.render("sh").lines) + "\n" + shlex.join(
        [sys.executable, "-c", "import json, os; print(json.dumps(dict(os.environ)))"])
    env = json.loads(subprocess.run(["sh", "-c", script], env={"PATH": "/usr/bin:/bin", **start},
                                    capture_output=True, text=True, check=True).stdout)
    assert "CARGO_ENCODED_RUSTFLAGS" not in env and "CXXFLAGS" not in env
    assert env["RUSTFLAGS"] == "-C target-cpu=native"
    assert env["CARGO_PROFILE_RELEASE_STRIP"] == "debuginfo"


def test_config_array_flag_with_a_space_goes_encoded(tmp_path):
    plan = answer(tmp_path, config='[build]\nrustflags = ["-g", "-Clink-arg=-Wl,-rpath,/opt/my libs"]\n')
    assert plan.carrier == "CARGO_ENCODED_RUSTFLAGS"
    assert SetVar("CARGO_ENCODED_RUSTFLAGS",
                  "-Clink-arg=-Wl,-rpath,/opt/my libs\x1f-C\x1ftarget-cpu=native") in plan.changes
