#!/usr/bin/env python3
"""Regenerate the real command output shown in docs/ (both languages), so the pages cannot drift.

A page marks each example with the command line a reader would type:

    <!-- begin output: buildcheck scan fixtures/cargo/lotus-g-1.72 -->
    ...replaced by this script...
    <!-- end output -->

Arguments naming `fixtures/cargo/<scenario>` are replaced by the scenario's workspace, copied
fresh to /tmp/bc-fixtures/<scenario> (a fixed place, so the paths in the output are the same on
every machine; runs are serialised by a lock), and the scenario's env.json becomes the environment
(shown in front of the command). Other paths stay relative to the repository, which is the
working directory. Every run gets a fixed environment: no PATH (no cargo: scenarios pin their
toolchain), LANG=C, `--color never`, 100 columns (the width buildcheck uses when piped).

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
FIXTURE_ROOT = Path("/tmp/bc-fixtures")
SCENARIOS = REPO / "fixtures" / "cargo"

BLOCK = re.compile(r"(?P<begin><!-- begin output: (?P<command>[^\n]*?) -->\n)(?P<body>.*?)(?P<end><!-- end output -->)",
                   re.DOTALL)


@dataclass(frozen=True)
class Invocation:
    argv: list[str]          # what runs, after `python -m buildcheck --color never`
    shown: str               # the command line as the page shows it
    env: dict[str, str]      # the scenario's variables (shown) on top of the fixed base
    cargo_home: Path | None  # the scenario's home/ (not shown: scan's output names it)


def _scenario_workspace(name: str) -> tuple[Path, dict[str, str]]:
    """Copy a scenario fresh into FIXTURE_ROOT; its workspace directory and its environment."""
    source = SCENARIOS / name
    if not (source / "expected.json").is_file():
        raise SystemExit(f"gen_docs: {source} is not a fixtures/cargo scenario")
    target = FIXTURE_ROOT / name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    (target / "home").mkdir(exist_ok=True)  # git keeps no empty directories
    expected = json.loads((target / "expected.json").read_text())
    env = {key: value.replace("{fixture}", str(target))
           for key, value in json.loads((target / "env.json").read_text()).items()}
    return target / expected["cwd"], env


def resolve(command: str) -> Invocation:
    words = shlex.split(command)
    if not words or words[0] != "buildcheck":
        raise SystemExit(f"gen_docs: an output block must run buildcheck, not {command!r}")
    argv: list[str] = []
    env: dict[str, str] = {}
    cargo_home = None
    for word in words[1:]:
        match = re.fullmatch(r"fixtures/cargo/([A-Za-z0-9._-]+)/?", word)
        if match:
            workspace, scenario_env = _scenario_workspace(match.group(1))
            env.update(scenario_env)
            cargo_home = FIXTURE_ROOT / match.group(1) / "home"  # as the scenario tests run it
            argv.append(str(workspace))
        else:
            argv.append(word)
    prefix = " ".join(f"{name}={shlex.quote(value)}" for name, value in env.items())
    shown = " ".join(filter(None, [prefix, "buildcheck", *(shlex.quote(a) for a in argv)]))
    return Invocation(argv=argv, shown=shown, env=env, cargo_home=cargo_home)


def base_env(invocation: Invocation) -> dict[str, str]:
    home = FIXTURE_ROOT / "user-home"
    home.mkdir(parents=True, exist_ok=True)
    cargo_home = invocation.cargo_home or FIXTURE_ROOT / "cargo-home"
    cargo_home.mkdir(parents=True, exist_ok=True)
    return {"PATH": "/nonexistent", "HOME": str(home), "CARGO_HOME": str(cargo_home), "LANG": "C",
            "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1",
            **invocation.env}


def run(command: str) -> str:
    invocation = resolve(command)
    # --lang and --color are group options: they go before the subcommand.
    process = subprocess.run([sys.executable, "-m", "buildcheck", "--color", "never", *invocation.argv],
                             cwd=REPO, env=base_env(invocation), stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, timeout=300, stdin=subprocess.DEVNULL)
    lines = [line.rstrip() for line in process.stdout.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    body = "\n".join([f"$ {invocation.shown}", *lines, f"[exit status {process.returncode}]"])
    return f"```console\n{body}\n```\n"


@contextmanager
def fixture_root() -> Iterator[None]:
    FIXTURE_ROOT.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{FIXTURE_ROOT}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a test and a person regenerating at once share the directory
        try:
            shutil.rmtree(FIXTURE_ROOT, ignore_errors=True)
            FIXTURE_ROOT.mkdir()
            yield
        finally:
            shutil.rmtree(FIXTURE_ROOT, ignore_errors=True)


def render_page(text: str, cache: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        command = match.group("command").strip()
        if command not in cache:
            cache[command] = run(command)
        return match.group("begin") + cache[command] + match.group("end")

    return BLOCK.sub(replace, text)


def pages() -> list[Path]:
    return sorted(path for path in DOCS.rglob("*.md") if "<!-- begin output:" in path.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report pages whose output blocks are stale")
    parser.add_argument("paths", nargs="*", type=Path, help="pages to process (default: every page with blocks)")
    args = parser.parse_args(argv)
    stale = []
    cache: dict[str, str] = {}
    with fixture_root():
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
