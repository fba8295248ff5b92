"""The harness itself: the rustc command-line reader and the generator must be right before cargo is compared.

These run without cargo: they pin down the parsing of real `cargo build -v`
lines (copied from cargo 1.95 and 1.65 output) and the seed reproducibility.
"""

from __future__ import annotations

import pytest

from .configgen import generate
from .rustc_argv import normalize_level, parse_running_lines, split_host_and_target
from .runner import cargo_part

# Real lines from `cargo build -v --release` (cargo 1.95) of the generated workspace, RUSTFLAGS="--cfg bc_x -g".
STABLE_LINES = """\
   Compiling bdep v0.1.0 (/tmp/exp1/ws/bdep)
     Running `/r/bin/rustc --crate-name bdep --edition=2021 bdep/src/lib.rs --error-format=json --crate-type lib --emit=dep-info,metadata,link -C embed-bitcode=no -C debug-assertions=off --check-cfg 'cfg(docsrs,test)' --check-cfg 'cfg(feature, values())' -C metadata=88972ad058888eb5 -C extra-filename=-3c70fd9029a843b7 --out-dir /t/release/deps -C strip=debuginfo -L dependency=/t/release/deps --cfg bc_x -g`
     Running `/r/bin/rustc --crate-name dep --edition=2021 dep/src/lib.rs --error-format=json --crate-type lib --emit=dep-info,metadata,link -C opt-level=3 -C embed-bitcode=no -C metadata=bb0fa2dfbeb3fe90 -C extra-filename=-deff270d131b7a8b --out-dir /t/release/deps -C strip=debuginfo -L dependency=/t/release/deps --cfg bc_x -g`
     Running `/r/bin/rustc --crate-name build_script_build --edition=2021 app/build.rs --error-format=json --crate-type bin --emit=dep-info,link -C embed-bitcode=no -C debug-assertions=off -C metadata=81f863f579dc3ee5 -C extra-filename=-3385aeb2ba054010 --out-dir /t/release/build/app-3385aeb2ba054010 -C strip=debuginfo -L dependency=/t/release/deps --extern bdep=/t/release/deps/libbdep-3c70fd9029a843b7.rlib --cfg bc_x -g`
     Running `/t/release/build/app-3385aeb2ba054010/build-script-build`
     Running `/r/bin/rustc --crate-name app --edition=2021 app/src/main.rs --error-format=json --crate-type bin --emit=dep-info,link -C opt-level=3 -C embed-bitcode=no -C metadata=e45ba826303ab868 -C extra-filename=-4b4ac7452256e9d5 --out-dir /t/release/deps -C strip=debuginfo -L dependency=/t/release/deps --extern dep=/t/release/deps/libdep-deff270d131b7a8b.rlib --cfg bc_x -g`
    Finished `release` profile [optimized] target(s) in 0.35s
"""

# cargo 1.65 with --target: target units carry --target, host units do not; bdep is built for both.
DEBIAN_TARGET_LINES = """\
     Running `/usr/bin/rustc --crate-name bdep --edition=2021 bdep/src/lib.rs --crate-type lib -C embed-bitcode=no -C debug-assertions=off -C metadata=b4ae -C extra-filename=-b4aef871ce7dbd35 --out-dir /t/release/deps -L dependency=/t/release/deps`
     Running `/usr/bin/rustc --crate-name build_script_build --edition=2021 app/build.rs --crate-type bin -C embed-bitcode=no -C metadata=6c33 -C extra-filename=-6c3307ca71b2309a --out-dir /t/release/build/app-6c3307ca71b2309a -L dependency=/t/release/deps --extern bdep=/t/release/deps/libbdep-b4aef871ce7dbd35.rlib`
     Running `/usr/bin/rustc --crate-name bdep --edition=2021 bdep/src/lib.rs --crate-type lib -C opt-level=3 -C debuginfo=1 -C metadata=a7f4 -C extra-filename=-a7f48b556a88c0d0 --out-dir /t/x86_64-unknown-linux-gnu/release/deps --target x86_64-unknown-linux-gnu -L dependency=/t/release/deps --cfg bc_env -Cdebuginfo=0`
"""


def test_units_are_named_by_package_and_role():
    units = split_host_and_target(parse_running_lines(STABLE_LINES))
    assert set(units) == {("bdep", True), ("dep", False), ("app", True), ("app", False)}
    assert units[("app", True)].is_build_script
    assert all(call.final_debuginfo == "full" for call in units.values())   # -g comes last
    assert all(call.cargo_strip == "debuginfo" for call in units.values())
    assert units[("dep", False)].marker_flags("bc_") == ("bc_x",)


