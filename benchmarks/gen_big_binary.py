#!/usr/bin/env python3
"""Build the inputs of bench_inspect.py into benchmarks/inputs/ (gitignored); reuse them when present.

  tiny    gcc -g of fixtures/binaries/src/hello.c: one unit, start-up cost only
  medium  ~100 MB, ~2,300 units: a generated Rust crate (-g, 256 codegen units, ~1,530 units
          after ThinLTO) linking the standard library and a static library of 760 generated C
          files compiled with gcc -g
  huge    ~2.8 GB, ~28,000 units, ~540 MB of .debug_info: medium's .debug_info repeated 12
          times with objcopy --update-section; every copy's units point at their own copy of
          .debug_abbrev (each unit header's debug_abbrev_offset is rewritten), so no two copies
          share an abbreviation table; then padded with a large non-debug section
  rel     ~160 MB relocatable object: `ld -r` of medium's 760 generated C units (gcc -O1 -g),
          760 units and ~2.7 million relocations in .rela.debug_info (one per string offset)

Usage: python benchmarks/gen_big_binary.py [--only tiny|medium|huge|rel] [--jobs N]
Disk: ~0.2 GB for medium's build, ~3 GB for huge plus ~3 GB transient while objcopy writes it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "inputs"
HELLO_C = HERE.parent / "fixtures" / "binaries" / "src" / "hello.c"
RUSTC = shutil.which("rustc", path=str(Path.home() / ".cargo" / "bin")) or shutil.which("rustc")

# The recipe; a change here rebuilds (the stamp file records it).
# rustc -C opt-level=2 runs ThinLTO between its codegen units, which copies a unit into every
# CGU that imports from it: 256 CGUs become ~1,530 units. 760 C units bring the total to ~2,300.
MEDIUM = {"c_units": 760, "c_structs": 150, "c_fields": 12, "c_functions": 80,
          "rust_modules": 320, "rust_codegen_units": 256, "rust_opt_level": 2}
HUGE = {"copies": 12, "target_bytes": 2_800_000_000}


def log(message: str) -> None:
    print(f"[gen {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(args: list[str], cwd: Path | None = None) -> None:
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args[:6])} ... failed:\n{proc.stderr[-3000:]}")


def up_to_date(output: Path, recipe: dict) -> bool:
    stamp = output.with_suffix(".json")
    return output.exists() and stamp.exists() and json.loads(stamp.read_text()) == recipe


def mark_done(output: Path, recipe: dict) -> None:
    output.with_suffix(".json").write_text(json.dumps(recipe, indent=1))


def require_disk(path: Path, needed: int) -> None:
    free = shutil.disk_usage(path).free
    log(f"disk: {free / 1e9:.1f} GB free in {path}, this step needs ~{needed / 1e9:.1f} GB")
    if free < needed:
        sys.exit(f"not enough disk space in {path}: {free / 1e9:.1f} GB free, ~{needed / 1e9:.1f} GB needed")


# --- tiny ---

def build_tiny() -> Path:
    out = WORK / "tiny"
    recipe = {"cc": "gcc -O2 -g hello.c"}
    if not up_to_date(out, recipe):
        run(["gcc", "-O2", "-g", str(HELLO_C), "-o", str(out)])
        mark_done(out, recipe)
    return out


# --- medium: generated C + generated Rust ---

_C_TYPES = ["int", "long", "double", "char *", "unsigned short", "float", "long long", "unsigned char"]


def c_source(i: int, structs: int, fields: int, functions: int) -> str:
    """One C unit: a chain of structs (unique names, as in real code) and loops over them."""
    rnd = random.Random(i)
    lines = [f"/* generated benchmark unit {i} */"]
    for s in range(structs):
        lines.append(f"struct rec_{i}_{s} {{")
        lines += [f"    {rnd.choice(_C_TYPES)} field_{s}_{f};" for f in range(fields)]
        if s:
            lines.append(f"    struct rec_{i}_{s - 1} *prev;")
        lines.append("};")
    for fn in range(functions):
        s = rnd.randrange(structs)
        lines += [
            f"long step_{i}_{fn}(struct rec_{i}_{s} *p, long k)", "{", "    long acc = k;",
            f"    for (int j = 0; j < {rnd.randrange(3, 9)}; j++) {{",
            f"        long t = (long)p->field_{s}_0 * j;",
            f"        if (t > {rnd.randrange(100, 999)}) {{ long u = t / 3; acc -= u; }} else acc += t;",
            "    }", "    return acc;", "}",
        ]
    lines += [f"long unit_{i}(long k)", "{", f"    struct rec_{i}_{structs - 1} v = {{0}};", "    long t = 0;"]
    lines += [f"    t += step_{i}_{fn}((void *)&v, k + {fn});" for fn in range(functions)]
    lines += ["    return t;", "}"]
    return "\n".join(lines) + "\n"


def rust_source(modules: int, c_units: int) -> str:
    """A crate whose modules each hold a generic type and its instantiations, all reachable from main."""
    parts = ["//! generated benchmark crate", "use std::collections::HashMap;", "",
             'extern "C" {'] + [f"    fn unit_{i}(k: i64) -> i64;" for i in range(c_units)] + ["}", ""]
    for m in range(modules):
        parts.append(f"""mod m{m} {{
    use std::collections::HashMap;
    #[derive(Debug, Clone, Default)]
    pub struct Sector{m}<T> {{ pub id: u64, pub label: String, pub items: Vec<T>, pub index: HashMap<String, T> }}
    impl<T: Clone + std::fmt::Debug + Default> Sector{m}<T> {{
        pub fn fill(&mut self, n: usize, v: T) {{
            for i in 0..n {{ self.items.push(v.clone()); self.index.insert(format!("{m}-{{i}}"), v.clone()); }}
        }}
        pub fn describe(&self) -> String {{ format!("{{}} {{:?}} {{}}", self.label, self.items.first(), self.index.len()) }}
    }}
    #[inline(never)]
    pub fn run(seed: u64) -> usize {{
        let mut a = Sector{m}::<u64> {{ id: seed, label: "a{m}".into(), ..Default::default() }};
        a.fill((seed % 7) as usize + 1, seed);
        let mut b = Sector{m}::<String> {{ id: seed + 1, label: "b{m}".into(), ..Default::default() }};
        b.fill((seed % 5) as usize + 1, format!("{{seed}}"));
        let mut c = Sector{m}::<(u32, f64)> {{ id: seed + 2, label: "c{m}".into(), ..Default::default() }};
        c.fill((seed % 3) as usize + 1, (seed as u32, seed as f64));
        a.describe().len() + b.describe().len() + c.describe().len()
    }}
}}""")
    parts.append("fn main() {")
    parts.append("    let seed = std::env::args().count() as u64;")
    parts.append("    let mut total = 0usize;")
    parts += [f"    total += m{m}::run(seed + {m});" for m in range(modules)]
    parts.append("    let mut c_total = 0i64;")
    parts.append("    unsafe {")
    parts += [f"        c_total += unit_{i}(seed as i64);" for i in range(c_units)]
    parts.append("    }")
    parts.append("    let mut seen: HashMap<u64, usize> = HashMap::new();")
    parts.append("    seen.insert(seed, total);")
    parts.append('    println!("{total} {c_total} {}", seen.len());')
    parts.append("}")
    return "\n".join(parts) + "\n"


def build_medium(jobs: int) -> Path:
    out = WORK / "medium"
    recipe = {**MEDIUM, "rustc": subprocess.run([RUSTC, "--version"], capture_output=True, text=True).stdout.strip()}
    if up_to_date(out, recipe):
        return out
    require_disk(WORK, 1_000_000_000)
    build = WORK / "medium-build"
    shutil.rmtree(build, ignore_errors=True)
    (build / "c").mkdir(parents=True)
    n = MEDIUM["c_units"]
    log(f"medium: writing {n} C files and a Rust crate of {MEDIUM['rust_modules']} modules")
    for i in range(n):
        (build / "c" / f"unit_{i}.c").write_text(
            c_source(i, MEDIUM["c_structs"], MEDIUM["c_fields"], MEDIUM["c_functions"]))
    (build / "main.rs").write_text(rust_source(MEDIUM["rust_modules"], n))

    # One gcc per batch (fewer processes), batches spread over the cores.
    batches = [list(range(start, min(start + 50, n))) for start in range(0, n, 50)]

    def compile_batch(batch: list[int]) -> None:
        run(["gcc", "-O1", "-g", "-c", *(f"unit_{i}.c" for i in batch)], cwd=build / "c")

    log(f"medium: compiling C with gcc -O1 -g on {jobs} jobs")
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(compile_batch, batches))
    run(["ar", "rcs", str(build / "libbenchc.a"), *(f"c/unit_{i}.o" for i in range(n))], cwd=build)

    log("medium: compiling Rust with -g and 256 codegen units")
    run([RUSTC, "--edition", "2021", "--crate-name", "benchbin", "-g",
         "-C", f"opt-level={MEDIUM['rust_opt_level']}", "-C", f"codegen-units={MEDIUM['rust_codegen_units']}",
         "-L", str(build), "-l", "static=benchc", "main.rs", "-o", str(out)], cwd=build)
    shutil.rmtree(build)
    mark_done(out, recipe)
    return out


# --- rel: one relocatable object with millions of relocations against .debug_info ---

def build_rel(jobs: int) -> Path:
    out = WORK / "rel.o"
    recipe = {key: MEDIUM[key] for key in ("c_units", "c_structs", "c_fields", "c_functions")}
    recipe["build"] = "gcc -O1 -g -c, then ld -r"
    if up_to_date(out, recipe):
        return out
    require_disk(WORK, 500_000_000)
    build = WORK / "rel-build"
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    n = MEDIUM["c_units"]
    log(f"rel: writing and compiling {n} C files with gcc -O1 -g on {jobs} jobs")
    for i in range(n):
        (build / f"unit_{i}.c").write_text(
            c_source(i, MEDIUM["c_structs"], MEDIUM["c_fields"], MEDIUM["c_functions"]))
    batches = [list(range(start, min(start + 50, n))) for start in range(0, n, 50)]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(lambda batch: run(["gcc", "-O1", "-g", "-c", *(f"unit_{i}.c" for i in batch)], cwd=build),
                      batches))
    run(["ld", "-r", "-o", str(out), *(f"unit_{i}.o" for i in range(n))], cwd=build)
    shutil.rmtree(build)
    mark_done(out, recipe)
    return out


# --- huge: medium's .debug_info repeated, each copy with its own .debug_abbrev ---

def _sections(path: Path) -> dict[str, tuple[int, int, int]]:
    """name -> (sh_offset, sh_size, sh_flags) from the section header table (ELF64 little-endian only)."""
    with open(path, "rb") as f:
        ehdr = f.read(64)
        if ehdr[:4] != b"\x7fELF" or ehdr[4] != 2 or ehdr[5] != 1:
            sys.exit(f"{path}: the benchmark builds x86-64 (ELF64 little-endian) binaries")
        shoff, = struct.unpack_from("<Q", ehdr, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", ehdr, 0x3A)
        f.seek(shoff)
        table = f.read(shentsize * shnum)
        headers = [struct.unpack_from("<IIQQQQ", table, i * shentsize) for i in range(shnum)]
        names_offset, names_size = headers[shstrndx][4], headers[shstrndx][5]
        f.seek(names_offset)
        names = f.read(names_size)
    return {names[h[0]:names.index(b"\0", h[0])].decode(): (h[4], h[5], h[2]) for h in headers}


def _abbrev_offset_fields(info: bytes) -> list[tuple[int, str]]:
    """(file position, struct format) of every unit header's debug_abbrev_offset in .debug_info."""
    fields = []
    at = 0
    while at < len(info):
        (length,) = struct.unpack_from("<I", info, at)
        if length == 0xFFFFFFFF:
            (length,) = struct.unpack_from("<Q", info, at + 4)
            header, offset_format, end = at + 12, "<Q", at + 12 + length
        else:
            header, offset_format, end = at + 4, "<I", at + 4 + length
        (version,) = struct.unpack_from("<H", info, header)
        # DWARF 5: version, unit_type, address_size, abbrev offset; 2-4: version, abbrev offset, address_size
        fields.append((header + (4 if version >= 5 else 2), offset_format))
        at = end
    if at != len(info):
        sys.exit(".debug_info of the medium binary does not end on a unit boundary")
    return fields


