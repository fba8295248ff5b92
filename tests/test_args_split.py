"""How cargo splits rustflags text: RUSTFLAGS on spaces with each piece trimmed, config strings on Rust whitespace."""

from __future__ import annotations

import pytest

from buildcheck.args.split import join_for_variable, rust_trim, split_variable, split_whitespace


@pytest.mark.parametrize("value, flags", [
    ("-C target-cpu=native -g\n", ["-C", "target-cpu=native", "-g"]),  # a `$(cat file)` away
    ("  -g  ", ["-g"]),
    ("-C\ttarget-cpu=native", ["-C\ttarget-cpu=native"]),  # a tab is not a separator, only trimmed at the ends
    ("-g\u00a0", ["-g"]),
    ("", []),
])
def test_rustflags_split_on_spaces_and_trim_each_piece(value, flags):
    assert split_variable("RUSTFLAGS", value) == flags


def test_encoded_rustflags_split_on_unit_separator_only():
    assert split_variable("CARGO_ENCODED_RUSTFLAGS", "-C\x1ftarget-cpu=native x") == ["-C", "target-cpu=native x"]
    assert split_variable("CARGO_ENCODED_RUSTFLAGS", "") == []


def test_config_backed_variables_split_on_any_rust_whitespace():
    assert split_variable("CARGO_BUILD_RUSTFLAGS", "-C\ttarget-cpu=native\n-g") == ["-C", "target-cpu=native", "-g"]


def test_rust_whitespace_is_not_pythons():
    # Python's isspace counts the information separators 0x1c-0x1f; Rust's is_whitespace does not.
    assert rust_trim("\x1f-g\x1f") == "\x1f-g\x1f"
    assert split_whitespace("a\x1fb c") == ["a\x1fb", "c"]


def test_join_reads_back():
    flags = ["-C", "target-cpu=native", "--cfg", "a"]
    for name in ("RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS"):
        assert split_variable(name, join_for_variable(name, flags)) == flags
