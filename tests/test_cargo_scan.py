"""scan() end to end on small workspaces in tmp dirs, with hermetic env dicts and toolchains laid out on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from buildcheck.cargo.scan import scan
from buildcheck.causes import derive, findings
from buildcheck.errors import ConfigError

from buildcheck.project import BuildPath, WorkspaceReport, workspace_json
from helpers.toolchains import rustup, system_cargo


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def fake_cargo(version: str | None):
    calls = []

    def run(cargo: str, env) -> str | None:
        calls.append((cargo, env.get("RUSTUP_TOOLCHAIN")))
        return f"cargo {version} (abc 2023-01-01)\n" if version else None
    run.calls = calls  # type: ignore[attr-defined]
    return run


LOCK = '''version = 3

[[package]]
name = "app"
version = "0.1.0"
dependencies = ["dep", "serde 1.0.0"]

[[package]]
name = "dep"
version = "0.1.0"

[[package]]
name = "serde"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
'''


@pytest.fixture
def ws(tmp_path):
    """A damocles-like workspace: root package app with a path dependency and a registry one."""
    root = tmp_path / "ws"
    write(root / "Cargo.toml", '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\n'
          'dep = { path = "dep" }\nserde = "1"\n\n[workspace]\n')
    write(root / "dep/Cargo.toml", '[package]\nname = "dep"\nversion = "0.1.0"\n')
    write(root / "Cargo.lock", LOCK)
    return root


def base_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"HOME": str(tmp_path / "home"), "CARGO_HOME": str(tmp_path / "cargo-home"), **extra}


def findings_of(result):
    return findings(derive(result))


def rules(result) -> list[str]:
    return [f.rule for f in findings_of(result)]


def exit_code(result) -> int:
    return 1 if any(f.severity == "error" for f in findings_of(result)) else 0


def report_of(result) -> WorkspaceReport:
    return WorkspaceReport(directory=result.cwd, found_by=None, direct=BuildPath(scan=result, causes=derive(result)))


def cargo_env(tmp_path: Path, version: str, **extra: str) -> dict[str, str]:
    """The environment of a machine whose PATH has a system cargo (not a rustup proxy) of `version`."""
    cargo = system_cargo(tmp_path / f"cargo-{version}", version)
    return base_env(tmp_path, PATH=str(cargo.parent), **extra)


def test_lotus_rustflags_on_the_pinned_damocles_toolchain(ws, tmp_path):
    write(ws / "rust-toolchain.toml", '[toolchain]\nchannel = "1.72.0"\n')
    runner = fake_cargo("1.95.0")
    env = base_env(tmp_path, RUSTFLAGS="-C target-cpu=native -g", **rustup(tmp_path, ["1.72.0"]))
    result = scan(cwd=ws, env=env, run_cargo_version=runner)
    assert runner.calls == []  # a rustup proxy is never run: the pin and rustup's files tell the version
    assert result.toolchain.source == "rust-toolchain.toml" and str(result.toolchain.version) == "1.72.0"
    assert result.toolchain.origin.path == str(ws / "rust-toolchain.toml")
    assert result.toolchain.manager == "rustup" and result.toolchain.installed is True
    bc001 = next(f for f in findings_of(result) if f.rule == "BC001")
    assert bc001.severity == "error" and bc001.origin.env == "RUSTFLAGS"
    assert bc001.fix.text() == 'export RUSTFLAGS="-C target-cpu=native"'
    assert "BC005" in rules(result) and "BC200" in rules(result)
    assert exit_code(result) == 1
    assert result.strip == "none" and result.debug_sections_expected
    assert result.package_levels() == {"app": "full", "dep": "full", "serde": "full"}


def test_same_flags_on_cargo_195_are_stripped(ws, tmp_path):
    result = scan(cwd=ws, env=cargo_env(tmp_path, "1.95.0", RUSTFLAGS="-C target-cpu=native -g"))
    assert result.toolchain.source == "cargo --version" and result.toolchain.manager == "none"
    app = result.unit("app")
    # cargo 1.95: `-C strip=debuginfo ... -g` and no DWARF in the binary (checked)
    assert app.strip.value == "debuginfo" and app.effective_debuginfo == "full"
    assert not result.debug_sections_expected
    assert next(f for f in findings_of(result) if f.rule == "BC001").severity == "warning"
    assert exit_code(result) == 0


def test_rustflags_from_a_file_with_a_trailing_newline_still_carry_g(ws, tmp_path):
    """cargo trims each space-separated piece of RUSTFLAGS: `$(cat flags.txt)` keeps its newline, rustc gets -g."""
    result = scan(cwd=ws, env=cargo_env(tmp_path, "1.72.0", RUSTFLAGS="-C target-cpu=native -g\n"))
    assert result.debuginfo == "full" and "BC001" in rules(result)


def test_clean_release_build_exits_zero_without_findings_of_note(ws, tmp_path):
    result = scan(cwd=ws, env=cargo_env(tmp_path, "1.95.0"))
    assert exit_code(result) == 0
    assert [f for f in findings_of(result) if f.severity != "info"] == []
    assert result.debuginfo == "none" and result.strip == "debuginfo"


def test_rustup_toolchain_decides_first(ws, tmp_path):
    write(ws / "rust-toolchain.toml", '[toolchain]\nchannel = "1.72.0"\n')
    env = base_env(tmp_path, RUSTUP_TOOLCHAIN="1.80.1", **rustup(tmp_path, ["1.72.0"]))
    result = scan(cwd=ws, env=env)
    assert result.toolchain.source == "RUSTUP_TOOLCHAIN" and str(result.toolchain.version) == "1.80.1"
    assert result.toolchain.installed is False and "BC025" in rules(result)


@pytest.mark.parametrize("variables, server, said_by", [
    ({}, "https://static.rust-lang.org", None),
    ({"RUSTUP_DIST_SERVER": "https://mirrors.ustc.edu.cn/rust-static"}, "https://mirrors.ustc.edu.cn/rust-static",
     "RUSTUP_DIST_SERVER"),
    # rustup's backward compatibility: the deprecated variable, less its /dist (every repetition, as trim_end_matches)
    ({"RUSTUP_DIST_ROOT": "https://mirror.example/dist"}, "https://mirror.example", "RUSTUP_DIST_ROOT"),
    ({"RUSTUP_DIST_SERVER": "", "RUSTUP_DIST_ROOT": "https://m.example/dist/dist"}, "https://m.example",
     "RUSTUP_DIST_ROOT"),  # an empty RUSTUP_DIST_SERVER counts as unset
    ({"RUSTUP_DIST_SERVER": "https://a.example", "RUSTUP_DIST_ROOT": "https://b.example/dist"}, "https://a.example",
     "RUSTUP_DIST_SERVER"),
])
def test_a_missing_toolchain_says_where_rustup_would_download_it(ws, tmp_path, variables, server, said_by):
    write(ws / "rust-toolchain.toml", '[toolchain]\nchannel = "1.72.0"\n')
    result = scan(cwd=ws, env=base_env(tmp_path, **variables, **rustup(tmp_path, [])))
    assert result.toolchain.installed is False and result.toolchain.dist_server == server
    bc025 = next(f for f in findings_of(result) if f.rule == "BC025")
    assert bc025.message.param("server") == server and server in bc025.message.text()
    location = result.toolchain.to_json()["download_from_location"]
    if said_by is None:
        assert bc025.message.id == "BC025" and "default" in location
    else:
        assert bc025.message.id == "BC025.mirror" and location == {"env": said_by}
        assert said_by in bc025.message.text()


def test_rustup_update_root_alone_does_not_move_the_toolchain_download(ws, tmp_path):
    """Mirror guides set RUSTUP_DIST_SERVER and RUSTUP_UPDATE_ROOT; the second moves only rustup's self-update."""
    write(ws / "rust-toolchain.toml", '[toolchain]\nchannel = "1.72.0"\n')
    root = "https://mirrors.ustc.edu.cn/rust-static/rustup"
    result = scan(cwd=ws, env=base_env(tmp_path, RUSTUP_UPDATE_ROOT=root, **rustup(tmp_path, [])))
    bc025 = next(f for f in findings_of(result) if f.rule == "BC025")
    assert bc025.message.id == "BC025.update-root"
    assert bc025.message.param("server") == "https://static.rust-lang.org"
    assert "RUSTUP_UPDATE_ROOT" in bc025.message.text() and root in bc025.message.text() and "RUSTUP_DIST_SERVER" in bc025.message.text()
    assert result.toolchain.to_json()["update_root"] == root
    both = scan(cwd=ws, env=base_env(tmp_path, RUSTUP_UPDATE_ROOT=root,
                                     RUSTUP_DIST_SERVER="https://mirrors.ustc.edu.cn/rust-static",
                                     **rustup(tmp_path, [])))
    assert next(f for f in findings_of(both) if f.rule == "BC025").message.id == "BC025.mirror"


