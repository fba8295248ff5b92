"""recommend.from_scan: which config-file values are causes, which key each edit targets, env causes, the plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from buildcheck.cargo.scan import scan
from buildcheck.recommend.config_edit import RemoveRustflags, SetKey, edit_config_file
from buildcheck.recommend.from_scan import (config_causes, edits_by_file, env_causes, flags_plan, needs_strip,
                                            scanned_files)

MANIFEST = '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n'


@pytest.fixture
def tree(tmp_path):
    """tmp/home (CARGO_HOME), tmp/parent/.cargo, tmp/parent/ws (the workspace)."""
    ws = tmp_path / "parent" / "ws"
    (ws / "src").mkdir(parents=True)
    (ws / "src" / "main.rs").write_text("fn main() {}\n")
    (ws / "Cargo.toml").write_text(MANIFEST)
    (tmp_path / "home").mkdir()
    return tmp_path


def env_for(tree: Path, version: str = "1.95.0", **extra: str) -> dict[str, str]:
    return {"HOME": str(tree / "user"), "CARGO_HOME": str(tree / "home"), "RUSTUP_TOOLCHAIN": version, **extra}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def run_scan(tree: Path, version: str = "1.95.0", **extra: str):
    return scan(cwd=tree / "parent" / "ws", env=env_for(tree, version, **extra))


def test_parent_config_debug_line_3(tree):
    config = write(tree / "parent" / ".cargo" / "config.toml", "# shared\n[profile.release]\ndebug = true\n")
    (cause,) = config_causes(run_scan(tree))
    assert (cause.path, cause.origin.line, cause.rule, cause.effective) == (str(config), 3, "BC002", True)
    assert cause.edit == SetKey(("profile", "release", "debug"), False)


def test_env_debug_reveals_the_file_below_it(tree):
    write(tree / "parent" / ".cargo" / "config.toml", "[profile.release]\ndebug = true\n")
    result = run_scan(tree, CARGO_PROFILE_RELEASE_DEBUG="2")
    (cause,) = config_causes(result)
    assert not cause.effective  # hidden by the env var today, applies once it is unset
    assert [(c.name, c.value, c.rule) for c in env_causes(result)] == [("CARGO_PROFILE_RELEASE_DEBUG", "2", "BC002")]


def test_file_debug_false_shields_nothing_to_fix(tree):
    write(tree / "parent" / ".cargo" / "config.toml", "[profile.release]\ndebug = false\n")
    assert config_causes(run_scan(tree)) == ()


def test_manifest_debug_through_inherits_edits_the_parent_profile(tree):
    manifest = tree / "parent" / "ws" / "Cargo.toml"
    manifest.write_text(MANIFEST + '\n[profile.release]\ndebug = 2  # why not\n\n[profile.prod]\ninherits = "release"\n')
    result = scan(cwd=tree / "parent" / "ws", env=env_for(tree), profile="prod")
    (cause,) = config_causes(result)
    assert cause.edit == SetKey(("profile", "release", "debug"), False) and cause.origin.line == 7
    edited = edit_config_file(cause.path, [cause.edit])
    assert "debug = false  # why not" in edited.new_text


def test_package_override_and_build_override(tree):
    manifest = tree / "parent" / "ws" / "Cargo.toml"
    manifest.write_text(MANIFEST + '\n[workspace]\n\n[profile.release.package."*"]\ndebug = 2\n\n'
                        '[profile.release.build-override]\ndebug = true\n')
    (ws := tree / "parent" / "ws")
    write(ws / "Cargo.lock", 'version = 3\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = ["dep"]\n\n'
          '[[package]]\nname = "dep"\nversion = "1.0.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n')
    manifest.write_text(manifest.read_text().replace("[workspace]", '[dependencies]\ndep = "1"\n\n[workspace]'))
    rules = {c.rule: c.edit for c in config_causes(run_scan(tree))}
    assert rules["BC003"] == SetKey(("profile", "release", "package", "*", "debug"), False)
    assert rules["BC004"] == SetKey(("profile", "release", "build-override", "debug"), False)


def test_home_build_rustflags_array_keeps_other_flags(tree):
    config = write(tree / "home" / "config.toml", '[build]\nrustflags = ["--cfg", "tokio_unstable", "-g"]\n')
    (cause,) = config_causes(run_scan(tree))
    assert cause.rule == "BC001" and cause.path == str(config)
    assert cause.edit == RemoveRustflags(("build", "rustflags"), ("-g",))
    new = edit_config_file(cause.path, [cause.edit]).new_text
    assert 'rustflags = ["--cfg", "tokio_unstable"]' in new


def test_target_cfg_rustflags_string_split_option_and_strip_none(tree):
    config = write(tree / "parent" / ".cargo" / "config.toml",
                   "[target.'cfg(target_os = \"linux\")']\nrustflags = \"-C debuginfo=2 -C strip=none -C opt-level=3\"\n")
    (cause,) = config_causes(run_scan(tree))
    assert cause.edit.key_path == ("target", 'cfg(target_os = "linux")', "rustflags")
    new = edit_config_file(cause.path, [cause.edit]).new_text
    assert 'rustflags = "-C opt-level=3"' in new


def test_hidden_config_rustflags_are_causes_but_not_effective(tree):
    write(tree / "home" / "config.toml", '[build]\nrustflags = "-g"\n')
    result = run_scan(tree, RUSTFLAGS="-C target-cpu=native")
    (cause,) = config_causes(result)
    assert cause.rule == "BC001" and not cause.effective
    assert flags_plan(result).config_causes == ()  # flags sets RUSTFLAGS, which keeps hiding it


def test_strip_false_becomes_debuginfo(tree):
    manifest = tree / "parent" / "ws" / "Cargo.toml"
    manifest.write_text(MANIFEST + "\n[profile.release]\nstrip = false\n")
    (cause,) = config_causes(run_scan(tree))
    assert cause.rule == "BC006" and cause.edit == SetKey(("profile", "release", "strip"), "debuginfo")


def test_causes_only_in_scanned_files_and_grouped_per_file(tree):
    config = write(tree / "parent" / ".cargo" / "config.toml",
                   '[profile.release]\ndebug = 1\n[build]\nrustflags = ["-Cdebuginfo=2"]\n')
    result = run_scan(tree)
    causes = config_causes(result)
    assert {c.path for c in causes} <= {str(p) for p in scanned_files(result)}
    assert list(edits_by_file(causes)) == [str(config)]
    assert len(edits_by_file(causes)[str(config)]) == 2


def test_env_causes_rustflags_tiers_and_c_flags(tree):
    result = run_scan(tree, CARGO_BUILD_RUSTFLAGS="-g", RUSTFLAGS="-C opt-level=3", CFLAGS="-O2 -g")
    names = {c.name: c.rule for c in env_causes(result)}
    assert names == {"CARGO_BUILD_RUSTFLAGS": "BC001", "CFLAGS": "BC010"}


def test_needs_strip_follows_the_toolchain(tree):
    assert needs_strip(run_scan(tree, "1.72.0"))
    assert not needs_strip(run_scan(tree, "1.95.0"))
    (tree / "parent" / "ws" / "Cargo.toml").write_text(MANIFEST + '\n[profile.release]\nstrip = "symbols"\n')
    assert not needs_strip(run_scan(tree, "1.72.0"))


def test_flags_plan_from_the_lotus_env(tree):
    plan = flags_plan(run_scan(tree, "1.72.0", RUSTFLAGS="-C target-cpu=native -g", CXXFLAGS="-g"))
    assert plan.rustflags_var == "RUSTFLAGS"
    assert plan.current_flags == ("-C", "target-cpu=native", "-g")
    assert plan.debug_env_vars == (("CXXFLAGS", "-g"),)
    assert plan.needs_strip and plan.profile == "release"


def test_flags_plan_rustflags_from_a_config_file(tree):
    config = write(tree / "parent" / ".cargo" / "config.toml", '[build]\nrustflags = ["-g", "--cfg", "x"]\n')
    plan = flags_plan(run_scan(tree))
    assert plan.rustflags_var is None and plan.current_flags == ("-g", "--cfg", "x")
    assert [(o.path, o.line) for o in plan.config_causes] == [(str(config), 2)]
