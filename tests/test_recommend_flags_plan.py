import json
import shlex
import shutil
import subprocess
import sys

import pytest

from buildcheck.model import Origin
from buildcheck.recommend.env_vars import neutral_value, remove_c_debug_flags
from buildcheck.recommend.flags_plan import FlagsPlan, plan_changes, recommended_flags, render_flags
from buildcheck.recommend.shells import SetVar, UnsetVar

LOTUS = FlagsPlan(rustflags_var="RUSTFLAGS", current_flags=("-C", "target-cpu=native", "-g"))


def test_lotus_guide_flags_become_native_without_g():
    assert render_flags(LOTUS, "sh").lines[-1] == "export RUSTFLAGS='-C target-cpu=native'"
    assert render_flags(LOTUS, "fish").lines[-1] == "set -gx RUSTFLAGS '-C target-cpu=native'"
    assert render_flags(LOTUS, "github-env").lines == ("RUSTFLAGS=-C target-cpu=native",)
    assert render_flags(LOTUS, "make").lines[-1] == "export RUSTFLAGS := -C target-cpu=native"


def test_removed_flag_is_explained_as_a_comment_or_note():
    assert render_flags(LOTUS, "sh").lines[0].startswith("# removed -g")
    assert render_flags(LOTUS, "github-env").notes[0].startswith("removed -g")


def test_unrelated_flags_kept_in_order_and_native_added_once():
    plan = FlagsPlan(rustflags_var="RUSTFLAGS", current_flags=("--cfg", "tokio_unstable", "-g", "-Copt-level=3"))
    flags, _ = recommended_flags(plan)
    assert flags == ("--cfg", "tokio_unstable", "-Copt-level=3", "-C", "target-cpu=native")
    plan = FlagsPlan(rustflags_var="RUSTFLAGS", current_flags=("-Ctarget-cpu=native", "-g"))
    assert recommended_flags(plan)[0] == ("-Ctarget-cpu=native",)


def test_explicit_other_target_cpu_is_kept_even_with_portable():
    plan = FlagsPlan(rustflags_var="RUSTFLAGS", current_flags=("-C", "target-cpu=znver2", "-g"),
                     portable_flags=("-C", "target-cpu=x86-64-v3"))
    flags, comments = recommended_flags(plan)
    assert flags == ("-C", "target-cpu=znver2")
    assert any("znver2" in c.text for c in comments)


def test_portable_replaces_native():
    plan = FlagsPlan(rustflags_var="RUSTFLAGS", current_flags=("-C", "target-cpu=native", "-g", "--cfg", "x"),
                     portable_flags=("-C", "target-cpu=x86-64-v3", "-C", "target-feature=+sha,+adx"))
    assert recommended_flags(plan)[0] == ("--cfg", "x", "-C", "target-cpu=x86-64-v3", "-C", "target-feature=+sha,+adx")


def test_encoded_rustflags_move_to_rustflags_in_shells_that_can_unset():
    plan = FlagsPlan(rustflags_var="CARGO_ENCODED_RUSTFLAGS", current_flags=("-g", "--cfg", "tokio_unstable"))
    changes = plan_changes(plan, "sh")
    assert SetVar("RUSTFLAGS", "--cfg tokio_unstable -C target-cpu=native") in changes
    assert any(isinstance(c, UnsetVar) and c.name == "CARGO_ENCODED_RUSTFLAGS" for c in changes)


def test_encoded_rustflags_stay_encoded_when_a_flag_has_a_space():
    plan = FlagsPlan(rustflags_var="CARGO_ENCODED_RUSTFLAGS", current_flags=("-g", "--cfg", 'feature="a b"'))
    changes = plan_changes(plan, "sh")
    assert SetVar("CARGO_ENCODED_RUSTFLAGS", '--cfg\x1ffeature="a b"\x1f-C\x1ftarget-cpu=native') in changes
    assert not any(getattr(c, "name", None) == "RUSTFLAGS" for c in changes)


def test_github_env_never_empties_encoded_rustflags():
    """An empty CARGO_ENCODED_RUSTFLAGS would still win over RUSTFLAGS, so it is set to the flags instead."""
    plan = FlagsPlan(rustflags_var="CARGO_ENCODED_RUSTFLAGS", current_flags=("-g", "--cfg", "x"))
    lines = render_flags(plan, "github-env").lines
    assert lines == ("CARGO_ENCODED_RUSTFLAGS=--cfg\x1fx\x1f-C\x1ftarget-cpu=native",)


def test_github_env_empty_rustflags_gets_a_note():
    plan = FlagsPlan(rustflags_var="CARGO_ENCODED_RUSTFLAGS", current_flags=("--cfg", "x"),
                     debug_env_vars=(("RUSTFLAGS", "-g"),))
    rendered = render_flags(plan, "github-env")
    assert "RUSTFLAGS=" in rendered.lines
    assert any("empty RUSTFLAGS still wins" in n for n in rendered.notes)