def test_legacy_toolchain_file(ws, tmp_path):
    write(ws / "rust-toolchain", "1.65.0\n")
    result = scan(cwd=ws, env=base_env(tmp_path, **rustup(tmp_path, ["1.65.0"])))
    assert result.toolchain.source == "rust-toolchain" and str(result.toolchain.version) == "1.65.0"


def test_unknown_toolchain_is_assumed_and_said(ws, tmp_path):
    result = scan(cwd=ws, env=base_env(tmp_path))
    assert result.toolchain.version is None and "BC020" in rules(result)


def test_profile_debug_in_a_config_file_points_at_its_line(ws, tmp_path):
    config = write(tmp_path / "cargo-home/config.toml", "\n[profile.release]\ndebug = true\n")
    result = scan(cwd=ws, env=cargo_env(tmp_path, "1.72.0"))
    finding = next(f for f in findings_of(result) if f.rule == "BC002")
    assert finding.severity == "error"
    assert (finding.origin.path, finding.origin.line) == (str(config), 3)
    assert finding.fix.text() == f"set profile.release.debug = false at {config}:3"
    assert result.unit("app").debuginfo.value == "full"
    assert "BC012" not in rules(result)  # no package of this build compiles C/C++


def test_build_scripts_that_compile_c_get_debug_true(ws, tmp_path):
    """BC012 names the packages whose build script uses cc (issue #11.22), not every package."""
    write(ws / "Cargo.lock", LOCK.replace('name = "serde"\nversion = "1.0.0"\n',
                                          'name = "serde"\nversion = "1.0.0"\ndependencies = ["cc"]\n')
          + '\n[[package]]\nname = "cc"\nversion = "1.0.79"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n')
    write(tmp_path / "cargo-home/config.toml", "[profile.release]\ndebug = 1\n")
    result = scan(cwd=ws, env=cargo_env(tmp_path, "1.72.0"))
    bc012 = next(f for f in findings_of(result) if f.rule == "BC012")
    assert bc012.message.param("names") == "serde" and bc012.message.param("count") == 1


