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


def test_both_languages_show_the_same_commands():
    """The zh page runs the en page's commands with --lang zh (and its own --keep directory)."""
    for en_page in (DOCS / "en").rglob("*.md"):
        zh_page = DOCS / "zh" / en_page.relative_to(DOCS / "en")
        def commands(page: Path) -> list[str]:
            found = [m.group("command").strip() for m in gen_docs.BLOCK.finditer(page.read_text(encoding="utf-8"))]
            return [re.sub(r"--keep \S+", "--keep DIR", c.replace("buildcheck --lang zh ", "buildcheck "))
                    for c in found]
        assert commands(en_page) == commands(zh_page), en_page.name
        for command in gen_docs.BLOCK.finditer(zh_page.read_text(encoding="utf-8")):
            assert command.group("command").startswith("buildcheck --lang zh "), (zh_page.name, command.group(0))


@pytest.mark.parametrize("page", markdown_pages(), ids=lambda p: str(p.relative_to(REPO)))
def test_relative_links_resolve(page: Path):
    for match in LINK.finditer(page.read_text(encoding="utf-8")):
        target = match.group("target")
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        path = (page.parent / target.split("#")[0]).resolve()
        assert path.exists(), f"{page.relative_to(REPO)} links to missing {target}"


def documented_keys(page: Path, command: str) -> set[str]:
    text = page.read_text(encoding="utf-8")
    section = re.search(rf"^## `{re.escape(command)} --format json`\n(?P<body>.*?)(?=^## |\Z)", text,
                        re.MULTILINE | re.DOTALL)
    assert section, f"{page.name}: no section for {command}"
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
JSON_COMMANDS = {
    "scan": ["scan", "--format", "json"],
    "inspect": ["inspect", "--format", "json", BINARY],
    "explain": ["explain", "--format", "json", BINARY],
    "check": ["check", "--format", "json", "--binary", BINARY],
    "diff": ["diff", "--format", "json", BINARY, BINARY, "--max-growth", "5%"],
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("command", sorted(JSON_COMMANDS))
def test_json_page_lists_exactly_the_real_top_level_keys(lotus, command, lang):
    cwd, env = lotus
    result = subprocess.run([sys.executable, "-m", "buildcheck", *JSON_COMMANDS[command]], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    actual = set(json.loads(result.stdout))
    assert documented_keys(DOCS / lang / "json.md", command) == actual
