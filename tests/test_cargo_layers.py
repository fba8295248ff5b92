"""Config discovery, merge rules, include and --config, as cargo does them (facts checked with cargo 1.65/1.95)."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.version import Version

from buildcheck.cargo.discover import config_files, find_workspace
from buildcheck.cargo.env_config import ConfigReader
from buildcheck.cargo.layers import load_config, parse_config_argument
from buildcheck.errors import ConfigError

NEW, OLD = Version("1.95.0"), Version("1.65.0")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def tree(tmp_path):
    """home/, top/.cargo/config.toml, top/proj/.cargo/config.toml, cwd = top/proj."""
    write(tmp_path / "home/config.toml", '[build]\nrustflags = ["--cfg", "home"]\n')
    write(tmp_path / "top/.cargo/config.toml", '[build]\nrustflags = ["--cfg", "shallow"]\n[profile.release]\ndebug = 1\n')
    write(tmp_path / "top/proj/.cargo/config.toml", '[build]\nrustflags = ["--cfg", "deep"]\n\n[profile.release]\n'
          'debug = true\n')
    return tmp_path


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"CARGO_HOME": str(tmp_path / "home"), "HOME": str(tmp_path / "nohome"), **extra}


def flags(loaded, env, version):
    return [i.value for i in ConfigReader(loaded.merged, env, version).string_list(("build", "rustflags"))]


def test_walk_order_and_cargo_home_last(tree):
    found = config_files(tree / "top/proj", env_for(tree))
    assert [f.path for f in found][:3] == [tree / "top/proj/.cargo/config.toml", tree / "top/.cargo/config.toml",
                                          tree / "home/config.toml"]
    assert found[2].is_cargo_home


def test_cargo_home_inside_the_walk_is_read_once(tree):
    env = {"CARGO_HOME": str(tree / "top/.cargo")}
    found = [f.path for f in config_files(tree / "top/proj", env)]
    assert found.count(tree / "top/.cargo/config.toml") == 1


def test_relative_cargo_home_joins_the_cwd(tree):
    write(tree / "top/proj/rel/config.toml", "[build]\njobs = 1\n")
    found = [f.path for f in config_files(tree / "top/proj", {"CARGO_HOME": "rel"})]
    assert found[-1] == tree / "top/proj/rel/config.toml"


def test_deeper_scalar_wins_and_remembers_the_overridden_one(tree):
    loaded = load_config(cwd=tree / "top/proj", env=env_for(tree), config_args=(), cargo_version=NEW)
    debug = ConfigReader(loaded.merged, {}, NEW).scalar(("profile", "release", "debug"))
    assert debug.value is True
    assert debug.origin.path == str(tree / "top/proj/.cargo/config.toml") and debug.origin.line == 5
    assert debug.overridden[0].value == 1 and debug.overridden[0].origin.line == 4


def test_list_order_depends_on_the_cargo_version(tree):
    # cargo 1.65: `--cfg deep --cfg shallow`; cargo 1.95: `--cfg shallow --cfg deep` (checked)
    new = load_config(cwd=tree / "top/proj", env=env_for(tree), config_args=(), cargo_version=NEW)
    old = load_config(cwd=tree / "top/proj", env=env_for(tree), config_args=(), cargo_version=OLD)
    assert flags(new, {}, NEW) == ["--cfg", "home", "--cfg", "shallow", "--cfg", "deep"]
    assert flags(old, {}, OLD) == ["--cfg", "deep", "--cfg", "shallow", "--cfg", "home"]


def test_env_and_cli_list_order(tree):
    env = env_for(tree, CARGO_BUILD_RUSTFLAGS="--cfg env")
    cli = ['build.rustflags = ["--cfg", "cli"]']
    new = load_config(cwd=tree / "top/proj", env=env, config_args=cli, cargo_version=NEW)
    old = load_config(cwd=tree / "top/proj", env=env, config_args=cli, cargo_version=OLD)
    # 1.95: files, env, cli; 1.65: files, cli, env (checked)
    assert flags(new, env, NEW)[-4:] == ["--cfg", "env", "--cfg", "cli"]
    assert flags(old, env, OLD)[-4:] == ["--cfg", "cli", "--cfg", "env"]


def test_merge_conflict_is_a_config_error(tree):
    write(tree / "top/proj/.cargo/config.toml", '[build]\nrustflags = "-g"\n')
    with pytest.raises(ConfigError, match=r"expected string, but found array|expected array, but found string"):
        load_config(cwd=tree / "top/proj", env=env_for(tree), config_args=(), cargo_version=NEW)


def test_table_against_scalar_names_both_files(tree):
    write(tree / "top/proj/.cargo/config.toml", "[profile.release]\ndebug = { a = 1 }\n")
    with pytest.raises(ConfigError) as info:
        load_config(cwd=tree / "top/proj", env=env_for(tree), config_args=(), cargo_version=NEW)
    text = str(info.value)
    assert "failed to merge config value from" in text and "expected table, but found integer" in text
    assert str(tree / "top/.cargo/config.toml") in text


def test_scalars_of_different_types_do_not_conflict(tree):
    write(tree / "top/proj/.cargo/config.toml", "[profile.release]\ndebug = 2\n")
    loaded = load_config(cwd=tree / "top/proj", env=env_for(tree), config_args=(), cargo_version=NEW)
    assert ConfigReader(loaded.merged, {}, NEW).scalar(("profile", "release", "debug")).value == 2


def test_legacy_config_shadows_config_toml(tmp_path):
    write(tmp_path / ".cargo/config", '[build]\nrustflags = ["-g"]\n')
    write(tmp_path / ".cargo/config.toml", '[build]\nrustflags = ["-Cdebuginfo=1"]\n')
    loaded = load_config(cwd=tmp_path, env={}, config_args=(), cargo_version=NEW)
    assert flags(loaded, {}, NEW) == ["-g"]
    assert loaded.shadowed == ((tmp_path / ".cargo/config", tmp_path / ".cargo/config.toml"),)


def test_include_is_loaded_before_the_including_file(tmp_path):
    write(tmp_path / ".cargo/config.toml", 'include = ["extra.toml"]\n[build]\nrustflags = ["-Cdebuginfo=1"]\n')
    write(tmp_path / ".cargo/extra.toml", '[build]\nrustflags = ["-g"]\n[profile.release]\ndebug = 1\n')
    loaded = load_config(cwd=tmp_path, env={}, config_args=(), cargo_version=NEW)
    # cargo 1.95 passes `-g -Cdebuginfo=1` (checked)
    assert flags(loaded, {}, NEW) == ["-g", "-Cdebuginfo=1"]
    assert [layer.kind for layer in loaded.layers] == ["include", "file"]


def test_include_is_ignored_by_old_cargo(tmp_path):
    write(tmp_path / ".cargo/config.toml", 'include = ["extra.toml"]\n[build]\nrustflags = ["-Cdebuginfo=1"]\n')
    write(tmp_path / ".cargo/extra.toml", '[build]\nrustflags = ["-g"]\n')
    loaded = load_config(cwd=tmp_path, env={}, config_args=(), cargo_version=OLD)
    assert flags(loaded, {}, OLD) == ["-Cdebuginfo=1"]  # cargo 1.65 (checked)
    assert loaded.ignored_includes == ((tmp_path / ".cargo/config.toml", 1),)


def test_include_cycle_and_missing_include(tmp_path):
    write(tmp_path / ".cargo/config.toml", 'include = ["a.toml"]\n')
    write(tmp_path / ".cargo/a.toml", 'include = ["config.toml"]\n')
    with pytest.raises(ConfigError, match="cycle"):
        load_config(cwd=tmp_path, env={}, config_args=(), cargo_version=NEW)
    write(tmp_path / ".cargo/config.toml", 'include = ["missing.toml", {path = "opt.toml", optional = true}]\n')
    with pytest.raises(ConfigError, match="missing.toml"):
        load_config(cwd=tmp_path, env={}, config_args=(), cargo_version=NEW)


@pytest.mark.parametrize("argument", ["profile.release.debug = 2", "build.rustflags=['-g']",
                                      "target.'cfg(unix)'.rustflags = []"])
def test_config_argument_accepts_one_dotted_assignment(argument):
    assert parse_config_argument(argument).data


@pytest.mark.parametrize("argument", ["a = 1\nb = 2", "[profile.release]\ndebug = 2", "profile = { release = 1 }",
                                      "just-a-missing-file.toml", "a = ", "a = 1 b = 2"])
def test_config_argument_rejects_anything_else(argument):
    with pytest.raises(ConfigError, match="not a TOML dotted key expression"):
        parse_config_argument(argument)


def test_config_argument_that_is_a_file_is_loaded(tmp_path):
    write(tmp_path / "extra.toml", "[profile.release]\ndebug = 1\n")
    loaded = load_config(cwd=tmp_path, env={}, config_args=("extra.toml",), cargo_version=NEW)
    assert loaded.layers[-1].kind == "cli-file"
    assert ConfigReader(loaded.merged, {}, NEW).scalar(("profile", "release", "debug")).value == 1


def test_cli_beats_env_beats_file(tree):
    env = env_for(tree, CARGO_PROFILE_RELEASE_DEBUG="limited")
    loaded = load_config(cwd=tree / "top/proj", env=env, config_args=(), cargo_version=NEW)
    got = ConfigReader(loaded.merged, env, NEW).scalar(("profile", "release", "debug"))
    assert got.value == "limited" and got.origin.env == "CARGO_PROFILE_RELEASE_DEBUG"
    loaded = load_config(cwd=tree / "top/proj", env=env, config_args=("profile.release.debug = 0",),
                         cargo_version=NEW)
    got = ConfigReader(loaded.merged, env, NEW).scalar(("profile", "release", "debug"))
    assert got.value == 0 and got.origin.kind == "cli"


# -- workspace root ------------------------------------------------------------------------------

def manifest(path: Path, name: str | None, extra: str = "") -> None:
    package = f'[package]\nname = "{name}"\nversion = "0.1.0"\n' if name else ""
    write(path / "Cargo.toml", package + extra)


def test_member_finds_the_parent_workspace(tmp_path):
    manifest(tmp_path, "root", '[workspace]\nmembers = ["crates/*"]\n')
    manifest(tmp_path / "crates/a", "a")
    ws = find_workspace(tmp_path / "crates/a/src")
    assert ws.root == tmp_path
    assert tmp_path.resolve() / "crates/a" in ws.members


def test_excluded_package_is_its_own_root(tmp_path):
    manifest(tmp_path, None, '[workspace]\nmembers = []\nexclude = ["tools"]\n')
    manifest(tmp_path / "tools/x", "x")
    assert find_workspace(tmp_path / "tools/x").root == tmp_path / "tools/x"


def test_package_workspace_key_points_at_the_root(tmp_path):
    manifest(tmp_path / "ws", None, '[workspace]\nmembers = ["../elsewhere"]\n')
    manifest(tmp_path / "elsewhere", "e", "")
    write(tmp_path / "elsewhere/Cargo.toml", '[package]\nname = "e"\nversion = "0.1.0"\nworkspace = "../ws"\n')
    assert find_workspace(tmp_path / "elsewhere").root == (tmp_path / "ws").resolve()


def test_unlisted_package_under_a_workspace_is_an_error(tmp_path):
    manifest(tmp_path, None, '[workspace]\nmembers = []\n')
    manifest(tmp_path / "stray", "stray")
    with pytest.raises(ConfigError, match="believes it's in a workspace"):
        find_workspace(tmp_path / "stray")


def test_no_manifest_means_no_workspace(tmp_path):
    assert find_workspace(tmp_path) is None
