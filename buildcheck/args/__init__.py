"""One parser per grammar of the command lines buildcheck reads (never runs).

    split   how cargo turns a variable or a config string into arguments (RUSTFLAGS, CARGO_ENCODED_RUSTFLAGS,
            config strings): the whitespace Rust means, trimmed as cargo trims
    rustc   rustc's arguments as options with token spans: `-C key=value` in all four spellings, `-g`, `-O`,
            options that take a value (`--cfg -g` is a cfg, not `-g`); what each one sets, last one wins
    cc      C/C++ compiler switches (gcc's and clang's `-g` family) and nvcc's debug switches
Everything that asks "does this turn debug info on?" or "remove that flag" goes through these three modules.
"""
