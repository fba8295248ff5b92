"""inspect_isa(): one ELF file in, the CPU features it requires and those it dispatches at run time out.

Assembles the pieces: the ELF reader (sections, symbols, FDEs, stored pointers), the decoder
(isa/disasm.py) and the pure classification (isa/analyze.py). A file that is not x86-64 gets a note,
not an error.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import struct
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from buildcheck.elf import eh_frame, pointers, reader, symbols
from buildcheck.i18n import _
from buildcheck.isa import analyze, disasm
from buildcheck.isa.names import symbol_origin
from buildcheck.x86_features import LEVEL_CPUINFO, LEVEL_NAMES

SHF_WRITE = 0x1
SHF_EXECINSTR = 0x4
SHT_PROGBITS = 1
FUNCTIONS_SHOWN = 8   # function names kept per feature in the report (the count is kept too)



@dataclass(frozen=True, kw_only=True)
class FeatureEntry:
    feature: str                    # /proc/cpuinfo name
    instructions: tuple[str, ...]
    functions: tuple[str, ...]      # up to FUNCTIONS_SHOWN names (unguarded users first)
    function_count: int
    crates: tuple[str, ...]
    languages: tuple[str, ...]
    path: tuple[str, ...] = ()      # required / unproven: how execution gets there without a CPU check

    def to_json(self) -> dict[str, Any]:
        return {"feature": self.feature, "instructions": list(self.instructions), "functions": list(self.functions),
                "function_count": self.function_count, "crates": list(self.crates),
                "languages": list(self.languages), "path": list(self.path)}


@dataclass(frozen=True, kw_only=True)
class IsaReport:
    path: str
    analyzed: bool
    note: str | None = None
    required: tuple[FeatureEntry, ...] = ()
    dispatched: tuple[FeatureEntry, ...] = ()
    unproven: tuple[FeatureEntry, ...] = ()
    level: str | None = None        # the x86-64 level the required features imply (None: not analysed)
    functions: int = 0
    bytes_decoded: int = 0
    function_source: str = ""       # symbols | eh_frame | sections
    probes: tuple[str, ...] = ()    # the functions that execute CPUID

    @property
    def required_features(self) -> frozenset[str]:
        return frozenset(e.feature for e in self.required)

    @property
    def beyond_level(self) -> tuple[str, ...]:
        """Required features that no x86-64 level includes (sha_ni, adx, aes...)."""
        return tuple(sorted(self.required_features - LEVEL_CPUINFO[LEVEL_NAMES[-1]]))

    def to_json(self) -> dict[str, Any]:
        return {"analyzed": self.analyzed, "note": self.note, "level": self.level,
                "beyond_level": list(self.beyond_level),
                "required": [e.to_json() for e in self.required],
                "dispatched": [e.to_json() for e in self.dispatched],
                "unproven": [e.to_json() for e in self.unproven],
                "functions": self.functions, "bytes_decoded": self.bytes_decoded,
                "function_source": self.function_source, "probes": list(self.probes)}


def inspect_isa(path: str | os.PathLike[str], *,
                progress: Callable[[int, int], None] | None = None) -> IsaReport:
    name = os.fspath(path)
    data, _size = reader.open_map(name)
    with contextlib.ExitStack() as stack:
        stack.callback(data.close)
        return _inspect(name, data, progress)


def _inspect(path: str, data: Any, progress: Callable[[int, int], None] | None) -> IsaReport:
    header = reader.read_header(data, path)
    if header.machine_code != 62 or header.class_ != 64 or header.endianness != "little":
        return IsaReport(path=path, analyzed=False, note=_(
            "not an x86-64 binary ({machine}): CPU features are analysed for x86-64 only").format(
            machine=header.machine))
    sections, _warnings = reader.read_sections(data, header, path)
    code = []
    for s in sections:
        if s.flags & SHF_EXECINSTR and s.type == SHT_PROGBITS:
            start, end = reader.file_span(s, len(data))  # clipped to the file: a damaged header reads nothing
            if end > start:
                code.append(disasm.CodeSection(addr=s.addr, offset=start, size=end - start))
    code.sort(key=lambda s: s.addr)
    if not code:
        return IsaReport(path=path, analyzed=False, note=_("no code sections: nothing to analyse"))

    table = symbols.read_symbols(data, header, sections)
    ranges, source = _function_ranges(data, sections, code, table)
    fixed = header.type == "EXEC"
    facts = disasm.decode_functions(data, code, ranges, progress=progress, absolute_addresses=fixed)
    ranges, facts = _add_unlisted_targets(data, code, ranges, facts, fixed)

    probes, callers = analyze.probe_neighbourhood(facts)
    for i in probes | callers:
        disasm.read_memory_operands(data, code, facts[i])
    writable = sorted((s.addr, s.addr + s.size) for s in sections if s.flags & SHF_WRITE and s.addr)
    objects = [(start, start + size) for start, size, _n in table.objects]
    caches = analyze.cache_regions(facts, probes, callers, writable, objects)
    readers: set[int] = set()
    if caches:
        candidates = disasm.functions_referring_to(data, code, caches, [f.start for f in facts])
        for i in candidates - probes - callers:
            disasm.read_memory_operands(data, code, facts[i])
        readers = candidates | callers

    is_code = _membership(code)
    stored = list(pointers.code_pointers(data, header, sections, is_code))
    init_slots = [(s.addr, s.addr + s.size) for s in sections if s.name in (".init_array", ".preinit_array")]
    (entry,) = struct.unpack_from("<Q", data, 24)
    roots = [entry]
    if header.type == "DYN" and not any(s.name == ".interp" for s in sections):
        exported = symbols.read_symbols(data, header, sections, dynamic_only=True)
        roots += [start for start, _s, _n in exported.functions]
    program = analyze.Program(functions=facts, pointers=stored, objects=objects, writable=writable, roots=roots,
                              init_slots=init_slots)
    result = analyze.classify(program, probes=probes, probe_callers=callers, caches=caches, readers=readers)

    names = _Names(data, table, ranges, sections, header)
    return IsaReport(
        path=path, analyzed=True, level=result.level,
        required=tuple(_entry(use, names) for use in result.required),
        dispatched=tuple(_entry(use, names) for use in result.dispatched),
        unproven=tuple(_entry(use, names) for use in result.unproven),
        functions=len(facts), bytes_decoded=sum(f.decoded_bytes for f in facts), function_source=source,
        probes=tuple(sorted(names.get(i) for i in probes)),
    )


def _membership(code: Sequence[disasm.CodeSection]) -> Callable[[int], bool]:
    spans = sorted((s.addr, s.addr + s.size) for s in code)
    lowest, highest = spans[0][0], max(high for _low, high in spans)

    def is_code(address: int) -> bool:
        if not lowest <= address < highest:  # most stored words are not code addresses at all
            return False
        return any(low <= address < high for low, high in spans)
    return is_code


def _function_ranges(data: Any, sections: list[reader.RawSection], code: Sequence[disasm.CodeSection],
                     table: symbols.Symbols) -> tuple[list[disasm.CodeRange], str]:
    is_code = _membership(code)
    found = {start: (size, name) for start, size, name in table.functions if is_code(start)}
    source = "symbols" if found else ""
    if table.source != ".symtab":
        # No full symbol table: the exported symbols name a few functions; the unwind tables locate all
        frame = next((s for s in sections if s.name == ".eh_frame" and s.occupies_file), None)
        if frame is not None:
            before = len(found)
            for start, size in eh_frame.function_ranges(data, frame):
                if is_code(start) and start not in found:
                    found[start] = (size, -1)
            if len(found) > before:
                source = "eh_frame"
    ranges = [disasm.CodeRange(start=start, size=size, name_offset=name) for start, (size, name) in found.items()]
    if not ranges:
        ranges = [disasm.CodeRange(start=s.addr, size=s.size) for s in code]
        source = "sections"
    # a range never runs past its code section (a damaged symbol may claim any size)
    clipped_to_section = []
    for r in ranges:
        section = next(c for c in code if c.contains(r.start))
        end = min(r.start + r.size, section.addr + section.size)
        clipped_to_section.append(disasm.CodeRange(start=r.start, size=end - r.start, name_offset=r.name_offset))
    ranges = clipped_to_section
    ranges.sort(key=lambda r: r.start)
    # overlapping ranges (aliases, nested local labels) are clipped so no byte is decoded twice
    clipped: list[disasm.CodeRange] = []
    for r in ranges:
        if clipped and r.start < clipped[-1].start + clipped[-1].size:
            if r.start + r.size <= clipped[-1].start + clipped[-1].size:
                continue
            last = clipped[-1]
            clipped[-1] = disasm.CodeRange(start=last.start, size=r.start - last.start, name_offset=last.name_offset)
        clipped.append(r)
    return [r for r in clipped if r.size > 0], source


UNLISTED_ROUNDS = 3
UNLISTED_MAX_BYTES = 1 << 16


def _add_unlisted_targets(data: Any, code: Sequence[disasm.CodeSection], ranges: list[disasm.CodeRange],
                          facts: list[disasm.FunctionFacts], fixed: bool) -> tuple[list[disasm.CodeRange],
                                                                      list[disasm.FunctionFacts]]:
    """Decode the code that calls and jumps lead to but no symbol or FDE covers.

    Small assembly functions often have neither (OpenSSL's `*_eligible` predicates touch no stack,
    so they carry no CFI). Each such target becomes a range reaching to the next known start.
    """
    is_code = _membership(code)
    for _round in range(UNLISTED_ROUNDS):
        starts = [r.start for r in ranges]
        ends = [r.start + r.size for r in ranges]
        known = set(starts)

        def covered(address: int) -> bool:
            i = bisect.bisect_right(starts, address) - 1
            return i >= 0 and address < ends[i]
        outside = {t for f in facts for t in f.branches} - known  # most calls land on a known start
        targets = sorted(t for t in outside if is_code(t) and not covered(t))
        if not targets:
            break
        extra = []
        for k, target in enumerate(targets):
            i = bisect.bisect_right(starts, target)
            section = next(s for s in code if s.contains(target))
            limit = min(starts[i] if i < len(starts) else target + UNLISTED_MAX_BYTES,
                        targets[k + 1] if k + 1 < len(targets) else target + UNLISTED_MAX_BYTES,
                        target + UNLISTED_MAX_BYTES, section.addr + section.size)
            extra.append(disasm.CodeRange(start=target, size=limit - target))
        new_facts = disasm.decode_functions(data, code, extra, absolute_addresses=fixed)
        merged = sorted(zip(ranges + extra, facts + new_facts), key=lambda pair: pair[0].start)
        ranges = [r for r, _f in merged]
        facts = [f for _r, f in merged]
    return ranges, facts


class _Names:
    """Function names for the report, read only for the functions shown."""

    def __init__(self, data: Any, table: symbols.Symbols, ranges: Sequence[disasm.CodeRange],
                 sections: list[reader.RawSection], header: reader.ElfHeader):
        self.data = data
        self.table = table
        self.ranges = ranges
        self.dynamic: dict[int, str] | None = None
        self.sections = sections
        self.header = header

    def get(self, index: int) -> str:
        r = self.ranges[index]
        if r.name_offset >= 0:
            return self.table.name(self.data, r.name_offset) or f"0x{r.start:x}"
        if self.dynamic is None:
            exported = symbols.read_symbols(self.data, self.header, self.sections, dynamic_only=True)
            self.dynamic = {start: exported.name(self.data, off) for start, _s, off in exported.functions}
        return self.dynamic.get(r.start) or f"0x{r.start:x}"


def _entry(use: analyze.FeatureUse, names: _Names) -> FeatureEntry:
    crates: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    shown: list[str] = []
    for n, i in enumerate(use.functions):
        if n >= 400 and len(shown) >= FUNCTIONS_SHOWN:
            break  # crates and languages of the first few hundred users are plenty
        name = names.get(i)
        if len(shown) < FUNCTIONS_SHOWN:
            shown.append(name)
        crate, language = symbol_origin(name) if not name.startswith("0x") else (None, "unknown")
        if crate:
            crates[crate] += 1
        languages[language] += 1
    return FeatureEntry(feature=use.feature, instructions=use.instructions, functions=tuple(shown),
                        path=tuple(names.get(i) for i in use.path),
                        function_count=len(use.functions), crates=tuple(c for c, _n in crates.most_common()),
                        languages=tuple(lang for lang, _n in languages.most_common()))