def build_huge(medium: Path) -> Path:
    out = WORK / "huge"
    recipe = {**HUGE, "medium": json.loads(medium.with_suffix(".json").read_text())}
    if up_to_date(out, recipe):
        return out
    require_disk(WORK, 2 * HUGE["target_bytes"] + 1_000_000_000)
    sections = _sections(medium)
    if any(flags & 0x800 for name, (_, _, flags) in sections.items() if name.startswith(".debug")):
        sys.exit("the medium binary has compressed debug sections; the huge one needs them plain")
    copies = HUGE["copies"]
    with open(medium, "rb") as f:
        def read(name: str) -> bytes:
            offset, size, _ = sections[name]
            f.seek(offset)
            return f.read(size)
        info, abbrev = read(".debug_info"), read(".debug_abbrev")
    fields = _abbrev_offset_fields(info)
    log(f"huge: {len(fields)} units x {copies} copies, .debug_info {len(info) * copies / 1e6:.0f} MB")

    tmp = WORK / "huge-build"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    with open(tmp / "info", "wb") as f:
        for k in range(copies):
            copy = bytearray(info)
            shift = k * len(abbrev)
            for position, offset_format in fields:
                (old,) = struct.unpack_from(offset_format, copy, position)
                struct.pack_into(offset_format, copy, position, old + shift)
            f.write(copy)
    (tmp / "abbrev").write_bytes(abbrev * copies)

    grown = medium.stat().st_size + (len(info) + len(abbrev)) * (copies - 1)
    padding = max(0, HUGE["target_bytes"] - grown)
    with open(tmp / "padding", "wb") as f:  # zeros, written for real: objcopy copies them anyway
        chunk = bytes(64 << 20)
        left = padding
        while left:
            f.write(chunk[:min(left, len(chunk))])
            left -= min(left, len(chunk))
    log(f"huge: objcopy with {padding / 1e9:.2f} GB of non-debug padding")
    run(["objcopy",
         "--update-section", f".debug_info={tmp / 'info'}",
         "--update-section", f".debug_abbrev={tmp / 'abbrev'}",
         "--add-section", f".bench_padding={tmp / 'padding'}",
         "--set-section-flags", ".bench_padding=contents,readonly",
         str(medium), str(tmp / "huge")])
    os.replace(tmp / "huge", out)
    shutil.rmtree(tmp)
    mark_done(out, recipe)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["tiny", "medium", "huge", "rel"],
                        help="build only this input (and what it needs)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    for tool in ("gcc", "ar", "objcopy", "ld"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed")
    if not RUSTC:
        sys.exit("rustc is needed")
    built = {"tiny": build_tiny()} if args.only in (None, "tiny") else {}
    if args.only in (None, "medium", "huge"):
        built["medium"] = build_medium(args.jobs)
    if args.only in (None, "huge"):
        built["huge"] = build_huge(built["medium"])
    if args.only in (None, "rel"):
        built["rel"] = build_rel(args.jobs)
    for name, path in built.items():
        log(f"{name}: {path} {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
