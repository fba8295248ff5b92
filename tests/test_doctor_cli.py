"""`buildcheck doctor` end to end on the damocles-shaped fixture, against machine trees (--root) and this machine."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.doctor_roots import library, os_release, pc_file, program, ready_debian

REPO = Path(__file__).resolve().parent.parent
WORKSPACE = REPO / "fixtures" / "doctor" / "damocles-like"


_HOME: Path | None = None


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory):
    """A HOME of its own: cargo (run by doctor for `cargo tree`) writes its registry cache under it."""
    global _HOME
    _HOME = tmp_path_factory.mktemp("home")


def doctor(*args: str, env: dict[str, str] | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess:
    base = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "LANG": "C", "HOME": str(_HOME)}
    result = subprocess.run([sys.executable, "-m", "buildcheck", "--color", "never", "doctor", *args],
                            env={**base, **(env or {})}, cwd=cwd, capture_output=True, text=True, timeout=120)
    return result


def checks(result: subprocess.CompletedProcess) -> dict[str, dict]:
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    assert report["command"] == "doctor" and report["schema_version"] == 1
    return {c["name"]: c for c in report["checks"]}


@pytest.fixture
def workspace(tmp_path) -> Path:
    copy = tmp_path / "damocles-like"
    shutil.copytree(WORKSPACE, copy)
    return copy


def test_bare_machine_reports_each_system_library_missing_with_its_debian_package(workspace, tmp_path):
    root = tmp_path / "root"
    os_release(root)
    result = doctor(str(workspace), "--root", str(root), "--format", "json")
    assert result.returncode == 1
    found = checks(result)
    expected = {"libclang": "libclang-dev", "libhwloc": "libhwloc-dev", "opencl": "ocl-icd-opencl-dev",
                "openssl": "libssl-dev", "cc": "gcc", "c++": "g++", "pkg-config": "pkg-config", "jq": "jq",
                "make": "make"}
    for name, package in expected.items():
        assert found[name]["status"] == "missing", name
        assert found[name]["install"] == package, name
    report = json.loads(result.stdout)
    assert report["install_command"].startswith("sudo apt-get install -y ")
    for package in ("libclang-dev", "libhwloc-dev", "ocl-icd-opencl-dev"):
        assert package in report["install_command"].split()
    # Without cuda nothing CUDA is demanded; the report says which feature would.
    assert "nvcc" not in found and "libcuda" not in found
    conditional = {c["crate"]: c["only_with"] for c in report["conditional"]}
    assert "cuda" in conditional["ec-gpu-gen"] and "cuda" in conditional["cuda-driver-sys"]
    assert conditional["supraseal-c2"] == ["cuda-supraseal"]


def test_ready_machine_is_ok_and_exits_0(workspace, tmp_path):
    root = ready_debian(tmp_path / "root")
    result = doctor(str(workspace), "--root", str(root), "--format", "json")
    found = checks(result)
    assert result.returncode == 0, result.stdout
    for name in ("libclang", "libhwloc", "opencl", "openssl", "cc", "c++", "pkg-config", "jq", "make"):
        assert found[name]["status"] == "ok", (name, found[name])
    assert found["libclang"]["found"] == "/usr/lib/x86_64-linux-gnu/libclang-14.so.1"  # highest version wins
    assert found["openssl"]["found"].startswith("openssl 3.0.11 (")
    assert found["rust-toolchain"]["status"] == "unknown"  # a file tree: this machine's cargo says nothing of it
    assert json.loads(result.stdout)["install_command"] is None


def test_cuda_feature_demands_nvcc_and_libcuda(workspace, tmp_path):
    root = ready_debian(tmp_path / "root")
    result = doctor(str(workspace), "--root", str(root), "--features", "cuda", "--format", "json")
    found = checks(result)
    assert result.returncode == 1
    assert found["nvcc"]["status"] == "missing" and found["nvcc"]["install"] == "nvidia-cuda-toolkit"
    assert found["libcuda"]["status"] == "missing"
    assert any("ec-gpu-gen" in who and "cuda" in who for who in found["nvcc"]["needed_by"])
    # With the toolkit where cuda-config looks for it, libcuda is found in its stubs.
    nvcc = program(root, "nvcc", "usr/local/cuda-12.2/bin")
    library(root, "libcuda.so", "usr/local/cuda-12.2/lib64/stubs")
    result = doctor(str(workspace), "--root", str(root), "--features", "cuda", "--format", "json",
                    env={"PATH": "/usr/bin:/usr/local/cuda-12.2/bin"})
    found = checks(result)
    assert found["libcuda"]["status"] == "ok" and found["libcuda"]["found"].endswith("lib64/stubs/libcuda.so")
    # Under --root nothing is run, so nvcc's version (CUDA >= 11.2 wanted) is unknown, not assumed.
    assert found["nvcc"]["status"] == "unknown" and found["nvcc"]["found"] == "/usr/local/cuda-12.2/bin/nvcc"
    assert nvcc.is_file()


def test_cuda_supraseal_demands_nvcc_11_4_and_the_worker_util_style_gate(workspace, tmp_path):
    root = ready_debian(tmp_path / "root")
    result = doctor(str(workspace), "--root", str(root), "--features", "cuda-supraseal", "--format", "json")
    found = checks(result)
    assert any("supraseal-c2" in who for who in found["nvcc"]["needed_by"])


def test_too_old_hwloc_for_hwloc2(tmp_path):
    ws = tmp_path / "util"
    (ws / "src").mkdir(parents=True)
    (ws / "src" / "main.rs").write_text("fn main() {}\n")
    (ws / "Cargo.toml").write_text('[package]\nname = "util"\nversion = "0.1.0"\nedition = "2021"\n\n'
                                   '[dependencies]\nhwloc2 = { git = "https://example.invalid/hwloc2-rs" }\n')
    (ws / "Cargo.lock").write_text('version = 3\n\n[[package]]\nname = "hwloc2"\nversion = "2.2.0"\n'
                                   'source = "git+https://example.invalid/hwloc2-rs#0"\n\n'
                                   '[[package]]\nname = "util"\nversion = "0.1.0"\ndependencies = [\n "hwloc2",\n]\n')
    root = ready_debian(tmp_path / "root")
    pc_file(root, "hwloc", "1.11.12")
    found = checks(doctor(str(ws), "--root", str(root), "--format", "json"))
    assert found["hwloc"]["status"] == "too old"
    assert "2.0.0" in found["hwloc"]["detail"] and "1.11.12" in found["hwloc"]["detail"]


def test_rhel_family_names_dnf_packages(workspace, tmp_path):
    root = tmp_path / "root"
    os_release(root, 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\n')
    report = json.loads(doctor(str(workspace), "--root", str(root), "--format", "json").stdout)
    assert report["distribution"]["family"] == "rhel"
    command = report["install_command"].split()
    assert command[:4] == ["sudo", "dnf", "install", "-y"]
    assert {"clang-devel", "hwloc-devel", "ocl-icd-devel", "openssl-devel", "gcc-c++"} <= set(command)


def test_libclang_path_is_the_only_place_searched_when_set(workspace, tmp_path):
    root = ready_debian(tmp_path / "root")
    library(root, "libclang-cpp.so.14", "opt/llvm/lib")  # another library, never accepted
    found = checks(doctor(str(workspace), "--root", str(root), "--format", "json",
                          env={"LIBCLANG_PATH": "/opt/llvm/lib"}))
    assert found["libclang"]["status"] == "missing"
    assert "LIBCLANG_PATH" in found["libclang"]["detail"]


def test_openssl_dir_replaces_pkg_config(workspace, tmp_path):
    root = ready_debian(tmp_path / "root")
    (root / "opt/ssl/include/openssl").mkdir(parents=True)
    found = checks(doctor(str(workspace), "--root", str(root), "--format", "json", env={"OPENSSL_DIR": "/opt/ssl"}))
    assert found["openssl"]["status"] == "missing" and "OPENSSL_DIR" in found["openssl"]["detail"]
    (root / "opt/ssl/include/openssl/opensslv.h").write_text("")
    found = checks(doctor(str(workspace), "--root", str(root), "--format", "json", env={"OPENSSL_DIR": "/opt/ssl"}))
    assert found["openssl"]["status"] == "ok"


def test_repository_root_covers_every_workspace(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(WORKSPACE, repo / "damocles-worker")
    root = tmp_path / "root"
    os_release(root)
    report = json.loads(doctor(str(repo), "--root", str(root), "--format", "json").stdout)
    assert [Path(w["root"]).name for w in report["workspaces"]] == ["damocles-worker"]


def test_text_output_names_the_install_command(workspace, tmp_path):
    root = tmp_path / "root"
    os_release(root)
    result = doctor(str(workspace), "--root", str(root))
    assert result.returncode == 1
    assert "sudo apt-get install -y" in result.stdout and "libclang-dev" in result.stdout
    assert "only with feature cuda" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["--features", "no-such-feature"], "no-such-feature"),
    (["--format", "yaml"], "yaml"),
])
def test_usage_errors_exit_2(workspace, args, message):
    result = doctor(str(workspace), *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_directory_without_any_workspace_exits_2(tmp_path):
    result = doctor(str(tmp_path))
    assert result.returncode == 2 and "Cargo.toml" in result.stderr


def test_broken_manifest_is_one_line_exit_2(workspace):
    (workspace / "vc-processors" / "Cargo.toml").write_text("[package\nname = 1\n")
    result = doctor(str(workspace))
    assert result.returncode == 2 and "Traceback" not in result.stderr and "Cargo.toml" in result.stderr


# -- this machine ---------------------------------------------------------------------------------

def _dpkg_installed(package: str) -> bool | None:
    if shutil.which("dpkg-query") is None:
        return None
    done = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    return done.returncode == 0 and "install ok installed" in done.stdout


@pytest.mark.skipif(shutil.which("pkg-config") is None, reason="needs pkg-config")
def test_real_machine_agrees_with_dpkg_on_each_system_library(workspace):
    """Probes this machine (no --root): each library check is ok exactly when its Debian package is installed."""
    report = json.loads(doctor(str(workspace), "--format", "json", env={"PATH": os.environ["PATH"]}).stdout)
    found = {c["name"]: c for c in report["checks"]}
    if report["distribution"]["family"] != "debian":
        pytest.skip("not a Debian-family machine")
    for name in ("libclang", "libhwloc", "opencl", "openssl"):
        installed = _dpkg_installed(found[name]["install"])
        assert (found[name]["status"] == "ok") == installed, (name, found[name])


def test_real_damocles_checkout_when_given():
    """BUILDCHECK_DAMOCLES_CHECKOUT=~/damocles: the brief's acceptance, on the real lock files."""
    checkout = os.environ.get("BUILDCHECK_DAMOCLES_CHECKOUT")
    if not checkout:
        pytest.skip("set BUILDCHECK_DAMOCLES_CHECKOUT to a damocles checkout")
    worker = Path(checkout) / "damocles-worker"
    plain = json.loads(doctor(str(worker), "--format", "json", env={"PATH": os.environ["PATH"]}).stdout)
    cuda = json.loads(doctor(str(worker), "--features", "cuda", "--format", "json",
                             env={"PATH": os.environ["PATH"]}).stdout)
    assert "nvcc" not in {c["name"] for c in plain["checks"]}
    assert "nvcc" in {c["name"] for c in cuda["checks"]}
    for name in ("libclang", "libhwloc", "opencl"):
        check = next(c for c in plain["checks"] if c["name"] == name)
        assert (check["status"] == "ok") == _dpkg_installed(check["install"])


