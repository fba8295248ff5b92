"""What to set instead: pure functions that turn causes into flags, shell lines and config edits.

Nothing here reads the environment, runs a tool or writes a file on its own: the
commands (`flags`, `fix`, `check`) pass in what the scanner found and print what
comes back. The one writer, `config_edit.write_edited`, runs only for `fix --write`.
"""
