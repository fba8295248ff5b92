"""Decode function ranges into instruction facts: the only importer of the disassembler (iced-x86).

Why iced-x86 and not capstone (measured on a 42 MB Rust executable, 23 MB of .text, 5.7 M
instructions, Python 3.11): iced's decoder loop takes 1.9 s (3.2 s reading each instruction's
code), capstone's `disasm_lite` 15.4 s without instruction details, and it stops at the first byte
sequence it cannot decode. iced also tells, per instruction, which CPUID feature bits it needs,
which is the fact this analysis is about; capstone has only coarse groups.

What is decoded: function ranges (from the symbol table, else the .eh_frame FDEs), never the
padding between them or data in non-code sections; each range in bounded chunks, so a huge
function never needs a huge buffer. Per instruction only its code is read; the kind of each code
(feature-bearing, direct branch, lea, CPU probe) is worked out once and cached, so the per-
instruction cost stays close to the decoder's own. Memory operands are read in a second pass, and
only in the few functions that may touch a CPU-feature cache.
"""

from __future__ import annotations

import bisect
import re
from array import array
import struct
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from iced_x86 import Code, CpuidFeature, Decoder, FlowControl, Mnemonic, OpKind

CHUNK_BYTES = 1 << 20          # decode at most this much of a function at a time
MAX_INSTRUCTION = 15           # the longest x86 instruction

# iced CpuidFeature name -> the /proc/cpuinfo flag that says a CPU has it. Names not listed are
# lowercased (most agree: avx2, bmi2, adx, aes, ...).
_CPUINFO_NAME = {
    "SSE3": "pni", "SSE4_1": "sse4_1", "SSE4_2": "sse4_2", "SHA": "sha_ni", "LZCNT": "abm",
    "CMPXCHG16B": "cx16", "PREFETCHW": "3dnowprefetch", "AVX512_IFMA": "avx512ifma",
    "AVX512_VBMI": "avx512vbmi", "AVX512_VBMI2": "avx512_vbmi2", "AVX512_VNNI": "avx512_vnni",
    "AVX512_BITALG": "avx512_bitalg", "AVX512_VPOPCNTDQ": "avx512_vpopcntdq", "AVX512_BF16": "avx512_bf16",
    "AVX512_FP16": "avx512_fp16", "AVX512_VP2INTERSECT": "avx512_vp2intersect", "AVX_VNNI": "avx_vnni",
    "AVX_IFMA": "avx_ifma", "AVX_NE_CONVERT": "avx_ne_convert", "AVX_VNNI_INT8": "avx_vnni_int8",
    "AVX_VNNI_INT16": "avx_vnni_int16", "D3NOW": "3dnow", "D3NOWEXT": "3dnowext", "HLE_OR_RTM": "rtm",
    "PADLOCK_ACE": "ace", "PADLOCK_PHE": "phe", "PADLOCK_PMM": "pmm", "PADLOCK_RNG": "rng",
    "PADLOCK_GMI": "gmi", "PADLOCK_UNDOC": "padlock",
}
# Every x86-64 CPU has these; they are not requirements. (INTEL* and X64 are iced's "any CPU" bits.)
_BASELINE = frozenset({
    "INTEL8086", "INTEL8086_ONLY", "INTEL186", "INTEL286", "INTEL286_ONLY", "INTEL386", "INTEL386_ONLY",
    "INTEL386_A0_ONLY", "INTEL486", "INTEL486_A_ONLY", "X64", "CPUID", "CMOV", "CX8", "FPU", "FPU287",
    "FPU287XL_ONLY", "FPU387", "FPU387SL_ONLY", "MMX", "SSE", "SSE2", "FXSR", "SYSCALL", "MULTIBYTENOP",
    "PAUSE", "TSC", "CLFSH", "MSR", "SMM", "FXSR",
    # hint-space instructions: on a CPU without the feature they execute as NOPs, never fault
    "CET_IBT", "CET_SS", "HLE",
})
# Instructions that run everywhere although iced names a feature: TZCNT is REP BSF, which a CPU
# without BMI1 executes as BSF (the same result for a non-zero input), so compilers emit it for
# baseline x86-64 too (rustc's std does, in 10 functions of every program, measured).
_NEVER_FAULTS = frozenset({Code.TZCNT_R16_RM16, Code.TZCNT_R32_RM32, Code.TZCNT_R64_RM64})
# Reading the CPU: these are how a program learns its features (XGETBV's XSAVE bit is checked first).
_PROBES = frozenset({Code.CPUID, Code.XGETBV})
_LEAS = frozenset({Code.LEA_R64_M, Code.LEA_R32_M})
_NOT_WRITES = frozenset({Mnemonic.CMP, Mnemonic.TEST, Mnemonic.BT, Mnemonic.PREFETCHT0, Mnemonic.PREFETCHT1,
                         Mnemonic.PREFETCHT2, Mnemonic.PREFETCHNTA, Mnemonic.PUSH, Mnemonic.LEA,
                         Mnemonic.NOP, Mnemonic.JMP, Mnemonic.CALL})

