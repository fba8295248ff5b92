"""`inspect --isa`, `check --runs-on` and `flags --portable --runs-on` as a user runs them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from buildcheck.elf import eh_frame, reader, symbols
from buildcheck.isa.names import symbol_origin
from buildcheck.isa.report import inspect_isa
from helpers.terminal import FakeTerminal

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "binaries"
SOURCES = Path(__file__).resolve().parent / "isa_programs"
GCC = shutil.which("gcc")
V2_HOST = ("processor\t: 0\nmodel name\t: Old Xeon\nflags\t\t: fpu cx8 cmov mmx fxsr sse sse2 syscall pni ssse3 cx16 "
           "sse4_1 sse4_2 popcnt lahf_lm\n")
V3_SHA_HOST = ("processor\t: 0\nflags\t\t: fpu cx8 cmov mmx fxsr sse sse2 syscall pni ssse3 cx16 sse4_1 sse4_2 popcnt "
               "lahf_lm avx avx2 bmi1 bmi2 f16c fma abm movbe xsave sha_ni adx aes pclmulqdq\n"
               "processor\t: 1\nflags\t\t: fpu cx8 cmov mmx fxsr sse sse2 syscall pni ssse3 cx16 sse4_1 sse4_2 popcnt "
               "lahf_lm avx avx2 bmi1 bmi2 f16c fma abm movbe xsave sha_ni adx aes pclmulqdq vaes\n")


def buildcheck(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C", "HOME": os.environ.get("HOME", "/")}
    return subprocess.run([sys.executable, "-m", "buildcheck", *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd, env=env, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def avx2_binary(tmp_path_factory) -> Path:
    if GCC is None:
        pytest.skip("needs gcc")
    out = tmp_path_factory.mktemp("isa-cli") / "c-mavx2"
    subprocess.run([GCC, "-O3", "-mavx2", str(SOURCES / "c_avx2.c"), "-o", str(out)], check=True, timeout=120)
    return out


def test_inspect_isa_json_for_a_baseline_binary():
    result = buildcheck("inspect", "--isa", "--format", "json", str(FIXTURES / "rust-tiny"))
    assert result.returncode == 0, result.stderr
    isa = json.loads(result.stdout)["isa"]
    assert isa["analyzed"] and isa["level"] == "x86-64" and isa["required"] == []
    assert isa["function_source"] == "symbols" and isa["functions"] > 0
    without = json.loads(buildcheck("inspect", "--format", "json", str(FIXTURES / "rust-tiny")).stdout)
    assert "isa" not in without


@pytest.mark.toolchain
def test_inspect_isa_text_and_json_name_the_required_features(avx2_binary):
    text = buildcheck("inspect", "--isa", str(avx2_binary))
    assert text.returncode == 0
    assert "CPU features required" in text.stdout and "avx2" in text.stdout and "kernel" in text.stdout
    isa = json.loads(buildcheck("inspect", "--isa", "--format", "json", str(avx2_binary)).stdout)["isa"]
    required = {e["feature"]: e for e in isa["required"]}
    assert {"avx", "avx2"} <= set(required) and isa["level"] == "x86-64-v3"
    entry = required["avx2"]
    assert set(entry) >= {"feature", "instructions", "functions", "crates", "languages", "path"}
    assert "kernel" in entry["functions"] and entry["path"][-1] in entry["functions"]


def test_a_binary_that_is_not_x86_64_gets_a_note_not_an_error():
    for name in ("be64-s390x.o", "c-m32-debug"):
        result = buildcheck("inspect", "--isa", "--format", "json", str(FIXTURES / name))
        assert result.returncode == 0, result.stderr
        isa = json.loads(result.stdout)["isa"]
        assert isa["analyzed"] is False and "x86-64" in isa["note"]
    text = buildcheck("inspect", "--isa", str(FIXTURES / "be64-s390x.o"))
    assert text.returncode == 0 and "x86-64 only" in text.stdout


@pytest.mark.toolchain
def test_check_runs_on_fails_naming_the_missing_features(avx2_binary, tmp_path):
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    (fleet / "old-xeon").write_text(V2_HOST)
    (fleet / "new-epyc").write_text(V3_SHA_HOST)
    result = buildcheck("check", str(tmp_path), "--binary", str(avx2_binary), "--runs-on", str(fleet))
    assert result.returncode == 1
    assert "BC104" in result.stdout and "old-xeon" in result.stdout and "avx2" in result.stdout
    assert "SIGILL" in result.stdout
    document = json.loads(buildcheck("check", str(tmp_path), "--binary", str(avx2_binary), "--runs-on", str(fleet),
                                     "--format", "json").stdout)
    assert document["verdict"]["result"] == "fail"
    machines = {m["name"].rsplit("/", 1)[-1]: m for m in document["runs_on"]["binaries"][0]["machines"]}
    assert machines["old-xeon"]["runs"] is False and "avx2" in machines["old-xeon"]["missing"]
    assert machines["new-epyc"]["runs"] is True and machines["new-epyc"]["level"] == "x86-64-v3"
    assert [f for f in document["findings"] if f["rule"] == "BC104"]
    # the machine that has everything passes alone
    passing = buildcheck("check", str(tmp_path), "--binary", str(avx2_binary), "--runs-on", str(fleet / "new-epyc"))
    assert passing.returncode == 0, passing.stdout


def test_check_runs_on_a_dispatching_binary_passes_everywhere(tmp_path):
    result = buildcheck("check", str(tmp_path), "--binary", str(FIXTURES / "rust-tiny"), "--runs-on", "x86-64",
                        "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["runs_on"]["binaries"][0]["machines"][0]["runs"] is True


def test_runs_on_usage_errors(tmp_path):
    assert buildcheck("check", str(tmp_path), "--runs-on", "host").returncode == 2  # no --binary
    bad = buildcheck("check", str(tmp_path), "--binary", str(FIXTURES / "rust-tiny"), "--runs-on",
                     str(tmp_path / "missing"))
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
    (tmp_path / "not-cpuinfo").write_text("hello\n")
    bad = buildcheck("check", str(tmp_path), "--binary", str(FIXTURES / "rust-tiny"), "--runs-on",
                     str(tmp_path / "not-cpuinfo"))
    assert bad.returncode == 2 and "flags" in bad.stderr
    assert buildcheck("flags", str(tmp_path), "--runs-on", "host").returncode == 2  # needs --portable


def test_flags_portable_for_a_fleet_in_the_building_rustcs_names(tmp_path):
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "w"\nversion = "0.1.0"\n')
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    (fleet / "a").write_text(V3_SHA_HOST)
    (fleet / "b").write_text(V3_SHA_HOST.replace(" adx", ""))
    result = buildcheck("flags", str(tmp_path), "--portable", "--runs-on", str(fleet))
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if "RUSTFLAGS" in line)
    assert "-C target-cpu=x86-64-v3" in line and "+sha" in line and "+aes" in line
    assert "adx" not in line and "vaes" not in line  # b lacks adx; only cpu 1 of a has vaes
    assert "2 machine(s)" in result.stderr
    # a level as the SPEC: nothing beyond it
    level = buildcheck("flags", str(tmp_path), "--portable", "--runs-on", "x86-64-v2")
    assert "RUSTFLAGS='-C target-cpu=x86-64-v2'" in level.stdout


def test_readable_names():
    from buildcheck.isa.names import readable

    assert readable("_ZN4work6kernel17h39c25bbffea44e2eE") == "work::kernel"
    assert readable("_ZN4core3ptr35drop_in_place$LT$std..env..Args$GT$17h02427a7c624dfd1cE") == \
        "core::ptr::drop_in_place<std::env::Args>"
    assert readable("_ZN4core3fmt5write17h0123456789abcdefE.llvm.12345") == "core::fmt::write"
    assert readable("_ZN7rocksdb2DB4OpenEv") == "_ZN7rocksdb2DB4OpenEv"  # C++: left as it is
    assert readable("sha256_block_data_order_shaext") == "sha256_block_data_order_shaext"


def test_symbol_origin():
    assert symbol_origin("_ZN4work6kernel17h39c25bbffea44e2eE") == ("work", "Rust")
    assert symbol_origin("_RNvNtNtCs6d7GoaNTBIz_10std_detect6detect5cache21detect_and_initialize") == \
        ("std_detect", "Rust")
    assert symbol_origin("_ZN7rocksdb2DB4OpenEv") == ("rocksdb", "C++")
    assert symbol_origin("sha256_block_data_order_shaext") == (None, "C/asm")


@pytest.mark.parametrize("name", ["rust-tiny", "c-nodebug", "libc-shared.so", "mixed-rust-c", "cxx-debug"])
def test_symbols_and_fdes_match_pyelftools(name):
    elftools = pytest.importorskip("elftools.elf.elffile")
    from elftools.dwarf.callframe import FDE
    from elftools.elf.sections import SymbolTableSection

    path = FIXTURES / name
    data, _size = reader.open_map(str(path))
    try:
        header = reader.read_header(data, str(path))
        sections, _w = reader.read_sections(data, header, str(path))
        ours = symbols.read_symbols(data, header, sections)
        frame = next(s for s in sections if s.name == ".eh_frame")
        fdes = sorted(eh_frame.function_ranges(data, frame))
    finally:
        data.close()
    with open(path, "rb") as handle:
        elf = elftools.ELFFile(handle)
        table = elf.get_section_by_name(".symtab") or elf.get_section_by_name(".dynsym")
        assert isinstance(table, SymbolTableSection)
        theirs = {s["st_value"] for s in table.iter_symbols()
                  if s["st_info"]["type"] in ("STT_FUNC", "STT_GNU_IFUNC") and s["st_size"] and s["st_value"]
                  and s["st_shndx"] not in ("SHN_UNDEF", "SHN_ABS")}
        their_fdes = sorted((e["initial_location"], e["address_range"]) for e in elf.get_dwarf_info().EH_CFI_entries()
                            if isinstance(e, FDE))
    assert {start for start, _s, _n in ours.functions} == theirs
    assert fdes == their_fdes


def test_decoding_progress_only_on_a_terminal_and_for_much_code():
    from buildcheck.report.inspect_progress import LONG_DECODE_BYTES, walk_progress

    piped = FakeTerminal(tty=False)
    with walk_progress(piped, "x", enabled=True, long_bytes=LONG_DECODE_BYTES, message="decoding {name}") as progress:
        assert progress is None
    small = FakeTerminal(tty=True)
    with walk_progress(small, "x", enabled=True, long_bytes=LONG_DECODE_BYTES, message="decoding {name}") as progress:
        progress(1 << 20, 2 << 20)
    assert small.written == []
    large = FakeTerminal(tty=True)
    with walk_progress(large, "worker", enabled=True, long_bytes=LONG_DECODE_BYTES,
                       message="decoding {name}") as progress:
        progress(LONG_DECODE_BYTES, LONG_DECODE_BYTES * 2)
        progress(LONG_DECODE_BYTES * 2, LONG_DECODE_BYTES * 2)
    assert any("decoding worker" in chunk for chunk in large.written)


def test_decode_reports_progress_through_the_callback():
    seen: list[tuple[int, int]] = []
    inspect_isa(FIXTURES / "rust-tiny", progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1] > 0


def test_windowed_decoding_matches_whole_function_decoding(monkeypatch):
    """Functions larger than a window are decoded in pieces; the facts must not change."""
    from buildcheck.isa import disasm

    whole = inspect_isa(FIXTURES / "mixed-rust-c").to_json()
    facts_whole = _facts(FIXTURES / "rust-tiny")
    monkeypatch.setattr(disasm, "CHUNK_BYTES", 48)  # most functions now span several windows
    assert _facts(FIXTURES / "rust-tiny") == facts_whole
    assert inspect_isa(FIXTURES / "mixed-rust-c").to_json() == whole


def _facts(path: Path) -> list[tuple]:
    from buildcheck.isa import disasm

    data, _size = reader.open_map(str(path))
    try:
        header = reader.read_header(data, str(path))
        sections, _w = reader.read_sections(data, header, str(path))
        code = [disasm.CodeSection(addr=s.addr, offset=s.offset, size=s.size) for s in sections if s.flags & 4]
        table = symbols.read_symbols(data, header, sections)
        ranges = [disasm.CodeRange(start=start, size=size) for start, size, _n in table.functions
                  if any(c.contains(start) for c in code)]
        facts = disasm.decode_functions(data, code, ranges)
    finally:
        data.close()
    return [(f.start, sorted((k, sorted(v)) for k, v in f.features.items()), list(f.branches), list(f.leas),
             f.probes, f.falls_through) for f in facts]


def _patched(tmp_path: Path, name: str, patches: list[tuple[int, bytes]]) -> Path:
    data = bytearray((FIXTURES / name).read_bytes())
    for offset, raw in patches:
        data[offset:offset + len(raw)] = raw
    out = tmp_path / f"{name}-damaged"
    out.write_bytes(bytes(data))
    return out


def _section_header_offsets(name: str) -> dict[str, int]:
    import struct as st

    data = (FIXTURES / name).read_bytes()
    shoff, = st.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = st.unpack_from("<HHH", data, 0x3A)
    names_at = st.unpack_from("<Q", data, shoff + shstrndx * shentsize + 0x18)[0]
    out = {}
    for i in range(shnum):
        at = shoff + i * shentsize
        name_off = st.unpack_from("<I", data, at)[0]
        end = data.index(b"\0", names_at + name_off)
        out[data[names_at + name_off:end].decode()] = at
    return out


@pytest.mark.parametrize("section,field,value", [
    (".text", 0x20, 2**62),          # sh_size absurd
    (".text", 0x18, 2**40),          # sh_offset past the end
    (".symtab", 0x20, 2**40),        # symbol table size absurd
    (".eh_frame", 0x18, 0),          # the unwind table points at the ELF header
    (".rela.dyn", 0x20, 2**50),      # relocations past the end
])
def test_damaged_headers_never_crash_the_analysis(tmp_path, section, field, value):
    import struct as st

    offsets = _section_header_offsets("rust-tiny")
    if section not in offsets:
        pytest.skip(f"no {section} in the fixture")
    damaged = _patched(tmp_path, "rust-tiny", [(offsets[section] + field, st.pack("<Q", value))])
    result = buildcheck("inspect", "--isa", "--format", "json", str(damaged))
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert result.returncode in (0, 2)
    if result.returncode == 2:
        assert result.stderr.count("\n") == 1


def test_absurd_symbol_sizes_stay_inside_their_section(tmp_path):
    """A FUNC symbol claiming 2**60 bytes is decoded up to its section's end, not beyond."""
    import struct as st

    offsets = _section_header_offsets("rust-tiny")
    data = (FIXTURES / "rust-tiny").read_bytes()
    symtab_at = st.unpack_from("<Q", data, offsets[".symtab"] + 0x18)[0]
    count = st.unpack_from("<Q", data, offsets[".symtab"] + 0x20)[0] // 24
    patches = []
    for i in range(count):
        info = data[symtab_at + i * 24 + 4]
        if info & 0xF == 2:  # STT_FUNC
            patches.append((symtab_at + i * 24 + 16, st.pack("<Q", 2**60)))
    damaged = _patched(tmp_path, "rust-tiny", patches)
    report = inspect_isa(damaged)
    assert report.analyzed and report.bytes_decoded <= len(data)


def test_check_runs_on_a_binary_it_cannot_analyse_says_so(tmp_path):
    """A 32-bit build given to --runs-on: not judged, and the gate says it (BC105, a warning) instead of passing in
    silence; --fail-on warning fails on it."""
    source = tmp_path / "t.c"
    source.write_text("int main(void) { return 0; }\n")
    binary = tmp_path / "t32"
    built = subprocess.run(["gcc", "-m32", "-O2", "-s", str(source), "-o", str(binary)], capture_output=True)
    if built.returncode != 0:
        pytest.skip("no 32-bit gcc (gcc-multilib)")
    result = buildcheck("check", str(tmp_path), "--binary", str(binary), "--runs-on", "x86-64-v2", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    document = json.loads(result.stdout)
    bc105 = [f for f in document["findings"] if f["rule"] == "BC105"]
    assert len(bc105) == 1 and bc105[0]["severity"] == "warning" and bc105[0]["params"]["count"] == 1
    assert document["runs_on"]["binaries"][0]["analyzed"] is False
    strict = buildcheck("check", str(tmp_path), "--binary", str(binary), "--runs-on", "x86-64-v2", "--fail-on",
                        "warning")
    assert strict.returncode == 1 and "BC105" in strict.stdout
