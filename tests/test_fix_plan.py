"""The fix plan from the causes: which config-file values are causes, which key each edit targets, which
environment variables change, what hides behind what (buildcheck/causes.py, buildcheck/recommend/plan.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from buildcheck.cargo.scan import scan
from buildcheck.causes import derive
from buildcheck.recommend.config_edit import SetKey, edit_config_file
from buildcheck.recommend.edits import RemoveRustflags
from buildcheck.recommend.flags_plan import flags_plan
from buildcheck.recommend.plan import fix_plan, rustflags_after
from buildcheck.remedies import EditFile, SetEnv

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


def file_causes(result):
    """Causes whose remedy edits a config file or the manifest: (cause, remedy)."""
    return [(c, c.remedy) for c in derive(result) if isinstance(c.remedy, EditFile) and (c.debug or c.keeps)]


def env_changes(result) -> dict[str, str | None]:
    return {r.name: r.value for r in fix_plan(derive(result)).env}



def test_parent_config_debug_line_3(tree):
    config = write(tree / "parent" / ".cargo" / "config.toml", "# shared\n[profile.release]\ndebug = true\n")
    ((cause, remedy),) = file_causes(run_scan(tree))
    assert (remedy.path, remedy.origin.line, cause.rule, cause.effective) == (str(config), 3, "BC002", True)
    assert remedy.edit == SetKey(("profile", "release", "debug"), False)


def test_env_debug_reveals_the_file_below_it(tree):
    write(tree / "parent" / ".cargo" / "config.toml", "[profile.release]\ndebug = true\n")
    result = run_scan(tree, CARGO_PROFILE_RELEASE_DEBUG="2")
    ((cause, _remedy),) = file_causes(result)
    assert not cause.effective  # hidden by the env var today, applies once it is unset
    assert env_changes(result) == {"CARGO_PROFILE_RELEASE_DEBUG": None}
    plan = fix_plan(derive(result))
    assert len(plan.files) == 1  # removing the variable alone would only reveal the file's debug = true


def test_file_debug_false_shields_nothing_to_fix(tree):
    write(tree / "parent" / ".cargo" / "config.toml", "[profile.release]\ndebug = false\n")
    assert file_causes(run_scan(tree)) == []


def test_manifest_debug_through_inherits_edits_the_parent_profile(tree):
    manifest = tree / "parent" / "ws" / "Cargo.toml"
    manifest.write_text(MANIFEST + '\n[profile.release]\ndebug = 2  # why not\n\n[profile.prod]\ninherits = "release"\n')
    result = scan(cwd=tree / "parent" / "ws", env=env_for(tree), profile="prod")
    ((_cause, remedy),) = file_causes(result)
    assert remedy.edit == SetKey(("profile", "release", "debug"), False) and remedy.origin.line == 7
    edited = edit_config_file(remedy.path, [remedy.edit])
    assert "debug = false  # why not" in edited.new_text


def test_package_override_and_build_override(tree):
    manifest = tree / "parent" / "ws" / "Cargo.toml"
    manifest.write_text(MANIFEST + '\n[workspace]\n\n[profile.release.package."*"]\ndebug = 2\n\n'
                        '[profile.release.build-override]\ndebug = true\n')
    (ws := tree / "parent" / "ws")
    write(ws / "Cargo.lock", 'version = 3\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = ["dep"]\n\n'
          '[[package]]\nname = "dep"\nversion = "1.0.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n')
    manifest.write_text(manifest.read_text().replace("[workspace]", '[dependencies]\ndep = "1"\n\n[workspace]'))
    causes = {c.rule: c for c in derive(run_scan(tree))}
    assert causes["BC003"].remedy.edit == SetKey(("profile", "release", "package", "*", "debug"), False)
    # even on 1.95 this lands: app's direct dependency has debuginfo, so cargo does not strip app implicitly
    assert causes["BC003"].packages == ("dep",) and causes["BC003"].severity == "error"
    # build-override reaches only host units, never the binary: info, with its remedy, but no part of the fix
    assert causes["BC004"].severity == "info"
    assert causes["BC004"].remedy.edit == SetKey(("profile", "release", "build-override", "debug"), False)
    assert causes["BC004"].remedy not in fix_plan(derive(run_scan(tree))).remedies


def test_home_build_rustflags_array_keeps_other_flags(tree):
    config = write(tree / "home" / "config.toml", '[build]\nrustflags = ["--cfg", "tokio_unstable", "-g"]\n')
    ((cause, remedy),) = file_causes(run_scan(tree))
    assert cause.rule == "BC001" and remedy.path == str(config)
    assert remedy.edit == RemoveRustflags(("build", "rustflags"), ("-g",))
    new = edit_config_file(remedy.path, [remedy.edit]).new_text
    assert 'rustflags = ["--cfg", "tokio_unstable"]' in new


def test_target_cfg_rustflags_string_split_option_and_strip_none(tree):
    write(tree / "parent" / ".cargo" / "config.toml",
          "[target.'cfg(target_os = \"linux\")']\nrustflags = \"-C debuginfo=2 -C strip=none -C opt-level=3\"\n")
    remedies = {r for _c, r in file_causes(run_scan(tree))}
    (remedy,) = remedies  # one edit takes both options out
    assert remedy.edit.key_path == ("target", 'cfg(target_os = "linux")', "rustflags")
    new = edit_config_file(remedy.path, [remedy.edit]).new_text
    assert 'rustflags = "-C opt-level=3"' in new


def test_hidden_config_rustflags_are_causes_but_not_effective(tree):
    write(tree / "home" / "config.toml", '[build]\nrustflags = "-g"\n')
    result = run_scan(tree, RUSTFLAGS="-C target-cpu=native")
    ((cause, _remedy),) = file_causes(result)
    assert cause.rule == "BC001" and not cause.effective
    plan = fix_plan(derive(result))
    assert rustflags_after(result, plan) == ("-C", "target-cpu=native")  # RUSTFLAGS stays and keeps hiding it


def test_strip_false_becomes_debuginfo(tree):
    manifest = tree / "parent" / "ws" / "Cargo.toml"
    manifest.write_text(MANIFEST + "\n[profile.release]\nstrip = false\n")
    ((cause, remedy),) = file_causes(run_scan(tree))
    assert cause.rule == "BC006" and remedy.edit == SetKey(("profile", "release", "strip"), "debuginfo")


def test_one_file_two_causes_two_edits(tree):
    config = write(tree / "parent" / ".cargo" / "config.toml",
                   '[profile.release]\ndebug = 1\n[build]\nrustflags = ["-Cdebuginfo=2"]\n')
    plan = fix_plan(derive(run_scan(tree)))
    assert [r.path for r in plan.files] == [str(config)] * 2


def test_env_remedies_per_rustflags_tier_and_c_flags(tree):
    result = run_scan(tree, CARGO_BUILD_RUSTFLAGS="-g", RUSTFLAGS="-C opt-level=3", CFLAGS="-O2 -g")
    # CARGO_BUILD_RUSTFLAGS is hidden by RUSTFLAGS today: unset it too, or unsetting RUSTFLAGS would reveal -g
    assert env_changes(result) == {"CARGO_BUILD_RUSTFLAGS": None, "CFLAGS": "-O2"}


def test_the_strip_variable_follows_the_toolchain(tree):
    assert env_changes(run_scan(tree, "1.72.0")) == {"CARGO_PROFILE_RELEASE_STRIP": "debuginfo"}
    assert env_changes(run_scan(tree, "1.95.0")) == {}
    (tree / "parent" / "ws" / "Cargo.toml").write_text(MANIFEST + '\n[profile.release]\nstrip = "symbols"\n')
    assert env_changes(run_scan(tree, "1.72.0")) == {}


def test_rustflags_g_over_config_rustflags_is_one_answer_everywhere(tree):
    """Issue #11.18: RUSTFLAGS=-g over config rustflags: unset RUSTFLAGS (an empty one would keep hiding the
    config's flags), and flags builds with the config's flags without -g, plus target-cpu=native."""
    write(tree / "parent" / ".cargo" / "config.toml", '[build]\nrustflags = ["--cfg", "tokio_unstable"]\n')
    result = run_scan(tree, "1.72.0", RUSTFLAGS="-g")
    causes = derive(result)
    bc001 = next(c for c in causes if c.rule == "BC001")
    assert bc001.remedy == SetEnv("RUSTFLAGS", None) and bc001.remedy.describe().text() == "unset RUSTFLAGS"
    plan = fix_plan(causes)
    assert rustflags_after(result, plan) == ("--cfg", "tokio_unstable")
    answer = flags_plan(plan, rustflags_after(result, plan), env_for(tree, "1.72.0", RUSTFLAGS="-g"))
    assert answer.rustflags == ("--cfg", "tokio_unstable", "-C", "target-cpu=native")


def test_flags_from_the_lotus_env(tree):
    env = env_for(tree, "1.72.0", RUSTFLAGS="-C target-cpu=native -g", CXXFLAGS="-g")
    result = scan(cwd=tree / "parent" / "ws", env=env)
    plan = fix_plan(derive(result))
    answer = flags_plan(plan, rustflags_after(result, plan), env)
    assert answer.rustflags == ("-C", "target-cpu=native") and answer.carrier == "RUSTFLAGS"
    assert env_changes(result) == {"RUSTFLAGS": "-C target-cpu=native", "CXXFLAGS": None,
                                   "CARGO_PROFILE_RELEASE_STRIP": "debuginfo"}


def test_flags_with_rustflags_from_a_config_file(tree):
    config = write(tree / "parent" / ".cargo" / "config.toml", '[build]\nrustflags = ["-g", "--cfg", "x"]\n')
    result = run_scan(tree)
    plan = fix_plan(derive(result))
    assert rustflags_after(result, plan) == ("--cfg", "x")
    assert [(r.path, r.origin.line) for r in plan.files] == [(str(config), 2)]
