"""Shared test helpers: reference values from binutils/LLVM, and corrupt ELF inputs."""
