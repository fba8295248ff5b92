"""`buildcheck doctor --format json` (schema_version 1, docs/en/json.md)."""

from __future__ import annotations

import json
from typing import TextIO

from buildcheck.doctor.run import DoctorReport


def render(stream: TextIO, report: DoctorReport) -> None:
    json.dump(report.to_json(), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
