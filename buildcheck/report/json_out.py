"""A JSON document, as every `--format json` prints it: indented, UTF-8 as is, one trailing newline."""

from __future__ import annotations

import json
from typing import Any, TextIO


def render(stream: TextIO, document: Any) -> None:
    json.dump(document, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
