"""explain() on the named fixtures/cargo scenarios, with and without the committed ELF fixtures."""

from __future__ import annotations

from pathlib import Path

from helpers.scenario import BINARY_FIXTURES, Scenario

from buildcheck.cargo.scan import scan
from buildcheck.elf.inspect import inspect_binary
from buildcheck.explain import explain


def _explain(s: Scenario, binary: str | None = None, **env: str):
    settings = scan(cwd=s.cwd, env=s.library_env(**env))
    return explain(settings, inspect_binary(BINARY_FIXTURES / binary) if binary else None)


def test_lotus_settings_alone_rank_rustflags_then_the_toolchain(tmp_path):
    result = _explain(Scenario("lotus-g-1.72", tmp_path))
    assert [(c.kind, c.rule) for c in result.causes] == [("rustflags", "BC001"), ("toolchain-no-strip", "BC005")]
    assert all(c.seen_in_binary is None for c in result.causes)
    rustflags = result.causes[0]
    assert rustflags.origin.env == "RUSTFLAGS" and rustflags.fix == 'export RUSTFLAGS="-C target-cpu=native"'
    assert result.causes[1].origin.path.endswith("rust-toolchain.toml")
    assert "will carry debug info" in result.headline and "RUSTFLAGS" in result.headline
    assert "1.72.0" in result.headline and result.binary is None and result.contradictions == ()


def test_lotus_settings_on_current_cargo_are_compiled_but_stripped(tmp_path):
    result = _explain(Scenario("lotus-g-current", tmp_path))
    assert [c.kind for c in result.causes] == ["rustflags"]
    assert not result.debug_sections_expected and "stripped" in result.headline


def test_parent_directory_profile_debug_is_named_with_its_line(tmp_path):
    s = Scenario("parent-dir-config-line3", tmp_path)
    result = _explain(s)
    profile = result.causes[0]
    assert (profile.kind, profile.rule) == ("profile", "BC002")
    assert Path(profile.origin.path).resolve() == (s.root / "parent/.cargo/config.toml").resolve()
    assert profile.origin.line == 3 and "config.toml:3" in profile.summary
    assert "cc-debug-from-profile" in [c.kind for c in result.causes]


def test_home_config_profile(tmp_path):
    s = Scenario("home-config-profile", tmp_path)
    profile = _explain(s).causes[0]
    assert profile.kind == "profile" and Path(profile.origin.path).resolve() == (s.root / "home/config.toml").resolve()


def test_cxxflags_are_a_cause_of_their_own(tmp_path):
    result = _explain(Scenario("cflags-g", tmp_path))  # pinned to 1.72: nothing strips either
    assert [(c.kind, c.rule, c.origin.env) for c in result.causes] == [("c-flags", "BC010", "CXXFLAGS"),
                                                                        ("toolchain-no-strip", "BC005", None)]


def test_clean_settings_have_no_cause(tmp_path):
    result = _explain(Scenario("clean", tmp_path))
    assert result.causes == () and "no debug info" in result.headline and result.top_fix is None


def test_cflags_meet_the_gcc_producer_and_foreign_crates_contradict(tmp_path):
    result = _explain(Scenario("clean", tmp_path), "mixed-rust-c", CFLAGS="-O2 -g")
    c_flags = next(c for c in result.causes if c.kind == "c-flags")
    assert c_flags.seen_in_binary is True and c_flags.origin.env == "CFLAGS"
    assert any("GCC recorded -g" in line for line in c_flags.evidence)
    messages = " ".join(c.message for c in result.contradictions)
    assert "mixed" in messages and "without debug info" in messages  # crates the settings cannot explain


def test_profile_debug_explains_c_debug_info_through_the_cc_crate(tmp_path):
    result = _explain(Scenario("parent-dir-config-line3", tmp_path), "mixed-rust-c")
    cc = next(c for c in result.causes if c.kind == "cc-debug-from-profile")
    assert cc.seen_in_binary is True and cc.origin.line == 3
    profile = next(c for c in result.causes if c.kind == "profile")
    assert profile.seen_in_binary is False  # its crates are app and dep, the binary's is `mixed`
    assert any("another project" in c.message for c in result.contradictions)
    assert result.causes[0] is cc  # what the binary shows comes first


def test_c_debug_info_nothing_asks_for_is_a_contradiction(tmp_path):
    result = _explain(Scenario("clean", tmp_path), "c-debug")
    assert result.causes == ()
    assert any("C/C++ debug info" in c.message and "-g" in c.message for c in result.contradictions)


def test_no_workspace_explains_what_the_binary_shows(tmp_path):
    s = Scenario("no-workspace", tmp_path)
    (s.root / "somewhere").mkdir(exist_ok=True)
    settings = scan(cwd=s.root / "somewhere", env={k: v for k, v in s.library_env().items() if k != "RUSTFLAGS"})
    assert settings.workspace_root is None
    result = explain(settings, inspect_binary(BINARY_FIXTURES / "c-debug"))
    # RUSTUP_TOOLCHAIN=1.72.0 in the scenario: the missing strip is a cause the environment shows
    assert [(c.kind, c.rule, c.seen_in_binary) for c in result.causes] == [
        ("unexplained", "BC100", True), ("toolchain-no-strip", "BC005", True)]
    assert "CFLAGS" in result.causes[0].summary and result.contradictions == ()
    unpinned = {k: v for k, v in s.library_env().items() if k not in ("RUSTFLAGS", "RUSTUP_TOOLCHAIN")}
    std = explain(scan(cwd=s.root / "somewhere", env=unpinned, run_cargo_version=lambda cargo, env: None),
                  inspect_binary(BINARY_FIXTURES / "rust-tiny"))
    assert [c.rule for c in std.causes] == ["BC102"]
    # With the scenario's own RUSTFLAGS=-g the environment still explains a crate's debug info.
    with_g = explain(scan(cwd=s.root / "somewhere", env=s.library_env()),
                     inspect_binary(BINARY_FIXTURES / "rust-tiny-debug"))
    assert (with_g.causes[0].kind, with_g.causes[0].seen_in_binary) == ("rustflags", True)


def test_package_override_is_its_own_cause(tmp_path):
    ws = tmp_path / "ws"
    (ws / "dep").mkdir(parents=True)
    (ws / "Cargo.toml").write_text('[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\n'
                                   'dep = { path = "dep" }\n\n[workspace]\n\n'
                                   '[profile.release.package.dep]\ndebug = 1\n')
    (ws / "dep" / "Cargo.toml").write_text('[package]\nname = "dep"\nversion = "0.1.0"\n')
    (ws / "Cargo.lock").write_text('version = 3\n\n[[package]]\nname = "app"\nversion = "0.1.0"\n'
                                   'dependencies = ["dep"]\n\n[[package]]\nname = "dep"\nversion = "0.1.0"\n')
    env = {"HOME": str(tmp_path / "home"), "CARGO_HOME": str(tmp_path / "cargo-home"), "RUSTUP_TOOLCHAIN": "1.72.0"}
    result = explain(scan(cwd=ws, env=env), None)
    override = next(c for c in result.causes if c.kind == "package-override")
    assert override.rule == "BC003" and override.origin.line == 11 and "dep" in override.evidence[0]
    assert "profile" not in [c.kind for c in result.causes]
