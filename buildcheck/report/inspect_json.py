"""`buildcheck inspect --format json`: one object for one binary, an array for several."""

from __future__ import annotations

import json
from typing import TextIO

from buildcheck.elf.inspect import BinaryReport
from buildcheck.isa.report import IsaReport


def render(stream: TextIO, reports: list[BinaryReport], *, isa: list[IsaReport] | None = None,
           as_array: bool | None = None) -> None:
    """One object, or an array: for several paths given (`as_array`), even if only one could be read."""
    documents = [r.to_json() for r in reports]
    for document, isa_report in zip(documents, isa or ()):
        document["isa"] = isa_report.to_json()  # `inspect --isa`: the CPU features (docs/en/json.md)
    many = len(reports) != 1 if as_array is None else as_array
    payload = documents if many else documents[0]
    json.dump(payload, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
