"""explain() on the named fixtures/cargo scenarios, with and without the committed ELF fixtures."""

from __future__ import annotations

from pathlib import Path

from helpers.scenario import BINARY_FIXTURES, Scenario

from buildcheck.cargo.scan import scan
from buildcheck.causes import derive
from buildcheck.elf.inspect import inspect_binary
from buildcheck.explain import explain as explain_causes


def explain(settings, binary):
    return explain_causes(settings, derive(settings), binary)


def _explain(s: Scenario, binary: str | None = None, **env: str):
    settings = scan(cwd=s.cwd, env=s.library_env(**env))
    return explain(settings, inspect_binary(BINARY_FIXTURES / binary) if binary else None)


def fix_of(cause) -> str:
    return cause.cause.remedy.describe().text()


def texts(messages) -> str:
    return " ".join(m.message.text() if hasattr(m, "message") else m.text() for m in messages)


def uses_cc(s: Scenario, package: str) -> None:
    """Make `package` of the scenario's copy a package whose build script compiles C (cc in its
    build-dependencies, a build.rs, and cc in Cargo.lock)."""
    manifest = s.cwd / package / "Cargo.toml"
    manifest.write_text(manifest.read_text() + '\n[build-dependencies]\ncc = "1"\n')
    (s.cwd / package / "build.rs").write_text("fn main() {}\n")
    lock = s.cwd / "Cargo.lock"
    text = lock.read_text()
    text = text.replace(f'name = "{package}"\nversion = "0.1.0"\n', f'name = "{package}"\nversion = "0.1.0"\n'
                        'dependencies = [\n "cc",\n]\n', 1)
    lock.write_text(text + '\n[[package]]\nname = "cc"\nversion = "1.0.79"\n'
                    'source = "registry+https://github.com/rust-lang/crates.io-index"\n')


def test_lotus_settings_alone_rank_rustflags_then_the_toolchain(tmp_path):
    result = _explain(Scenario("lotus-g-1.72", tmp_path))
    assert [(c.kind, c.rule) for c in result.causes] == [("rustflags-debuginfo", "BC001"),
                                                         ("toolchain-no-strip", "BC005")]
    assert all(c.seen_in_binary is None for c in result.causes)
    rustflags = result.causes[0]
    assert rustflags.origin.env == "RUSTFLAGS" and fix_of(rustflags) == 'export RUSTFLAGS="-C target-cpu=native"'
    assert result.causes[1].origin.path.endswith("rust-toolchain.toml")
    headline = result.headline.text()
    assert "will carry debug info" in headline and "RUSTFLAGS" in headline
    assert "1.72.0" in headline and result.binary is None and result.contradictions == ()
    # The headline's fix removes every cause that leaves debug info: the -g and the missing strip (issue #12.6).
    assert 'export RUSTFLAGS="-C target-cpu=native"' in headline and "CARGO_PROFILE_RELEASE_STRIP" in headline


def test_lotus_settings_on_current_cargo_are_compiled_but_stripped(tmp_path):
    result = _explain(Scenario("lotus-g-current", tmp_path))
    assert [c.kind for c in result.causes] == ["rustflags-debuginfo"]
    assert not result.debug_sections_expected and "stripped" in result.headline.text()


def test_parent_directory_profile_debug_is_named_with_its_line(tmp_path):
    s = Scenario("parent-dir-config-line3", tmp_path)
    result = _explain(s)
    profile = result.causes[0]
    assert (profile.kind, profile.rule) == ("profile-debug", "BC002")
    assert Path(profile.origin.path).resolve() == (s.root / "parent/.cargo/config.toml").resolve()
    assert profile.origin.line == 3 and "config.toml:3" in profile.summary.text()
    # No package of this workspace compiles C: no build script is told DEBUG=true for nothing (issue #11.22).
    assert "cc-debug-from-profile" not in [c.kind for c in result.causes]


def test_home_config_profile(tmp_path):
    s = Scenario("home-config-profile", tmp_path)
    profile = _explain(s).causes[0]
    assert profile.kind == "profile-debug" and Path(profile.origin.path).resolve() == (s.root / "home/config.toml").resolve()


def test_cxxflags_are_a_cause_of_their_own(tmp_path):
    result = _explain(Scenario("cflags-g", tmp_path))  # pinned to 1.72: nothing strips either
    assert [(c.kind, c.rule, c.origin.env) for c in result.causes] == [("c-flags-debuginfo", "BC010", "CXXFLAGS"),
                                                                        ("toolchain-no-strip", "BC005", None)]