def test_package_override_and_implicit_strip(ws, tmp_path):
    write(ws / "Cargo.toml", (ws / "Cargo.toml").read_text() + '\n[profile.release.package.serde]\ndebug = 1\n')
    result = scan(cwd=ws, env=cargo_env(tmp_path, "1.95.0"))
    assert result.unit("serde").debuginfo.value == "limited"
    assert result.unit("serde").debuginfo.origin.line is not None
    assert result.unit("dep").strip.value == "debuginfo"  # no debuginfo in it or its deps
    assert result.unit("app").strip.value == "none"  # its dependency serde has debuginfo
    assert result.debug_sections_expected
    assert "BC003" in rules(result) and exit_code(result) == 1


def test_build_override_applies_to_host_units_only(ws, tmp_path):
    write(ws / "Cargo.toml", (ws / "Cargo.toml").read_text() + '\n[profile.release.build-override]\ndebug = true\n')
    result = scan(cwd=ws, env=cargo_env(tmp_path, "1.95.0"))
    assert result.unit("dep", host=True).debuginfo.value == "full"
    assert result.unit("dep").debuginfo.value == "none"
    assert "BC004" in rules(result)


def test_host_units_get_no_rustflags_with_an_explicit_target(ws, tmp_path):
    env = cargo_env(tmp_path, "1.95.0", RUSTFLAGS="-g")
    plain = scan(cwd=ws, env=env)
    cross = scan(cwd=ws, env=env, target="x86_64-unknown-linux-gnu")
    assert plain.unit("dep", host=True).rustflags == ("-g",)
    assert cross.unit("dep", host=True).rustflags == ()
    assert cross.unit("dep").rustflags == ("-g",)


def test_build_target_from_config_counts_as_explicit(ws, tmp_path):
    write(ws / ".cargo/config.toml", '[build]\ntarget = "aarch64-unknown-linux-gnu"\n')
    result = scan(cwd=ws, env=cargo_env(tmp_path, "1.95.0", RUSTFLAGS="-g"))
    assert result.target == "aarch64-unknown-linux-gnu" and result.unit("dep", host=True).rustflags == ()


