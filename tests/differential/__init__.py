"""Differential tests: buildcheck's scanner against the real `cargo build -v` (see docs/testing.md)."""
