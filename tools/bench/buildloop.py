"""`./kit bench --build`: how long the learner's edit-build loop takes.

Note [Build-loop measurements run in a scratch copy]
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
Measuring "edit a kernel, rebuild" means editing files, and the learner's
tree must never be left changed, even if the measurement is interrupted. So
every step runs in a copy of the source files (git's tracked and untracked,
not ignored, files) under .kit/bench/tree, with a build directory of its own;
the main build/ stays warm and untouched. The copy is synced (files whose
content differs are rewritten) at the start of each run, which also undoes
any edit an interrupted run left behind there.

Steps, each timed around `cmake --build` (the part of `./kit build` that
depends on the build system):
- no-op rebuild: nothing changed (median of three);
- touch one CPU kernel: new mtime, same content (ccache, when present, hits);
- edit one CPU kernel: a real change of the compiled code (no cache can hit);
- add one op: a new YAML entry plus its kernel, then regen and rebuild (a
  new name each run, so no cache has seen it);
- clean build: a fresh build directory, ccache disabled (a second copy).

Note [Translation units per step]
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
A step's seconds say how long it took; what it compiled says why. Ninja
appends one line per finished edge to build/.ninja_log (start and end in ms,
the output's path). Before each timed build the log is compacted with ninja's
own `ninja -t recompact` (so the ninja run that follows never rewrites it:
compaction only happens when the log has many stale lines) and its length
noted; the lines after that length are the edges the step ran. Outputs that
end in `.o` or `.gch` are compiled translation units (a `.gch` is a
precompiled header); links, the codegen and CMake's re-run are not counted.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.common.console import info
from tools.common.errors import KitError
from tools.common.git import git
from tools.common.paths import ROOT
from tools.common.toolchain import default_jobs, tool

SCRATCH = ROOT / ".kit" / "bench"
KERNEL = Path("aten_mini/native/cpu/UnaryOpsKernel.cpp")
# Issue 17 item 3: add one op <= 15 s, edit one kernel <= 8 s (wall, low load).
TARGETS = {"no-op rebuild": 2.0, "touch one CPU kernel": 25.0, "edit one CPU kernel": 8.0}
TARGETS["add one op (YAML + kernel)"] = 15.0


def op_kernel_file(stamp: int) -> Path:
    """The new op's own kernel file, as `./kit new-op` lays one out."""
    return Path("aten_mini/native") / f"KitBenchSquare{stamp}.cpp"


def new_op(stamp: int) -> tuple[str, str]:
    """The YAML entry and kernel file of an op that no earlier run has built.

    The name is new on every run (`stamp`: time_ns), so ccache has never seen
    the files it changes and the step measures real compiles, as a learner's
    first build of a new op does. The kernel includes only the per-op headers
    it uses, as `./kit new-op`'s files do (Note [Per-operator headers]).
    """
    name = f"kit_bench_square_{stamp}"
    yaml = f"""
- func: {name}(Tensor self) -> Tensor
  variants: function
  dispatch:
    CompositeImplicitAutograd: {name}
"""
    kernel = f"""// {name}: written by ./kit bench --build (tools/bench/buildloop.py), then removed.
#include "ops/{name}_native.h"
#include "ops/mul.h"

namespace at_mini::native {{
at::Tensor {name}(const at::Tensor& self) {{
  return at_mini::mul(self, self);
}}
}} // namespace at_mini::native
"""
    return yaml, kernel


def source_files() -> list[Path]:
    out = git(ROOT, "ls-files", "-co", "--exclude-standard", "-z")
    return [Path(p) for p in out.split("\0") if p and (ROOT / p).is_file()]


def sync_tree(tree: Path) -> None:
    """Make `tree` hold the current source files; rewrite only what differs.

    A kernel file an interrupted "add one op" step left behind is removed.
    """
    for leftover in (tree / op_kernel_file(0)).parent.glob("KitBenchSquare*.cpp"):
        leftover.unlink()
    for rel in source_files():
        src, dst = ROOT / rel, tree / rel
        data = src.read_bytes()
        if dst.is_file() and dst.read_bytes() == data:
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_bytes(data)


def cuda_setting() -> str:
    """The main build's ATEN_MINI_CUDA, so the scratch build compiles the same files."""
    cache = ROOT / "build" / "CMakeCache.txt"
    if cache.is_file():
        for line in cache.read_text(errors="replace").splitlines():
            if line.startswith("ATEN_MINI_CUDA:"):
                return line.split("=", 1)[1]
    return "ON"


@dataclass(frozen=True)
class Took:
    """Wall-clock seconds, and CPU seconds of the processes it ran.

    Other people's builds share these cores: the wall time grows with their
    load, the CPU time does not (much), so the table shows both.
    """

    wall: float
    cpu: float
    # The translation units it compiled: Note [Translation units per step].
    units: tuple[Unit, ...] = field(default=())

    def __add__(self, other: Took) -> Took:
        return Took(self.wall + other.wall, self.cpu + other.cpu, self.units + other.units)


@dataclass(frozen=True)
class Unit:
    """One compiled translation unit: its name and the seconds ninja logged for it."""

    name: str
    seconds: float


NINJA_LOG = ".ninja_log"
_OBJECT_DIR = re.compile(r"^CMakeFiles/(?P<target>[^/]+)\.dir/(?P<rest>.+)$")


