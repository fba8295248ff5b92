"""runs_on: machines from SPECs, the per-machine gate, a fleet's portable flags (pure parts, no binaries)."""

from __future__ import annotations

import pytest

from buildcheck.errors import InputError
from buildcheck.runs_on import gate, level_machine, machines_from_spec, parse_cpuinfo, portable_flags
from buildcheck.x86_features import LEVEL_CPUINFO

ZEN3 = ("processor\t: 0\nmodel name\t: AMD EPYC 7543\nflags\t\t: " + " ".join(sorted(LEVEL_CPUINFO["x86-64-v3"]))
        + " sha_ni adx aes pclmulqdq vaes vpclmulqdq sse4a rdrand\n")
SKYLAKE_SP = ("processor\t: 0\nflags\t\t: " + " ".join(sorted(LEVEL_CPUINFO["x86-64-v4"]))
              + " adx aes pclmulqdq rdrand avx512_vnni\n")


def test_hybrid_cpus_count_only_what_every_core_has():
    text = "processor: 0\nflags: sse sse2 avx512f\n\nprocessor: 1\nflags: sse sse2\n"
    assert parse_cpuinfo(text, "x").flags == {"sse", "sse2"}
    assert parse_cpuinfo(ZEN3, "x").model == "AMD EPYC 7543"
    with pytest.raises(InputError):
        parse_cpuinfo("Hardware : BCM2835\nFeatures : neon\n", "pi")


def test_specs(tmp_path):
    assert machines_from_spec("v3")[0].flags == LEVEL_CPUINFO["x86-64-v3"]
    assert level_machine("x86-64-v4").level == "x86-64-v4"
    (tmp_path / "fleet").mkdir()
    (tmp_path / "fleet" / "zen3").write_text(ZEN3)
    (tmp_path / "fleet" / "skx").write_text(SKYLAKE_SP)
    (tmp_path / "fleet" / ".hidden").write_text("ignored")
    fleet = machines_from_spec(str(tmp_path / "fleet"))
    assert [m.name.rsplit("/", 1)[-1] for m in fleet] == ["skx", "zen3"]
    assert machines_from_spec("host", host_cpuinfo=str(tmp_path / "fleet" / "zen3"))[0].name == "host"
    (tmp_path / "empty").mkdir()
    for bad in (str(tmp_path / "empty"), str(tmp_path / "nothing"), "x86-64-v5"):
        with pytest.raises(InputError):
            machines_from_spec(bad)


def test_gate_asks_each_machine_for_the_required_features_only():
    zen3, skx = parse_cpuinfo(ZEN3, "zen3"), parse_cpuinfo(SKYLAKE_SP, "skx")
    verdicts = gate({"avx2", "sha_ni"}, [zen3, skx])
    assert verdicts[0].runs and verdicts[1].missing == ("sha_ni",)
    assert all(v.runs for v in gate(set(), [zen3, skx]))


def test_portable_flags_for_a_fleet_follow_the_rustc_that_builds():
    zen3, skx = parse_cpuinfo(ZEN3, "zen3"), parse_cpuinfo(SKYLAKE_SP, "skx")
    both = portable_flags([zen3, skx], rustc_version=(1, 72))
    assert both.level == "x86-64-v3" and both.extra == ("adx", "aes", "pclmulqdq", "rdrand")
    assert both.rustflags == "-C target-cpu=x86-64-v3 -C target-feature=+adx,+aes,+pclmulqdq,+rdrand"
    # vaes is stable only from 1.89: named for a new rustc, left out for damocles' pinned 1.72
    assert "vaes" in portable_flags([zen3], rustc_version=(1, 95)).extra
    assert "vaes" not in portable_flags([zen3], rustc_version=(1, 72)).extra
    assert "sse4a" not in portable_flags([zen3], rustc_version=(1, 90)).extra  # stable in 1.91
    assert portable_flags([skx], rustc_version=(1, 95)).level == "x86-64-v4"
    with pytest.raises(InputError):
        portable_flags([], rustc_version=None)