def test_c_flags_with_g(ws, tmp_path):
    env = cargo_env(tmp_path, "1.72.0", CXXFLAGS="-O2 -g", CFLAGS="-g -g0", NVCC_APPEND_FLAGS="-G")
    result = scan(cwd=ws, env=env)
    found = {(f.rule, f.origin.env) for f in findings_of(result) if f.rule in ("BC010", "BC011")}
    assert found == {("BC010", "CXXFLAGS"), ("BC011", "NVCC_APPEND_FLAGS")}


def test_outside_any_workspace(tmp_path):
    empty = tmp_path / "fresh"
    empty.mkdir()
    write(tmp_path / "cargo-home/config.toml", '[build]\nrustflags = ["-g"]\n')
    result = scan(cwd=empty, env=cargo_env(tmp_path, "1.72.0"))
    assert result.workspace_root is None and "BC022" in rules(result)
    assert workspace_json(report_of(result), "scan")["project"] is None
    assert exit_code(result) == 1  # -g from ~/.cargo/config.toml on cargo 1.72
    assert [layer.kind for layer in result.layers] == ["cargo-home"]


def test_member_profile_is_ignored_with_a_warning(tmp_path):
    root = tmp_path / "ws"
    write(root / "Cargo.toml", '[workspace]\nmembers = ["m"]\n')
    write(root / "m/Cargo.toml", '[package]\nname = "m"\nversion = "0.1.0"\n\n[profile.release]\ndebug = 2\n')
    result = scan(cwd=root / "m", env=cargo_env(tmp_path, "1.95.0"))
    assert result.unit("m").debuginfo.value == "none"
    finding = next(f for f in findings_of(result) if f.rule == "BC023")
    assert finding.origin.line == 5


def test_string_debug_on_old_cargo_is_rejected_with_its_line(ws, tmp_path):
    write(ws / "Cargo.toml", (ws / "Cargo.toml").read_text() + '\n[profile.release]\ndebug = "limited"\n')
    with pytest.raises(ConfigError) as info:
        scan(cwd=ws, env=cargo_env(tmp_path, "1.65.0"))
    assert info.value.path == str(ws / "Cargo.toml") and info.value.line == 12


def test_custom_profile_needs_inherits(ws, tmp_path):
    write(ws / "Cargo.toml", (ws / "Cargo.toml").read_text() + '\n[profile.dist]\nlto = true\n')
    with pytest.raises(ConfigError, match="inherits"):
        scan(cwd=ws, env=cargo_env(tmp_path, "1.95.0"), profile="dist")
    with pytest.raises(ConfigError, match="not defined"):
        scan(cwd=ws, env=cargo_env(tmp_path, "1.95.0"), profile="nope")


def test_custom_profile_inherits_and_env_overrides(ws, tmp_path):
    write(ws / "Cargo.toml", (ws / "Cargo.toml").read_text() + '\n[profile.dist]\ninherits = "release"\n')
    env = cargo_env(tmp_path, "1.95.0", CARGO_PROFILE_DIST_DEBUG="line-tables-only")
    result = scan(cwd=ws, env=env, profile="dist")
    unit = result.unit("app")
    assert unit.debuginfo.value == "line-tables-only" and unit.debuginfo.origin.env == "CARGO_PROFILE_DIST_DEBUG"


def test_broken_config_toml_is_a_config_error(ws, tmp_path):
    write(ws / ".cargo/config.toml", "[build\n")
    with pytest.raises(ConfigError) as info:
        scan(cwd=ws, env=cargo_env(tmp_path, "1.95.0"))
    assert str(info.value).startswith(f"{ws / '.cargo/config.toml'}:1: ")


