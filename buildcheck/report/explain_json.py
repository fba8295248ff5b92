"""`buildcheck explain --format json`: the Explanation's JSON contract (schema_version 1, docs/explain.md), as is."""

from __future__ import annotations

import json
from typing import TextIO

from buildcheck.explain import Explanation


def render(stream: TextIO, explanation: Explanation) -> None:
    json.dump(explanation.to_json(), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
