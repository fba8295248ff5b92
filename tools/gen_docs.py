#!/usr/bin/env python3
"""Regenerate the real command output shown in docs/ (both languages), so the pages cannot drift.

A page marks each example with the command line a reader would type:

    <!-- begin output: buildcheck scan ~/damocles -->
    ...replaced by this script...
    <!-- end output -->

The commands run on a machine of their own, the same on every computer (fixtures/docs/README.md):
- a home directory, /tmp/bc-docs/home, which is HOME for the run, so buildcheck shows it as `~`;
- rustup laid out as rustup leaves it: `~/.cargo/bin/cargo` a proxy (never run: buildcheck reads rustup's files),
  `~/.rustup` with 1.72.0 (rustfmt, clippy) and stable 1.95.0 installed, stable the default; PATH holds only
  `~/.cargo/bin`;
- `~/damocles`: a repository root shaped like damocles' (the Makefiles of fixtures/make/damocles, the workspaces of
  fixtures/docs/damocles) with fixtures/binaries/rust-tiny-debug at damocles-worker/target/release/damocles-worker;
- the CPU of fixtures/docs/cpuinfo.txt (an AMD EPYC 7302: x86-64-v3 with SHA-NI and ADX) instead of /proc/cpuinfo,
  and an x86_64 Linux host triple (a bootstrap sets both before buildcheck's own `main` runs);
- LANG=C, `--color never`, COLUMNS=100 (a 100-column terminal), the repository as the working directory.

In a command, `cd DIR &&` first runs it in DIR (under the home); `NAME=value` words before `buildcheck` are its
environment (shown as written); `~/...` is the home above; `fixtures/cargo/<scenario>` becomes the scenario's workspace, copied to `~/<scenario>` with its env.json
(shown in front of the command) and its `home/` as CARGO_HOME. `[DEST=FILE]` after `begin output` places a
fixture file at DEST first (e.g. `~/.cargo/config.toml`), and the block shows it (`$ cat DEST`). Other paths stay
relative to the repository.

    python tools/gen_docs.py          # rewrite the blocks in docs/**/*.md
    python tools/gen_docs.py --check  # exit 1 and name the pages whose blocks are stale
"""

from __future__ import annotations

import argparse
import fcntl
import json
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
MACHINE_ROOT = Path("/tmp/bc-docs")
HOME = MACHINE_ROOT / "home"
SCENARIOS = REPO / "fixtures" / "cargo"
CPUINFO = REPO / "fixtures" / "docs" / "cpuinfo.txt"
HOST = "x86_64-unknown-linux-gnu"
COLUMNS = "100"
# rustup's toolchains on the docs' machine: the pin of damocles (and of the scenarios) installed with the
# components damocles' toolchain file asks for, and stable as the default.
INSTALLED = ("1.72.0", "1.95.0", "stable=1.95.0")
COMPONENTS = {"1.72.0": ("rustfmt", "clippy")}

BLOCK = re.compile(r"(?P<begin><!-- begin output(?: \[(?P<files>[^\]\n]*)\])?: (?P<command>[^\n]*?) -->\n)"
                   r"(?P<body>.*?)(?P<end><!-- end output -->)", re.DOTALL)
ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=.*", re.DOTALL)

# Runs buildcheck's own entry point on the docs' machine: its CPU description and host triple, then main().
BOOTSTRAP = """\
import sys
cpuinfo, host = sys.argv[1], sys.argv[2]
del sys.argv[1:3]
import buildcheck.cargo.host
import buildcheck.commands.flags
import buildcheck.context
buildcheck.cargo.host.this_host = lambda: host
buildcheck.context.RunContext.__init__.__kwdefaults__["cpuinfo_path"] = cpuinfo
buildcheck.commands.flags.DEFAULT_CPUINFO = cpuinfo
from buildcheck.entry import main
main()
"""