_FEATURE_NAMES = {value: name for name, value in vars(CpuidFeature).items()
                  if not name.startswith("_") and isinstance(value, int)}
_MNEMONIC_NAMES = {value: name.lower() for name, value in vars(Mnemonic).items()
                   if not name.startswith("_") and isinstance(value, int)}

_NOTHING, _BRANCH, _LEA, _PROBE, _RETURN, _IMMEDIATE = 0, 1, 2, 3, 4, 5
# A fixed-address executable takes function addresses as immediates (`mov $func, %eax`).
_ADDRESS_IMMEDIATES = frozenset({Code.MOV_R32_IMM32, Code.MOV_R64_IMM64, Code.MOV_RM64_IMM32, Code.PUSHQ_IMM32})
_RETURNS = frozenset({Code.RETNQ, Code.RETNQ_IMM16})
_ENDS = frozenset({FlowControl.RETURN, FlowControl.UNCONDITIONAL_BRANCH, FlowControl.INDIRECT_BRANCH,
                   FlowControl.INTERRUPT, FlowControl.EXCEPTION})


@dataclass(frozen=True, kw_only=True)
class CodeRange:
    """A function (or, when nothing better is known, a whole code section) to decode."""

    start: int
    size: int
    name_offset: int = -1   # into the symbol string table; -1: no symbol


@dataclass(kw_only=True, slots=True)
class FunctionFacts:
    """What one function's instructions say: features used, where it branches, what it points at."""

    start: int
    size: int
    features: dict[str, set[str]] = field(default_factory=dict)  # cpuinfo flag -> mnemonics
    probes: bool = False                                        # executes cpuid / xgetbv
    # addresses as compact arrays: a 40 MB program has ~900,000 branch targets, 30 MB as Python ints
    branches: array = field(default_factory=lambda: array("Q"))  # direct call/jmp/jcc targets outside it
    leas: array = field(default_factory=lambda: array("Q"))      # addresses it takes (rip-relative or absolute)
    reads: list[int] | None = None                               # rip-relative data it reads (2nd pass)
    writes: list[int] | None = None                              # rip-relative data it writes (2nd pass)
    decoded_bytes: int = 0
    straight_to_return: int | None = None  # bytes before the first ret when no branch comes before it
    branched: bool = False
    falls_through: bool = False  # its last instruction runs on into whatever follows (no ret / jmp)


@dataclass(frozen=True, kw_only=True)
class CodeSection:
    """A code section as mapped in the file."""

    addr: int
    offset: int
    size: int

    def contains(self, address: int) -> bool:
        return self.addr <= address < self.addr + self.size


