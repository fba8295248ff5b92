"""`buildcheck diff` on binaries compiled here with and without -g, and on saved reports."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")

SOURCE = """
#include <stdio.h>
struct point { int x, y; };
static int dist(struct point p) { return p.x * p.x + p.y * p.y; }
int main(int argc, char **argv) { struct point p = {argc, 2}; printf("%d\\n", dist(p)); return 0; }
"""


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    d = tmp_path_factory.mktemp("diff")
    (d / "p.c").write_text(SOURCE)
    for name, flags in (("plain", ["-O2"]), ("debug", ["-O2", "-g"])):
        subprocess.run(["gcc", *flags, "-o", str(d / name), str(d / "p.c")], check=True)
    return d


def invoke(*args):
    proc = subprocess.run([sys.executable, "-m", "buildcheck", *args], capture_output=True, text=True)
    return proc


def test_debug_build_against_plain_shows_debug_sections_vanishing(pair):
    proc = invoke("diff", str(pair / "debug"), str(pair / "plain"), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["command"] == "diff" and out["schema_version"] == 1
    assert out["file_size"]["change"] < 0
    assert out["debug_info_bytes"]["new"] == 0 and out["debug_info_bytes"]["old"] > 0
    vanished = {s["name"] for s in out["sections"] if s["status"] == "vanished"}
    assert ".debug_info" in vanished and ".debug_line" in vanished
    origins = {(o["name"], o["kind"], o["status"]) for o in out["origins"]}
    assert any(kind == "c" and status == "vanished" for _, kind, status in origins)
    # The stripped size is the same build, so it barely moves.
    stripped = out["stripped_size_estimate"]
    assert abs(stripped["change"]) <= 0.01 * stripped["old"]


def test_growth_gate(pair):
    grew = invoke("diff", str(pair / "plain"), str(pair / "debug"), "--max-growth", "5%")
    assert grew.returncode == 1
    assert "--max-growth 5%" in grew.stdout
    within = invoke("diff", str(pair / "plain"), str(pair / "debug"), "--max-growth", "1MiB")
    assert within.returncode == 0
    shrank = invoke("diff", str(pair / "debug"), str(pair / "plain"), "--max-growth", "0%")
    assert shrank.returncode == 0


def test_saved_report_compares_like_the_binary(pair, tmp_path):
    report = tmp_path / "debug.json"
    inspected = invoke("inspect", str(pair / "debug"), "--format", "json")
    report.write_text(inspected.stdout)
    proc = invoke("diff", str(report), str(pair / "debug"), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["sections"] == [] and out["origins"] == [] and out["file_size"]["change"] == 0


@pytest.mark.parametrize("make_bad, words", [
    (lambda d: d / "missing", "cannot read"),
    (lambda d: d, "directory"),
    (lambda d: (d / "notes.txt").write_text("hello") and d / "notes.txt", "neither an ELF file nor an inspect report"),
    (lambda d: (d / "scan.json").write_text('{"command": "scan"}') and d / "scan.json", "not the output"),
])
def test_bad_inputs_are_one_line_exit_2(pair, tmp_path, make_bad, words):
    bad = make_bad(tmp_path)
    proc = invoke("diff", str(pair / "plain"), str(bad))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and words in proc.stderr and str(bad) in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("limit", ["lots", "%", "-3%", "5 percent"])
def test_bad_growth_limit_is_a_usage_error(pair, limit):
    proc = invoke("diff", str(pair / "plain"), str(pair / "debug"), "--max-growth", limit)
    assert proc.returncode == 2 and "--max-growth" in proc.stderr
