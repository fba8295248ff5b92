"""The TOML key->line locator and broken-TOML errors."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from buildcheck.cargo.toml_source import load_toml, locate_keys, parse_toml
from buildcheck.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SAMPLE = '''# a comment with [brackets] and key = 1
[profile.release]
debug = 1 # trailing
strip = """
multi
line = "not a key"
"""
[target.'cfg(all(unix, target_os = "linux"))']
rustflags = [
  "-g",   # first
  "-C", 'target-cpu=native',
]
[[bin]]
name = "a"
[[bin]]
name = "b"
p = { a.b = 1, c = [1,
2], d = 3 }
"q.r" . s = 1
build.rustflags = ["x"]
'''


def test_locates_tables_dotted_quoted_and_multiline():
    lines = locate_keys(SAMPLE)
    assert lines[("profile", "release")] == 2
    assert lines[("profile", "release", "debug")] == 3
    assert lines[("profile", "release", "strip")] == 4
    assert ("profile", "release", "line") not in lines  # inside a multi-line string
    key = ("target", 'cfg(all(unix, target_os = "linux"))')
    assert lines[key] == 8
    assert lines[key + ("rustflags",)] == 9
    assert lines[key + ("rustflags", "0")] == 10
    assert lines[key + ("rustflags", "2")] == 11
    assert lines[("bin", "0", "name")] == 14
    assert lines[("bin", "1", "name")] == 16
    assert lines[("bin", "1", "p", "a", "b")] == 17
    assert lines[("bin", "1", "p", "d")] == 18
    assert lines[("bin", "1", "q.r", "s")] == 19
    assert lines[("bin", "1", "build", "rustflags")] == 20


def test_every_parsed_key_is_located():
    data = tomllib.loads(SAMPLE)
    lines = locate_keys(SAMPLE)

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                assert path + (key,) in lines, path + (key,)
                walk(value, path + (key,))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, path + (str(i),))
    walk(data, ())


def test_broken_toml_gives_path_and_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[build]\nrustflags = [\"-g\"\n[profile.release]\n")
    with pytest.raises(ConfigError) as info:
        load_toml(path)
    assert info.value.path == str(path)
    assert info.value.line in (2, 3)
    assert str(info.value).startswith(f"{path}:{info.value.line}: ")


def test_not_utf8_is_a_config_error(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b"a = \"\xff\"\n")
    with pytest.raises(ConfigError):
        load_toml(path)


def test_line_of_falls_back_to_the_table():
    doc = parse_toml("[profile.release]\ndebug = 1\n", "x.toml")
    assert doc.line_of(("profile", "release", "debug")) == 2
    assert doc.line_of(("profile", "release", "nothing")) == 1


_key = st.one_of(st.text(alphabet="abz09_-", min_size=1, max_size=6),
                 st.text(alphabet="abc .=#[]", min_size=1, max_size=6).map(lambda s: "'" + s + "'"))
_value = st.one_of(st.integers(-5, 5).map(str), st.booleans().map(lambda b: str(b).lower()),
                   st.text(alphabet="ab #=[]{}", max_size=6).map(lambda s: '"' + s + '"'),
                   st.just('"""\na = 1\n"""'), st.just("[\n 1,\n 2,\n]"), st.just("{ x = 1, y = [1,\n2] }"))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.booleans(), _key, _value), min_size=1, max_size=6))
def test_generated_documents_locate_every_assignment(entries):
    """Each generated `key = value` is found on the line it starts on, whatever the values span."""
    out: list[str] = []
    expected: dict[tuple[str, ...], int] = {}
    # Dotted statements first: after a [header] they would belong to that table.
    for i, (as_table, key, value) in enumerate(sorted(entries, key=lambda e: e[0])):
        table = f"t{i}"
        if as_table:
            out.append(f"[{table}]  # header = 1")
            statement = f"{key} = {value}"
        else:
            statement = f"{table}.{key} = {value}"
        start = sum(chunk.count("\n") + 1 for chunk in out) + 1
        out.append(statement)
        expected[(table, tomllib.loads(f"{key} = 1").popitem()[0])] = start
    text = "\n".join(out) + "\n"
    lines = locate_keys(text)
    for key, line in expected.items():
        assert lines.get(key) == line, (key, text)


def test_unclosed_value_at_end_of_document_points_at_the_last_line():
    from buildcheck.cargo.toml_source import parse_toml
    from buildcheck.errors import ConfigError

    for text, line in (("[profile.release]\ndebug = [\n", 2), ("[build]\nrustflags = [\"-g\",", 2),
                       ("a = 1\nb = '''\nunclosed\n", 3)):
        try:
            parse_toml(text, "/x/.cargo/config.toml")
        except ConfigError as exc:
            assert exc.line == line, (text, str(exc))
            assert str(exc).startswith(f"/x/.cargo/config.toml:{line}: could not parse TOML")
            assert "end of document" not in str(exc)
        else:
            raise AssertionError(f"{text!r} parsed")