def test_json_contract(ws, tmp_path):
    write(ws / "rust-toolchain.toml", '[toolchain]\nchannel = "1.72.0"\n')
    env = base_env(tmp_path, RUSTFLAGS="-C target-cpu=native -g", **rustup(tmp_path, []))
    data = json.loads(json.dumps(workspace_json(report_of(scan(cwd=ws, env=env)), "scan")))
    assert data["schema_version"] == 2 and data["command"] == "scan"
    assert data["project"] == str(ws) and data["profile"] == "release"
    assert data["target"] == "x86_64-unknown-linux-gnu"
    toolchain = data["toolchain"]
    assert toolchain["cargo_version"] == "1.72.0" and toolchain["source"] == "rust-toolchain.toml"
    assert toolchain["manager"] == "rustup" and toolchain["installed"] is False
    assert toolchain["cargo_path"].endswith("/cargo")
    assert toolchain["install_command"] == "rustup toolchain install 1.72.0 --profile minimal"
    effective = data["effective"]
    assert effective["debuginfo"] == "full" and effective["strip"] == "none"
    assert effective["debug_sections_expected"] is True
    assert effective["rustflags"] == ["-C", "target-cpu=native", "-g"]
    assert effective["rustflags_source"]["tier"] == "RUSTFLAGS"
    assert set(effective["packages"]) == {"app", "dep", "serde"}
    finding = next(f for f in data["findings"] if f["rule"] == "BC001")
    assert finding["location"] == {"env": "RUSTFLAGS"} and finding["severity"] == "error"
    assert set(finding) >= {"rule", "severity", "message", "message_id", "params", "location", "fix"}
    assert finding["params"]["flag"] == "-g" and finding["params"]["source"] == {"env": "RUSTFLAGS"}
    assert data["exit_code"] == 1 and data["make"] is None


def test_explicit_cargo_wins_and_named_channels_are_read_from_rustup(ws, tmp_path):
    write(ws / "rust-toolchain.toml", '[toolchain]\nchannel = "1.72.0"\n')
    debian = system_cargo(tmp_path / "debian", "1.65.0")
    result = scan(cwd=ws, env=base_env(tmp_path, **rustup(tmp_path, ["1.72.0"])), cargo=str(debian))
    assert str(result.toolchain.version) == "1.65.0" and result.toolchain.origin.detail == f"{debian} --version"
    assert result.toolchain.ignored_pin.path == str(ws / "rust-toolchain.toml") and "BC027" in rules(result)
    write(ws / "rust-toolchain.toml", '[toolchain]\nchannel = "stable"\n')
    result = scan(cwd=ws, env=base_env(tmp_path, **rustup(tmp_path, ["stable=1.95.0"])))
    assert result.toolchain.source == "rust-toolchain.toml" and result.toolchain.channel == "stable"
    assert str(result.toolchain.version) == "1.95.0"
    result = scan(cwd=ws, env=base_env(tmp_path, RUSTUP_TOOLCHAIN="nightly", **rustup(tmp_path, [])))
    assert result.toolchain.version is None and result.toolchain.channel == "nightly"
    assert "BC020" in rules(result) and "BC025" in rules(result)


def test_a_missing_cargo_argument_is_a_usage_error(ws, tmp_path):
    from buildcheck.errors import UsageError

    with pytest.raises(UsageError):
        scan(cwd=ws, env=base_env(tmp_path), cargo=str(tmp_path / "no/such/cargo"))


def test_bad_value_in_another_config_profile_is_still_rejected(ws, tmp_path):
    # cargo 1.95 refuses `profile.release.package.app.debug = -1` in a config file even for --profile dev
    write(ws / ".cargo/config.toml", "[profile.release.package.app]\ndebug = -1\n")
    with pytest.raises(ConfigError) as info:
        scan(cwd=ws, env=cargo_env(tmp_path, "1.95.0"), profile="dev")
    assert info.value.line == 2


def test_config_file_argument_ranks_below_env_on_cargo_165(ws, tmp_path):
    write(ws / "extra.toml", "[profile.release]\ndebug = 0\n")
    env = cargo_env(tmp_path, "1.95.0", CARGO_PROFILE_RELEASE_DEBUG="2")
    old = scan(cwd=ws, env=env, config_args=("extra.toml",), run_cargo_version=fake_cargo("1.65.0"))
    new = scan(cwd=ws, env=env, config_args=("extra.toml",))
    assert old.unit("app").debuginfo.value == "full"  # cargo 1.65: env wins (checked by the differential suite)
    assert new.unit("app").debuginfo.value == "none"


def test_config_file_rustflags_fix_names_the_line(ws, tmp_path):
    config = write(ws / ".cargo/config.toml", '[build]\nrustflags = [\n  "-C", "target-cpu=native",\n  "-g",\n]\n')
    result = scan(cwd=ws, env=cargo_env(tmp_path, "1.72.0"))
    finding = next(f for f in findings_of(result) if f.rule == "BC001")
    assert (finding.origin.path, finding.origin.line) == (str(config), 4)
    assert finding.fix.text() == f"remove -g from build.rustflags at {config}:4"


