"""The seeds a generated test runs, from a variable: "0-59", "17", "3,17,40-45"."""

from __future__ import annotations

import os


def seeds_from(*, variable: str, default: str) -> list[int]:
    spec = os.environ.get(variable, default)
    seeds: list[int] = []
    for part in spec.split(","):
        part = part.strip()
        if "-" in part:
            low, high = part.split("-", 1)
            seeds += range(int(low), int(high) + 1)
        elif part:
            seeds.append(int(part))
    return seeds
