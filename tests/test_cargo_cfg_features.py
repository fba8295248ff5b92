"""`cfg(target_feature = ...)` keys follow target-cpu / target-feature in the other tiers' rustflags,
as cargo's `rustc --print cfg` call does (checked against real cargo in tests/differential)."""

from __future__ import annotations

from buildcheck.cargo.cfg import cfg_for_triple, evaluate, parse_cfg_key, with_codegen_features

X86 = "x86_64-unknown-linux-gnu"


def features(cfg):
    return {v for n, v in cfg.values if n == "target_feature"}


def test_baseline_is_sse2():
    assert features(cfg_for_triple(X86)) == {"fxsr", "sse", "sse2"}


def test_levels_and_explicit_features():
    v3 = with_codegen_features(cfg_for_triple(X86), [("target-cpu", "x86-64-v3")], host_features=None)
    assert {"avx2", "bmi2", "fma", "sse4.2"} <= features(v3) and "sha" not in features(v3)
    plus = with_codegen_features(cfg_for_triple(X86), [("target-cpu", "x86-64-v3"), ("target-feature", "+sha,+adx")],
                                 host_features=None)
    assert {"sha", "adx"} <= features(plus)
    implied = with_codegen_features(cfg_for_triple(X86), [("target-feature", "+avx2")], host_features=None)
    assert {"avx2", "avx", "sse4.2", "sse4.1", "ssse3", "sse3"} <= features(implied)
    removed = with_codegen_features(cfg_for_triple(X86), [("target-feature", "+avx2"), ("target-feature", "-avx2")],
                                    host_features=None)
    assert "avx2" not in features(removed) and "avx" in features(removed)


def test_native_follows_the_host_features_when_known():
    host = frozenset({"fxsr", "sse", "sse2", "sse3", "ssse3", "sse4.1", "sse4.2", "sha"})
    native = with_codegen_features(cfg_for_triple(X86), [("target-cpu", "native")], host_features=host)
    assert evaluate(parse_cfg_key('cfg(target_feature = "sha")'), native)
    unknown = with_codegen_features(cfg_for_triple(X86), [("target-cpu", "native")], host_features=None)
    assert features(unknown) == {"fxsr", "sse", "sse2"}
    # The last target-cpu wins, as in rustc.
    last = with_codegen_features(cfg_for_triple(X86), [("target-cpu", "native"), ("target-cpu", "x86-64")],
                                 host_features=host)
    assert "sha" not in features(last)


def test_other_architectures_keep_their_baseline():
    arm = cfg_for_triple("aarch64-unknown-linux-gnu")
    assert with_codegen_features(arm, [("target-feature", "+avx2")], host_features=None) == arm
