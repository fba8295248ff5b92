"""The catalogue of rule ids: stable, documented in docs/rules.md, declared in SARIF.

Ids never change meaning once released; add new ones rather than reuse.
`BC0xx` are configuration rules (scan), `BC1xx` binary rules (inspect/check),
`BC2xx` advice about the flags themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from buildcheck.i18n import N_


from buildcheck.model import Severity

STRIPPED = N_("warning when the build strips it")


@dataclass(frozen=True, kw_only=True)
class Rule:
    """`short`, `full` and `severity_note` are English, marked for the catalog; show them through `_()`.

    severity: the level the rule is raised at; severity_note: when it is raised lower (e.g. as a warning when the
    toolchain strips the debug info at link time). docs/*/rules.md and exit-codes.md are tested against these."""

    id: str
    name: str
    severity: Severity
    short: str
    full: str
    severity_note: str | None = None


_RULES = [
    Rule(id="BC001", name="rustflags-debuginfo", severity="error", severity_note=STRIPPED,
         short=N_("A debug flag reaches rustc through rustflags"),
         full=N_("`-g` or `-C debuginfo=N` (N not 0/none) in the rustflags cargo passes to rustc turns on "
                 "debug info for every crate of the build, overriding the profile. On cargo < 1.77 nothing is "
                 "stripped, so a release damocles-worker grows to 1-2 GB.")),
    Rule(id="BC002", name="profile-debug", severity="error", severity_note=STRIPPED,
         short=N_("The profile turns on debug info for the workspace's crates"),
         full=N_("`debug` in the build profile (workspace Cargo.toml, a cargo config layer, CARGO_PROFILE_<NAME>_DEBUG "
                 "or --config) is not `none`/`false`/`0`.")),
    Rule(id="BC003", name="package-debug-override", severity="error", severity_note=STRIPPED,
         short=N_("A profile package override turns on debug info for some crates"),
         full=N_("`[profile.<name>.package.<crate>]` or `package.\"*\"` sets `debug` for crates that are linked "
                 "into the binary.")),
    Rule(id="BC004", name="build-override-debug", severity="info",
         short=N_("build-override turns on debug info for build scripts and proc-macros"),
         full=N_("`build-override` only affects host units: build scripts, proc-macros and build dependencies. None of "
                 "their debug info reaches the binary, and the C/C++ a build script compiles for the binary follows the "
                 "package's own profile (cargo sets the script's DEBUG from it), not build-override. It only makes the "
                 "build slower.")),
    Rule(id="BC005", name="toolchain-keeps-std-debuginfo", severity="warning",
         short=N_("The toolchain does not strip: the standard library's debug info stays in the binary"),
         full=N_("cargo before 1.77 never strips a release binary implicitly (with an explicit --target, before 1.79), "
                 "so the standard library's own debug info stays in it: 11.2 MB of debug sections with Debian's rustc "
                 "1.63 and 3.9 MB with rustup's 1.95 in a hello-world (buildcheck/std_debuginfo.py). Set `strip = \"debuginfo\"` (CARGO_PROFILE_RELEASE_STRIP=debuginfo).")),
    Rule(id="BC006", name="strip-disabled", severity="warning",
         short=N_("strip is explicitly disabled"),
         full=N_("`strip = false` / `\"none\"` keeps whatever debug info was compiled in.")),
    Rule(id="BC007", name="rustflags-hidden", severity="info",
         short=N_("Some rustflags are ignored because a higher-priority source is set"),
         full=N_("cargo takes rustflags from exactly one source: CARGO_ENCODED_RUSTFLAGS, then RUSTFLAGS (even when "
                 "empty), then target.<triple>/cfg rustflags, then build.rustflags. Lower sources are silently ignored.")),
    Rule(id="BC008", name="make-exports-empty-rustflags", severity="warning",
         short=N_("Building through make exports an empty RUSTFLAGS"),
         full=N_("damocles-worker's Makefile has `export RUSTFLAGS`; under make an unset RUSTFLAGS becomes set-but-empty, "
                 "which hides build.rustflags and target.*.rustflags from cargo config files. Raised only when the build "
                 "through make really loses rustflags that a direct cargo build would use.")),
    Rule(id="BC010", name="c-flags-debuginfo", severity="error", severity_note=STRIPPED,
         short=N_("C/C++ flags turn on debug info for code compiled by build scripts"),
         full=N_("`-g` in CFLAGS/CXXFLAGS (or their HOST_/TARGET_/_<target> forms) is appended by the cc crate to "
                 "every C/C++ compile, e.g. librocksdb-sys's large C++ build.")),
    Rule(id="BC011", name="cuda-flags-debuginfo", severity="error", severity_note=N_("as BC010 unless it is device debug info (`-G`)"),
         short=N_("CUDA compiler flags turn on debug info"),
         full=N_("`-g`/`-G` in NVCC_PREPEND_FLAGS, NVCC_APPEND_FLAGS or EC_GPU_CUDA_NVCC_ARGS adds host or device debug info.")),
    Rule(id="BC012", name="cc-debug-from-profile", severity="error", severity_note=STRIPPED,
         short=N_("Build scripts are told DEBUG=true, so the cc crate compiles C/C++ with -g"),
         full=N_("cargo passes DEBUG=true to a build script when its package's debuginfo is on; the cc crate then adds "
                 "`-g` to the C/C++ that script compiles (cmake builds RelWithDebInfo). Raised for the packages of the "
                 "build whose build script compiles C/C++ (they depend on cc or cmake).")),
    Rule(id="BC020", name="toolchain-unknown", severity="info",
         short=N_("The toolchain that will build could not be determined"),
         full=N_("No RUSTUP_TOOLCHAIN, rust-toolchain file or runnable cargo was found; version-dependent rules "
                 "(implicit strip from 1.77) were assumed.")),
    Rule(id="BC021", name="config-both-legacy-and-toml", severity="warning",
         short=N_("Both .cargo/config and .cargo/config.toml exist"),
         full=N_("cargo reads `.cargo/config` and ignores `.cargo/config.toml` in the same directory.")),
    Rule(id="BC022", name="no-workspace", severity="info",
         short=N_("No cargo workspace was found"),
         full=N_("No Cargo.toml was found from the directory upwards; only the environment and config layers were scanned.")),
    Rule(id="BC023", name="member-profile-ignored", severity="warning",
         short=N_("A [profile] in a non-root workspace member is ignored"),
         full=N_("cargo reads `[profile.*]` only from the workspace root's Cargo.toml and warns \"profiles for the non "
                 "root package will be ignored\"; settings there have no effect.")),
    Rule(id="BC024", name="config-include-ignored", severity="warning",
         short=N_("`include` in a cargo config file is ignored by this cargo"),
         full=N_("Config `include` is stable from cargo 1.94 (cargo#16284); older cargo ignores it (without "
                 "-Zconfig-include), so the included files' settings do not apply.")),
    Rule(id="BC025", name="toolchain-not-installed", severity="warning",
         short=N_("The pinned toolchain is not installed: the build would download it"),
         full=N_("A rustup proxy builds with the toolchain rust-toolchain.toml (or RUSTUP_TOOLCHAIN, an override) "
                 "selects. When it is not installed, `cargo build` makes rustup download it (hundreds of MB, from "
                 "RUSTUP_DIST_SERVER when set, else the deprecated RUSTUP_DIST_ROOT) or fails without network. "
                 "RUSTUP_UPDATE_ROOT moves only rustup's self-update, never this download. Install it first; "
                 "buildcheck itself never runs a proxy for a toolchain that is not there.")),
    Rule(id="BC026", name="toolchain-components-missing", severity="warning",
         short=N_("Components the toolchain file lists are not installed"),
         full=N_("The toolchain file's `components` (damocles: rustfmt and clippy, which `make all` runs) are missing "
                 "from the installed toolchain.")),
    Rule(id="BC027", name="toolchain-pin-ignored", severity="info",
         short=N_("The cargo that builds is not a rustup proxy and ignores the toolchain file"),
         full=N_("A cargo that is not a rustup proxy (Debian's /usr/bin/cargo) ignores rust-toolchain.toml: its own "
                 "version decides the rules, whatever the pin says.")),
    Rule(id="BC100", name="binary-debug-info", severity="error", severity_note=N_("warning for less than 64 MiB of debug info whose origin could not be read"),
         short=N_("The binary carries debug info"),
         full=N_("The binary has DWARF sections whose size shows it was built with debug info.")),
    Rule(id="BC101", name="binary-too-large", severity="error",
         short=N_("The binary is larger than --max-size"),
         full=N_("The file is larger than the size the CI gate allows.")),
    Rule(id="BC102", name="binary-std-debug-info", severity="warning",
         short=N_("Only the standard library's debug info is in the binary"),
         full=N_("The binary's debug info comes from the prebuilt standard library, as cargo < 1.77 leaves it; strip it "
                 "with `strip = \"debuginfo\"`.")),
    Rule(id="BC103", name="binary-contradicts-settings", severity="warning",
         short=N_("The binary does not match the current settings"),
         full=N_("The binary's debug info does not match what the current configuration would produce: it was built "
                 "elsewhere or with other flags.")),
    Rule(id="BC104", name="binary-needs-cpu-features", severity="error",
         short=N_("The binary needs CPU features a --runs-on machine lacks"),
         full=N_("The binary uses instructions of a CPU feature without asking the CPU first (code compiled for a "
                 "target CPU), and a machine named by --runs-on does not have that feature: the binary would die "
                 "there with SIGILL. Features used only after a runtime check do not count.")),
    Rule(id="BC105", name="binary-cpu-features-not-analysed", severity="warning",
         short=N_("--runs-on cannot judge the binary: its CPU features were not analysed"),
         full=N_("The binary is not an x86-64 ELF (or has no code to read), so buildcheck cannot say which CPU "
                 "features it needs: a --runs-on check of it answers nothing, and is said rather than passed.")),
    Rule(id="BC200", name="target-cpu-native", severity="info",
         short=N_("target-cpu=native makes the binary specific to this CPU"),
         full=N_("A binary built with `-C target-cpu=native` may die with SIGILL (Illegal instruction) on another CPU model.")),
]

_RULES.append(Rule(
    id="BC201", name="blst-host-adx", severity="info",
    short=N_("blst enables ADX when the build host has it"),
    full=N_("blst 0.3.11 follows `target-cpu=` when the rustflags carry one; without it, its build script compiles "
            "the assembly with ADX when the *build host* has ADX (older blst: always). The binary then dies with "
            "SIGILL on a CPU without ADX even without `-C target-cpu=native`. Give a target-cpu (`buildcheck flags "
            "--portable`) or blst's `portable` feature.")))

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}
