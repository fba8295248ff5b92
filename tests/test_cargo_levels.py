"""Debuginfo levels: cargo's profile spellings per version, rustc's flag parser."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version

from buildcheck.cargo.levels import (DEBUG_LEVELS, InvalidValue, debuginfo_from_flags, effective_debuginfo,
                                     parse_env_scalar, parse_profile_debug, parse_profile_strip, strip_from_flags)
from buildcheck.args.rustc import parse_debuginfo_value as parse_rustc_debuginfo

NEW, OLD = Version("1.95.0"), Version("1.65.0")


@pytest.mark.parametrize("value, level", [
    (True, "full"), (False, "none"), (0, "none"), (1, "limited"), (2, "full"),
    ("none", "none"), ("limited", "limited"), ("full", "full"),
    ("line-tables-only", "line-tables-only"), ("line-directives-only", "line-directives-only"),
])
def test_profile_debug_values_on_new_cargo(value, level):
    assert parse_profile_debug(value, NEW) == level


@pytest.mark.parametrize("value", ["limited", "full", "none", "line-tables-only"])
def test_old_cargo_rejects_string_debug(value):
    # cargo 1.65: "expected a boolean or an integer for key `profile.release.debug`" (checked)
    with pytest.raises(InvalidValue, match="boolean or an integer"):
        parse_profile_debug(value, OLD)


@pytest.mark.parametrize("value", [3, -1, "yes", "2", 1.5])
def test_invalid_debug_values(value):
    with pytest.raises(InvalidValue):
        parse_profile_debug(value, NEW)


def test_old_cargo_still_accepts_integers_and_bools():
    assert parse_profile_debug(1, OLD) == "limited"
    assert parse_profile_debug(True, OLD) == "full"


@pytest.mark.parametrize("value, strip", [(True, "symbols"), (False, "none"), ("debuginfo", "debuginfo"),
                                          ("symbols", "symbols"), ("none", "none")])
def test_strip_values(value, strip):
    assert parse_profile_strip(value) == strip


def test_strip_passes_unknown_strings_through():
    # cargo 1.95 passes `-C strip=everything` on and lets rustc reject it (checked)
    assert parse_profile_strip("everything") == "everything"
    with pytest.raises(InvalidValue):
        parse_profile_strip(3)


@pytest.mark.parametrize("flags, level", [
    (["-g"], "full"),
    (["-C", "debuginfo=1"], "limited"),
    (["-Cdebuginfo=line-tables-only"], "line-tables-only"),
    (["--codegen", "debuginfo=0"], "none"),
    (["--codegen=debuginfo=2"], "full"),
    (["-g", "-C", "debuginfo=0"], "none"),
    (["-C", "debuginfo=0", "-g"], "full"),
    (["-C", "target-cpu=native"], None),
    (["-C", "debuginfo=bogus"], None),  # rustc refuses to start: reported by the scan, never a level
    (["-Cdebuginfo=full"], "full"),
    (["-C"], None),
    (["--cfg", "-g"], None),  # the cfg's name, not rustc's -g
])
def test_debuginfo_from_flags(flags, level):
    found = debuginfo_from_flags(flags)
    assert (found[0] if found else None) == level


def test_profile_level_applies_without_rustflag_and_loses_to_one():
    assert effective_debuginfo("limited", ["-C", "opt-level=3"]) == "limited"
    assert effective_debuginfo("limited", ["-C", "debuginfo=0"]) == "none"
    assert effective_debuginfo("none", ["-g"]) == "full"


def test_strip_from_flags_takes_the_last():
    assert strip_from_flags(["-C", "strip=symbols", "-Cstrip=debuginfo"]) == "debuginfo"
    assert strip_from_flags(["-g"]) is None


_SPELLINGS = {level: [v for v in ("0", "1", "2", "none", "limited", "full", "line-tables-only",
                                  "line-directives-only") if parse_rustc_debuginfo(v) == level]
              for level in DEBUG_LEVELS}
_flag = st.one_of(
    st.sampled_from([["-g"], ["-O"], ["--cfg", "x"], ["--cfg", "-g"], ["-C", "opt-level=3"], ["-Ctarget-cpu=native"],
                     ["-L", "-g"]]),
    st.tuples(st.sampled_from(["-C ", "-C", "--codegen=", "--codegen "]),
              st.sampled_from(["0", "1", "2", "none", "limited", "full", "line-tables-only"]))
    .map(lambda t: (t[0].strip() + "debuginfo=" + t[1]).split(" ") if not t[0].endswith(" ")
         else [t[0].strip(), "debuginfo=" + t[1]]),
)


@given(st.lists(_flag, max_size=8), st.sampled_from(DEBUG_LEVELS))
def test_last_debuginfo_option_wins(groups, profile_level):
    """Model check: scanning the groups from the end, the first debuginfo-setting group decides."""
    flags = [f for group in groups for f in group]
    expected = profile_level
    for group in reversed(groups):
        joined = " ".join(group)
        if group == ["-g"]:
            expected = "full"
            break
        if "debuginfo=" in joined and group[0] not in ("--cfg", "-L"):
            expected = parse_rustc_debuginfo(joined.rsplit("=", 1)[1])
            break
    assert effective_debuginfo(profile_level, flags) == expected


@pytest.mark.parametrize("text, value", [
    ("2", 2), ("+2", 2), ("-1", -1), ("true", True), ("false", False),
    (" 2", " 2"), ("2 ", "2 "), ("1_0", "1_0"), ("\uff12", "\uff12"), ("0x10", "0x10"), ("True", "True"),
    ("9223372036854775808", "9223372036854775808"),
])
def test_env_values_are_typed_as_cargo_types_them(text, value):
    """Rust's i64::from_str: an optional sign and ASCII digits; anything else stays a string."""
    assert parse_env_scalar(text) == value and type(parse_env_scalar(text)) is type(value)


def test_a_spaced_integer_from_the_environment_is_no_debug_level():
    with pytest.raises(InvalidValue):
        parse_profile_debug(parse_env_scalar(" 2"), NEW)
