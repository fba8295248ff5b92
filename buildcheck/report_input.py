"""Read what `diff` compares: an ELF file (inspected now) or a saved `inspect --format json` report."""

from __future__ import annotations

import json
import os
from typing import Any

from buildcheck.errors import InputError
from buildcheck.i18n import _

ELF_MAGIC = b"\x7fELF"
# A saved report is small; refuse to load something that is clearly not one into memory.
MAX_REPORT_BYTES = 64 * 1024 * 1024


def _read_head(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(4)
    except IsADirectoryError:
        raise InputError(_("{path}: is a directory, not a binary or a report").format(path=path)) from None
    except OSError as exc:
        raise InputError(_("{path}: cannot read: {reason}").format(path=path, reason=exc.strerror or exc)) from None


def _load_json_report(path: str) -> dict[str, Any]:
    if os.path.getsize(path) > MAX_REPORT_BYTES:
        raise InputError(_("{path}: neither an ELF file nor an inspect report").format(path=path))
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputError(_("{path}: neither an ELF file nor an inspect report").format(path=path)) from None
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    if not isinstance(data, dict) or data.get("command") != "inspect":
        raise InputError(_("{path}: JSON, but not the output of `buildcheck inspect --format json` "
                           "for one binary").format(path=path))
    if data.get("schema_version") != 1:
        raise InputError(_("{path}: inspect report schema_version {version} is not supported (expected 1)")
                         .format(path=path, version=data.get("schema_version")))
    return data


def load_report(path: str) -> dict[str, Any]:
    """The inspect report (JSON form) of `path`, inspecting it when it is an ELF file."""
    if _read_head(path) == ELF_MAGIC:
        from buildcheck.elf.inspect import inspect_binary

        return inspect_binary(path).to_json()
    return _load_json_report(path)
