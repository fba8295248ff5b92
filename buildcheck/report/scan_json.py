"""`buildcheck scan --format json`: the ScanResult's JSON contract (schema_version 1), as is."""

from __future__ import annotations

import json
from typing import TextIO

from buildcheck.cargo.scan import ScanResult


def render(stream: TextIO, result: ScanResult) -> None:
    json.dump(result.to_json(), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