class _Kinds(dict):  # type: ignore[type-arg]
    """Code -> (kind, features, mnemonic), or None when the code needs nothing; worked out once per code."""

    def __init__(self, immediates: bool = False):
        super().__init__()
        self.immediates = immediates

    def classify(self, instruction: Any) -> tuple[int, tuple[str, ...], str] | None:
        code = instruction.code
        features: tuple[str, ...] = ()
        if code in _PROBES:
            kind = _PROBE
        else:
            if code not in _NEVER_FAULTS:
                names = (_FEATURE_NAMES.get(f, str(f)) for f in instruction.cpuid_features())
                features = tuple(_CPUINFO_NAME.get(n, n.lower()) for n in names if n not in _BASELINE)
            flow = instruction.flow_control
            if flow in (FlowControl.CALL, FlowControl.UNCONDITIONAL_BRANCH, FlowControl.CONDITIONAL_BRANCH) \
                    and instruction.op0_kind in (OpKind.NEAR_BRANCH64, OpKind.NEAR_BRANCH32):
                kind = _BRANCH
            elif code in _LEAS:
                kind = _LEA
            elif code in _RETURNS:
                kind = _RETURN
            elif self.immediates and code in _ADDRESS_IMMEDIATES:
                kind = _IMMEDIATE
            else:
                kind = _NOTHING
        entry = (kind, features, _MNEMONIC_NAMES.get(instruction.mnemonic, "?")) if kind or features else None
        self[code] = entry
        return entry


def _chunks(data: Any, section: CodeSection, start: int, size: int) -> Iterable[tuple[Any, int, bool]]:
    """(bytes, address, is_last) windows of a range, each at most CHUNK_BYTES; the caller resumes
    the next window where its last whole instruction ended (see _decode)."""
    end = min(start + size, section.addr + section.size)
    at = start
    while at < end:
        stop = min(at + CHUNK_BYTES, end)
        file_at = section.offset + (at - section.addr)
        resume = yield data[file_at:file_at + (stop - at)], at, stop == end
        at = resume if resume is not None and resume > at else stop


def _decode(data: Any, section: CodeSection, start: int, size: int) -> Iterable[Any]:
    """Every instruction of [start, start + size), decoded in bounded windows."""
    windows = _chunks(data, section, start, size)
    try:
        window, address, last = next(windows)  # type: ignore[call-overload]
    except StopIteration:
        return
    while True:
        limit = address + len(window) - MAX_INSTRUCTION
        resume = None
        for instruction in Decoder(64, window, ip=address):
            if not last and instruction.ip > limit:
                resume = instruction.ip  # may be cut by the window's end: decode it again in the next
                break
            yield instruction
        try:
            window, address, last = windows.send(resume)  # type: ignore[attr-defined]
        except StopIteration:
            return


def decode_functions(data: Any, sections: Sequence[CodeSection], ranges: Sequence[CodeRange], *,
                     progress: Callable[[int, int], None] | None = None,
                     absolute_addresses: bool = False) -> list[FunctionFacts]:
    """First pass over every range: features, probes, branches, address-taking leas (and, for a
    fixed-address executable, `absolute_addresses`: immediates that may be addresses)."""
    kinds = _Kinds(absolute_addresses)
    total = sum(r.size for r in ranges)
    done = 0
    reported = 0
    out: list[FunctionFacts] = []
    starts = [s.addr for s in sections]
    branch, lea, probe, ret, immediate = _BRANCH, _LEA, _PROBE, _RETURN, _IMMEDIATE
    get = kinds.get
    unseen = object()
    for code_range in ranges:
        index = bisect.bisect_right(starts, code_range.start) - 1
        facts = FunctionFacts(start=code_range.start, size=code_range.size)
        out.append(facts)
        if index < 0 or not sections[index].contains(code_range.start):
            continue
        section = sections[index]
        low, high = code_range.start, code_range.start + code_range.size
        features = facts.features
        branches = facts.branches
        leas = facts.leas
        if code_range.size <= CHUNK_BYTES and high <= section.addr + section.size:
            # the common case, kept free of the window bookkeeping: one decoder over the whole function
            file_at = section.offset + (low - section.addr)
            instructions: Iterable[Any] = Decoder(64, data[file_at:file_at + code_range.size], ip=low)
        else:
            instructions = _decode(data, section, low, code_range.size)
        instruction = None
        for instruction in instructions:
            entry = get(instruction.code, unseen)
            if entry is None:
                continue  # most instructions: nothing this analysis needs
            if entry is unseen:
                entry = kinds.classify(instruction)
                if entry is None:
                    continue
            kind, names, mnemonic = entry
            if names:
                for name in names:
                    used = features.get(name)
                    if used is None:
                        features[name] = {mnemonic}
                    else:
                        used.add(mnemonic)
            if kind == branch:
                facts.branched = True
                target = instruction.near_branch_target
                if not low <= target < high:
                    branches.append(target)
            elif kind == ret:
                if not facts.branched and facts.straight_to_return is None:
                    facts.straight_to_return = instruction.ip - low
            elif kind == lea:
                if instruction.is_ip_rel_memory_operand:
                    leas.append(instruction.ip_rel_memory_address)
            elif kind == probe:
                facts.probes = True
            elif kind == immediate:
                leas.append(instruction.immediate(1) & 0xFFFFFFFFFFFFFFFF)
        if instruction is not None:
            facts.falls_through = instruction.flow_control not in _ENDS and instruction.next_ip == high
        facts.decoded_bytes = code_range.size
        done += code_range.size
        if progress is not None and done - reported >= (1 << 20):
            reported = done
            progress(done, total)
    if progress is not None:
        progress(total, total)
    return out


