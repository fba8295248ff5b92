import os
import stat
import sys

import pytest
import tomlkit
from hypothesis import given, settings
from hypothesis import strategies as st

from buildcheck.errors import ConfigError, InputError
from buildcheck.recommend.rustflags import debug_flags_in
from buildcheck.recommend.config_edit import (
    SetKey,
    edit_config_file,
    edit_config_text,
    write_edited,
)
from buildcheck.recommend.edits import RemoveRustflags

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

DEBUG_OFF = SetKey(("profile", "release", "debug"), False)
STRIP = SetKey(("profile", "release", "strip"), "debuginfo")
BUILD_FLAGS = RemoveRustflags(("build", "rustflags"))


def edit(text, *edits):
    return edit_config_text(text, list(edits), path="/w/.cargo/config.toml", display_path=".cargo/config.toml")


def only_change(old: str, new: str, key_path, value):
    """The parsed new text equals the old with exactly one key changed."""
    before, after = tomllib.loads(old), tomllib.loads(new)
    node = before
    for key in key_path[:-1]:
        node = node.setdefault(key, {})
    node[key_path[-1]] = value
    assert after == before


def test_table_form_keeps_comments_and_layout():
    old = ("# my settings\n[build]\njobs = 4  # two cores\n\n[profile.release]\n"
           "# debug for perf\ndebug = true   # remove later\nlto = \"thin\"\n")
    result = edit(old, DEBUG_OFF)
    assert result.new_text == old.replace("debug = true   # remove later", "debug = false   # remove later")
    only_change(old, result.new_text, ("profile", "release", "debug"), False)
    assert result.applied == ("set profile.release.debug = false",)


def test_dotted_key_at_top_level_stays_dotted():
    old = "profile.release.debug = true # from a blog post\nbuild.jobs = 2\n"
    result = edit(old, DEBUG_OFF, STRIP)
    assert "profile.release.debug = false # from a blog post" in result.new_text
    assert 'profile.release.strip = "debuginfo"' in result.new_text
    assert "[profile" not in result.new_text
    after = tomllib.loads(result.new_text)
    assert after["profile"]["release"] == {"debug": False, "strip": "debuginfo"}


def test_inline_table():
    old = 'profile = { release = { debug = 2, opt-level = 3 } }\n'
    result = edit(old, DEBUG_OFF)
    assert tomllib.loads(result.new_text) == {"profile": {"release": {"debug": False, "opt-level": 3}}}
    assert result.new_text.count("\n") == 1  # still one line, still inline


def test_missing_table_is_added_without_touching_the_rest():
    old = "[build]\njobs = 2 # keep\n"
    result = edit(old, STRIP)
    assert result.new_text.startswith(old)
    only_change(old, result.new_text, ("profile", "release", "strip"), "debuginfo")


def test_rustflags_array_element_removed_with_comments_kept():
    old = ('[build]\nrustflags = [\n  "-C", "target-cpu=native", # cpu\n  "-g", # debug\n'
           '  "--cfg", "tokio_unstable", # runtime\n]\n')
    result = edit(old, BUILD_FLAGS)
    assert "# cpu" in result.new_text and "# runtime" in result.new_text
    assert '"-g"' not in result.new_text
    only_change(old, result.new_text, ("build", "rustflags"), ["-C", "target-cpu=native", "--cfg", "tokio_unstable"])


def test_rustflags_string_keeps_quoting_and_comment():
    old = "[build]\nrustflags = '-C target-cpu=native -g --cfg x' # lotus guide\n"
    result = edit(old, BUILD_FLAGS)
    assert result.new_text == "[build]\nrustflags = '-C target-cpu=native --cfg x' # lotus guide\n"


def test_split_debuginfo_option_removed_as_a_whole():
    old = '[build]\nrustflags = ["-C", "debuginfo=2", "-C", "opt-level=3"]\n'
    result = edit(old, BUILD_FLAGS)
    assert tomllib.loads(result.new_text)["build"]["rustflags"] == ["-C", "opt-level=3"]


def test_quoted_cfg_target_key():
    old = "[target.'cfg(unix)']\nrustflags = [\"-g\", \"-Clink-arg=-fuse-ld=lld\"]\n"
    result = edit(old, RemoveRustflags(("target", "cfg(unix)", "rustflags")))
    assert result.new_text == "[target.'cfg(unix)']\nrustflags = [\"-Clink-arg=-fuse-ld=lld\"]\n"
    assert result.applied == ('remove the debug flags from target."cfg(unix)".rustflags',)


def test_explicit_flag_list():
    old = '[build]\nrustflags = ["-g", "-C", "debuginfo=2"]\n'
    result = edit(old, RemoveRustflags(("build", "rustflags"), flags=("-g",)))
    assert tomllib.loads(result.new_text)["build"]["rustflags"] == ["-C", "debuginfo=2"]


def test_nothing_to_do_is_reported_as_skipped_with_empty_diff():
    old = "[profile.release]\ndebug = false\n"
    result = edit(old, DEBUG_OFF, BUILD_FLAGS)
    assert not result.changed and result.diff == ""
    assert len(result.skipped) == 2


def test_unified_diff_has_a_and_b_paths():
    result = edit("[profile.release]\ndebug = true\n", DEBUG_OFF)
    assert result.diff.splitlines()[:2] == ["--- a/.cargo/config.toml", "+++ b/.cargo/config.toml"]
    assert "-debug = true" in result.diff and "+debug = false" in result.diff


def test_crlf_file_stays_crlf():
    old = "[build]\r\nrustflags = \"-g\"\r\n"
    result = edit(old, BUILD_FLAGS, STRIP)
    assert "\n" not in result.new_text.replace("\r\n", "")
    assert tomllib.loads(result.new_text)["profile"]["release"]["strip"] == "debuginfo"


