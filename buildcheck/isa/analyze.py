"""Instruction facts -> which CPU features a binary requires and which it only uses after asking the CPU.

Pure: no file access, no decoder. The method (docs/en/isa.md has the evidence behind it):

1. Probes are the functions that execute CPUID (or XGETBV). Feature caches are the writable data a
   probe touches, and the writable data its direct callers store to or pass by address (std_detect's
   CACHE, cpufeatures' STORAGE, OpenSSL's OPENSSL_ia32cap_P, libgcc's __cpu_model, blst's cap word).
2. Gates are the functions that consult the CPU: probes, their direct callers, the readers of a
   cache, and the callers of a predicate (a small leaf function that only reads a cache and returns,
   as OpenSSL's *_eligible / *_capable).
3. A graph of direct calls and jumps, taken function addresses, data objects pointed at by code and
   the function pointers stored in them. From the program's entry points (the ELF entry, init arrays,
   ifunc resolvers, a library's exported functions) everything reachable is unguarded, except that a
   gate compiled without feature F does not pass "unguarded for F" on to what it calls: code reached
   only through a gate runs only after the check (a target_feature function, a target_clones clone, an
   assembly variant).
4. F is required when an unguarded function uses it. Uses inside a cache reader are after its check
   (assembly often tests the cache and branches within one function). Functions that nothing visible
   reaches (no caller, no pointer, or only pointers in data no code refers to) cannot be placed: if F is
   used only there it is reported as `unproven`, not required.

Limits: which bit a gate tests is not checked; a pointer stored at run time is not seen; a guard that
lives in a table's flag (OpenSSL's provider capability tables) is seen only as `unproven`.
"""

from __future__ import annotations

import bisect
import itertools
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from buildcheck.isa.disasm import FunctionFacts
from buildcheck.x86_features import LEVEL_CPUINFO, LEVEL_NAMES

PREDICATE_MAX_BYTES = 64   # a "return whether the CPU has X" function is a handful of instructions
UNSYMBOLISED_CACHE_BYTES = 32
OBJECT_REACH = 4096        # a pointer slot belongs to the nearest code-referenced data address this far before it


@dataclass(frozen=True, kw_only=True)
class Program:
    functions: Sequence[FunctionFacts]               # sorted by start address
    pointers: Sequence[tuple[int, int, bool]] = ()   # (slot, code address, is an ifunc resolver)
    objects: Sequence[tuple[int, int]] = ()          # data object ranges from symbols, sorted
    writable: Sequence[tuple[int, int]] = ()         # writable data ranges
    roots: Iterable[int] = ()                        # entry points (addresses)
    init_slots: Sequence[tuple[int, int]] = ()       # ranges of .init_array / .preinit_array


@dataclass(frozen=True, kw_only=True)
class FeatureUse:
    feature: str                  # as /proc/cpuinfo names it
    instructions: tuple[str, ...]
    functions: tuple[int, ...]    # indexes into Program.functions (all users; for required: unguarded first)
    unguarded: tuple[int, ...]
    path: tuple[int, ...] = ()    # required/unproven: one way in from an entry point, ending at a user
                                  # (function indexes; data tables on the way are left out)


@dataclass(frozen=True, kw_only=True)
class Classification:
    required: tuple[FeatureUse, ...]
    dispatched: tuple[FeatureUse, ...]
    unproven: tuple[FeatureUse, ...]
    gates: frozenset[int]
    probes: frozenset[int]
    caches: tuple[tuple[int, int], ...]

    @property
    def level(self) -> str:
        return implied_level(f.feature for f in self.required)


def implied_level(required: Iterable[str]) -> str:
    """The lowest x86-64 level whose flags cover the required features that belong to a level.

    Features outside every level (sha_ni, adx, aes, ...) are asked of a machine on their own."""
    wanted = frozenset(required) & LEVEL_CPUINFO[LEVEL_NAMES[-1]]
    for name in LEVEL_NAMES:
        if wanted <= LEVEL_CPUINFO[name]:
            return name
    return LEVEL_NAMES[-1]  # unreachable: every wanted flag is in the last level


class _Index:
    def __init__(self, functions: Sequence[FunctionFacts]):
        self.functions = functions
        self.starts = [f.start for f in functions]
        self.exact = {start: i for i, start in enumerate(self.starts)}  # most targets are function starts

    def of(self, address: int) -> int | None:
        i = self.exact.get(address)
        if i is not None:
            return i
        i = bisect.bisect_right(self.starts, address) - 1
        if i >= 0 and address < self.starts[i] + max(self.functions[i].size, 1):
            return i
        return None