@dataclass(frozen=True)
class Invocation:
    argv: list[str]          # what runs, after `buildcheck --color never`
    shown: str               # the command line as the page shows it
    cwd: Path                # where it runs: the repository, or a `cd DIR &&` under the home
    env: dict[str, str]      # the command's variables and the scenario's (shown) on top of the fixed base
    cargo_home: Path | None  # the scenario's home/ (not shown: scan's output names it)


def _shown_path(text: str) -> str:
    """A path under the docs' home as a reader types it: `~/...`."""
    if text == str(HOME):
        return "~"
    if text.startswith(f"{HOME}/"):
        return "~/" + text[len(str(HOME)) + 1:]
    return text


def _expand_home(word: str) -> str:
    if word == "~" or word.startswith("~/"):
        return str(HOME) + word[1:]
    return word


def _scenario_workspace(name: str) -> tuple[Path, dict[str, str]]:
    """Copy a scenario fresh into the home; its workspace directory and its environment."""
    source = SCENARIOS / name
    if not (source / "expected.json").is_file():
        raise SystemExit(f"gen_docs: {source} is not a fixtures/cargo scenario")
    target = HOME / name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    (target / "home").mkdir(exist_ok=True)  # git keeps no empty directories
    expected = json.loads((target / "expected.json").read_text())
    env = {key: value.replace("{fixture}", str(target))
           for key, value in json.loads((target / "env.json").read_text()).items()}
    return target / expected["cwd"], env


