import shutil
import subprocess
from pathlib import Path

import pytest

from buildcheck.errors import InputError
from buildcheck.recommend.cpu_features import (
    SEALING_FEATURES,
    X86_64_V3,
    cpuinfo_flags,
    describe_native,
    read_cpuinfo,
    summarize_native,
)
from buildcheck.x86_features import CPUINFO_TO_RUSTC, rustc_features

# An EPYC (Zen 2) host: sha_ni and adx, no AVX-512.
ZEN2 = """processor\t: 0
vendor_id\t: AuthenticAMD
flags\t\t: fpu sse sse2 pni ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c lahf_lm abm bmi1 avx2 bmi2 adx sha_ni fxsr
bugs\t\t: sysret_ss_attrs

processor\t: 1
flags\t\t: fpu
"""

# A Cascade Lake host: AVX-512 but no SHA-NI.
CASCADELAKE_FLAGS = ("fpu sse sse2 pni ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c lahf_lm abm "
                     "bmi1 avx2 bmi2 adx avx512f avx512dq avx512cd avx512bw avx512vl avx512_vnni fxsr")

# An old Sandy Bridge: none of v3.
SANDYBRIDGE_FLAGS = "fpu sse sse2 pni ssse3 cx16 sse4_1 sse4_2 popcnt aes xsave avx lahf_lm fxsr"


def test_first_processor_flags_are_read():
    flags = cpuinfo_flags(ZEN2)
    assert "sha_ni" in flags and "adx" in flags
    assert cpuinfo_flags("model name : x\n") == frozenset()


def test_names_are_mapped_to_rustc():
    features = rustc_features(cpuinfo_flags(ZEN2))
    for name in ("sha", "sse3", "sse4.1", "sse4.2", "cmpxchg16b", "lzcnt", "lahfsahf", "adx"):
        assert name in features
    assert "sha_ni" not in features and "pni" not in features and "fpu" not in features
    assert "avx512vnni" in rustc_features(CASCADELAKE_FLAGS.split())


def test_zen2_portable_is_v3_plus_sha_and_adx():
    summary = summarize_native(rustc_features(cpuinfo_flags(ZEN2)))
    assert summary.sealing_present == ("sha", "adx", "bmi2", "avx2")
    assert summary.sealing_missing == ("avx512f",)
    assert summary.portable_baseline == "x86-64-v3"
    assert summary.portable_flags == ("-C", "target-cpu=x86-64-v3", "-C", "target-feature=+sha,+adx")


def test_cascadelake_has_no_sha():
    summary = summarize_native(rustc_features(CASCADELAKE_FLAGS.split()))
    assert "sha" in summary.sealing_missing
    assert summary.portable_flags == ("-C", "target-cpu=x86-64-v3", "-C", "target-feature=+adx,+avx512f")


def test_host_below_v3_gets_an_explicit_feature_list():
    summary = summarize_native(rustc_features(SANDYBRIDGE_FLAGS.split()))
    assert summary.portable_baseline is None
    assert summary.portable_flags == ()
    text = "\n".join(describe_native(summary))
    assert "SIGILL" in text and "Portable alternative" not in text


def test_description_warns_about_sigill_and_shows_the_portable_flags():
    text = "\n".join(describe_native(summarize_native(rustc_features(cpuinfo_flags(ZEN2)))))
    assert "SIGILL" in text
    assert "-C target-cpu=x86-64-v3 -C target-feature=+sha,+adx" in text
    assert "+sha" in text


def test_read_cpuinfo_errors_cleanly(tmp_path):
    with pytest.raises(InputError):
        read_cpuinfo(tmp_path / "missing")


RUSTC = shutil.which("rustc")
needs_rustc = pytest.mark.skipif(RUSTC is None, reason="needs rustc")


def _rustc(*args: str) -> str:
    return subprocess.run([RUSTC, *args], capture_output=True, text=True, check=True, timeout=60).stdout


def _cfg_features(*args: str) -> set[str]:
    out = _rustc("--print", "cfg", *args)
    return {line.split('"')[1] for line in out.splitlines() if line.startswith("target_feature=")}


@needs_rustc
def test_every_mapped_name_is_a_rustc_target_feature():
    listed = {line.split()[0] for line in _rustc("--print", "target-features").splitlines()
              if line.startswith("    ") and line.split()}
    assert set(CPUINFO_TO_RUSTC.values()) <= listed
    assert set(SEALING_FEATURES) <= listed
    assert X86_64_V3 <= listed


@needs_rustc
def test_x86_64_v3_matches_rustc():
    from_rustc = _cfg_features("-C", "target-cpu=x86-64-v3")
    # rustc's cfg hides unstable names (lahfsahf); everything it shows is in our set.
    assert from_rustc <= X86_64_V3
    assert {"avx2", "bmi2", "fma", "lzcnt"} <= from_rustc
    assert "sha" not in from_rustc and "adx" not in from_rustc


@needs_rustc
@pytest.mark.skipif(not Path("/proc/cpuinfo").exists(), reason="needs /proc/cpuinfo")
def test_native_features_are_found_in_this_hosts_cpuinfo():
    """Every feature rustc's native enables (that we have a cpuinfo name for) is in our mapping of cpuinfo."""
    native = _cfg_features("-C", "target-cpu=native")
    ours = rustc_features(cpuinfo_flags(read_cpuinfo()))
    mapped = set(CPUINFO_TO_RUSTC.values())
    assert native & mapped <= ours
    # and conversely: what we claim from cpuinfo, rustc's native enables (for names rustc's cfg shows)
    baseline = _cfg_features()
    shown = _cfg_features("-C", "target-cpu=x86-64-v4") | _cfg_features("-C", "target-cpu=znver4") | baseline
    assert (ours & shown) - native == set()