def test_the_toolchain_check_reads_rustup_as_the_scanner_does(workspace, tmp_path):
    """Without --root, the pinned toolchain is checked on this machine as `scan` finds it: read, never run."""
    from helpers.toolchains import rustup

    (workspace / "rust-toolchain.toml").write_text('[toolchain]\nchannel = "1.72.0"\ncomponents = ["clippy"]\n')
    machine = rustup(tmp_path / "machine", [])
    report = json.loads(doctor(str(workspace), "--format", "json",
                               env={"PATH": machine["PATH"] + ":/usr/bin:/bin",
                                    "RUSTUP_HOME": machine["RUSTUP_HOME"]}).stdout)
    found = {c["name"]: c for c in report["checks"]}
    assert found["rust-toolchain"]["status"] == "missing"
    assert found["rust-toolchain"]["install"] == "rustup toolchain install 1.72.0 --profile minimal -c clippy"
    assert "https://static.rust-lang.org" in found["rust-toolchain"]["detail"]
    mirrored = json.loads(doctor(str(workspace), "--format", "json",
                                 env={"PATH": machine["PATH"] + ":/usr/bin:/bin", "RUSTUP_HOME": machine["RUSTUP_HOME"],
                                      "RUSTUP_DIST_SERVER": "https://mirrors.ustc.edu.cn/rust-static"}).stdout)
    detail = next(c for c in mirrored["checks"] if c["name"] == "rust-toolchain")["detail"]
    assert "https://mirrors.ustc.edu.cn/rust-static" in detail  # the mirror the download would really come from


