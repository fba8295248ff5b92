"""Profiles: inherits chains, overrides per unit, strip resets and the implicit strip per cargo version."""

from __future__ import annotations

import pytest
from packaging.version import Version

from buildcheck.cargo.config_value import empty_table
from buildcheck.cargo.env_config import ConfigReader
from buildcheck.cargo.profiles import final_strip, manifest_profiles, resolve_profile, unit_profile
from buildcheck.cargo.toml_source import parse_toml
from buildcheck.errors import ConfigError
from buildcheck.model import Origin

NEW, OLD, PINNED = Version("1.95.0"), Version("1.65.0"), Version("1.72.0")


def resolve(manifest_text: str, name: str, version=NEW, env=None):
    doc = parse_toml(manifest_text, "/ws/Cargo.toml")
    env = env or {}
    reader = ConfigReader(empty_table(Origin.file("/")), env, version)
    return resolve_profile(name, manifest=manifest_profiles(doc, version), reader=reader, version=version, env=env)


def test_builtin_defaults():
    assert resolve("", "release").debug.value == "none"
    assert resolve("", "dev").debug.value == "full"
    assert resolve("", "bench").chain == ("bench", "release")
    assert resolve("", "test").chain == ("test", "dev")


def test_inherits_chain_merges_child_over_parent():
    text = ('[profile.release]\ndebug = 1\nstrip = "none"\n[profile.a]\ninherits = "release"\ndebug = 2\n'
            '[profile.b]\ninherits = "a"\n')
    got = resolve(text, "b")
    assert got.chain == ("b", "a", "release")
    assert got.debug.value == "full" and got.debug.origin.line == 6
    assert got.debug.overridden[0].value == "limited"
    assert got.layer.strip.value == "none"


@pytest.mark.parametrize("text, name, message", [
    ('[profile.x]\ndebug = 1\n', "x", "missing an `inherits`"),
    ('[profile.release]\ninherits = "dev"\n', "release", "must not be specified in root profile"),
    ('[profile.a]\ninherits = "b"\n[profile.b]\ninherits = "a"\n', "a", "loop"),
    ('', "nope", "not defined"),
])
def test_profile_errors(text, name, message):
    with pytest.raises(ConfigError, match=message):
        resolve(text, name)


def test_env_profile_overrides_manifest_field_by_field():
    text = '[profile.release]\ndebug = 1\nstrip = "symbols"\n'
    got = resolve(text, "release", env={"CARGO_PROFILE_RELEASE_DEBUG": "false"})
    assert got.debug.value == "none" and got.debug.origin.env == "CARGO_PROFILE_RELEASE_DEBUG"
    assert got.layer.strip.value == "symbols"


def unit(profile, package, *, member=False, host=False, version=NEW, pkg_version=None, explicit_target=False):
    return unit_profile(profile, package, version=pkg_version, is_member=member, host=host, cargo_version=version,
                        explicit_target=explicit_target)


def test_package_overrides_star_applies_to_non_members_only():
    text = '[profile.release.package."*"]\ndebug = 1\n[profile.release.package.special]\ndebug = 2\n'
    profile = resolve(text, "release")
    assert unit(profile, "serde").debuginfo.value == "limited"
    assert unit(profile, "app", member=True).debuginfo.value == "none"
    assert unit(profile, "special", member=True).debuginfo.value == "full"


def test_package_spec_with_version():
    profile = resolve('[profile.release.package."serde@1.0.1"]\ndebug = 1\n', "release")
    assert unit(profile, "serde", pkg_version="1.0.1").debuginfo.value == "limited"
    assert unit(profile, "serde", pkg_version="1.0.2").debuginfo.value == "none"


def test_an_override_without_strip_resets_strip_to_the_deferred_default():
    # cargo 1.95: strip = "none" in the profile, package."*" without strip -> dependency gets -C strip=debuginfo
    profile = resolve('[profile.release]\nstrip = "none"\n[profile.release.package."*"]\nopt-level = 2\n', "release")
    dep = unit(profile, "dep")
    assert dep.strip is None
    assert final_strip(dep, [], NEW).value == "debuginfo"
    root = unit(profile, "app", member=True)
    assert final_strip(root, [], NEW).value == "none" and final_strip(root, [], NEW).origin.kind == "file"


def test_implicit_strip_needs_new_cargo_and_no_debuginfo_below():
    profile = resolve("", "release")
    app = unit(profile, "app", member=True)
    assert final_strip(app, ["none"], NEW).value == "debuginfo"
    assert final_strip(app, ["limited"], NEW).value == "none"
    assert final_strip(app, ["none"], PINNED).value == "none"
    assert final_strip(app, ["none"], Version("1.77.0")).value == "debuginfo"


def test_host_units_in_dev_depend_on_version_and_target():
    profile = resolve("", "dev")
    # cargo 1.95 builds build scripts without debuginfo, 1.65 with; --target keeps it (checked)
    assert unit(profile, "app", member=True, host=True).debuginfo.value == "none"
    assert unit(profile, "app", member=True, host=True, version=OLD).debuginfo.value == "full"
    assert unit(profile, "app", member=True, host=True, explicit_target=True).debuginfo.value == "full"
    # and the implicit strip still sees the profile's level: no strip for the dev build script
    assert final_strip(unit(profile, "app", member=True, host=True), [], NEW).value == "none"


def test_build_override_debug_wins_for_host_units():
    profile = resolve('[profile.release.build-override]\ndebug = true\n', "release")
    assert unit(profile, "cc", host=True).debuginfo.value == "full"
    assert unit(profile, "cc").debuginfo.value == "none"


def test_old_cargo_rejects_string_debug_with_the_line():
    with pytest.raises(ConfigError) as info:
        resolve('[profile.release]\n\ndebug = "limited"\n', "release", version=OLD)
    assert info.value.line == 3 and info.value.path == "/ws/Cargo.toml"


def test_unknown_strip_string_fails_when_a_unit_uses_it():
    profile = resolve('[profile.release]\nstrip = "everything"\n', "release")
    with pytest.raises(ConfigError, match="strip"):
        final_strip(unit(profile, "app", member=True), [], NEW)
