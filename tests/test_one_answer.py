"""One input, one answer: for every scenario of fixtures/cargo, scan, check, explain, fix and flags propose the same
fix, and following it (eval the flags, write the edits) leaves a build without debug info."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

import pytest
from helpers.scenario import CARGO_FIXTURES, Scenario

SCENARIOS = sorted(p.name for p in CARGO_FIXTURES.iterdir() if (p / "expected.json").is_file()
                   and json.loads((p / "expected.json").read_text())["exit_code"] != 2)


def _json(s: Scenario, *args: str, env: dict[str, str] | None = None) -> dict:
    """env: the whole environment to run in (variables of the scenario's own that it lacks are unset)."""
    unset = tuple(set(s.full_env()) - set(env)) if env is not None else ()
    done = s.run(*args, "--format", "json", env=env, unset=unset)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def _env_after_flags(s: Scenario) -> dict[str, str]:
    """The environment after `eval "$(buildcheck flags)"`, in a real sh."""
    start = s.full_env()
    script = (f"eval \"$({shlex.join([sys.executable, '-m', 'buildcheck', 'flags'])})\"\n"
              + shlex.join([sys.executable, "-c", "import json, os; print(json.dumps(dict(os.environ)))"]))
    done = subprocess.run(["sh", "-c", script], cwd=s.cwd, env=start, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_command_proposes_the_same_fix(scenario, tmp_path):
    s = Scenario(scenario, tmp_path)
    scan = _json(s, "scan")
    check = _json(s, "check")
    explain = _json(s, "explain")
    debug_causes = [c for c in scan["causes"] if c["kind"] not in ("build-override-debug",)
                    and c["rule"] in ("BC001", "BC002", "BC003", "BC005", "BC006", "BC010", "BC011", "BC012")]
    scan_fixes = {c["fix"] for c in debug_causes if c["fix"]}
    # explain lists every remedy the causes need: the same words as scan's
    assert set(explain["fix"]) == scan_fixes, (explain["fix"], scan_fixes)
    # check's findings carry scan's findings' fixes, unchanged
    assert {f["fix"] for f in check["findings"] if f["fix"]} >= {f["fix"] for f in scan["findings"] if f["fix"]}
    # fix shows exactly the file edits of that list; flags the environment changes
    shown = s.run("fix")
    for remedy in scan_fixes:
        if remedy.startswith(("set ", "remove ")):
            assert remedy.split(" at ")[0] in shown.stderr, (remedy, shown.stderr)
    flags = s.run("flags").stdout
    for remedy in scan_fixes:
        if remedy.startswith("unset "):
            assert remedy in flags or f"export {remedy.split()[1]}=" in flags, (remedy, flags)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_following_the_fix_leaves_no_debug_info(scenario, tmp_path):
    s = Scenario(scenario, tmp_path)
    written = s.run("fix", "--write")
    assert written.returncode == 0, written.stderr
    after = _env_after_flags(s)
    rescan = _json(s, "scan", env=after)
    assert rescan["effective"]["debuginfo"] == "none" or not rescan["effective"]["debug_sections_expected"]
    assert not rescan["effective"]["debug_sections_expected"], rescan["effective"]
    assert [f["rule"] for f in rescan["findings"] if f["severity"] == "error"] == []
    assert _json(s, "explain", env=after)["fix"] == []
