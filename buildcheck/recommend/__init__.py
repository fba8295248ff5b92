"""What to set instead: pure functions that turn causes into flags, shell lines and config edits.

Nothing here reads the environment, runs a tool or writes a file on its own: the
commands (`flags`, `fix`, `check`) pass in what the scanner found and print what
comes back. The one writer, `config_edit.write_edited`, runs only for `fix --write`.

    rustflags      which rustc options turn debug info on; the flags without them
    env_vars       the neutral value of a variable that turns debug info on
    cpu_features   /proc/cpuinfo -> rustc feature names; native vs a portable choice
    flags_plan     FlagsPlan -> the environment changes `buildcheck flags` prints
    shells         those changes quoted for sh, fish, $GITHUB_ENV or make
    config_edit    style-preserving edits of cargo config files, their diff, atomic write
    verdict        the CI gate's pass/fail at --fail-on
"""
