"""A stand-in for a stream: a terminal or a pipe (isatty), keeping what was written."""

from __future__ import annotations


class FakeTerminal:
    def __init__(self, tty: bool):
        self.tty = tty
        self.written: list[str] = []

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> int:
        self.written.append(text)
        return len(text)

    def flush(self) -> None:
        pass