def test_host_units_found_through_externs_with_target():
    units = split_host_and_target(parse_running_lines(DEBIAN_TARGET_LINES))
    assert set(units) == {("bdep", True), ("app", True), ("bdep", False)}
    target_bdep = units[("bdep", False)]
    assert target_bdep.has_target_flag and not units[("bdep", True)].has_target_flag
    # The profile said limited, the rustflags said 0: rustc uses the last one.
    assert target_bdep.final_debuginfo == "none"
    assert cargo_part(target_bdep)[-1] == "dependency=/t/release/deps"
    from dataclasses import replace
    assert replace(target_bdep, argv=cargo_part(target_bdep)).final_debuginfo == "limited"
    assert target_bdep.cargo_strip == "none"


def test_debuginfo_spellings():
    line = "     Running `rustc --crate-name a a.rs -C debuginfo=2 -Cdebuginfo=1 --codegen debuginfo=line-tables-only`\n"
    (call,) = parse_running_lines(line)
    assert call.final_debuginfo == "line-tables-only"
    (call,) = parse_running_lines("     Running `rustc --crate-name a a.rs -g -Cdebuginfo=0`\n")
    assert call.final_debuginfo == "none"
    (call,) = parse_running_lines("     Running `rustc --crate-name a a.rs -Cdebuginfo=0 -g -C strip=symbols`\n")
    assert call.final_debuginfo == "full" and call.cargo_strip == "symbols"


@pytest.mark.parametrize("raw, level", [("0", "none"), ("false", "none"), ("1", "limited"), ("2", "full"),
                                        ("true", "full"), ('"limited"', "limited"), ("3", "full"),
                                        ("line-directives-only", "line-directives-only")])
def test_normalize_level(raw, level):
    assert normalize_level(raw) == level


def test_normalize_level_rejects_nonsense():
    with pytest.raises(ValueError):
        normalize_level("bogus")


SHARED_DEP_LINES = """\
     Running `rustc --crate-name dep dep/src/lib.rs --crate-type lib -C extra-filename=-aaaa --out-dir /t/release/deps`
     Running `rustc --crate-name build_script_build build.rs -C extra-filename=-bbbb --out-dir /t/release/build/app-bbbb --extern dep=/t/release/deps/libdep-aaaa.rlib`
     Running `rustc --crate-name app src/main.rs --crate-type bin -C extra-filename=-cccc --out-dir /t/release/deps --extern dep=/t/release/deps/libdep-aaaa.rlib`
"""


def test_one_call_shared_by_host_and_target_answers_for_both():
    units = split_host_and_target(parse_running_lines(SHARED_DEP_LINES))
    assert set(units) == {("dep", True), ("dep", False), ("app", True), ("app", False)}
    assert units[("dep", True)] is units[("dep", False)]


PROC_MACRO_LINES = """\
     Running `rustc --crate-name dep dep/src/lib.rs --crate-type lib -C extra-filename=-aaaa --out-dir /t/release/deps`
     Running `rustc --crate-name pm pm/src/lib.rs --crate-type proc-macro -C extra-filename=-pppp --out-dir /t/release/deps --extern proc_macro`
     Running `rustc --crate-name app src/main.rs --crate-type bin -C extra-filename=-cccc --out-dir /t/release/deps --extern dep=/t/release/deps/libdep-aaaa.rlib --extern pm=/t/release/deps/libpm-pppp.so`
"""


def test_proc_macros_are_host_units_even_when_the_binary_links_them():
    units = split_host_and_target(parse_running_lines(PROC_MACRO_LINES))
    assert set(units) == {("dep", False), ("pm", True), ("app", False)}


def test_two_calls_for_one_unit_are_refused():
    doubled = SHARED_DEP_LINES.splitlines()[0] + "\n"
    with pytest.raises(AssertionError):
        split_host_and_target(parse_running_lines(doubled + doubled.replace("-aaaa", "-dddd")))


def test_same_seed_same_case_and_seeds_differ():
    assert generate(17) == generate(17)
    assert generate(17, (1, 65)) == generate(17, (1, 65))
    assert len({generate(seed) for seed in range(20)}) == 20


def test_every_rustflags_source_carries_its_marker():
    # The comparison finds the rustflags tail by its first marker, so no generated rustflags may lack one.
    for seed in range(200):
        case = generate(seed)
        for name, value in case.env:
            if name.endswith("RUSTFLAGS") and value.strip():
                assert value.replace("\x1f", " ").split()[:2][1].startswith("bc_"), (seed, name, value)
                assert value.split()[0] == "--cfg", (seed, name, value)
        for path, text in case.files:
            for line in text.splitlines():
                if "rustflags = " in line:
                    value = line.split("rustflags = ", 1)[1].strip()
                    assert value in ("[]", '""') or "bc_" in value, (seed, path, line)
