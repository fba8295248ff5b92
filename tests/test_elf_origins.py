"""Who a unit's bytes are charged to, from the strings real compilers write (origins.attribute)."""

from __future__ import annotations

import pytest

from buildcheck.elf.origins import attribute, crate_from_path, language_name

RUSTC = "clang LLVM (rustc version 1.72.0 (5680fa18f 2023-08-23))"
DEBIAN_RUSTC = "clang LLVM (rustc version 1.63.0)"
GCC_C = "GNU C17 12.2.0 -mtune=generic -march=x86-64 -g -O2 -fPIC"
GCC_CXX = "GNU C++17 12.2.0 -mtune=generic -march=x86-64 -g -O3 -std=c++17"
REGISTRY = "/home/op/.cargo/registry/src/index.crates.io-6f17d22bba15001f"


@pytest.mark.parametrize("name,comp_dir,producer,language,expected", [
    # the workspace's own crates: the crate name after /@/
    ("src/main.rs/@/damocles_worker.c6f6beaf67b000ec-cgu.07", "/home/op/damocles", RUSTC, 0x1C,
     ("damocles_worker", "rust", "damocles_worker")),
    ("damocles-worker/src/lib.rs/@/vc_processors.1f2e3d4c5b6a7980-cgu.0", "/home/op/damocles", RUSTC, 0x1C,
     ("vc_processors", "rust", "vc_processors")),
    # registry crate: the unit name still carries the crate
    (f"{REGISTRY}/tokio-1.32.0/src/lib.rs/@/tokio.0a1b2c3d4e5f6789-cgu.3", "/home/op/damocles", RUSTC, 0x1C,
     ("tokio", "rust", "tokio")),
    # incremental build: hashed cgu names, fall back to the path
    (f"{REGISTRY}/serde_json-1.0.107/src/lib.rs/@/3kd8s0d9f8g7h6j5", "/home/op/damocles", RUSTC, 0x1C,
     ("serde_json", "rust", "serde_json")),
    ("crates/filecoin-proofs/src/lib.rs/@/1x2y3z4w5v6u", "/home/op/damocles", RUSTC, 0x1C,
     ("filecoin_proofs", "rust", "filecoin_proofs")),
    ("src/main.rs/@/2k3j4h5g", "/home/op/my-app", RUSTC, 0x1C, ("my_app", "rust", "my_app")),
    # the standard library, rustup and Debian builds, and its vendored dependencies
    ("library/std/src/lib.rs/@/std.e28293b1aa0f68bd-cgu.0", "/rustc/5680fa18feaa87f3ff04063800aec256c3d4b4be",
     RUSTC, 0x1C, ("std", "rust-std", "std")),
    ("/rustc/5680fa18feaa87f3ff04063800aec256c3d4b4be/library/core/src/lib.rs/@/core.a1-cgu.0", "/rustc/5680fa18f",
     RUSTC, 0x1C, ("std", "rust-std", "core")),
    ("/rust/deps/hashbrown-0.14.0/src/lib.rs/@/hashbrown.1a2b3c4d5e6f7a8b-cgu.0", "/rust/deps/hashbrown-0.14.0",
     RUSTC, 0x1C, ("std", "rust-std", "hashbrown")),
    ("src/lib.rs/@/rustc_demangle.1a2b-cgu.0", "/usr/src/rustc-1.63.0/vendor/rustc-demangle", DEBIAN_RUSTC, 0x1C,
     ("std", "rust-std", "rustc_demangle")),
    # C and C++ compiled by a crate's build script
    (f"{REGISTRY}/librocksdb-sys-0.11.0+8.1.1/rocksdb/db/db_impl/db_impl.cc", "/home/op/damocles", GCC_CXX, 0x21,
     ("librocksdb-sys", "c++", "librocksdb-sys")),
    ("rocksdb/table/block.cc", f"{REGISTRY}/librocksdb-sys-0.11.0+8.1.1", GCC_CXX, 0x4,
     ("librocksdb-sys", "c++", "librocksdb-sys")),
    ("/home/op/damocles/target/release/build/blst-0123456789abcdef/out/assembly.S", "/x", "GNU AS 2.40", 0x8001,
     ("blst", "asm", "blst")),
    ("gen.c", "/w/target/x86_64-unknown-linux-gnu/release/build/zstd-sys-fedcba9876543210/out", GCC_C, 0x2C,
     ("zstd-sys", "c", "zstd-sys")),
    ("/home/op/.cargo/git/checkouts/bellperson-4c5d6e7f8a9b0c1d/abc1234/src/gpu/kernel.cudafe1.cpp", "/tmp",
     "GNU C++17 11.4.0 -g", 0x21, ("bellperson", "cuda", "bellperson")),
    ("/tmp/tmpxft_00002b4f_00000000-6_multiexp.cudafe1.cpp", f"{REGISTRY}/bellperson-0.26.0", "GNU C++17 11.4.0 -g",
     0x21, ("bellperson", "cuda", "bellperson")),
    # C/asm that no crate built: grouped by directory
    ("../sysdeps/x86_64/start.S", "/build/glibc-2.36/csu", "GNU AS 2.40", 0x8001,
     ("/build/glibc-2.36/csu", "asm", None)),
    ("hello.c", "/tmp/bc", GCC_C, 0x1D, ("/tmp/bc", "c", None)),
])
def test_attribution(name, comp_dir, producer, language, expected):
    got = attribute(name=name, comp_dir=comp_dir, producer=producer, language=language)
    assert (got.name, got.kind, got.crate) == expected


