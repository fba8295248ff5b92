"""The required / dispatched / unproven classification on small hand-made call graphs (pure, no decoder)."""

from __future__ import annotations

from array import array

from buildcheck.isa.analyze import Program, cache_regions, classify, implied_level, probe_neighbourhood
from buildcheck.isa.disasm import FunctionFacts

CACHE = 0x9000          # a writable word a probe fills
WRITABLE = [(0x9000, 0xA000)]


def fn(start, *, features=(), calls=(), probes=False, reads=None, writes=None, leas=(), size=0x40,
       straight_to_return=None, falls_through=False):
    facts = FunctionFacts(start=start, size=size, features={f: {"insn"} for f in features}, probes=probes,
                          branches=array("Q", calls), leas=array("Q", leas), reads=reads, writes=writes,
                          straight_to_return=straight_to_return, falls_through=falls_through)
    return facts


def run(functions, *, roots=(0x1000,), pointers=(), objects=(), readers=None):
    functions = sorted(functions, key=lambda f: f.start)
    probes, callers = probe_neighbourhood(functions)
    caches = cache_regions(functions, probes, callers, WRITABLE, objects)
    if readers is None:
        readers = {i for i, f in enumerate(functions) if f.reads is not None}
    program = Program(functions=functions, pointers=pointers, objects=objects, writable=WRITABLE, roots=roots)
    result = classify(program, probes=probes, probe_callers=callers, caches=caches, readers=readers)
    return ({u.feature for u in result.required}, {u.feature for u in result.dispatched},
            {u.feature for u in result.unproven}, result)


def test_target_cpu_code_reached_from_the_entry_is_required():
    required, dispatched, _u, result = run([
        fn(0x1000, calls=[0x1100]),                                  # main
        fn(0x1100, features=["avx2", "bmi2"]),                       # compiled for x86-64-v3
    ])
    assert required == {"avx2", "bmi2"} and not dispatched
    assert result.level == "x86-64-v3"


def test_a_function_behind_a_cache_check_is_dispatched():
    required, dispatched, _u, _r = run([
        fn(0x1000, calls=[0x1100, 0x1300], reads=[CACHE]),           # reads the cache, then calls
        fn(0x1100, features=["avx2"]),                               # #[target_feature(enable = "avx2")]
        fn(0x1200, probes=True, writes=[CACHE], reads=[]),           # std_detect's detect_and_initialize
        fn(0x1300, calls=[0x1200]),                                  # the slow path that fills the cache
    ])
    assert not required and dispatched == {"avx2"}


def test_a_gate_compiled_with_the_feature_does_not_guard_it():
    # target-cpu=native: main itself uses AVX2 and also reads the cache (for avx512f, say)
    required, _d, _u, _r = run([
        fn(0x1000, calls=[0x1100, 0x1200], reads=[CACHE], features=["avx2"]),
        fn(0x1100, features=["avx2"]),
        fn(0x1200, probes=True, writes=[CACHE], reads=[]),
    ])
    assert "avx2" in required


def test_a_caller_of_a_small_predicate_is_a_gate():
    # OpenSSL: if (rsaz_avx2_eligible()) RSAZ_1024_mod_exp_avx2(...)
    required, dispatched, _u, _r = run([
        fn(0x1000, calls=[0x1100, 0x1200, 0x1300]),
        fn(0x1100, reads=[CACHE + 8], straight_to_return=12),      # the predicate
        fn(0x1200, features=["avx2"]),
        fn(0x1300, probes=True, reads=[], writes=[CACHE]),
        fn(0x1400, calls=[0x1300]),
    ], roots=(0x1000, 0x1400))
    assert not required and dispatched == {"avx2"}


def test_uses_inside_a_cache_reader_come_after_its_check():
    # assembly that tests OPENSSL_ia32cap_P and branches to its PCLMULQDQ path within one function
    required, dispatched, _u, _r = run([
        fn(0x1000, calls=[0x1100]),
        fn(0x1100, reads=[CACHE], features=["pclmulqdq"]),
        fn(0x1200, probes=True, reads=[], writes=[CACHE]),
    ], roots=(0x1000, 0x1200))
    assert not required and dispatched == {"pclmulqdq"}


def test_code_nothing_reaches_is_unproven_not_required():
    required, dispatched, unproven, result = run([
        fn(0x1000),
        fn(0x1100, features=["aes"]),                                # no caller, no pointer: chosen how?
    ])
    assert unproven == {"aes"} and not required and not dispatched
    assert result.level == "x86-64"


def test_a_vtable_referenced_by_unguarded_code_is_a_way_in():
    # Box<dyn Trait>: main takes the vtable's address, the vtable points at the method
    required, _d, _u, _r = run([
        fn(0x1000, leas=[0x8000]),
        fn(0x1100, features=["avx2"]),
    ], pointers=[(0x8008, 0x1100, False)])
    assert required == {"avx2"}


def test_a_table_chosen_by_a_gate_is_dispatched():
    # OpenSSL's EVP_aes_128_gcm(): AESNI_CAPABLE ? &aesni_128_gcm : &aes_128_gcm
    required, dispatched, _u, _r = run([
        fn(0x1000, calls=[0x1050]),
        fn(0x1050, reads=[CACHE], leas=[0x8000, 0x8100]),
        fn(0x1100, features=["aes"]),
        fn(0x1200),
        fn(0x1300, probes=True, reads=[], writes=[CACHE]),
    ], roots=(0x1000, 0x1300), pointers=[(0x8008, 0x1100, False), (0x8108, 0x1200, False)])
    assert not required and dispatched == {"aes"}


def test_entry_code_falls_into_the_body_described_separately():
    # sha256_multi_block: tests the cache, then runs on into the AVX body whose FDE starts later
    required, dispatched, _u, _r = run([
        fn(0x1000, calls=[0x1100]),
        fn(0x1100, size=0x20, reads=[CACHE], falls_through=True),
        fn(0x1120, features=["avx"]),
        fn(0x1300, probes=True, reads=[], writes=[CACHE]),
    ], roots=(0x1000, 0x1300))
    assert not required and dispatched == {"avx"}


def test_the_cache_is_the_symbol_holding_the_address():
    functions = [fn(0x1000, probes=True, reads=[], writes=[0x9010])]
    assert cache_regions(functions, {0}, set(), WRITABLE, [(0x9000, 0x9040)]) == [(0x9000, 0x9040)]
    # without symbols: 32 bytes from the address the probe touched
    assert cache_regions(functions, {0}, set(), WRITABLE, []) == [(0x9010, 0x9030)]
    # read-only data is never a cache
    assert cache_regions([fn(0x1000, probes=True, reads=[0x100], writes=[])], {0}, set(), WRITABLE, []) == []


def test_levels():
    assert implied_level([]) == "x86-64"
    assert implied_level(["popcnt", "sse4_1"]) == "x86-64-v2"
    assert implied_level(["avx2", "bmi2", "abm"]) == "x86-64-v3"
    assert implied_level(["avx512f"]) == "x86-64-v4"
    assert implied_level(["sha_ni", "adx"]) == "x86-64"  # outside the levels: asked for on their own
    assert implied_level(["sha_ni", "avx2"]) == "x86-64-v3"
