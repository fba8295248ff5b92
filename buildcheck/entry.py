"""The console script's entry point: Ctrl-C is handled before anything heavy is imported.

Importing click, rich and the commands takes a tenth of a second; a Ctrl-C in that time would print a
KeyboardInterrupt traceback. Until `cli.main` installs its own handling, SIGINT ends the process at once with one
line and status 130.
"""

from __future__ import annotations

import os
import signal

from buildcheck.exit_codes import INTERRUPTED


def _interrupted_while_starting(_signum: int, _frame: object) -> None:
    os.write(2, b"buildcheck: interrupted\n")
    os._exit(INTERRUPTED)


def main() -> None:
    signal.signal(signal.SIGINT, _interrupted_while_starting)
    from buildcheck.cli import main as cli_main

    try:
        cli_main()
    finally:  # leaving (cli_main ends in SystemExit): a Ctrl-C during interpreter shutdown is one line, too
        signal.signal(signal.SIGINT, _interrupted_while_starting)