def test_language_from_producer_first_then_code():
    assert language_name(0x1C, RUSTC) == "Rust"
    assert language_name(0x1D, GCC_C) == "C17"     # GCC 12 writes DW_LANG_C11 for -std=gnu17
    assert language_name(0x21, GCC_CXX) == "C++17"
    assert language_name(0x8001, "GNU AS 2.40") == "assembly"
    assert language_name(0x0C, None) == "C99"
    assert language_name(None, None) == "unknown"
    assert language_name(0x7777, "something else") == "DW_LANG 0x7777"


def test_kind_trusts_producer_over_language():
    # a producer naming rustc wins over whatever DW_AT_language says
    assert attribute(name="src/lib.rs/@/x.0123-cgu.0", comp_dir="/w", producer=RUSTC, language=0x0C).kind == "rust"
    assert attribute(name="a.c", comp_dir="/w", producer=None, language=0x0C).kind == "c"
    assert attribute(name="a.cc", comp_dir="/w", producer=None, language=0x1A).kind == "c++"
    assert attribute(name="a.f", comp_dir="/w", producer="GNU Fortran2008 12.2.0", language=0x23).kind == "other"


def test_split_dwarf_skeleton_without_producer():
    got = attribute(name=None, comp_dir="/home/op/w", producer=None, language=None, is_skeleton=True,
                    dwo_name="hello-hello.dwo")
    assert (got.name, got.kind) == ("split DWARF skeleton", "other")
    got = attribute(name=None, comp_dir="/w/target/release/build/foo-0123456789abcdef/out", producer=None,
                    language=None, is_skeleton=True, dwo_name="x.dwo")
    assert (got.name, got.crate) == ("foo", "foo")


@pytest.mark.parametrize("path,crate", [
    (f"{REGISTRY}/librocksdb-sys-0.11.0+8.1.1/rocksdb/db/c.cc", "librocksdb-sys"),
    (f"{REGISTRY}/secp256k1-sys-0.8.1/depend/secp256k1/src/secp256k1.c", "secp256k1-sys"),
    ("/w/target/release/build/librocksdb-sys-0123456789abcdef/out/build_version.cc", "librocksdb-sys"),
    ("/w/target/debug/build/x-0123456789abcdef/out", "x"),
    ("/home/op/.cargo/git/checkouts/rust-fil-proofs-0a1b2c3d4e5f6a7b/5f6a7b8/src/lib.rs", "rust-fil-proofs"),
    ("/usr/include/stdio.h", None),
    ("/w/target/release/deps/foo-0123456789abcdef.o", None),
])
def test_crate_from_path(path, crate):
    assert crate_from_path(path) == crate