def unit_name(output: str) -> str | None:
    """`BinaryOpsKernel.cpp (AVX2)`, `python_functions_1.cpp`, `PCH of _C`; None if no compile.

    `output` is an output path as .ninja_log records it (relative to the
    build directory). See Note [Translation units per step].
    """
    if not output.endswith((".o", ".gch")):
        return None
    m = _OBJECT_DIR.match(output)
    if m is None:
        return Path(output).name
    target, rest = m.group("target"), m.group("rest")
    if rest.endswith(".gch"):
        return f"PCH of {target}"
    name = Path(rest).name.removesuffix(".o")
    cap = re.fullmatch(r"aten_mini_cpu_(\w+)", target)
    return f"{name} ({cap.group(1)})" if cap else name


def log_lines(build_dir: Path) -> list[str]:
    log = build_dir / NINJA_LOG
    if not log.is_file():
        return []
    return log.read_text(errors="replace").splitlines()


def units_in(lines: list[str]) -> tuple[Unit, ...]:
    """The compiled translation units among .ninja_log lines (`start end mtime output hash`)."""
    units = []
    for line in lines:
        parts = line.split("\t")
        if line.startswith("#") or len(parts) < 4:
            continue
        name = unit_name(parts[3])
        if name is not None:
            units.append(Unit(name, (int(parts[1]) - int(parts[0])) / 1000))
    return tuple(units)


def recompact(build_dir: Path) -> None:
    """`ninja -t recompact`: the log holds one line per output from now on."""
    subprocess.run(
        [tool("ninja"), "-C", str(build_dir), "-t", "recompact"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
    )  # fmt: skip


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cmake(args: list[str], env: dict[str, str] | None = None) -> Took:
    """Run cmake quietly; how long it took."""
    start, cpu = time.monotonic(), _children_cpu()
    proc = subprocess.run(
        [tool("cmake"), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.splitlines()[-20:])
        raise KitError(f"cmake {' '.join(args[:2])} failed in the scratch build:\n{tail}")
    return Took(time.monotonic() - start, _children_cpu() - cpu)


def configure_args(tree: Path, build: Path) -> list[str]:
    return [
        "-S", str(tree), "-B", str(build), "-G", "Ninja",
        f"-DCMAKE_MAKE_PROGRAM={tool('ninja')}", f"-DPython_EXECUTABLE={sys.executable}",
        "-DCMAKE_BUILD_TYPE=Release", f"-DATEN_MINI_CUDA={cuda_setting()}",
    ]  # fmt: skip


def build(tree: Path, env: dict[str, str] | None = None) -> Took:
    """Configure if needed, build; the time, and the units compiled (from .ninja_log)."""
    b = tree / "build"
    configure = Took(0, 0) if (b / "build.ninja").is_file() else cmake(configure_args(tree, b), env)
    recompact(b)
    seen = len(log_lines(b))
    took = cmake(["--build", str(b), "-j", default_jobs()], env)
    return configure + Took(took.wall, took.cpu, units_in(log_lines(b)[seen:]))


def step(name: str, took: Took) -> dict[str, Any]:
    target = TARGETS.get(name)
    count = len(took.units)
    info(f"   {name}: {took.wall:.1f} s wall, {took.cpu:.1f} s CPU, {count} translation units")
    return {
        "step": name,
        "seconds": took.wall,
        "cpu_seconds": took.cpu,
        "target": target,
        "meets": None if target is None else took.wall <= target,
        "units": [{"name": u.name, "seconds": u.seconds} for u in took.units],
    }


def edit_kernel(tree: Path) -> Took:
    """Change the kernel's compiled code, rebuild, put it back (rebuild not timed)."""
    path = tree / KERNEL
    original = path.read_bytes()
    path.write_bytes(original + f'\nstatic_assert(true, "kit bench {time.time_ns()}");\n'.encode())
    try:
        return build(tree)
    finally:
        path.write_bytes(original)
        build(tree)


def add_op(tree: Path) -> Took:
    """A new YAML entry and its own kernel file; rebuild; remove both (rebuild not timed)."""
    stamp = time.time_ns()
    yaml, kernel = tree / "native_functions.yaml", tree / op_kernel_file(stamp)
    saved = yaml.read_bytes()
    entry, code = new_op(stamp)
    yaml.write_bytes(saved + entry.encode())
    kernel.write_text(code)
    try:
        return build(tree)
    finally:
        yaml.write_bytes(saved)
        kernel.unlink(missing_ok=True)
        build(tree)


def incremental_steps(tree: Path) -> list[dict[str, Any]]:
    info("bringing the scratch build up to date (not timed) ...")
    build(tree)
    noops = sorted((build(tree) for _ in range(3)), key=lambda t: t.wall)
    rows = [step("no-op rebuild", noops[1])]  # the median of three
    os.utime(tree / KERNEL)
    rows.append(step("touch one CPU kernel", build(tree)))
    rows.append(step("edit one CPU kernel", edit_kernel(tree)))
    rows.append(step("add one op (YAML + kernel)", add_op(tree)))
    return rows


def clean_build() -> dict[str, Any]:
    tree = SCRATCH / "clean"
    shutil.rmtree(tree, ignore_errors=True)
    sync_tree(tree)
    info("clean build in .kit/bench/clean (ccache disabled; minutes) ...")
    seconds = build(tree, env={**os.environ, "CCACHE_DISABLE": "1"})
    shutil.rmtree(tree, ignore_errors=True)
    return step("clean build (configure + build)", seconds)


def measure_build_loop(*, clean: bool = True) -> list[dict[str, Any]]:
    """The build-loop table's rows.

    See Note [Build-loop measurements run in a scratch copy].
    """
    tree = SCRATCH / "tree"
    sync_tree(tree)
    rows = incremental_steps(tree)
    if clean:
        rows.append(clean_build())
    return rows
