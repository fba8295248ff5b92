import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.messages import note
from buildcheck.model import Finding, Origin
from buildcheck.report import github

ROOT = "/w/repo"
MANIFEST = "/w/repo/Cargo.toml"


def one(finding, manifest=MANIFEST):
    return github.annotation(finding, root=ROOT, manifest_path=manifest)


def test_file_finding_has_file_line_and_title():
    line = one(Finding(rule="BC001", severity="error", message=note("-g in build.rustflags"),
                       origin=Origin.file("/w/repo/.cargo/config.toml", 3)))
    assert line == "::error file=.cargo/config.toml,line=3,title=BC001 rustflags-debuginfo::-g in build.rustflags"


def test_severity_commands():
    for severity, command in (("error", "error"), ("warning", "warning"), ("info", "notice")):
        assert one(Finding(rule="BC200", severity=severity, message=note("m"))).startswith(f"::{command} ")


def test_message_escaping_and_fix_on_a_second_line():
    line = one(Finding(rule="BC001", severity="error", message=note("100% of\r\nit: a,b"),
                       origin=Origin.file("/w/repo/x.toml", 1), fix=note("unset RUSTFLAGS")))
    message = line.split("::", 2)[2]
    assert message == "100%25 of%0D%0Ait: a,b%0AFix: unset RUSTFLAGS"


def test_property_escaping():
    line = one(Finding(rule="BC001", severity="error", message=note("m"), origin=Origin.file("/w/repo/a,b:c%.toml", 2)))
    assert "file=a%2Cb%3Ac%25.toml,line=2," in line


def test_env_cause_sits_on_the_manifest_without_a_line():
    line = one(Finding(rule="BC001", severity="error", message=note("-g in RUSTFLAGS"), origin=Origin.environment("RUSTFLAGS")))
    assert line.startswith("::error file=Cargo.toml,title=")
    assert "environment variable RUSTFLAGS" in line


def test_file_outside_the_repository_is_named_by_its_absolute_path():
    line = one(Finding(rule="BC002", severity="warning", message=note("debug = true"),
                       origin=Origin.file("/home/op/.cargo/config.toml", 7)))
    assert line.startswith("::warning file=/home/op/.cargo/config.toml,line=7,title=")


def test_no_manifest_no_file():
    line = one(Finding(rule="BC022", severity="info", message=note("no workspace")), manifest=None)
    assert line == "::notice title=BC022 no-workspace::no workspace"


def _unescape(text: str, *, prop: bool) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if prop else [])
    out = re.sub("%25|%0D|%0A|%3A|%2C" if prop else "%25|%0D|%0A",
                 lambda m: {"%25": "%", **dict(pairs)}[m.group(0)], text)
    return out


@given(st.text())
def test_escaping_is_reversible_and_leaves_no_separator(text):
    data = github.escape_data(text)
    prop = github.escape_property(text)
    assert "\n" not in data and "\r" not in data
    assert "," not in prop and ":" not in prop and "\n" not in prop
    assert _unescape(data, prop=False) == text
    assert _unescape(prop, prop=True) == text


def test_render_writes_one_line_per_finding():
    out = io.StringIO()
    findings = [Finding(rule="BC001", severity="error", message=note("a\nb")), Finding(rule="BC100", severity="error", message=note("c"))]
    github.render(out, findings, root=ROOT, manifest_path=MANIFEST)
    assert len(out.getvalue().splitlines()) == 2


@pytest.mark.parametrize("origin", [Origin.cli("profile.release.debug=true"), Origin.default("cargo"),
                                    Origin.command("cargo --version")])
def test_non_file_origins_are_named(origin):
    line = one(Finding(rule="BC002", severity="error", message=note("m"), origin=origin))
    assert github.escape_data(origin.describe()) in line.split("::", 2)[2]


def test_paths_in_the_text_are_repository_relative_like_the_annotation():
    from buildcheck.messages import Message

    pin = Origin.file("/w/repo/ws/rust-toolchain.toml", 2)
    message = Message.of("t", "the toolchain that {source} selects", source=pin)
    line = one(Finding(rule="BC025", severity="warning", message=message, origin=pin,
                       fix=Message.of("t.fix", "edit {source}", source=pin)))
    assert "/w/repo" not in line
    assert line.endswith("::the toolchain that ws/rust-toolchain.toml:2 selects%0AFix: edit ws/rust-toolchain.toml:2")