def test_clean_settings_have_no_cause(tmp_path):
    result = _explain(Scenario("clean", tmp_path))
    assert result.causes == () and "no debug info" in result.headline.text() and result.fix == ()


def test_cflags_meet_the_gcc_producer_and_foreign_crates_contradict(tmp_path):
    result = _explain(Scenario("clean", tmp_path), "mixed-rust-c", CFLAGS="-O2 -g")
    c_flags = next(c for c in result.causes if c.kind == "c-flags-debuginfo")
    assert c_flags.seen_in_binary is True and c_flags.origin.env == "CFLAGS"
    assert any("GCC recorded -g" in line.text() for line in c_flags.evidence)
    messages = texts(result.contradictions)
    assert "mixed" in messages and "without debug info" in messages  # crates the settings cannot explain


def test_profile_debug_explains_c_debug_info_through_the_cc_crate(tmp_path):
    s = Scenario("parent-dir-config-line3", tmp_path)
    uses_cc(s, "dep")
    result = _explain(s, "mixed-rust-c")
    cc = next(c for c in result.causes if c.kind == "cc-debug-from-profile")
    assert cc.seen_in_binary is True and cc.origin.line == 3 and cc.cause.packages == ("dep",)
    profile = next(c for c in result.causes if c.kind == "profile-debug")
    assert profile.seen_in_binary is False  # its crates are app and dep, the binary's is `mixed`
    assert any("another project" in c.message.text() for c in result.contradictions)
    assert result.causes[0] is cc  # what the binary shows comes first


def test_two_causes_of_one_c_debug_info_read_the_same_evidence(tmp_path):
    """-g in CFLAGS and DEBUG=true from the profile both explain the binary's C debug info; their evidence lines
    must agree with each other (issue #12.6), and the headline's fix covers both."""
    s = Scenario("parent-dir-config-line3", tmp_path)
    uses_cc(s, "dep")
    result = _explain(s, "mixed-rust-c", CFLAGS="-g")
    native = [c for c in result.causes if c.kind in ("c-flags-debuginfo", "cc-debug-from-profile")]
    assert len(native) == 2 and all(c.seen_in_binary for c in native)
    assert native[0].evidence[-1].text() == native[1].evidence[-1].text()
    remedies = [r.describe().text() for r in result.fix]
    assert "unset CFLAGS" in remedies and any("profile.release.debug = false" in r for r in remedies)


def test_c_debug_info_nothing_asks_for_is_a_contradiction(tmp_path):
    result = _explain(Scenario("clean", tmp_path), "c-debug")
    assert result.causes == ()
    assert any("C/C++ debug info" in c.message.text() and "-g" in texts(c.evidence) for c in result.contradictions)


def test_no_workspace_explains_what_the_binary_shows(tmp_path):
    s = Scenario("no-workspace", tmp_path)
    (s.root / "somewhere").mkdir(exist_ok=True)
    settings = scan(cwd=s.root / "somewhere", env={k: v for k, v in s.library_env().items() if k != "RUSTFLAGS"})
    assert settings.workspace_root is None
    result = explain(settings, inspect_binary(BINARY_FIXTURES / "c-debug"))
    # RUSTUP_TOOLCHAIN=1.72.0 in the scenario: the missing strip is a cause the environment shows
    assert [(c.kind, c.rule, c.seen_in_binary) for c in result.causes] == [
        ("unexplained", "BC100", True), ("toolchain-no-strip", "BC005", True)]
    assert "CFLAGS" in result.causes[0].summary.text() and result.contradictions == ()
    unpinned = {k: v for k, v in s.library_env().items() if k not in ("RUSTFLAGS", "RUSTUP_TOOLCHAIN")}
    std = explain(scan(cwd=s.root / "somewhere", env=unpinned),
                  inspect_binary(BINARY_FIXTURES / "rust-tiny"))
    assert [c.rule for c in std.causes] == ["BC102"]
    # With the scenario's own RUSTFLAGS=-g the environment still explains a crate's debug info.
    with_g = explain(scan(cwd=s.root / "somewhere", env=s.library_env()),
                     inspect_binary(BINARY_FIXTURES / "rust-tiny-debug"))
    assert (with_g.causes[0].kind, with_g.causes[0].seen_in_binary) == ("rustflags-debuginfo", True)


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
    override = next(c for c in result.causes if c.kind == "package-override-debug")
    assert override.rule == "BC003" and override.origin.line == 11 and "dep" in override.evidence[0].text()
    assert "profile-debug" not in [c.kind for c in result.causes]
