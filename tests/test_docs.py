"""docs/ in both languages: output blocks regenerate identically, pages pair up, links resolve, JSON keys are real."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
sys.path.insert(0, str(REPO / "tools"))

import gen_docs  # noqa: E402

LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")


def markdown_pages() -> list[Path]:
    return sorted([*DOCS.rglob("*.md"), REPO / "README.md"])


def test_output_blocks_are_what_the_commands_print_today(capsys):
    """Fails when a page shows output the program no longer prints: run `python tools/gen_docs.py`."""
    status = gen_docs.main(["--check"])
    stale = capsys.readouterr().out
    assert status == 0, stale


def test_stale_block_is_detected(tmp_path, capsys):
    page = tmp_path / "page.md"
    page.write_text("<!-- begin output: buildcheck inspect fixtures/binaries/c-nodebug -->\nold text\n"
                    "<!-- end output -->\n")
    assert gen_docs.main(["--check", str(page)]) == 1
    assert "old text" in page.read_text()  # --check never writes
    assert gen_docs.main([str(page)]) == 0
    text = page.read_text()
    assert "$ buildcheck inspect fixtures/binaries/c-nodebug" in text and "[exit status 0]" in text
    assert gen_docs.main(["--check", str(page)]) == 0
    capsys.readouterr()


def test_every_page_exists_in_both_languages():
    english = {p.relative_to(DOCS / "en") for p in (DOCS / "en").rglob("*.md")}
    chinese = {p.relative_to(DOCS / "zh") for p in (DOCS / "zh").rglob("*.md")}
    assert english and english == chinese, (english ^ chinese)
    assert not list(DOCS.glob("*.md")), "pages live in docs/en and docs/zh"


def _without_environment(command: str) -> str:
    """The command from `buildcheck` on: the NAME=value words before it are its environment."""
    return command[command.index("buildcheck"):]


def test_both_languages_show_the_same_commands():
    """The zh page runs the en page's commands (same environment, same files) with --lang zh."""
    for en_page in (DOCS / "en").rglob("*.md"):
        zh_page = DOCS / "zh" / en_page.relative_to(DOCS / "en")
        def commands(page: Path) -> list[tuple[str | None, str]]:
            found = [(m.group("files"), m.group("command").strip())
                     for m in gen_docs.BLOCK.finditer(page.read_text(encoding="utf-8"))]
            return [(files, re.sub(r"--keep \S+", "--keep DIR", c.replace("buildcheck --lang zh ", "buildcheck ")))
                    for files, c in found]
        assert commands(en_page) == commands(zh_page), en_page.name
        for command in gen_docs.BLOCK.finditer(zh_page.read_text(encoding="utf-8")):
            assert _without_environment(command.group("command")).startswith("buildcheck --lang zh "), (
                zh_page.name, command.group(0))


@pytest.mark.parametrize("page", markdown_pages(), ids=lambda p: str(p.relative_to(REPO)))
def test_relative_links_resolve(page: Path):
    for match in LINK.finditer(page.read_text(encoding="utf-8")):
        target = match.group("target")
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        path = (page.parent / target.split("#")[0]).resolve()
        assert path.exists(), f"{page.relative_to(REPO)} links to missing {target}"


def documented_keys(page: Path, command: str, suffix: str = "") -> set[str]:
    text = page.read_text(encoding="utf-8")
    section = re.search(rf"^## `{re.escape(command)} --format json`{re.escape(suffix)}\n(?P<body>.*?)(?=^## |\Z)",
                        text, re.MULTILINE | re.DOTALL)
    assert section, f"{page.name}: no section for {command}{suffix}"
    keys: set[str] = set()
    for row in re.finditer(r"^\| (?P<cell>`[^|]*`) \|", section.group("body"), re.MULTILINE):
        keys.update(re.findall(r"`([a-z_0-9]+)`", row.group("cell")))
    return keys


