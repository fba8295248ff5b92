"""sys_crates.toml: every row cites its build script, every need has a package per family, bad tables fail."""

from __future__ import annotations

import pytest

from buildcheck.doctor.table import FAMILIES, TableError, load_table, parse_table


def test_every_row_cites_a_full_commit_and_every_need_has_packages():
    table = load_table()
    for row in table.crates.values():
        assert len(row.source.commit) == 40 and row.source.repo.count("/") == 1 and row.source.paths, row.name
    for need in table.needs.values():
        assert all(need.packages[f] for f in FAMILIES), need.id


def test_the_brief_s_debian_packages():
    needs = load_table().needs
    assert needs["libclang"].packages["debian"] == "libclang-dev"
    assert needs["libhwloc"].packages["debian"] == needs["hwloc"].packages["debian"] == "libhwloc-dev"
    assert needs["opencl"].packages["debian"] == "ocl-icd-opencl-dev"
    assert needs["openssl"].packages["debian"] == "libssl-dev"


def test_versions_read_cover_damocles_lock():
    crates = load_table().crates
    assert crates["clang-sys"].covers("1.6.1") and crates["librocksdb-sys"].covers("0.11.0+8.1.1")
    assert crates["ec-gpu-gen"].covers("0.6.0, 0.7.0") and not crates["hwloc"].covers("0.6.0")


@pytest.mark.parametrize("data", [
    {"schema_version": 2},
    {"schema_version": 1, "need": {"x": {"kind": "program", "program": "x", "packages": {"debian": "x"}}}},
    {"schema_version": 1, "need": {}, "crate": {"c": {"why": "w", "needs": [{"need": "nope"}],
                                                     "source": {"repo": "a/b", "version": "1", "commit": "0" * 40}}}},
    {"schema_version": 1, "need": {}, "crate": {"c": {"why": "w", "source": {"repo": "a/b", "version": "1",
                                                                              "commit": "abc"}}}},
])
def test_inconsistent_tables_are_refused(data):
    with pytest.raises(TableError):
        parse_table(data)
