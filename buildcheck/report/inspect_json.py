"""`buildcheck inspect --format json`: one object for one binary, an array for several."""

from __future__ import annotations

import json
from typing import TextIO

from buildcheck.elf.inspect import BinaryReport


def render(stream: TextIO, reports: list[BinaryReport], *, as_array: bool | None = None) -> None:
    """One object, or an array: for several paths given (`as_array`), even if only one could be read."""
    many = len(reports) != 1 if as_array is None else as_array
    payload = [r.to_json() for r in reports] if many else reports[0].to_json()
    json.dump(payload, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