@pytest.fixture(scope="module")
def lotus(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("json") / "lotus"
    shutil.copytree(REPO / "fixtures" / "cargo" / "lotus-g-1.72", root)
    (root / "home").mkdir(exist_ok=True)
    env = {"HOME": str(root / "user-home"), "CARGO_HOME": str(root / "home"), "PATH": "/nonexistent",
           "RUSTFLAGS": "-C target-cpu=native -g", "PYTHONPATH": str(REPO)}
    return root / "parent" / "ws", env


BINARY = str(REPO / "fixtures" / "binaries" / "rust-tiny-debug")
EMPTY_ROOT = str(REPO / "fixtures" / "doctor" / "roots" / "bare-debian")  # doctor probes this tree, not the machine
JSON_COMMANDS = {
    "scan": ["scan", "--format", "json"],
    "inspect": ["inspect", "--format", "json", BINARY],
    "explain": ["explain", "--format", "json", BINARY],
    "check": ["check", "--format", "json", "--binary", BINARY],
    "diff": ["diff", "--format", "json", BINARY, BINARY, "--max-growth", "5%"],
    "doctor": ["doctor", "--format", "json", "--root", EMPTY_ROOT],
}


def run_json(arguments: list[str], cwd: Path, env: dict[str, str]) -> dict:
    result = subprocess.run([sys.executable, "-m", "buildcheck", *arguments], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("command", sorted(JSON_COMMANDS))
def test_json_page_lists_exactly_the_real_top_level_keys(lotus, command, lang):
    cwd, env = lotus
    actual = set(run_json(JSON_COMMANDS[command], cwd, env))
    assert documented_keys(DOCS / lang / "json.md", command) == actual


def section_row(page: Path, heading: str, key: str) -> str:
    """The row of `key` in the section `## heading` of a page (its whole text)."""
    text = page.read_text(encoding="utf-8")
    section = re.search(rf"^## {re.escape(heading)}\n(?P<body>.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert section, f"{page.name}: no section {heading}"
    row = re.search(rf"^\| `{re.escape(key)}`[^\n]*$", section.group("body"), re.MULTILINE)
    assert row, f"{page.name}: {heading} has no row for {key}"
    return row.group(0)


@pytest.fixture(scope="module")
def damocles_root(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A repository root shaped like damocles' (the docs' own example tree), no rustup, no cargo."""
    root = tmp_path_factory.mktemp("root") / "damocles"
    shutil.copytree(REPO / "fixtures" / "make" / "damocles", root)
    shutil.copytree(REPO / "fixtures" / "docs" / "damocles", root, dirs_exist_ok=True)
    (root.parent / "home").mkdir()
    env = {"HOME": str(root.parent / "home"), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO),
           "RUSTFLAGS": "-C target-cpu=native -g"}
    return root, env


ROOT_SECTION = {"en": " on a repository root", "zh": "：仓库根目录"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_json_page_lists_the_keys_of_a_repository_root_and_of_its_workspaces(damocles_root, lotus, lang):
    root, env = damocles_root
    document = run_json(["scan", "--format", "json", str(root)], root, env)
    single = run_json(["scan", "--format", "json"], *lotus)
    entry_only = {key for workspace in document["workspaces"] for key in workspace} - set(single)
    assert entry_only == {"found_by"}
    page = DOCS / lang / "json.md"
    assert documented_keys(page, "scan", suffix=ROOT_SECTION[lang]) == set(document) | entry_only
    # the nested objects the round added: every key is named in its row
    workspace = document["workspaces"][0]
    for key in ("toolchain", "make"):
        row = section_row(page, "`scan --format json`", key)
        for inner in workspace[key]:
            assert f"`{inner}`" in row or re.search(rf"[{{ ]{inner}[,}}]", row), (lang, key, inner)
    finding = workspace["findings"][0]
    row = section_row(page, "`scan --format json`", "findings")
    assert all(re.search(rf"\b{inner}\b", row) for inner in finding), (lang, row)


# -- pages tested against the code's own tables ----------------------------------------------------------------------

def _exit_statuses(lang: str) -> set[int]:
    text = (DOCS / lang / "exit-codes.md").read_text(encoding="utf-8")
    return {int(m.group(1)) for m in re.finditer(r"^\| `(\d+)` \|", text, re.MULTILINE)}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_exit_codes_page_lists_exactly_the_statuses_of_exit_codes_py(lang):
    from buildcheck import exit_codes

    assert _exit_statuses(lang) == set(exit_codes.MEANINGS)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_exit_codes_page_has_a_row_for_every_command(lang):
    from buildcheck import cli

    text = (DOCS / lang / "exit-codes.md").read_text(encoding="utf-8")
    assert {m.group(1) for m in re.finditer(r"^\| `([a-z]+)` \|", text, re.MULTILINE)} == set(cli.COMMANDS)


def test_the_cli_ends_with_the_statuses_of_the_table():
    from buildcheck import cli, errors, exit_codes

    assert (cli.EXIT_INTERRUPTED, cli.EXIT_BROKEN_PIPE) == (exit_codes.INTERRUPTED, exit_codes.PIPE_CLOSED)
    assert errors.BuildcheckError.exit_code == exit_codes.CANNOT_ANSWER


def commands_with_json() -> set[str]:
    """The commands whose `--format` option offers json, read from the click commands themselves."""
    import importlib

    import click

    from buildcheck import cli

    found = set()
    for name in cli.COMMANDS:
        command = importlib.import_module(f"buildcheck.commands.{name}").command
        for param in command.params:
            if "--format" in getattr(param, "opts", ()) and isinstance(param.type, click.Choice) \
                    and "json" in param.type.choices:
                found.add(name)
    return found


# The sentence of json.md that names them, in each language.
JSON_COMMANDS_LINE = {"en": "Commands with `--format json`:", "zh": "有 `--format json` 的命令："}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_json_page_names_exactly_the_commands_that_offer_json(lang):
    text = (DOCS / lang / "json.md").read_text(encoding="utf-8")
    real = commands_with_json()
    assert real == {"scan", "inspect", "explain", "check", "diff", "doctor"}  # flags and fix have no JSON
    line = next((line for line in text.splitlines() if line.startswith(JSON_COMMANDS_LINE[lang])), None)
    assert line is not None, f"json.md ({lang}) has no line starting with {JSON_COMMANDS_LINE[lang]!r}"
    assert set(re.findall(r"`([a-z]+)`", line.split(JSON_COMMANDS_LINE[lang], 1)[1])) == real
    sections = set(re.findall(r"^## `([a-z]+) --format json`$", text, re.MULTILINE))
    assert sections == real, "one section per command with --format json"


MACHINE_PATHS = re.compile(r"(?<![\w.~-])/(?:work|root)/")


@pytest.mark.parametrize("page", markdown_pages(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_page_shows_a_path_of_the_machine_that_wrote_it(page: Path):
    """Examples show neutral paths (~/damocles/..., the docs' own machine), never /work/... or /root/...."""
    text = page.read_text(encoding="utf-8")
    assert not MACHINE_PATHS.search(text), MACHINE_PATHS.search(text).group(0)
    assert str(REPO) not in text