def test_broken_toml_is_a_config_error_with_a_line():
    with pytest.raises(ConfigError) as excinfo:
        edit("[build]\nrustflags = [\n", BUILD_FLAGS)
    assert "/w/.cargo/config.toml" in str(excinfo.value)


def test_editing_through_a_scalar_is_a_config_error():
    with pytest.raises(ConfigError, match="not a table"):
        edit("profile = 3\n", DEBUG_OFF)


@settings(max_examples=60, deadline=None)
@given(
    flags=st.lists(st.sampled_from(["-g", "-C", "debuginfo=2", "target-cpu=native", "--cfg", "x", "-Cdebuginfo=0",
                                    "-O", "a'b", 'q"q']), max_size=8),
    as_string=st.booleans(),
    comment=st.sampled_from(["", " # note"]),
)
def test_round_trip_changes_only_the_rustflags(flags, as_string, comment):
    if as_string:
        literal = tomlkit.string(" ".join(flags)).as_string()
        old = f"# head\n[build]\njobs = 1\nrustflags = {literal}{comment}\n[profile.dev]\ndebug = 1\n"
    else:
        array = tomlkit.item(flags).as_string()
        old = f"# head\n[build]\njobs = 1\nrustflags = {array}{comment}\n[profile.dev]\ndebug = 1\n"
    result = edit(old, BUILD_FLAGS)
    after = tomllib.loads(result.new_text)
    before = tomllib.loads(old)
    assert after["profile"] == before["profile"] and after["build"]["jobs"] == 1
    assert result.new_text.startswith("# head\n")
    if comment:
        assert "# note" in result.new_text
    kept = after["build"]["rustflags"]
    tokens = kept.split() if as_string else kept
    assert debug_flags_in(tokens) == []
    remaining = iter(flags)
    assert all(any(t == f for f in remaining) for t in tokens)  # a subsequence: the rest kept, in order


# --- writing ------------------------------------------------------------------------------

def test_write_is_atomic_with_backup_and_mode_kept(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[profile.release]\ndebug = true # x\n")
    os.chmod(config, 0o640)
    result = edit_config_file(config, [DEBUG_OFF])
    backup = write_edited(result)
    assert backup == tmp_path / "config.toml.bak"
    assert backup.read_text() == "[profile.release]\ndebug = true # x\n"
    assert config.read_text() == "[profile.release]\ndebug = false # x\n"
    assert stat.S_IMODE(config.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml", "config.toml.bak"]  # no temp left

    config.write_text("[profile.release]\ndebug = 2\n")
    second = write_edited(edit_config_file(config, [DEBUG_OFF]))
    assert second == tmp_path / "config.toml.bak.1"
    assert (tmp_path / "config.toml.bak").read_text().endswith("debug = true # x\n")  # first backup untouched


def test_write_refuses_when_the_file_changed_since_read(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[profile.release]\ndebug = true\n")
    result = edit_config_file(config, [DEBUG_OFF])
    config.write_text("[profile.release]\ndebug = true\nlto = true\n")
    with pytest.raises(InputError, match="changed since"):
        write_edited(result)
    assert "lto" in config.read_text()


def test_symlinked_config_is_edited_at_its_target(tmp_path):
    real = tmp_path / "real.toml"
    real.write_text("[profile.release]\ndebug = true\n")
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    write_edited(edit_config_file(link, [DEBUG_OFF]))
    assert link.is_symlink()
    assert "debug = false" in real.read_text()


def test_no_change_writes_nothing(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[profile.release]\ndebug = false\n")
    assert write_edited(edit_config_file(config, [DEBUG_OFF])) is None
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


def test_unreadable_and_non_utf8_files(tmp_path):
    with pytest.raises(InputError):
        edit_config_file(tmp_path / "missing.toml", [DEBUG_OFF])
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"[build]\nx = \"\xff\"\n")
    with pytest.raises(ConfigError, match="UTF-8"):
        edit_config_file(bad, [DEBUG_OFF])


def test_diff_headers_keep_absolute_paths_and_prefix_relative_ones(tmp_path):
    from buildcheck.recommend.config_edit import SetKey, edit_config_text

    text = "[profile.release]\ndebug = true\n"
    absolute = edit_config_text(text, [SetKey(("profile", "release", "debug"), False)], path="/home/op/.cargo/config.toml")
    assert absolute.diff.startswith("--- /home/op/.cargo/config.toml\n+++ /home/op/.cargo/config.toml\n")
    relative = edit_config_text(text, [SetKey(("profile", "release", "debug"), False)], path="/w/Cargo.toml",
                                display_path="Cargo.toml")
    assert relative.diff.startswith("--- a/Cargo.toml\n+++ b/Cargo.toml\n")


@pytest.mark.parametrize("key_path", [("profile", "release", "debug"), ("target", "cfg(unix)", "rustflags"),
                                      ("target", 'cfg(target_os = "linux")', "rustflags"),
                                      ("profile", "release", "package", "*", "debug"), ("a b", "c")])
def test_edit_spelling_matches_tomlkit(key_path):
    """recommend/edits.py spells keys and values without loading tomlkit; both must read back the same."""
    import tomlkit

    from buildcheck.recommend.edits import dotted, toml_value

    assert tomlkit.parse(f"{dotted(key_path)} = 1").unwrap() == tomlkit.parse(
        ".".join(tomlkit.key(k).as_string().strip() for k in key_path) + " = 1").unwrap()
    for value in (True, False, 0, 2, "debuginfo", 'a "quoted" \\ value'):
        assert tomlkit.parse(f"x = {toml_value(value)}")["x"] == value
