"""The gate's binary rules (BC100/BC101/BC102) on the real ELF fixtures, and the evidence they are read from."""

from __future__ import annotations

from dataclasses import replace

import pytest
from helpers.scenario import BINARY_FIXTURES

from buildcheck.binary_evidence import read_evidence, recorded_debug_switch
from buildcheck.binary_findings import UNATTRIBUTED_ERROR_BYTES, binary_findings, size_findings
from buildcheck.elf.inspect import inspect_binary

GCC = "GNU C17 12.2.0 -mtune=generic -march=x86-64 {} -fasynchronous-unwind-tables"


@pytest.mark.parametrize("switches, expected", [
    ("-g -O2", "-g"), ("-O2", None), ("-g -g0", None), ("-g0 -g3", "-g3"), ("-gdwarf-4 -O2", "-gdwarf-4"),
    ("-g -gz=zlib", "-g"), ("-gz", None), ("-ggdb", "-ggdb"), ("-gline-tables-only", "-gline-tables-only"),
    ("-gno-record-gcc-switches", None), ("-gsplit-dwarf -g", "-g"), ("-grecord-gcc-switches", None),
])
def test_recorded_debug_switch_of_gcc_producers(switches, expected):
    assert recorded_debug_switch(GCC.format(switches)) == expected


@pytest.mark.parametrize("producer", [None, "", "clang LLVM (rustc version 1.95.0 (59807616e 2026-04-14))",
                                      "GNU AS 2.40", "clang version 14.0.6 -g"])
def test_producers_that_record_no_gcc_switches(producer):
    assert recorded_debug_switch(producer) is None


# What each committed fixture must give: (rule, severity) of its debug-info finding, or None.
EXPECTED = {
    "c-nodebug": None,
    "c-debuglink": None,               # the debug info was moved out to c-debuglink.debug
    "rust-tiny": ("BC102", "warning"),  # only core/compiler_builtins: the standard library's own
    "rust-tiny-debug": ("BC100", "error"),
    "mixed-rust-c": ("BC100", "error"),
    "c-debug": ("BC100", "error"),
    "cxx-debug": ("BC100", "error"),
    "asm-debug": ("BC100", "error"),
    "c-split-dwarf": ("BC100", "error"),
    "c-gz-zlib": ("BC100", "error"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_debug_info_rule_of_each_fixture(name):
    evidence = read_evidence(inspect_binary(BINARY_FIXTURES / name))
    findings = binary_findings(evidence)
    got = [(f.rule, f.severity) for f in findings]
    assert got == ([EXPECTED[name]] if EXPECTED[name] else [])
    for finding in findings:
        assert str(BINARY_FIXTURES / name) in finding.message.text() and finding.fix
        assert finding.origin is not None and finding.origin.path == str(BINARY_FIXTURES / name)


def test_evidence_groups_add_up_to_debug_info():
    for path in sorted(BINARY_FIXTURES.iterdir()):
        if not path.is_file() or path.suffix in (".md", ".txt", ".sh") or path.name == "SHA256SUMS":
            continue
        report = inspect_binary(path)
        evidence = read_evidence(report)
        total = evidence.crate_bytes + evidence.std_bytes + evidence.native_bytes + evidence.unknown_bytes
        # the binary's own units, and those of the split files its skeletons point at
        assert total == sum(o.debug_info_bytes for o in (*report.origins, *report.split_origins)), path.name
        assert sum(o.debug_info_bytes for o in report.split_origins) == evidence.split_debug_info_bytes
        assert evidence.has_dwarf == (report.debug_info_bytes > 0 or report.split_dwarf), path.name


def test_mixed_rust_and_c_names_the_crate_and_the_gcc_switch():
    evidence = read_evidence(inspect_binary(BINARY_FIXTURES / "mixed-rust-c"))
    assert evidence.crate_names() == {"mixed"}
    assert [(n.kind, n.debug_switch) for n in evidence.native] == [("c", "-g")]
    message = binary_findings(evidence)[0].message.text()
    assert "mixed" in message and "recorded -g" in message


def test_undecodable_debug_info_uses_its_size_as_the_signal():
    evidence = read_evidence(inspect_binary(BINARY_FIXTURES / "c-gz-zstd"))
    if evidence.origins_computed:
        evidence = replace(evidence, native=(), unknown_bytes=evidence.debug_info_bytes, origins_computed=False)
    small = binary_findings(evidence)
    assert [(f.rule, f.severity) for f in small] == [("BC100", "warning")]
    large = replace(evidence, debug_bytes=UNATTRIBUTED_ERROR_BYTES + 1, file_size=2 * UNATTRIBUTED_ERROR_BYTES)
    assert [(f.rule, f.severity) for f in binary_findings(large)] == [("BC100", "error")]


def test_max_size_boundary_is_inclusive():
    evidence = read_evidence(inspect_binary(BINARY_FIXTURES / "c-nodebug"))
    size = evidence.file_size
    assert size_findings(evidence, None) == []
    assert size_findings(evidence, size) == []
    over = size_findings(evidence, size - 1)
    assert [(f.rule, f.severity) for f in over] == [("BC101", "error")]
    assert over[0].fix is None  # nothing to strip: the message gives the size, no debug-info advice
    debug = read_evidence(inspect_binary(BINARY_FIXTURES / "c-debug"))
    assert size_findings(debug, 1)[0].fix
