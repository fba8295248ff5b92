"""C compiler debug switches, checked against the real gcc: the model says "debug info" exactly when gcc writes it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from buildcheck.args.cc import c_debug_switch, nvcc_debug_switch, without_c_debug, without_nvcc_debug

SWITCH_LISTS = [
    [], ["-g"], ["-g0"], ["-g1"], ["-g3"], ["-ggdb"], ["-ggdb0"], ["-ggdb3"], ["-gdwarf-4"], ["-gdwarf"],
    ["-gsplit-dwarf"], ["-gz"], ["-g", "-g0"], ["-g0", "-g"], ["-g3", "-g0"], ["-gdwarf-4", "-g0"],
    ["-g0", "-gdwarf-4"], ["-gbtf"], ["-gno-record-gcc-switches"], ["-gstrict-dwarf"], ["-gcolumn-info"],
    ["-g", "-gz"], ["-gsplit-dwarf", "-g"], ["-gpubnames"], ["-gtoggle"], ["-g", "-gtoggle"],
    ["-g3", "-O2", "-g"], ["-O2"], ["-ggdb0", "-g2"], ["-g", "-gtoggle", "-gtoggle"],
]


def _gcc_writes_debug_info(switches: list[str], tmp_path: Path) -> bool:
    source = tmp_path / "t.c"
    source.write_text("int twice(int x) { return 2 * x; }\n")
    obj = tmp_path / "t.o"
    obj.unlink(missing_ok=True)
    subprocess.run(["gcc", "-c", "-O2", *switches, str(source), "-o", str(obj)], check=True, capture_output=True)
    sections = subprocess.run(["readelf", "-S", "-W", str(obj)], check=True, capture_output=True, text=True).stdout
    return ".debug_info" in sections


@pytest.mark.toolchain
@pytest.mark.skipif(not (shutil.which("gcc") and shutil.which("readelf")), reason="needs gcc and readelf")
@pytest.mark.parametrize("switches", SWITCH_LISTS, ids=lambda s: " ".join(s) or "none")
def test_switch_model_agrees_with_gcc(switches, tmp_path):
    assert c_debug_switch(switches).on == _gcc_writes_debug_info(switches, tmp_path)


@pytest.mark.toolchain
@pytest.mark.skipif(not (shutil.which("gcc") and shutil.which("readelf")), reason="needs gcc and readelf")
@pytest.mark.parametrize("switches", SWITCH_LISTS, ids=lambda s: " ".join(s) or "none")
def test_removing_the_debug_switches_leaves_gcc_without_debug_info(switches, tmp_path):
    kept = list(without_c_debug(switches))
    assert not _gcc_writes_debug_info(kept, tmp_path)
    assert [s for s in switches if not s.startswith("-g")] == [s for s in kept if not s.startswith("-g")]


def test_the_fix_for_several_g_switches_removes_all_of_them():
    assert without_c_debug(["-g3", "-O2", "-g"]) == ("-O2",)
    assert without_c_debug(["-g0", "-O2"]) == ("-g0", "-O2")  # -g0 also cancels the cc crate's own -g


def test_deciding_switch_is_the_last_one():
    switch = c_debug_switch(["-g", "-O2", "-ggdb3"])
    assert (switch.on, switch.index, switch.token) == (True, 2, "-ggdb3")


@pytest.mark.parametrize("tokens, on", [(["-G"], True), (["--device-debug"], True), (["-lineinfo"], True),
                                        (["-O3"], False), (["-g"], True), ([], False)])
def test_nvcc_debug_switches(tokens, on):
    assert nvcc_debug_switch(tokens).on is on
    assert not nvcc_debug_switch(list(without_nvcc_debug(tokens))).on
