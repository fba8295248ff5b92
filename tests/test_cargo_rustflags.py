"""Rustflags tiers and cfg() target keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.version import Version

from buildcheck.cargo.cfg import cfg_for_triple, evaluate, parse_cfg_key
from buildcheck.cargo.env_config import ConfigReader
from buildcheck.cargo.layers import load_config
from buildcheck.cargo.rustflags import resolve_rustflags
from buildcheck.errors import ConfigError

HOST = "x86_64-unknown-linux-gnu"
NEW = Version("1.95.0")


def resolve(tmp_path: Path, config: str, env: dict[str, str], triple: str = HOST):
    (tmp_path / ".cargo").mkdir(exist_ok=True)
    (tmp_path / ".cargo/config.toml").write_text(config)
    loaded = load_config(cwd=tmp_path, env=env, config_args=(), cargo_version=NEW)
    return resolve_rustflags(ConfigReader(loaded.merged, env, NEW), env, triple)


CONFIG = '''[build]
rustflags = ["--cfg", "b"]
[target.x86_64-unknown-linux-gnu]
rustflags = ["--cfg", "t"]
[target.'cfg(unix)']
rustflags = ["--cfg", "u"]
[target.'cfg(all(target_os = "linux"))']
rustflags = ["--cfg", "a"]
[target.'cfg(windows)']
rustflags = ["--cfg", "w"]
'''


def test_target_tier_then_matching_cfg_keys_in_sorted_order(tmp_path):
    # cargo 1.95: `--cfg t --cfg envt --cfg a --cfg u` (checked)
    env = {"CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS": "--cfg envt"}
    got = resolve(tmp_path, CONFIG, env)
    assert got.tier == "target"
    assert list(got.winner.flags) == ["--cfg", "t", "--cfg", "envt", "--cfg", "a", "--cfg", "u"]
    assert [h.tier for h in got.hidden] == ["build"]


def test_empty_target_rustflags_fall_through_to_build(tmp_path):
    got = resolve(tmp_path, '[target.x86_64-unknown-linux-gnu]\nrustflags = []\n[build]\nrustflags = ["--cfg", "b"]\n',
                  {})
    assert got.tier == "build" and got.winner.flags == ("--cfg", "b")


@pytest.mark.parametrize("name, value, expected", [
    ("RUSTFLAGS", "", ()),
    ("RUSTFLAGS", "  -C   target-cpu=native  -g ", ("-C", "target-cpu=native", "-g")),
    ("CARGO_ENCODED_RUSTFLAGS", "", ()),
    ("CARGO_ENCODED_RUSTFLAGS", "-C\x1ftarget-cpu=native skylake", ("-C", "target-cpu=native skylake")),
])
def test_env_tiers_win_even_when_empty(tmp_path, name, value, expected):
    got = resolve(tmp_path, CONFIG, {name: value})
    assert got.tier == name
    assert got.winner.flags == expected
    assert got.flags.origin.env == name
    assert "target" in [h.tier for h in got.hidden]


def test_encoded_beats_rustflags(tmp_path):
    got = resolve(tmp_path, CONFIG, {"CARGO_ENCODED_RUSTFLAGS": "", "RUSTFLAGS": "-g"})
    assert got.tier == "CARGO_ENCODED_RUSTFLAGS" and got.winner.flags == ()
    assert got.hidden[0].tier == "RUSTFLAGS"


def test_string_rustflags_are_split_and_keep_their_line(tmp_path):
    got = resolve(tmp_path, '\n[build]\nrustflags = "-C target-cpu=native  -g"\n', {})
    assert got.winner.flags == ("-C", "target-cpu=native", "-g")
    assert {i.origin.line for i in got.winner.items} == {3}


def test_non_string_rustflags_item_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError):
        resolve(tmp_path, "[build]\nrustflags = [1]\n", {})


def test_nothing_set(tmp_path):
    got = resolve(tmp_path, "", {})
    assert got.tier == "none" and got.winner.flags == () and got.hidden == ()


@pytest.mark.parametrize("key, triple, expected", [
    ("cfg(unix)", HOST, True),
    ("cfg(windows)", HOST, False),
    ('cfg(target_os = "linux")', HOST, True),
    ('cfg(all(unix, target_pointer_width = "64", target_endian = "little"))', HOST, True),
    ('cfg(any(target_os = "macos", target_env = "musl"))', "x86_64-unknown-linux-musl", True),
    ('cfg(not(target_arch = "x86_64"))', "aarch64-unknown-linux-gnu", True),
    ('cfg(target_vendor = "apple")', "aarch64-apple-darwin", True),
    ('cfg(target_os = "macos")', "aarch64-apple-darwin", True),
    ('cfg(target_family = "windows")', "x86_64-pc-windows-msvc", True),
    ('cfg(target_pointer_width = "32")', "i686-unknown-linux-gnu", True),
    ("cfg(debug_assertions)", HOST, True),  # rustc --print cfg has it: matches even for --release (checked)
    ('cfg(target_feature = "sse2")', HOST, True),
    ('cfg(target_feature = "avx2")', HOST, False),
    ('cfg(panic = "unwind")', HOST, True),
    ("cfg(all())", HOST, True),
    ("cfg(any())", HOST, False),
])
def test_cfg_evaluation(key, triple, expected):
    assert evaluate(parse_cfg_key(key), cfg_for_triple(triple)) is expected


@pytest.mark.parametrize("key", ["cfg(", "cfg(all(unix)", "cfg(not(a, b))", 'cfg(a = b)', "cfg(unix windows)"])
def test_malformed_cfg_is_a_config_error(key):
    with pytest.raises(ConfigError):
        parse_cfg_key(key + ")" if not key.endswith(")") else key)


def test_non_cfg_key_is_not_an_expression():
    assert parse_cfg_key("x86_64-unknown-linux-gnu") is None


def test_opt_level_in_the_other_tiers_turns_debug_assertions_off_for_cfg_keys(tmp_path):
    config = ('[build]\nrustflags = ["-Copt-level=2"]\n[target.\'cfg(debug_assertions)\']\nrustflags = ["--cfg", "da"]\n'
              '[target.\'cfg(unix)\']\nrustflags = ["--cfg", "u"]\n')
    got = resolve(tmp_path, config, {})
    assert got.winner.flags == ("--cfg", "u")
    got = resolve(tmp_path, config.replace("-Copt-level=2", "-Copt-level=0"), {})
    assert got.winner.flags == ("--cfg", "da", "--cfg", "u")