def read_memory_operands(data: Any, sections: Sequence[CodeSection], facts: FunctionFacts) -> None:
    """Second pass over one function: the rip-relative data it reads and writes."""
    starts = [s.addr for s in sections]
    index = bisect.bisect_right(starts, facts.start) - 1
    reads: list[int] = []
    writes: list[int] = []
    if index >= 0 and sections[index].contains(facts.start):
        for instruction in _decode(data, sections[index], facts.start, facts.size):
            if instruction.is_ip_rel_memory_operand:  # (rare enough here: a handful of functions)
                address = instruction.ip_rel_memory_address
                if instruction.op0_kind == OpKind.MEMORY and instruction.mnemonic not in _NOT_WRITES:
                    writes.append(address)
                else:
                    reads.append(address)
    facts.reads = reads
    facts.writes = writes


def functions_referring_to(data: Any, sections: Sequence[CodeSection], regions: Sequence[tuple[int, int]],
                           function_starts: Sequence[int]) -> set[int]:
    """Indexes of the functions whose bytes may hold a rip-relative reference into one of `regions`.

    A reference from an instruction ending at `next_ip` stores `target - next_ip` as 4 bytes. Within
    a 64 KiB window of code the upper two bytes of that displacement take at most a few values, so a
    C-speed byte search for them finds every candidate; each is then checked in full, and the
    caller decodes the few functions that hold one. No false negatives, few false positives.
    """
    window = 1 << 16
    merged: list[tuple[int, int]] = []
    for low, high in sorted(regions):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
        else:
            merged.append((low, high))
    if not merged:
        return set()
    lows = [low for low, _high in merged]
    found: set[int] = set()
    for section in sections:
        for window_start in range(section.addr, section.addr + section.size, window):
            window_end = min(window_start + window, section.addr + section.size)
            file_at = section.offset + (window_start - section.addr)
            chunk = bytes(data[file_at:file_at + (window_end - window_start) + 8])
            tops: set[int] = set()
            for low, high in merged:
                # displacement = target - next_ip, next_ip within [window_start + 4, window_end + 8)
                top = ((low - (window_end + 8)) & 0xFFFFFFFF) >> 16
                last = ((high - (window_start + 4)) & 0xFFFFFFFF) >> 16
                for _ in range(4):
                    tops.add(top)
                    if top == last:
                        break
                    top = (top + 1) & 0xFFFF
            pattern = re.compile(b"|".join(re.escape(struct.pack("<H", top)) for top in sorted(tops)))
            for match in pattern.finditer(chunk, 2):
                at = match.start() - 2
                (displacement,) = struct.unpack_from("<i", chunk, at)
                # next_ip is the end of the displacement plus any immediate (0 to 4 bytes)
                target = window_start + at + 4 + displacement
                k = bisect.bisect_right(lows, target + 4) - 1
                if k >= 0 and target < merged[k][1]:
                    index = bisect.bisect_right(function_starts, window_start + at) - 1
                    if index >= 0:
                        found.add(index)
    return found