def resolve(command: str) -> Invocation:
    words = shlex.split(command)
    cwd = REPO
    if len(words) > 2 and words[0] == "cd" and words[2] == "&&":
        cwd = Path(_expand_home(words[1]))
        if not cwd.is_relative_to(HOME):
            raise SystemExit(f"gen_docs: cd into the docs' home only, not {words[1]!r}")
        words = words[3:]
    env: dict[str, str] = {}
    while words and ASSIGNMENT.fullmatch(words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = _expand_home(value)
    if not words or words[0] != "buildcheck":
        raise SystemExit(f"gen_docs: an output block must run buildcheck, not {command!r}")
    argv: list[str] = []
    cargo_home = None
    for word in words[1:]:
        match = re.fullmatch(r"fixtures/cargo/([A-Za-z0-9._-]+)/?", word)
        if match:
            workspace, scenario_env = _scenario_workspace(match.group(1))
            env.update(scenario_env)
            cargo_home = HOME / match.group(1) / "home"  # as the scenario tests run it
            argv.append(str(workspace))
        else:
            argv.append(_expand_home(word))
    prefix = " ".join(f"{name}={_shown_quote(value)}" for name, value in env.items())
    shown = " ".join(filter(None, [prefix, "buildcheck", *(_shown_quote(a) for a in argv)]))
    if cwd != REPO:
        shown = f"cd {_shown_quote(str(cwd))}\n$ {shown}"
    return Invocation(argv=argv, shown=shown, env=env, cargo_home=cargo_home, cwd=cwd)


def _shown_quote(argument: str) -> str:
    """An argument as a shell reads it back: quoted where needed, a leading `~/` left for the shell to expand."""
    shown = _shown_path(argument)
    return shown if shown.startswith("~") and shlex.quote(shown[1:]) == shown[1:] else shlex.quote(shown)


def base_env(invocation: Invocation) -> dict[str, str]:
    env = {"PATH": f"{HOME / '.cargo' / 'bin'}:/usr/bin:/bin", "HOME": str(HOME), "LANG": "C", "COLUMNS": COLUMNS,
           "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    if invocation.cargo_home is not None:
        env["CARGO_HOME"] = str(invocation.cargo_home)
    return {**env, **invocation.env}


def place_files(clause: str | None) -> list[str]:
    """`DEST=FILE, ...`: copy each fixture FILE to DEST (under the home); the transcript lines that show them."""
    shown: list[str] = []
    for item in filter(None, (part.strip() for part in (clause or "").split(","))):
        destination, _, source = item.partition("=")
        target = Path(_expand_home(destination))
        if not target.is_relative_to(HOME) or not (REPO / source).is_file():
            raise SystemExit(f"gen_docs: [{item}]: place a file of the repository under ~")
        target.parent.mkdir(parents=True, exist_ok=True)
        text = (REPO / source).read_text(encoding="utf-8")
        target.write_text(text, encoding="utf-8")
        shown += [f"$ cat {_shown_path(str(target))}", *text.rstrip("\n").splitlines()]
    return shown


def run(command: str, files: str | None = None) -> str:
    with machine():
        shown_files = place_files(files)
        invocation = resolve(command)
        # --color is a group option: before the subcommand, as a reader would put it.
        process = subprocess.run([sys.executable, "-c", BOOTSTRAP, str(CPUINFO), HOST, "--color", "never",
                                  *invocation.argv], cwd=invocation.cwd, env=base_env(invocation), stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True, timeout=300, stdin=subprocess.DEVNULL)
    lines = [line.rstrip() for line in process.stdout.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    body = "\n".join([*shown_files, f"$ {invocation.shown}", *lines, f"[exit status {process.returncode}]"])
    return f"```console\n{body}\n```\n"


@contextmanager
def machine() -> Iterator[None]:
    """A fresh home for one command: what an earlier command wrote (demo --keep, fix --write) is gone."""
    sys.path.insert(0, str(REPO / "tests"))
    try:
        from helpers.toolchains import rustup
    finally:
        sys.path.remove(str(REPO / "tests"))
    shutil.rmtree(HOME, ignore_errors=True)
    HOME.mkdir(parents=True)
    rustup(HOME, INSTALLED, default="stable", components={k: list(v) for k, v in COMPONENTS.items()},
           bin_dir=".cargo/bin", home_dir=".rustup")
    damocles = HOME / "damocles"
    shutil.copytree(REPO / "fixtures" / "make" / "damocles", damocles)
    shutil.copytree(REPO / "fixtures" / "docs" / "damocles", damocles, dirs_exist_ok=True)
    binary = damocles / "damocles-worker" / "target" / "release" / "damocles-worker"
    binary.parent.mkdir(parents=True)
    shutil.copy2(REPO / "fixtures" / "binaries" / "rust-tiny-debug", binary)
    yield


@contextmanager
def machine_root() -> Iterator[None]:
    MACHINE_ROOT.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{MACHINE_ROOT}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a test and a person regenerating at once share the directory
        try:
            shutil.rmtree(MACHINE_ROOT, ignore_errors=True)
            MACHINE_ROOT.mkdir()
            yield
        finally:
            shutil.rmtree(MACHINE_ROOT, ignore_errors=True)


def render_page(text: str, cache: dict[tuple[str, str | None], str]) -> str:
    def replace(match: re.Match[str]) -> str:
        key = (match.group("command").strip(), match.group("files"))
        if key not in cache:
            cache[key] = run(*key)
        return match.group("begin") + cache[key] + match.group("end")

    return BLOCK.sub(replace, text)


def pages() -> list[Path]:
    return sorted(path for path in DOCS.rglob("*.md") if "<!-- begin output" in path.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report pages whose output blocks are stale")
    parser.add_argument("paths", nargs="*", type=Path, help="pages to process (default: every page with blocks)")
    args = parser.parse_args(argv)
    stale = []
    cache: dict[tuple[str, str | None], str] = {}
    with machine_root():
        for page in [p.resolve() for p in args.paths] or pages():
            text = page.read_text(encoding="utf-8")
            new = render_page(text, cache)
            if new == text:
                continue
            stale.append(page.relative_to(REPO) if page.is_relative_to(REPO) else page)
            if not args.check:
                page.write_text(new, encoding="utf-8")
    verb = "stale" if args.check else "updated"
    for page in stale:
        print(f"{verb}: {page}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