@pytest.mark.parametrize("where", ["config", "env"])
def test_cargo_is_never_run_where_a_setting_names_the_program_it_would_start(workspace, tmp_path, where):
    """`cargo tree` runs the configured rustc and its wrapper: doctor then decides from the manifests."""
    marker = tmp_path / "ran"
    wrapper = tmp_path / "wrapper.sh"
    wrapper.write_text(f"#!/bin/sh\ntouch {marker}\nexec \"$@\"\n")
    wrapper.chmod(0o755)
    env = {"PATH": os.environ["PATH"], "RUSTUP_HOME": os.environ.get("RUSTUP_HOME", str(Path.home() / ".rustup"))}
    if where == "config":
        (workspace / ".cargo").mkdir()
        (workspace / ".cargo" / "config.toml").write_text(f'[build]\nrustc-wrapper = "{wrapper}"\n')
    else:
        env["RUSTC_WRAPPER"] = str(wrapper)
    result = doctor(str(workspace), "--format", "json", env=env)
    report = json.loads(result.stdout)
    assert not marker.exists()
    (entry,) = report["workspaces"]
    assert entry["decided_by"] == "manifests"
    named = "config.toml" if where == "config" else "RUSTC_WRAPPER"
    assert named in entry["metadata_note"] and str(wrapper) in entry["metadata_note"]


def test_an_empty_wrapper_names_nothing(tmp_path):
    from buildcheck.cargo.programs import configured_programs

    (tmp_path / ".cargo").mkdir()
    (tmp_path / ".cargo" / "config.toml").write_text('[build]\nrustc = "/opt/rust/bin/rustc"\n')
    env = {"HOME": str(tmp_path / "h"), "CARGO_HOME": str(tmp_path / "ch"), "RUSTC_WRAPPER": ""}
    (named,) = configured_programs(tmp_path, env, None)
    assert named.value == "/opt/rust/bin/rustc" and named.origin.path.endswith("config.toml")
    overridden = configured_programs(tmp_path, {**env, "RUSTC": "/usr/bin/rustc"}, None)
    assert [(p.value, p.origin.kind) for p in overridden] == [("/usr/bin/rustc", "env")]