def _within(ranges: Sequence[tuple[int, int]], address: int) -> tuple[int, int] | None:
    i = bisect.bisect_right(ranges, (address, float("inf"))) - 1
    if i >= 0 and ranges[i][0] <= address < ranges[i][1]:
        return ranges[i]
    return None


def probe_neighbourhood(functions: Sequence[FunctionFacts]) -> tuple[set[int], set[int]]:
    """(probes, their direct callers) as function indexes."""
    index = _Index(functions)
    probes = {i for i, f in enumerate(functions) if f.probes}
    callers = set()
    for i, f in enumerate(functions):
        if any(index.of(t) in probes for t in f.branches):
            callers.add(i)
    return probes, callers - probes


def cache_regions(functions: Sequence[FunctionFacts], probes: set[int], callers: set[int],
                  writable: Sequence[tuple[int, int]], objects: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Writable data a probe touches, or a probe's caller stores to or passes by address.

    The probes and callers must have been through the second pass (reads / writes known). A region is
    the data object holding the address when symbols say so, else the UNSYMBOLISED_CACHE_BYTES at
    it (a probe typically writes a cache's first word and its readers test the later ones:
    OPENSSL_ia32cap_P is 16 bytes, std_detect's CACHE 24).
    """
    writable = sorted(writable)
    objects = sorted(objects)
    addresses: set[int] = set()
    for i in probes:
        f = functions[i]
        addresses.update(f.reads or ())
        addresses.update(f.writes or ())
        addresses.update(f.leas)
    for i in callers:
        f = functions[i]
        addresses.update(f.writes or ())
        addresses.update(f.leas)
    regions = set()
    for address in addresses:
        if _within(writable, address) is None:
            continue
        regions.add(_within(objects, address) or (address, address + UNSYMBOLISED_CACHE_BYTES))
    return sorted(regions)


def classify(program: Program, *, probes: set[int], probe_callers: set[int], caches: Sequence[tuple[int, int]],
             readers: set[int]) -> Classification:
    """Required / dispatched / unproven features. `readers`: functions whose second pass found a cache read."""
    functions = program.functions
    index = _Index(functions)
    n = len(functions)
    caches = sorted(caches)
    readers = {i for i in readers
               if any(_within(caches, a) for a in (functions[i].reads or ())) or
               any(_within(caches, a) for a in (functions[i].writes or ()))} | probes
    # nodes 0..n-1: functions; n..: data objects
    edges: list[set[int]] = [set() for _ in range(n)]
    incoming = [0] * n
    for i, f in enumerate(functions):
        for target in f.branches:
            j = index.of(target)
            if j is not None and j != i:
                edges[i].add(j)
        if f.falls_through and i + 1 < n and functions[i + 1].start == f.start + f.size:
            edges[i].add(i + 1)  # assembly entry code that a separately described body follows
    # a predicate returns before any branch, within a few instructions (its range may run on past the
    # ret when no symbol or FDE says where it ends)
    predicates = {i for i in readers - probes
                  if (functions[i].straight_to_return or PREDICATE_MAX_BYTES + 1) <= PREDICATE_MAX_BYTES
                  or (not functions[i].branches and functions[i].size <= PREDICATE_MAX_BYTES)}
    gates = set(probes) | probe_callers | readers
    for i, f in enumerate(functions):
        if edges[i] & predicates:
            gates.add(i)

    # data objects: symbol ranges, else the data addresses code takes, each owning the slots after it
    objects = sorted(program.objects)
    bases: set[int] = set()
    data_refs: dict[int, array] = {}  # function -> the data it takes, as object starts (compact)
    for i, f in enumerate(functions):
        taken = None
        for address in itertools.chain(f.leas, f.reads or ()):
            j = index.of(address)
            if j is not None:
                if j != i:
                    edges[i].add(j)
                continue
            obj = _within(objects, address) if objects else None
            base = obj[0] if obj else address
            if taken is None:
                taken = data_refs[i] = array("Q")
            taken.append(base)
        if taken is not None:
            bases.update(taken)
    sorted_bases = sorted(bases)
    del bases
    init_slots = sorted(program.init_slots)
    object_id: dict[int, int] = {}
    object_edges: dict[int, set[int]] = {}
    roots: set[int] = set()
    loose_roots: set[int] = set()
    for slot, target, ifunc in program.pointers:
        j = index.of(target)
        if j is None:
            continue
        if ifunc or _within(init_slots, slot):
            roots.add(j)
            continue
        obj = _within(objects, slot)
        if obj is not None:
            base = obj[0]
        else:
            k = bisect.bisect_right(sorted_bases, slot) - 1
            base = sorted_bases[k] if k >= 0 and slot - sorted_bases[k] < OBJECT_REACH else -1 - slot
        node = object_id.setdefault(base, n + len(object_id))
        object_edges.setdefault(node, set()).add(j)
        if base < 0:
            loose_roots.add(node)  # no code refers to it: an unplaceable table
    for i, taken in data_refs.items():
        for base in taken:
            node = object_id.get(base)
            if node is not None:
                edges[i].add(node)
    referenced_objects = {node for i in range(n) for node in edges[i] if node >= n}
    loose_roots |= {node for node in object_edges if node not in referenced_objects}
    for i in range(n):
        for j in edges[i]:
            if j < n:
                incoming[j] += 1
    for targets in object_edges.values():
        for j in targets:
            incoming[j] += 1
    for address in program.roots:
        j = index.of(address)
        if j is not None:
            roots.add(j)
    loose_roots |= {i for i in range(n) if incoming[i] == 0 and i not in roots}

    def successors(node: int) -> Iterable[int]:
        return edges[node] if node < n else object_edges.get(node, ())

    def spread(base: set[int], start: Iterable[tuple[int, int]], feature: str | None,
               parent: dict[int, int]) -> set[int]:
        """The nodes reached from (node, parent) pairs that `base` does not hold yet; a gate stops the
        walk unless it uses `feature` itself. `parent` records how each new node was reached."""
        new: set[int] = set()
        stack = []
        for node, came_from in start:
            if node not in base and node not in new:
                new.add(node)
                parent[node] = came_from
                stack.append(node)
        while stack:
            node = stack.pop()
            if node < n and node in gates and (feature is None or feature not in functions[node].features):
                continue  # code past a gate compiled without this feature runs only after the check
            for nxt in successors(node):
                if nxt not in base and nxt not in new:
                    new.add(nxt)
                    parent[nxt] = node
                    stack.append(nxt)
        return new

    # What every gate stops, computed once; per feature only the gates that use it reopen, and the
    # walk from them adds to the shared result instead of copying it.
    base_parent: dict[int, int] = {}
    strict_base = spread(set(), ((r, -1) for r in roots), None, base_parent)
    loose_base = strict_base | spread(strict_base, ((r, -1) for r in loose_roots), None, base_parent)

    def unguarded(base: set[int], feature: str) -> tuple[Callable[[int], bool], dict[int, int]]:
        reopened = [(nxt, g) for g in gates if g in base and feature in functions[g].features
                    for nxt in successors(g)]
        parent: dict[int, int] = {}
        new = spread(base, reopened, feature, parent) if reopened else set()
        return (lambda node: node in base or node in new), parent

    def path_to(node: int, parent: dict[int, int]) -> tuple[int, ...]:
        chain = [node]
        while len(chain) < 64:
            came_from = parent.get(chain[-1], base_parent.get(chain[-1], -1))
            if came_from < 0:
                break
            chain.append(came_from)
        return tuple(reversed([i for i in chain if i < n]))

    users: dict[str, list[int]] = {}
    for i, f in enumerate(functions):
        for feature in f.features:
            users.setdefault(feature, []).append(i)
    required, dispatched, unproven = [], [], []
    for feature in sorted(users, key=lambda name: (-len(users[name]), name)):
        using = users[feature]
        candidates = [i for i in using if i not in readers]
        bad: list[int] = []
        loose: list[int] = []
        path: tuple[int, ...] = ()
        if candidates:
            reached, parent = unguarded(strict_base, feature)
            bad = [i for i in candidates if reached(i)]
            if not bad:
                reached, parent = unguarded(loose_base, feature)
                loose = [i for i in candidates if reached(i)]
            if bad or loose:
                path = path_to((bad or loose)[0], parent)
        mnemonics = sorted({m for i in using for m in functions[i].features[feature]})
        first = bad or loose
        chosen = set(first)
        ordered = tuple(first) + tuple(i for i in using if i not in chosen)
        use = FeatureUse(feature=feature, instructions=tuple(mnemonics), functions=ordered,
                         unguarded=tuple(first), path=path)
        (required if bad else unproven if loose else dispatched).append(use)
    return Classification(required=tuple(required), dispatched=tuple(dispatched), unproven=tuple(unproven),
                          gates=frozenset(gates), probes=frozenset(probes), caches=tuple(caches))
