"""What make knows once it has read its makefiles: variables, rules, recipes, special targets.

Rules keep the makefile line they came from, and every recipe line its own line, so that a cargo
command found later can point at the exact line of the Makefile that runs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from buildcheck.make.variables import VariableSet
from buildcheck.model import Origin

RECIPE_PREFIX_DEFAULT = "\t"


@dataclass(frozen=True)
class RecipeLine:
    """One recipe line as written after its recipe prefix (backslash-newlines kept for the shell)."""

    text: str
    origin: Origin


@dataclass(frozen=True)
class Rule:
    """`targets: prerequisites | order-only` with its recipe. `pattern` is the `%` target pattern of a
    pattern rule; `stem` the part `%` matched for a rule instantiated from a static pattern rule."""

    targets: tuple[str, ...]
    prerequisites: tuple[str, ...]
    order_only: tuple[str, ...]
    recipe: tuple[RecipeLine, ...]
    has_recipe: bool        # `x: ;` has an empty recipe, which is not the same as none
    double_colon: bool
    origin: Origin
    recipe_prefix: str = RECIPE_PREFIX_DEFAULT
    pattern: str | None = None
    stem: str | None = None


@dataclass(frozen=True)
class PatternVariable:
    """A pattern-specific variable definition, `%.o: CFLAGS += -g`, applied to matching targets."""

    pattern: str
    variables: VariableSet


@dataclass
class Database:
    """Everything read so far (mutable while reading: make builds it line by line)."""

    variables: VariableSet = field(default_factory=VariableSet)
    explicit: dict[str, list[Rule]] = field(default_factory=dict)
    patterns: list[Rule] = field(default_factory=list)
    target_variables: dict[str, VariableSet] = field(default_factory=dict)
    pattern_variables: list[PatternVariable] = field(default_factory=list)
    export_all: bool = False                  # bare `export` / `unexport` (the last one read wins)
    export_all_origin: Origin | None = None   # the line that asked for it
    undefined_at: dict[str, Origin] = field(default_factory=dict)
    recipe_prefix: str = RECIPE_PREFIX_DEFAULT
    makefiles: list[str] = field(default_factory=list)  # read, in order (MAKEFILE_LIST)
    missing_includes: list[tuple[str, Origin]] = field(default_factory=list)

    def rules_for(self, target: str) -> list[Rule]:
        return self.explicit.get(target, [])

    def special_prerequisites(self, name: str) -> list[str] | None:
        """Prerequisites of a special target such as .PHONY, or None when it is not a target."""
        rules = self.explicit.get(name)
        if rules is None:
            return None
        out: list[str] = []
        for rule in rules:
            out.extend(rule.prerequisites)
        return out

    def is_phony(self, target: str) -> bool:
        return target in (self.special_prerequisites(".PHONY") or ())

    def is_target(self, name: str) -> bool:
        return name in self.explicit
