"""`[target.'cfg(...)']` keys: parse the expression and evaluate it for a target triple.

Cargo matches these against `rustc --print cfg` for the target. buildcheck
must not run rustc, so it derives the cfgs that matter from the triple itself
(arch, vendor, os, env, family, pointer width, endianness, atomics, the
baseline x86 features). `rustc --print cfg` runs without the profile's
options, so `debug_assertions` is always set there: cargo 1.65 and 1.95 both
apply `[target.'cfg(debug_assertions)']` to `--release` builds (checked).
Unknown names evaluate to false.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from buildcheck.errors import ConfigError
from buildcheck.i18n import _
from buildcheck.x86_features import RustcVersion, codegen_features

_TOKEN = re.compile(r'\s*(?:(?P<ident>[A-Za-z_][A-Za-z0-9_]*)|(?P<str>"[^"]*")|(?P<punct>[(),=]))')

_ARCH_ALIASES = {"i386": "x86", "i586": "x86", "i686": "x86", "armv7": "arm", "armv7a": "arm", "arm": "arm",
                 "thumbv7em": "arm", "thumbv7m": "arm", "thumbv6m": "arm", "armv5te": "arm", "powerpc64le": "powerpc64",
                 "riscv64gc": "riscv64", "riscv64imac": "riscv64", "riscv32imac": "riscv32", "riscv32i": "riscv32",
                 "mipsel": "mips", "mips64el": "mips64", "arm64": "aarch64", "amd64": "x86_64"}
_POINTER_32 = ("x86", "arm", "mips", "powerpc", "riscv32", "wasm32", "sparc")
_BIG_ENDIAN = ("powerpc64", "powerpc", "s390x", "mips", "mips64", "sparc64", "sparc")
_UNIX_OSES = {"linux", "macos", "ios", "freebsd", "netbsd", "openbsd", "dragonfly", "android", "solaris",
              "illumos", "haiku", "redox", "fuchsia", "aix", "hurd", "nto", "tvos", "watchos", "visionos"}


@dataclass(frozen=True)
class TargetCfg:
    names: frozenset[str]
    values: frozenset[tuple[str, str]]

    def has(self, name: str, value: str | None) -> bool:
        return name in self.names if value is None else (name, value) in self.values


def cfg_for_triple(triple: str) -> TargetCfg:
    parts = triple.split("-")
    raw_arch = parts[0]
    arch = _ARCH_ALIASES.get(raw_arch, raw_arch)
    vendor = parts[1] if len(parts) >= 3 else "unknown"
    os_name = parts[2] if len(parts) >= 3 else (parts[1] if len(parts) == 2 else "none")
    env = parts[3] if len(parts) >= 4 else ""
    if os_name == "darwin":
        os_name = "macos"
    for suffix in ("eabihf", "eabi", "hf"):
        if env.endswith(suffix) and env != suffix:
            env = env[: -len(suffix)]
            break
    if env in ("eabi", "eabihf"):
        env = ""
    family = "unix" if os_name in _UNIX_OSES else ("windows" if os_name == "windows" else "")
    if raw_arch.startswith("wasm"):
        family = "wasm"
    width = "32" if arch in _POINTER_32 or raw_arch.startswith("i") or raw_arch.startswith("thumb") else "64"
    endian = "big" if arch in _BIG_ENDIAN and not raw_arch.endswith("le") and not raw_arch.endswith("el") else "little"
    values = {("target_arch", arch), ("target_os", os_name), ("target_vendor", vendor), ("target_env", env),
              ("target_pointer_width", width), ("target_endian", endian)}
    values |= {("panic", "unwind"), ("target_abi", "")}
    atomics = ("8", "16", "32", "64", "ptr") if width == "64" else ("8", "16", "32", "ptr")
    values |= {("target_has_atomic", a) for a in atomics}
    if arch == "x86_64":
        values |= {("target_feature", f) for f in ("fxsr", "sse", "sse2")}
    names: set[str] = {"debug_assertions"}
    if family:
        values.add(("target_family", family))
        names.add(family)
    return TargetCfg(frozenset(names), frozenset(values))


class _Parser:
    def __init__(self, text: str):
        self.tokens: list[str] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            match = _TOKEN.match(text, pos)
            if not match or match.end() == pos:
                raise ValueError(text[pos:])
            self.tokens.append(match.group(match.lastgroup or "punct"))
            pos = match.end()
        self.i = 0

    def take(self, expected: str | None = None) -> str:
        if self.i >= len(self.tokens):
            raise ValueError("end of input")
        token = self.tokens[self.i]
        if expected is not None and token != expected:
            raise ValueError(token)
        self.i += 1
        return token

    def expr(self) -> tuple:
        name = self.take()
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(name)
        if self.i < len(self.tokens) and self.tokens[self.i] == "(" and name in ("all", "any", "not"):
            self.take("(")
            items = []
            while self.tokens[self.i] != ")":
                items.append(self.expr())
                if self.tokens[self.i] == ",":
                    self.take(",")
            self.take(")")
            if name == "not" and len(items) != 1:
                raise ValueError("not() takes one argument")
            return (name, tuple(items))
        if self.i < len(self.tokens) and self.tokens[self.i] == "=":
            self.take("=")
            value = self.take()
            if not value.startswith('"'):
                raise ValueError(value)
            return ("eq", name, value[1:-1])
        return ("name", name)


def parse_cfg_key(key: str) -> tuple | None:
    """The expression of a `cfg(...)` target key, None when `key` is not a cfg key; ConfigError when malformed."""
    if not key.startswith("cfg(") or not key.endswith(")"):
        return None
    try:
        parser = _Parser(key[4:-1])
        expr = parser.expr()
        if parser.i != len(parser.tokens):
            raise ValueError(parser.tokens[parser.i])
    except (ValueError, IndexError) as exc:
        raise ConfigError(_("failed to parse `{key}` as a cfg expression: {reason}").format(key=key, reason=exc)) \
            from None
    return expr


def evaluate(expr: tuple, cfg: TargetCfg) -> bool:
    kind = expr[0]
    if kind == "all":
        return all(evaluate(e, cfg) for e in expr[1])
    if kind == "any":
        return any(evaluate(e, cfg) for e in expr[1])
    if kind == "not":
        return not evaluate(expr[1][0], cfg)
    if kind == "eq":
        return cfg.has(expr[1], expr[2])
    return cfg.has(expr[1], None)


def with_codegen_features(cfg: TargetCfg, options: list[tuple[str, str | None]], *,
                          host_features: frozenset[str] | None,
                          rustc_version: RustcVersion | None = None) -> TargetCfg:
    """The target_feature cfgs after `-C target-cpu=` and `-C target-feature=` (in command-line order).

    Cargo asks `rustc --print cfg` with the rustflags of the non-cfg tiers, so
    `-C target-cpu=native` there turns on the build host's features for
    `[target.'cfg(target_feature = "...")']` keys. buildcheck runs no rustc: native
    takes `host_features` (from /proc/cpuinfo, read by the caller), the x86-64-vN
    levels are known, and any other CPU name keeps the target's baseline. What cfg shows depends on
    `rustc_version` (names stabilised later are hidden; None: the newest): buildcheck.x86_features.
    Only x86_64 is modelled; other architectures keep their baseline.
    """
    if ("target_arch", "x86_64") not in cfg.values:
        return cfg
    baseline = {value for name, value in cfg.values if name == "target_feature"}
    features = codegen_features(options, rustc_version=rustc_version, host_features=host_features,
                                baseline=baseline).cfg
    values = {v for v in cfg.values if v[0] != "target_feature"} | {("target_feature", f) for f in features}
    return TargetCfg(cfg.names, frozenset(values))
