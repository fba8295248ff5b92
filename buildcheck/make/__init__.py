"""A read-only model of GNU make: which cargo commands `make GOAL` runs, where, and with what environment.

buildcheck never runs make, a recipe, or anything a Makefile names. It reads the Makefiles as GNU
make 4.3 does (lexer -> parse -> evaluate), follows the goal's recipes (recipes, shell) into
sub-makes (walk), and reports each cargo command with its directory, argv and complete
environment, every difference from the user's environment pointing at the Makefile line that
caused it. `$(shell ...)` and `!=` values are opaque. See docs/en/make.md.
"""

from buildcheck.make.builds import MakeBuild, make_builds, make_stops
from buildcheck.make.result import CargoCall, EnvChange, MakeInvocation, MakeNote, MakeStep, MakeTrace
from buildcheck.make.shell import ShellModel
from buildcheck.make.static import workspaces_built_by
from buildcheck.make.walk import trace_make

__all__ = ["CargoCall", "EnvChange", "MakeBuild", "MakeInvocation", "MakeNote", "MakeStep", "MakeTrace", "ShellModel",
           "make_builds", "make_stops", "trace_make", "workspaces_built_by"]
