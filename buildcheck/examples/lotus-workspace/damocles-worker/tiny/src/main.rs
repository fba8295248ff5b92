// The stand-in binary is this crate built with `rustc -g` (see fixtures/binaries/README.md for
// the exact no_std program and flags); the demo never builds it.
fn main() {}
