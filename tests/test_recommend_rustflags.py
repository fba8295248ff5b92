import shutil
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from buildcheck.recommend.rustflags import (
    debug_flags_in,
    ensure_native_cpu,
    join_flags,
    remove_debug_flags,
    replace_target_cpu,
    split_flags,
    target_cpu_of,
)


@pytest.mark.parametrize(
    ("flags", "kept"),
    [
        (["-C", "target-cpu=native", "-g"], ["-C", "target-cpu=native"]),
        (["-g", "--cfg", "tokio_unstable", "-g"], ["--cfg", "tokio_unstable"]),
        (["-Cdebuginfo=2", "-O"], ["-O"]),
        (["-C", "debuginfo=1", "--cfg", "x"], ["--cfg", "x"]),
        (["--codegen", "debuginfo=full"], []),
        (["--codegen=debuginfo=line-tables-only", "-Copt-level=3"], ["-Copt-level=3"]),
        (["-C", "debuginfo=limited"], []),
        (["-Cdebuginfo=bogus"], []),  # rustc rejects it; removing it cannot turn debug info on
        # disablers stay: they may be what overrides a profile's debug = true
        (["-C", "debuginfo=0"], ["-C", "debuginfo=0"]),
        (["-Cdebuginfo=none", "-g"], ["-Cdebuginfo=none"]),
        # strip=none undoes cargo's strip; other strip values stay
        (["-C", "strip=none", "-Cstrip=symbols"], ["-Cstrip=symbols"]),
        (["-C", "split-debuginfo=packed"], ["-C", "split-debuginfo=packed"]),
        (["-Z", "dwarf-version=4"], ["-Z", "dwarf-version=4"]),
        # a `-C` whose value is another option is not a debug flag
        (["-C", "link-arg=-g"], ["-C", "link-arg=-g"]),
        (["-C"], ["-C"]),
        (["-gx"], ["-gx"]),
    ],
)
def test_remove_debug_flags(flags, kept):
    assert list(remove_debug_flags(flags).kept) == kept


def test_removed_flags_are_reported_with_their_written_form():
    cleaned = remove_debug_flags(["-C", "debuginfo=2", "--cfg", "a", "-g"])
    assert [r.tokens for r in cleaned.removed] == [("-C", "debuginfo=2"), ("-g",)]
    assert all(r.reason for r in cleaned.removed)


def test_split_debuginfo_is_kept_with_a_note():
    cleaned = remove_debug_flags(["-Csplit-debuginfo=unpacked"])
    assert cleaned.kept == ("-Csplit-debuginfo=unpacked",)
    assert "split-debuginfo" in cleaned.notes[0]


def test_debug_flags_in():
    assert debug_flags_in(["-C", "target-cpu=native", "-g", "-Cdebuginfo=0"]) == [("-g",)]


def test_split_and_join_per_variable():
    assert split_flags("RUSTFLAGS", "  -C  target-cpu=native -g ") == ["-C", "target-cpu=native", "-g"]
    assert split_flags("CARGO_ENCODED_RUSTFLAGS", "--cfg\x1ffeature=\"a b\"") == ["--cfg", 'feature="a b"']
    assert split_flags("CARGO_ENCODED_RUSTFLAGS", "") == []
    assert join_flags("CARGO_ENCODED_RUSTFLAGS", ["a", "b c"]) == "a\x1fb c"
    assert join_flags("RUSTFLAGS", ["a", "b"]) == "a b"


def test_target_cpu_last_one_wins_in_every_spelling():
    assert target_cpu_of(["-C", "target-cpu=native", "-Ctarget-cpu=znver3"]) == "znver3"
    assert target_cpu_of(["--codegen", "target-cpu=x86-64-v3"]) == "x86-64-v3"
    assert target_cpu_of(["-g"]) is None


def test_ensure_native_cpu_does_not_duplicate_or_override():
    assert ensure_native_cpu(["-g"]) == ("-g", "-C", "target-cpu=native")
    assert ensure_native_cpu(["-Ctarget-cpu=native"]) == ("-Ctarget-cpu=native",)
    assert ensure_native_cpu(["-C", "target-cpu=x86-64-v3"]) == ("-C", "target-cpu=x86-64-v3")


def test_replace_target_cpu():
    assert replace_target_cpu(["-C", "target-cpu=native", "--cfg", "a"], ["-C", "target-cpu=x86-64-v3"]) == (
        "--cfg", "a", "-C", "target-cpu=x86-64-v3")


flag_token = st.one_of(
    st.sampled_from(["-g", "-C", "--codegen", "debuginfo=2", "debuginfo=0", "-Cdebuginfo=1", "--cfg",
                     "tokio_unstable", "target-cpu=native", "-O", "-Z", "-Cstrip=none"]),
    st.text(alphabet="-=abcgC0123", min_size=1, max_size=8),
)


@given(st.lists(flag_token, max_size=12))
def test_cleaning_is_idempotent_and_leaves_no_debug_flag(flags):
    cleaned = remove_debug_flags(flags).kept
    assert debug_flags_in(cleaned) == []
    assert remove_debug_flags(cleaned).kept == cleaned
    # kept tokens are a subsequence of the input: nothing invented, order kept
    it = iter(flags)
    assert all(any(token == other for other in it) for token in cleaned)


RUSTC = shutil.which("rustc")


@pytest.mark.toolchain
@pytest.mark.skipif(RUSTC is None or shutil.which("readelf") is None, reason="needs rustc and readelf")
@pytest.mark.parametrize("flags", [
    ["-g", "--cfg", "tokio_unstable"],
    ["-C", "debuginfo=2"],
    ["--codegen=debuginfo=1"],
    ["-Cdebuginfo=line-tables-only", "-g"],
])
def test_rustc_emits_no_debug_info_after_cleaning(tmp_path, flags):
    """The flags we remove are the ones rustc obeys: before cleaning there is DWARF, after there is none."""
    src = tmp_path / "m.rs"
    src.write_text("fn main() { println!(\"hi\"); }\n")

    def debug_sections(extra: list[str]) -> bool:
        out = tmp_path / "m"
        subprocess.run([RUSTC, *extra, "-C", "strip=none", str(src), "-o", str(out)],
                       check=True, capture_output=True, timeout=120)
        sections = subprocess.run(["readelf", "-S", "-W", str(out)], capture_output=True, text=True, check=True).stdout
        # the prebuilt std carries its own DWARF, so compare the unit count our crate adds instead:
        return ".debug_info" in sections and _our_crate_has_dwarf(out)

    assert debug_sections(flags)
    assert not debug_sections(list(remove_debug_flags(flags).kept))


def _our_crate_has_dwarf(binary) -> bool:
    dump = subprocess.run(["readelf", "--debug-dump=info", str(binary)], capture_output=True, text=True).stdout
    return "m.rs" in dump


def test_rustflags_split_on_spaces_only_as_cargo_does():
    # Checked with cargo 1.95: RUSTFLAGS=$'--cfg\tfoo  --cfg bar' passes '--cfg\tfoo' to rustc as one argument.
    assert split_flags("RUSTFLAGS", "--cfg\tfoo  --cfg bar") == ["--cfg\tfoo", "--cfg", "bar"]
    assert split_flags("CARGO_BUILD_RUSTFLAGS", "--cfg\tfoo") == ["--cfg", "foo"]
