"""Messages for tests of renderers: a plain text as a Message (no catalog entry, shown as written)."""

from __future__ import annotations

from buildcheck.messages import Message


def note(text: str, message_id: str = "test.note") -> Message:
    return Message.of(message_id, "{text}", text=text)
