"""The statuses a buildcheck run ends with, in one table (docs/*/exit-codes.md is tested against it).

The linters' convention (ruff, ESLint, shellcheck, click's usage errors) for 0, 1 and 2, and the shell's for a
process ended by a signal (128 + the signal's number) for 130 and 141. The meanings are English for the docs test
and for readers of the code; the CLI prints none of them.
"""

from __future__ import annotations

CLEAN = 0
FINDINGS = 1
CANNOT_ANSWER = 2
INTERRUPTED = 130   # 128 + SIGINT
PIPE_CLOSED = 141   # 128 + SIGPIPE

MEANINGS: dict[int, str] = {
    CLEAN: "clean: nothing to fail on (warnings and info findings may still be printed)",
    FINDINGS: "the answer is no: error findings, a failed gate, missing system software, or changes still to make",
    CANNOT_ANSWER: "buildcheck could not answer: a usage error, unreadable or invalid input, configuration cargo "
                   "itself would reject, or an internal error; one line on stderr, never a traceback",
    INTERRUPTED: "interrupted (Ctrl-C): one line on stderr",
    PIPE_CLOSED: "the reader closed the output pipe (`buildcheck scan | head -1`): the run ends quietly, as a "
                 "process killed by SIGPIPE does",
}
