"""make's text functions and expansion rules, checked against real GNU make.

Each expression is assigned with `:=` in one makefile; real make prints every result with
`$(info ...)` while it reads, and buildcheck's model reads the same makefile. The expected values
written below are what GNU make 4.3 prints; the differential test keeps them honest.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from buildcheck.make.process import Invocation, MakeProcess, Trace
from buildcheck.make.shell import ShellModel

from .oracle import CAN_RUN, MAKE, SKIP_REASON

PREAMBLE = """EMPTY :=
SPACE := $(EMPTY) $(EMPTY)
F = [$(1)|$(2)|$(0)]
G = $(call F,$(1)y)
S := a.c b.c
REC = $(S) rec
"""

# (expression, what GNU make 4.3 gives)
CASES = [
    ("$(subst a,b,banana)", "bbnbnb"),
    ("$(subst ,x,abc)", "abcx"),
    ("$(subst a,,banana)", "bnn"),
    ("$(patsubst %.c,%.o,a.c b.c c.h)", "a.o b.o c.h"),
    ("$(patsubst a%,%b,abc aXc)", "bcb Xcb"),
    ("$(patsubst %,x%y,a b)", "xay xby"),
    ("$(patsubst \\%a,b,%a x%a)", "b x%a"),
    ("$(patsubst %.c,%.o,  a.c   b.c  )", "a.o b.o"),
    ("$(strip   a   b  c  )", "a b c"),
    ("[$(strip)]", "[]"),
    ("$(findstring an,banana)", "an"),
    ("[$(findstring x,banana)]", "[]"),
    ("$(filter %.c %.s,a.c b.s c.h)", "a.c b.s"),
    ("$(filter-out %.c,a.c b.s c.h)", "b.s c.h"),
    ("$(filter a,a b a)", "a a"),
    ("$(sort c b a b)", "a b c"),
    ("$(word 2,a b c)", "b"),
    ("[$(word 5,a b c)]", "[]"),
    ("$(wordlist 2,3,a b c d)", "b c"),
    ("[$(wordlist 3,2,a b c d)]", "[]"),
    ("$(words a b  c)", "3"),
    ("$(words )", "0"),
    ("$(firstword  a b)", "a"),
    ("$(lastword a b c)", "c"),
    ("$(dir src/a.c b.c /x/ ./y)", "src/ ./ /x/ ./"),
    ("$(notdir src/a.c b.c /x/ z)", "a.c b.c  z"),
    ("$(suffix a.c b dir.x/c src/d.tar.gz)", ".c .gz"),
    ("$(basename a.c b dir.x/c src/d.tar.gz .hidden)", "a b dir.x/c src/d.tar "),
    ("$(addprefix p/,a b)", "p/a p/b"),
    ("$(addsuffix .o,a b)", "a.o b.o"),
    ("$(join a b c,1 2)", "a1 b2 c"),
    ("$(if ,yes,no)", "no"),
    ("$(if  x ,yes,no)", "yes"),
    ("[$(if $(EMPTY),yes)]", "[]"),
    ("$(if $(SPACE),yes,no)", "yes"),  # the condition is stripped before expansion, not after
    ("$(or ,,c,d)", "c"),
    ("[$(or ,)]", "[]"),
    ("$(and a,b,c)", "c"),
    ("[$(and a,,c)]", "[]"),
    ("$(foreach v,a b c,<$(v)>)", "<a> <b> <c>"),
    ("[$(foreach v,,x)]", "[]"),
    ("$(call F,1,2)", "[1|2|F]"),
    ("$(call F,1)", "[1||F]"),
    ("$(call G,x)", "[xy||F]"),
    ("$(call subst,a,b,aaa)", "bbb"),
    ("$(origin PATH) $(origin UNDEF) $(origin F) $(origin CC) $(origin @)",
     "environment undefined file default undefined"),
    ("$(flavor F) $(flavor S) $(flavor UNDEF)", "recursive simple undefined"),
    ("$(value F)", "[$(1)|$(2)|$(0)]"),
    ("$(value REC)", "$(S) rec"),
    ("$(S:.c=.o)", "a.o b.o"),
    ("$(S:%.c=%.x)", "a.x b.x"),
    ("$(S:a=b)", "a.c b.c"),
    ("$(REC:rec=done)", "a.c b.c done"),
    ("${S}", "a.c b.c"),
    ("$(EMPTY)x", "x"),
    ("$$dollar", "$dollar"),
    ("$(abspath /a/../b /x/./y//z)", "/b /x/y/z"),
    ("a$(EMPTY) \\# b", "a # b"),
    ("$(subst $(SPACE),-,a b c)", "a-b-c"),
    ("$(words $(foreach v,1 2 3,$(v) $(v)))", "6"),
    ("$(if $(filter b,a b),$(call F,in),out)", "[in||F]"),
    ("$(subst {,[,a{b}c)", "a[b}c"),
    ("$(patsubst %,%,)", ""),
    ("$(sort $(S) a.c z)", "a.c b.c z"),
    ("$(firstword $(REC))", "a.c"),
    ("$(MAKE_VERSION)", "4.3"),
]


def model_values(directory: Path, env: dict[str, str]) -> dict[str, str]:
    trace = Trace(env, max_depth=1, max_bytes=1 << 20, shell=ShellModel())
    process = MakeProcess(trace, Invocation(directory, ("-f", "values.mk"), "make", env, {}, (), None))
    assert process.start() and process.read_makefiles(), trace.notes.items
    out = {}
    for index in range(len(CASES)):
        variable = process.db.variables.get(f"R{index}")
        out[f"R{index}"] = variable.value if variable is not None else "<undefined>"
    return out


def write_makefile(directory: Path) -> None:
    lines = [PREAMBLE]
    for index, (expression, _expected) in enumerate(CASES):
        lines.append(f"R{index} := {expression}")
    for index in range(len(CASES)):
        lines.append(f"$(info ::R{index}::$(R{index})::end::)")
    lines.append("all: ;")
    (directory / "values.mk").write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c[0][:40] for c in CASES])
def test_model_gives_make_s_value(tmp_path, index):
    write_makefile(tmp_path)
    values = model_values(tmp_path, {"PATH": "/usr/bin:/bin"})
    assert values[f"R{index}"] == CASES[index][1]


@pytest.mark.skipif(not CAN_RUN, reason=SKIP_REASON)
def test_expected_values_are_what_gnu_make_prints(tmp_path):
    write_makefile(tmp_path)
    done = subprocess.run([MAKE or "make", "-s", "-f", "values.mk"], cwd=tmp_path, env={"PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    printed = {}
    for line in done.stdout.splitlines():
        _, name, rest = line.split("::", 2)
        printed[name] = rest[: -len("::end::")]
    for index, (expression, expected) in enumerate(CASES):
        assert printed[f"R{index}"] == expected, expression