def test_strip_disabled_and_shadowed_and_ignored_include(ws, tmp_path):
    write(ws / ".cargo/config", '[profile.release]\nstrip = false\n')
    write(ws / ".cargo/config.toml", '[profile.release]\nstrip = "debuginfo"\n')
    write(tmp_path / "cargo-home/config.toml", 'include = ["more.toml"]\n')
    write(tmp_path / "cargo-home/more.toml", '')
    result = scan(cwd=ws, env=cargo_env(tmp_path, "1.72.0"))
    found = {f.rule: f for f in findings_of(result)}
    assert found["BC006"].origin.path == str(ws / ".cargo/config")  # the legacy file is the one cargo reads
    assert found["BC021"].origin.path == str(ws / ".cargo/config.toml")
    assert found["BC024"].origin.line == 1
    assert "BC005" not in found  # the explicit `strip = false` is the reason, not the toolchain


def test_profile_env_names_that_collide_are_rejected(ws, tmp_path):
    # CARGO_PROFILE_DIST_LTO_DEBUG (for profile dist-lto) also reads as profile.dist.lto: cargo 1.95 fails
    write(ws / "Cargo.toml", (ws / "Cargo.toml").read_text()
          + '\n[profile.dist]\ninherits = "release"\n[profile.dist-lto]\ninherits = "dist"\n')
    env = cargo_env(tmp_path, "1.95.0", CARGO_PROFILE_DIST_LTO_DEBUG="1")
    with pytest.raises(ConfigError, match="profile.dist"):
        scan(cwd=ws, env=env, profile="dist-lto")


def test_two_package_overrides_matching_one_crate_are_rejected(ws, tmp_path):
    write(ws / "Cargo.toml", (ws / "Cargo.toml").read_text()
          + '\n[profile.release.package.dep]\ndebug = 1\n[profile.release.package."dep@0.1.0"]\ndebug = 2\n')
    with pytest.raises(ConfigError, match="multiple package overrides"):
        scan(cwd=ws, env=cargo_env(tmp_path, "1.95.0"))


def test_proc_macro_is_a_host_unit_and_blocks_the_implicit_strip(tmp_path):
    root = tmp_path / "ws"
    write(root / "Cargo.toml", '[package]\nname = "app"\nversion = "0.1.0"\n[dependencies]\npm = { path = "pm" }\n'
          '[workspace]\n[profile.release.build-override]\ndebug = true\n')
    write(root / "pm/Cargo.toml", '[package]\nname = "pm"\nversion = "0.1.0"\n[lib]\nproc-macro = true\n')
    result = scan(cwd=root, env=cargo_env(tmp_path, "1.95.0"))
    assert result.unit("pm", host=True).debuginfo.value == "full"
    assert result.unit("app").strip.value == "none"  # its proc-macro dependency has debuginfo


@pytest.mark.parametrize("version, variables, verdict", [
    ("1.72.0", {}, "verdict.std-dwarf"),                      # cargo < 1.77: std's DWARF stays, nothing else
    ("1.72.0", {"RUSTFLAGS": "-g"}, "verdict.dwarf"),
    ("1.72.0", {"CFLAGS": "-g"}, "verdict.dwarf"),            # the project's C code, Rust's debuginfo none
    ("1.95.0", {}, "verdict.no-dwarf"),                       # cargo >= 1.77 strips
    ("1.95.0", {"RUSTFLAGS": "-g"}, "verdict.no-dwarf"),      # ... even what -g compiled in
])
def test_the_verdict_says_whose_dwarf_the_binary_carries(ws, tmp_path, version, variables, verdict):
    """"Will carry DWARF debug sections (debuginfo none)" read as a contradiction: it is the standard library's."""
    write(ws / "Cargo.lock", LOCK.replace('name = "serde"\nversion = "1.0.0"\n',
                                          'name = "serde"\nversion = "1.0.0"\ndependencies = ["cc"]\n')
          + '\n[[package]]\nname = "cc"\nversion = "1.0.79"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n')
    result = scan(cwd=ws, env=cargo_env(tmp_path, version, **variables))
    message = BuildPath(scan=result, causes=derive(result)).verdict
    assert message.id == verdict
    assert workspace_json(report_of(result), "scan")["effective"]["verdict"]["id"] == verdict  # scripts read the id
    assert f"debuginfo {result.debuginfo}" in message.text() and f"strip {result.strip}" in message.text()
