"""`buildcheck inspect --format json`: one object for one binary, an array for several."""

from __future__ import annotations

import json
from typing import TextIO

from buildcheck.elf.inspect import BinaryReport


def render(stream: TextIO, reports: list[BinaryReport]) -> None:
    payload = reports[0].to_json() if len(reports) == 1 else [r.to_json() for r in reports]
    json.dump(payload, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
