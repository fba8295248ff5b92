"""The probe against fixture trees, and against the real tools it models (pkg-config, the linker)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from buildcheck.doctor.check import compare_versions, distribution
from buildcheck.doctor.probe import HostProbe, clang_version_key, parse_os_release, read_pc_version
from tests.helpers.doctor_roots import ELF32, library, pc_file, program

PKG_CONFIG = shutil.which("pkg-config")


def test_os_release_quotes_and_families():
    parsed = parse_os_release('NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu 22.04.4 LTS"\n# c\n')
    assert parsed["PRETTY_NAME"] == "Ubuntu 22.04.4 LTS"
    assert distribution(parsed).family == "debian"
    assert distribution({"ID": "fedora"}).family == "rhel"
    assert distribution({"ID": "arch"}).family is None


def test_programs_are_found_on_path_below_the_root(tmp_path):
    program(tmp_path, "cc", "opt/gcc/bin")
    probe = HostProbe({"PATH": "/usr/bin:/opt/gcc/bin"}, root=tmp_path)
    assert probe.find_program("cc") == "/opt/gcc/bin/cc"
    assert probe.find_program("c++") is None
    (tmp_path / "usr/bin").mkdir(parents=True)
    (tmp_path / "usr/bin/c++").write_text("not executable")
    assert probe.find_program("c++") is None


def test_pc_files_are_read_below_the_root_when_pkg_config_cannot_run(tmp_path):
    pc_file(tmp_path, "hwloc", "2.9.0")
    pc_file(tmp_path, "hwloc", "1.0", "opt/pc")  # PKG_CONFIG_PATH comes first
    probe = HostProbe({"PATH": "/nonexistent"}, root=tmp_path)
    facts = probe.pkg_config("hwloc")
    assert facts.found and facts.version == "2.9.0" and facts.how == "pc file"
    assert HostProbe({"PKG_CONFIG_PATH": "/opt/pc"}, root=tmp_path).pkg_config("hwloc").version == "1.0"
    assert not HostProbe({}, root=tmp_path).pkg_config("OpenCL").found


def test_libraries_need_the_linkable_name_not_the_runtime_soname(tmp_path):
    library(tmp_path, "libOpenCL.so.1")
    probe = HostProbe({}, root=tmp_path)
    assert probe.find_library("OpenCL", []).path is None  # ocl-icd-libopencl1 alone does not link
    library(tmp_path, "libOpenCL.so")
    assert probe.find_library("OpenCL", []).path == "/usr/lib/x86_64-linux-gnu/libOpenCL.so"
    (tmp_path / "usr/lib/libhwloc.so").symlink_to("/nowhere/libhwloc.so.15")
    assert probe.find_library("hwloc", []).path is None  # a dangling dev symlink


def test_libclang_search_follows_clang_sys(tmp_path):
    probe = HostProbe({}, root=tmp_path)
    library(tmp_path, "libclang-cpp.so.14")
    assert probe.find_libclang(runtime=True).path is None  # libclang-cpp is another library
    library(tmp_path, "libclang-14.so.1")
    assert probe.find_libclang(runtime=False).path is None  # .so.N only with clang-sys's runtime feature
    assert probe.find_libclang(runtime=True).path == "/usr/lib/x86_64-linux-gnu/libclang-14.so.1"
    library(tmp_path, "libclang-16.so", "usr/local/lib")
    assert probe.find_libclang(runtime=True).path == "/usr/local/lib/libclang-16.so"  # highest version
    library(tmp_path, "libclang-18.so", "usr/lib32", content=ELF32)
    facts = probe.find_libclang(runtime=True)
    assert facts.path == "/usr/local/lib/libclang-16.so" and "/usr/lib32/libclang-18.so" in facts.rejected


def test_libclang_path_may_name_the_file(tmp_path):
    path = library(tmp_path, "libclang.so", "opt/llvm/lib")
    library(tmp_path, "libclang-20.so")
    probe = HostProbe({"LIBCLANG_PATH": "/opt/llvm/lib/libclang.so"}, root=tmp_path)
    assert probe.find_libclang(runtime=True).path == "/opt/llvm/lib/libclang.so"
    assert path.is_file()


def test_clang_version_key_matches_clang_sys_parse_version():
    assert clang_version_key("libclang.so.13.0.1") == (13, 0, 1)
    assert clang_version_key("libclang-14.so") == (14,)
    assert clang_version_key("libclang-14.so.1") == (14,)
    assert clang_version_key("libclang.so") == ()


VERSIONS = ["1.0", "1.0.1", "1.10", "1.9", "2.0.0", "2.0", "2.9.0", "1.11.0", "1.11.12", "3.0.11", "3.0.2",
            "1.0a", "1.0b", "1.0.0a", "2", "10", "11.4", "11.10", "1.a", "1.2.3~rc1"]


@pytest.mark.skipif(PKG_CONFIG is None, reason="needs pkg-config")
def test_version_comparison_agrees_with_pkg_config(tmp_path):
    """compare_versions against `pkg-config --atleast-version` on a .pc file of each version."""
    for found in VERSIONS:
        pc_file(tmp_path, "probe", found, "pc")
        env = {"PKG_CONFIG_LIBDIR": str(tmp_path / "pc"), "PATH": "/usr/bin:/bin"}
        for minimum in VERSIONS:
            real = subprocess.run([PKG_CONFIG, f"--atleast-version={minimum}", "probe"], env=env).returncode == 0
            assert (compare_versions(found, minimum) >= 0) == real, (found, minimum)


@pytest.mark.skipif(PKG_CONFIG is None, reason="needs pkg-config")
def test_pc_reader_agrees_with_pkg_config_modversion(tmp_path):
    (tmp_path / "pc").mkdir()
    (tmp_path / "pc" / "vars.pc").write_text("major=2\nminor=${major}.9\nName: v\nDescription: d\n"
                                             "Version: ${minor}.1 # trailing comment\n")
    real = subprocess.run([PKG_CONFIG, "--modversion", "vars"], env={"PKG_CONFIG_LIBDIR": str(tmp_path / "pc")},
                          capture_output=True, text=True).stdout.strip()
    assert read_pc_version(tmp_path / "pc" / "vars.pc") == real == "2.9.1"


@pytest.mark.skipif(PKG_CONFIG is None, reason="needs pkg-config")
def test_running_pkg_config_honours_pkg_config_libdir(tmp_path):
    pc_file(tmp_path, "hwloc", "2.4.1", "pc")
    probe = HostProbe({"PATH": "/usr/bin:/bin", "PKG_CONFIG_LIBDIR": str(tmp_path / "pc")})
    facts = probe.pkg_config("hwloc")
    assert facts.how == "pkg-config" and facts.version == "2.4.1"
    assert facts.location == f"{tmp_path / 'pc'}/hwloc.pc"


@pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler")
@pytest.mark.parametrize("name", ["ssl", "c", "m", "OpenCL", "hwloc", "clang", "z", "doesnotexist"])
def test_library_probe_agrees_with_the_linker(tmp_path, name):
    """find_library says found exactly when `cc ... -l<name>` links."""
    source = tmp_path / "main.c"
    source.write_text("int main(void) { return 0; }\n")
    linked = subprocess.run(["cc", str(source), "-o", str(tmp_path / "a.out"), f"-l{name}"],
                            capture_output=True, text=True, timeout=120).returncode == 0
    probe = HostProbe({"PATH": "/usr/bin:/bin"})
    assert (probe.find_library(name, []).path is not None) == linked, (name, probe.library_dirs())
