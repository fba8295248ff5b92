"""The integration files: the pre-commit hook definition and the example GitHub workflow.

Both are parsed by hand (pre-commit and PyYAML are not test dependencies): the hook file's
`key: value` lines, and every `buildcheck ...` command line in the workflow, which must parse
with the real click commands so that the example cannot drift from the options.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from buildcheck.cli import cli

REPO = Path(__file__).resolve().parents[1]
HOOKS = REPO / ".pre-commit-hooks.yaml"
WORKFLOW = REPO / "docs" / "examples" / "github-workflow.yml"


def _hook() -> dict[str, str]:
    lines = [line for line in HOOKS.read_text().splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert lines[0].startswith("-   id:") and sum(line.startswith("-") for line in lines) == 1
    fields = {}
    for line in lines:
        key, _, value = line.lstrip("- ").partition(":")
        value = value.strip()
        if value.startswith("'") and value.endswith("'"):
            value = value[1:-1]
        fields[key.strip()] = value
    return fields


def test_pre_commit_hook_fields():
    hook = _hook()
    assert hook["id"] == "buildcheck-check"
    assert hook["entry"] == "buildcheck check"
    assert hook["language"] == "python" and hook["pass_filenames"] == "false"


@pytest.mark.parametrize("path, matches", [
    ("Cargo.toml", True), ("damocles-worker/Cargo.toml", True), ("Cargo.lock", True),
    (".cargo/config.toml", True), (".cargo/config", True), ("damocles-worker/.cargo/config.toml", True),
    ("rust-toolchain", True), ("damocles-worker/rust-toolchain.toml", True), ("Makefile", True),
    ("damocles-worker/Makefile", True), ("src/main.rs", False), ("MyCargo.toml", False),
    (".cargo/config.toml.bak", False), ("docs/Makefile.md", False), ("cargo/config.toml", False),
])
def test_pre_commit_files_regex(path, matches):
    # pre-commit applies `files` with re.search to repository-relative paths
    assert bool(re.search(_hook()["files"], path)) is matches


def _commands(text: str) -> list[list[str]]:
    """Each `buildcheck ...` command of the workflow (folded `>-` blocks joined), as argv after `buildcheck`."""
    joined = re.sub(r">-\n((?:\s{10,}.*\n)+)", lambda m: " ".join(m.group(1).split()) + "\n", text)
    out = []
    for line in joined.splitlines():
        found = re.search(r"run: (buildcheck .*?)(?: >|$)", line)
        if found:
            out.append(shlex.split(found.group(1))[1:])
    return out


def test_workflow_uploads_sarif_and_its_commands_parse():
    text = WORKFLOW.read_text()
    assert "github/codeql-action/upload-sarif@" in text and "security-events: write" in text
    assert "sarif_file: buildcheck.sarif" in text and "--format sarif > buildcheck.sarif" in text
    commands = _commands(text)
    assert len(commands) >= 4 and {c[0] for c in commands} == {"check", "explain"}
    for argv in commands:
        command = cli.get_command(click.Context(cli), argv[0])
        command.make_context(argv[0], argv[1:])  # raises on an unknown option or a bad --max-size
    assert any("--binary" in c and "--max-size" in c for c in commands)


_DOC_COMMAND = re.compile(r"(?:^\$ |run: |^\s*- (?:status=0; )?)(buildcheck \S.*)$", re.M)


@pytest.mark.parametrize("page", ["ci.md", "check.md", "explain.md"])
def test_commands_in_the_docs_parse(page):
    text = (REPO / "docs" / "en" / page).read_text()
    commands = []
    for match in _DOC_COMMAND.finditer(text):
        line = re.split(r" \|\|? | > ", match.group(1))[0]
        argv = shlex.split(line)[1:]
        while argv and argv[0].startswith("--"):  # global options such as --color always
            argv = argv[2:]
        commands.append(argv)
    assert commands, page
    for argv in commands:
        command = cli.get_command(click.Context(cli), argv[0])
        assert command is not None, argv
        if "lots" in argv:  # the documented usage error
            with pytest.raises(Exception, match="invalid size"):
                command.make_context(argv[0], argv[1:])
            continue
        command.make_context(argv[0], argv[1:])
