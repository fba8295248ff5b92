"""What the settings make a binary need from a CPU: BC200 with the host's level, BC201 for blst, flags and explain."""

from __future__ import annotations

from pathlib import Path

from buildcheck.cargo.scan import scan
from buildcheck.causes import derive, native_gives
from buildcheck.explain import explain
from buildcheck.recommend.flags_plan import flags_plan
from buildcheck.recommend.plan import fix_plan, rustflags_after

SKYLAKE = frozenset({"sse3", "ssse3", "sse4.1", "sse4.2", "popcnt", "cmpxchg16b", "lahfsahf", "avx", "avx2", "bmi1",
                     "bmi2", "fma", "f16c", "lzcnt", "movbe", "xsave", "fxsr", "sse", "sse2", "adx", "aes"})
LOCK = ('version = 3\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = ["blst"]\n\n[[package]]\n'
        'name = "blst"\nversion = "0.3.11"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n'
        'dependencies = ["cc"]\n\n[[package]]\nname = "cc"\nversion = "1.0.79"\n'
        'source = "registry+https://github.com/rust-lang/crates.io-index"\n')


def _ws(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    ws.mkdir(exist_ok=True)
    (ws / "Cargo.toml").write_text('[package]\nname = "app"\nversion = "0.1.0"\n[dependencies]\nblst = "0.3"\n')
    (ws / "Cargo.lock").write_text(LOCK)
    return ws


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"HOME": str(tmp_path / "home"), "CARGO_HOME": str(tmp_path / "ch"), "RUSTUP_TOOLCHAIN": "1.72.0", **extra}


def test_native_gives_the_hosts_level_and_what_is_beyond_it():
    assert native_gives(SKYLAKE).text() == "x86-64-v3 plus adx, aes"
    # what sealing code uses comes first, then the rest by name
    epyc = SKYLAKE | {"sha", "prfchw", "ermsb", "rdrand", "rdseed", "pclmulqdq", "xsavec", "xsaveopt", "clflushopt"}
    assert native_gives(epyc, shown=4).text() == "x86-64-v3 plus sha_ni, adx, 3dnowprefetch, aes and 7 more"
    assert native_gives(None) is None
    # the rustc names carry no x86-64 baseline: it is added back, every x86-64 CPU has it
    assert native_gives(frozenset({"sse", "sse2", "fxsr"})).text() == "all of x86-64"


def test_target_cpu_native_says_what_this_host_gives_and_explain_tells_how_to_check_the_fleet(tmp_path):
    result = scan(cwd=_ws(tmp_path), env=_env(tmp_path, RUSTFLAGS="-C target-cpu=native"), host_cpu_features=SKYLAKE)
    causes = derive(result, host_features=SKYLAKE)
    bc200 = next(c for c in causes if c.rule == "BC200")
    assert bc200.message.param("given").text() == "x86-64-v3 plus adx, aes"
    assert "blst" in bc200.message.text()
    cpu = explain(result, causes).cpu
    assert cpu[0] == bc200.message and "--runs-on" in cpu[-1].text()


def test_without_a_target_cpu_blst_follows_the_build_host_and_flags_settles_it(tmp_path):
    result = scan(cwd=_ws(tmp_path), env=_env(tmp_path), host_cpu_features=SKYLAKE)
    causes = derive(result, host_features=SKYLAKE)
    bc201 = next(c for c in causes if c.rule == "BC201")
    assert bc201.message.id == "BC201.host-has-adx" and bc201.message.param("version") == "0.3.11"
    assert not any(c.rule == "BC201" for c in derive(result, host_features=SKYLAKE - {"adx"}))
    with_cpu = scan(cwd=_ws(tmp_path), env=_env(tmp_path, RUSTFLAGS="-C target-cpu=x86-64-v3"),
                    host_cpu_features=SKYLAKE)
    assert not any(c.rule == "BC201" for c in derive(with_cpu, host_features=SKYLAKE))
    plan = fix_plan(causes)
    answer = flags_plan(plan, rustflags_after(result, plan), _env(tmp_path), blst="0.3.11")
    assert any(getattr(c, "id", "") == "flags.blst" for c in answer.changes)


def test_installing_the_toolchain_comes_first_in_flags(tmp_path):
    from helpers.toolchains import rustup

    env = _env(tmp_path, **rustup(tmp_path / "machine", []))  # a rustup without 1.72.0
    result = scan(cwd=_ws(tmp_path), env=env)
    plan = fix_plan(derive(result))
    lines = flags_plan(plan, rustflags_after(result, plan), env).render("sh").lines
    assert lines[0] == "# first: run `rustup toolchain install 1.72.0 --profile minimal`"


def test_blst_before_0_3_11_follows_the_build_host_whatever_the_target_cpu(tmp_path):
    ws = _ws(tmp_path)
    (ws / "Cargo.lock").write_text(LOCK.replace('"0.3.11"', '"0.3.10"'))
    result = scan(cwd=ws, env=_env(tmp_path, RUSTFLAGS="-C target-cpu=x86-64-v3"), host_cpu_features=SKYLAKE)
    causes = derive(result, host_features=SKYLAKE)
    bc201 = next(c for c in causes if c.rule == "BC201")
    assert bc201.message.id == "BC201.old-blst" and bc201.message.param("version") == "0.3.10"
    # a host without ADX gives no ADX to the assembly, whatever blst's version
    assert not any(c.rule == "BC201" for c in derive(result, host_features=SKYLAKE - {"adx"}))
    plan = fix_plan(causes)
    answer = flags_plan(plan, rustflags_after(result, plan), _env(tmp_path), blst="0.3.10")
    ids = {getattr(c, "id", "") for c in answer.changes}
    assert "flags.blst-old" in ids and "flags.blst" not in ids


def test_blst_reads_the_rustflags_as_its_build_script_does():
    from buildcheck import blst

    assert blst.follows_build_host("0.3.11", ["-C", "opt-level=3"])
    assert not blst.follows_build_host("0.3.11", ["-Ctarget-cpu=native"])
    assert blst.follows_build_host("0.3.10", ["-C", "target-cpu=x86-64-v3"])
    assert blst.newest(["0.3.9", "0.3.11", "0.3.10"]) == "0.3.11" and blst.newest([]) is None
