"""What decides the instructions blst's assembly uses (blst is the BLS library every Filecoin worker links).

blst's build script compiles its assembly with ADX (`-D__ADX__`) from one of two sources:
  - from 0.3.11 on, the target's features when the rustflags (CARGO_ENCODED_RUSTFLAGS) hold a `target-cpu=`;
  - otherwise, and always before 0.3.11, the *build host*: `is_x86_feature_detected!("adx")` in the build script.
The second means a binary built on a host with ADX dies with SIGILL on a worker without it, whatever was asked.
(Read from blst's bindings/rust/build.rs at v0.3.10 and v0.3.11.)
"""

from __future__ import annotations

from collections.abc import Iterable

from packaging.version import InvalidVersion, Version

READS_TARGET_CPU_SINCE = Version("0.3.11")


def version_key(text: str) -> Version:
    try:
        return Version(text)
    except InvalidVersion:  # a lock file's odd version just sorts first
        return Version("0")


def newest(versions: Iterable[str]) -> str | None:
    """The newest of the blst versions a lock file holds (the one a worker's hot path links)."""
    return max(versions, key=version_key, default=None)


def reads_target_cpu(version: str) -> bool:
    return version_key(version) >= READS_TARGET_CPU_SINCE


def follows_build_host(version: str, rustflags: Iterable[str]) -> bool:
    """Whether this blst takes ADX from the build host rather than from the rustflags' `target-cpu=`."""
    gives_cpu = any("target-cpu=" in flag for flag in rustflags)
    return not (gives_cpu and reads_target_cpu(version))