def test_lower_priority_rustflags_variable_is_cancelled():
    plan = FlagsPlan(rustflags_var="CARGO_BUILD_RUSTFLAGS", current_flags=("-g", "--cfg", "x"))
    lines = render_flags(plan, "sh").lines
    assert "export RUSTFLAGS='--cfg x -C target-cpu=native'" in lines
    assert "unset CARGO_BUILD_RUSTFLAGS" in lines
    assert "CARGO_BUILD_RUSTFLAGS=--cfg x" in render_flags(plan, "github-env").lines


def test_debug_env_vars_strip_and_config_causes():
    plan = FlagsPlan(rustflags_var=None, current_flags=(),
                     debug_env_vars=(("CARGO_PROFILE_RELEASE_DEBUG", "true"), ("CXXFLAGS", "-O2 -g -gdwarf-4"),
                                     ("CFLAGS", "-g"), ("NVCC_APPEND_FLAGS", "-G -O3")),
                     needs_strip=True, config_causes=(Origin.file("/home/u/.cargo/config.toml", 7),))
    sh = render_flags(plan, "sh").lines
    assert "unset CARGO_PROFILE_RELEASE_DEBUG" in sh
    assert "export CXXFLAGS=-O2" in sh
    assert "unset CFLAGS" in sh
    assert "export NVCC_APPEND_FLAGS=-O3" in sh
    assert "export CARGO_PROFILE_RELEASE_STRIP=debuginfo" in sh
    assert any(line.startswith("# /home/u/.cargo/config.toml:7:") for line in sh)
    gh = render_flags(plan, "github-env").lines
    assert "CARGO_PROFILE_RELEASE_DEBUG=false" in gh and "CFLAGS=" in gh
    assert render_flags(plan, "make").lines.count("unexport CFLAGS") == 1
    assert "set -e CARGO_PROFILE_RELEASE_DEBUG" in render_flags(plan, "fish").lines


def test_custom_profile_strip_variable():
    plan = FlagsPlan(rustflags_var=None, current_flags=(), needs_strip=True, profile="release-lto")
    assert "export CARGO_PROFILE_RELEASE_LTO_STRIP=debuginfo" in render_flags(plan, "sh").lines


@pytest.mark.parametrize(("value", "cleaned"), [
    ("-O2 -g", "-O2"), ("-g3 -ggdb -gdwarf-4 -O3", "-O3"), ("-g0 -O2", "-g0 -O2"), ("-gno-record-gcc-switches", "-gno-record-gcc-switches"),
])
def test_c_flags(value, cleaned):
    assert remove_c_debug_flags(value) == cleaned


def test_neutral_values():
    assert neutral_value("CARGO_PROFILE_RELEASE_DEBUG", "2").value == "false"
    assert neutral_value("CARGO_PROFILE_RELEASE_STRIP", "none").value == "debuginfo"
    assert neutral_value("EC_GPU_CUDA_NVCC_ARGS", "--device-debug -arch=sm_80").value == "-arch=sm_80"
    assert neutral_value("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS", "-g").prefer_unset


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs sh")
def test_sh_output_evaluates_to_a_clean_environment():
    """Run the sh lines in a real shell that starts from the Lotus guide's environment."""
    plan = FlagsPlan(rustflags_var="CARGO_ENCODED_RUSTFLAGS", current_flags=("-C", "target-cpu=native", "-g"),
                     debug_env_vars=(("RUSTFLAGS", "-g"), ("CXXFLAGS", "-g")), needs_strip=True)
    script = "\n".join(render_flags(plan, "sh").lines) + "\n" + shlex.join(
        [sys.executable, "-c", "import json, os; print(json.dumps(dict(os.environ)))"])
    start = {"PATH": "/usr/bin:/bin", "CARGO_ENCODED_RUSTFLAGS": "-C\x1ftarget-cpu=native\x1f-g",
             "RUSTFLAGS": "-g", "CXXFLAGS": "-g"}
    env = json.loads(subprocess.run(["sh", "-c", script], env=start, capture_output=True, text=True,
                                    check=True).stdout)
    assert "CARGO_ENCODED_RUSTFLAGS" not in env and "CXXFLAGS" not in env
    assert env["RUSTFLAGS"] == "-C target-cpu=native"
    assert env["CARGO_PROFILE_RELEASE_STRIP"] == "debuginfo"


def test_config_array_flag_with_a_space_goes_encoded():
    plan = FlagsPlan(rustflags_var=None, current_flags=("-g", "-Clink-arg=-Wl,-rpath,/opt/my libs"))
    changes = plan_changes(plan, "sh")
    assert changes[-1] == SetVar("CARGO_ENCODED_RUSTFLAGS", "-Clink-arg=-Wl,-rpath,/opt/my libs\x1f-C\x1ftarget-cpu=native")
