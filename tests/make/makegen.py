"""A seeded generator of random Makefile trees for the differential tests against real make.

Each seed gives a root Makefile and up to three sub-directories with their own Makefiles, reached
by `$(MAKE) -C dir`, `cd dir && $(MAKE)` or `make -C dir`, plus an environment and a make command
line. The Makefiles mix every assignment operator, override, export/unexport (with and without
assignment, bare `export`), conditionals with else-if chains, target-specific variables, the text
functions, and recipes that run cargo in the ways damocles-like Makefiles do (`VAR=x cargo`,
`cd dir && cargo`, `(cd dir; cargo)`, `env VAR=x cargo`, quoting). `$(shell ...)` values appear
only where buildcheck compares them for presence (never in a condition, whose outcome buildcheck
cannot know).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

NAMES = ["RUSTFLAGS", "FEATURES", "CARGO_FLAGS", "PROFILE", "FOO", "BAR", "A", "B", "X_Y", "LIST"]
WORDS = ["-g", "-O", "--release", "cuda", "a.rs", "b.rs", "x", "y z", "-C opt-level=2", "target-cpu=native",
         "%.rs", "dir/f.c", "", "1", "0", "a b c"]
SUBDIRS = ["w1", "w2", "deep/w3"]


@dataclass
class GeneratedCase:
    files: dict[str, str]
    env: dict[str, str]
    arguments: list[str]
    directory: str = ""
    notes: list[str] = field(default_factory=list)


class _Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.functions_defined = False

    def word(self) -> str:
        return self.rng.choice([w for w in WORDS if w])

    def name(self) -> str:
        return self.rng.choice(NAMES)

    def reference(self) -> str:
        name = self.name()
        style = self.rng.random()
        if len(name) == 1 and style < 0.3:
            return "$" + name
        if style < 0.6:
            return f"$({name})"
        return "${" + name + "}"

    def value(self, depth: int = 0, *, opaque_ok: bool = True) -> str:
        parts = []
        for _ in range(self.rng.randint(0, 3)):
            roll = self.rng.random()
            if roll < 0.35:
                parts.append(self.word())
            elif roll < 0.6:
                parts.append(self.reference())
            elif roll < 0.66:
                parts.append("$$HOME")
            elif roll < 0.7 and opaque_ok:
                parts.append("$(shell echo hello)")
            elif depth < 2:
                parts.append(self.function(depth + 1, opaque_ok=opaque_ok))
            else:
                parts.append(self.word())
        return " ".join(parts)

    def function(self, depth: int, *, opaque_ok: bool) -> str:
        # no $(shell) inside function arguments: $(if)/$(or)/$(and) on an opaque value cannot be
        # compared with make (buildcheck says so with a note), and would only make cases uncomparable
        v = lambda: self.value(depth, opaque_ok=False)  # noqa: E731
        choice = self.rng.randrange(17)
        if choice == 0:
            return f"$(strip {v()})"
        if choice == 1:
            return f"$(subst {self.rng.choice(['-', 'a', ' ', 'x'])},{self.rng.choice(['.', 'b', '_'])},{v()})"
        if choice == 2:
            return f"$(patsubst %.rs,%.o,{v()})"
        if choice == 3:
            return f"$(filter -% %.rs,{v()})"
        if choice == 4:
            return f"$(filter-out -g,{v()})"
        if choice == 5:
            return f"$(if {v()},{v()},{v()})"
        if choice == 6:
            return f"$(or {v()},{v()})"
        if choice == 7:
            return f"$(and {v()},{v()})"
        if choice == 8:
            return f"$(words {v()})"
        if choice == 9:
            return f"$(firstword {v()})"
        if choice == 10:
            return f"$(addprefix --cfg=,{v()})"
        if choice == 11:
            return f"$(sort {v()} b a)"
        if choice == 12:
            return f"$(foreach w,{v()},[$(w)])"
        if choice == 13:
            return f"$(origin {self.name()})"
        if choice == 14:
            return f"$(findstring g,{v()})"
        if choice == 15:
            return f"$({self.name()}:-g=-O)"
        self.functions_defined = True
        return f"$(call pick,{v()},{v()})"

    def assignment(self) -> str:
        op = self.rng.choice(["=", ":=", "::=", "?=", "+=", "+=", "="])
        prefix = self.rng.choice(["", "", "", "override ", "export ", "export ", "override export "])
        value = self.value()
        if op in ("=", "?=", "+=") and self.rng.random() < 0.1:
            op = "!="
            value = "echo " + self.rng.choice(["one", "two three"])
        return f"{prefix}{self.name()} {op} {value}".rstrip()

    def condition(self) -> str:
        kind = self.rng.choice(["ifdef", "ifndef", "ifeq", "ifneq"])
        if kind in ("ifdef", "ifndef"):
            return f"{kind} {self.name()}"
        left = self.value(2, opaque_ok=False)
        right = self.rng.choice(["", self.word(), self.value(2, opaque_ok=False)])
        if self.rng.random() < 0.2:
            return f"{kind} \"{left}\" '{right}'"
        return f"{kind} ($(strip {left}),{right})"

    def block(self, depth: int) -> list[str]:
        lines: list[str] = []
        for _ in range(self.rng.randint(1, 4)):
            roll = self.rng.random()
            if roll < 0.55:
                lines.append(self.assignment())
            elif roll < 0.7:
                lines.append(f"{self.rng.choice(['export', 'unexport'])} {self.name()}" +
                             (f" {self.name()}" if self.rng.random() < 0.3 else ""))
            elif roll < 0.75:
                lines.append(self.rng.choice(["export", "unexport"]) if self.rng.random() < 0.3 else "export")
            elif depth < 2:
                lines.append(self.condition())
                lines += ["\t" + line if self.rng.random() < 0.3 else line for line in self.block(depth + 1)]
                for _ in range(self.rng.randint(0, 2)):
                    if self.rng.random() < 0.5:
                        lines.append("else " + self.condition())
                        lines += self.block(depth + 1)
                if self.rng.random() < 0.5:
                    lines.append("else")
                    lines += self.block(depth + 1)
                lines.append("endif")
        return lines

    def cargo(self, subdirs: list[str]) -> str:
        sub = self.rng.choice(["build", "check", "test", "fmt", "clippy", "doc"])
        args = " ".join(self.rng.choice(["--release", "--workspace", "$(CARGO_FLAGS)", "$(FEATURES)",
                                         "--features=\"$(strip $(FEATURES))\"", "'-v'", "-- -D warnings",
                                         "$(if $(PROFILE),--profile $(PROFILE))", "\"$$HOME\"", "$(X_Y)"])
                        for _ in range(self.rng.randint(0, 3)))
        command = f"cargo {sub} {args}".rstrip()
        roll = self.rng.random()
        if roll < 0.3 or not subdirs:
            pass
        elif roll < 0.45:
            command = f"cd {self.rng.choice(subdirs)} && {command}"
        elif roll < 0.55:
            command = f"(cd {self.rng.choice(subdirs)}; {command})"
        elif roll < 0.65:
            command = f"{self.name()}={self.word().replace(' ', '')} {command}"
        elif roll < 0.75:
            command = f"env {self.name()}={self.word().replace(' ', '')} {command}"
        elif roll < 0.8:
            command = f"env -u {self.name()} {command}"
        elif roll < 0.85:
            command = f"export {self.name()}=exported; {command}"
        return self.rng.choice(["", "", "@", "-", "+", "@-"]) + command

    def submake(self, subdirs: list[str], goals: dict[str, list[str]]) -> str:
        sub = self.rng.choice(subdirs)
        goal = self.rng.choice(goals[sub] + [""])
        extra = ""
        if self.rng.random() < 0.3:
            extra = f" {self.name()}={self.word().replace(' ', '')}"
        if self.rng.random() < 0.05:
            extra += " MAKEOVERRIDES="
        roll = self.rng.random()
        if roll < 0.5:
            return f"$(MAKE) -C {sub} {goal}{extra}".rstrip()
        if roll < 0.75:
            return f"cd {sub} && $(MAKE) {goal}{extra}".rstrip()
        return f"${{MAKE}} --no-print-directory -C ./{sub}/ {goal}{extra}".rstrip()

    def extras(self) -> list[str]:
        """Directives that are not plain assignments, each now and then."""
        rng = self.rng
        lines: list[str] = []
        if rng.random() < 0.1:
            lines.append(rng.choice(["MAKEFLAGS += --no-print-directory", "MAKEFLAGS += -k", "MAKEFLAGS += -s"]))
        if rng.random() < 0.08:
            lines.append(".EXPORT_ALL_VARIABLES:")
        if rng.random() < 0.1:
            lines.append(f"undefine {self.name()}")
        if rng.random() < 0.1:
            lines.append(f"$(eval {self.name()} := {self.word()})")
        if rng.random() < 0.1:
            lines.append("include extra.mk")
        if rng.random() < 0.1:
            lines.append("-include missing.mk")
        if rng.random() < 0.15:
            lines.append("define canned\n" + self.cargo([]) + "\n" + self.cargo([]) + "\nendef")
        return lines

    def makefile(self, subdirs: list[str], goals: dict[str, list[str]], own_goals: list[str]) -> str:
        lines: list[str] = []
        if self.rng.random() < 0.5:
            lines.append("define pick\n$(firstword $(1) $(2))\nendef")
        lines += self.extras()
        lines += self.block(0)
        targets = own_goals
        for index, target in enumerate(targets):
            prerequisites = [t for t in targets[index + 1:] if self.rng.random() < 0.4]
            if self.rng.random() < 0.25:
                lines.append(f"{target}: {self.rng.choice(['', 'export ', 'override '])}{self.name()} "
                             f"{self.rng.choice(['=', '+=', ':='])} {self.value(1, opaque_ok=False)}".rstrip())
            colon = "::" if self.rng.random() < 0.08 else ":"
            lines.append(f"{target}{colon} {' '.join(prerequisites)}".rstrip())
            for _ in range(self.rng.randint(1, 3)):
                if subdirs and self.rng.random() < 0.3:
                    lines.append("\t" + self.submake(subdirs, goals))
                elif self.rng.random() < 0.15:
                    lines.append("\t@echo $(" + self.name() + ")")
                elif self.rng.random() < 0.08:
                    lines.append("\t$(canned)")
                else:
                    lines.append("\t" + self.cargo(subdirs))
            if colon == "::" and self.rng.random() < 0.5:
                lines.append(f"{target}::")
                lines.append("\t" + self.cargo(subdirs))
            if self.rng.random() < 0.2:
                lines += self.block(1)
        lines.append(".PHONY: " + " ".join(targets))
        if "pick" in "\n".join(lines) and not lines[0].startswith("define"):
            lines.insert(0, "define pick\n$(firstword $(1) $(2))\nendef")
        return "\n".join(lines) + "\n"


def generate(seed: int) -> GeneratedCase:
    gen = _Gen(seed)
    rng = gen.rng
    chosen = sorted(rng.sample(SUBDIRS, rng.randint(0, 3)))
    goals = {d: [f"{d.replace('/', '_')}-{n}" for n in ("all", "one", "two")][: rng.randint(1, 3)] for d in chosen}
    files: dict[str, str] = {}
    for directory in chosen:
        # sub-makes may go one level further down, never back up (no loops)
        deeper = [d for d in chosen if d.startswith(directory + "/")]
        relative = [d[len(directory) + 1:] for d in deeper]
        relative_goals = {d[len(directory) + 1:]: goals[d] for d in deeper}
        files[f"{directory}/Makefile"] = gen.makefile(relative, relative_goals, goals[directory])
    files["extra.mk"] = "\n".join(gen.assignment() for _ in range(rng.randint(0, 3))) + "\n"
    files["Makefile"] = gen.makefile([d for d in chosen if "/" not in d] or [], {d: goals[d] for d in chosen},
                                     ["all", "build", "other"])
    env = {}
    for name in NAMES:
        if rng.random() < 0.3:
            env[name] = rng.choice(WORDS)
    arguments: list[str] = []
    if rng.random() < 0.3:
        arguments.append(f"{gen.name()}={rng.choice(WORDS)}")
    if rng.random() < 0.15:
        arguments.append("-e")
    if rng.random() < 0.1:
        arguments.append(f"{gen.name()}:={rng.choice(WORDS)}")
    if rng.random() < 0.1:
        arguments.append("-s")
    if rng.random() < 0.05:
        arguments.append(rng.choice(["-n", "-k", "-B", "-i", "--no-print-directory", "-w", "-r", "-R"]))
    if rng.random() < 0.5:
        arguments.append(rng.choice(["all", "build", "other"]))
    return GeneratedCase(files, env, arguments)
