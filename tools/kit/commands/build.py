"""`./kit build`: codegen + C++ build of libaten_mini and aten_mini._C.

The first call configures `build/` with CMake and Ninja from .venv; later calls
only run Ninja, which regenerates code when native_functions.yaml or the
templates change and recompiles only what changed (no change: no work).
Other commands call `ensure_built()` first.
"""

from __future__ import annotations

import argparse
import shutil
import sys

from tools.common.console import info, step
from tools.common.paths import ROOT
from tools.common.proc import run_process
from tools.common.toolchain import JOBS, tool

NAME = "build"
HELP = "generate code and build libaten_mini + aten_mini._C (incremental)"

BUILD_DIR = ROOT / "build"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    cuda = parser.add_mutually_exclusive_group()
    cuda.add_argument(
        "--no-cuda", action="store_true", help="skip the CUDA kernels (remembered until --cuda)"
    )
    cuda.add_argument(
        "--cuda", action="store_true", help="build the CUDA kernels again after --no-cuda"
    )
    parser.add_argument("--clean", action="store_true", help="delete build/ first")
    parser.add_argument("--verbose", action="store_true", help="show every compiler command")
    parser.add_argument("-j", "--jobs", default=JOBS, help=f"parallel jobs (default {JOBS})")


def _cached(name: str) -> str | None:
    """The value of a variable in build/CMakeCache.txt, None if not configured."""
    cache = BUILD_DIR / "CMakeCache.txt"
    if not cache.is_file():
        return None
    for line in cache.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith(f"{name}:"):
            return line.split("=", 1)[1]
    return None


def _cuda_request(args: argparse.Namespace) -> str | None:
    """ON/OFF when the command line asks for a change, None to keep the cached choice."""
    if getattr(args, "no_cuda", False):
        return "OFF"
    if getattr(args, "cuda", False):
        return "ON"
    return None


def _needs_configure(cuda: str | None) -> bool:
    if not (BUILD_DIR / "build.ninja").is_file():
        return True
    return cuda is not None and _cached("ATEN_MINI_CUDA") != cuda


def configure(cuda: str | None) -> None:
    cmd = [
        tool("cmake"),
        "-S",
        str(ROOT),
        "-B",
        str(BUILD_DIR),
        "-G",
        "Ninja",
        f"-DCMAKE_MAKE_PROGRAM={tool('ninja')}",
        f"-DPython_EXECUTABLE={sys.executable}",
        "-DCMAKE_BUILD_TYPE=Release",
    ]
    if cuda is not None:
        cmd.append(f"-DATEN_MINI_CUDA={cuda}")
    with step("configure build/ (cmake)"):
        run_process(
            cmd,
            what="cmake",
            hint="read CMake's message above; `./kit build --clean` starts over",
        )


def compile_all(jobs: str, verbose: bool) -> None:
    cmd = [tool("cmake"), "--build", str(BUILD_DIR), "-j", jobs]
    if verbose:
        cmd += ["--", "-v"]
    with step("codegen + compile (ninja)"):
        run_process(
            cmd,
            what="the build",
            hint="the first error is above (a YAML error names its file:line); "
            "fix it and run ./kit build again (--verbose shows the compiler commands)",
        )


def check_inputs() -> None:
    """Run codegen's checks first (YAML, missing kernels, derivatives), writing nothing.

    A mistake is then one `file:line: error:` line, not buried in CMake's or
    Ninja's output, and no compiler has started.
    """
    cmd = [sys.executable, "-m", "torchgen_mini", "gen", "--check", "--quiet"]
    cmd += ["--yaml", "native_functions.yaml", "--tags", "tags.yaml"]
    run_process(cmd, what="checking the codegen inputs", hint="fix what the line above names")


def build(
    *, cuda: str | None = None, clean: bool = False, jobs: str = JOBS, verbose: bool = False
) -> None:
    check_inputs()
    if clean and BUILD_DIR.exists():
        info(f"removing {BUILD_DIR.relative_to(ROOT)}/")
        shutil.rmtree(BUILD_DIR)
    if _needs_configure(cuda):
        configure(cuda)
    compile_all(jobs, verbose)


def ensure_built() -> None:
    """Bring the build up to date (configures the first time); raises KitError on failure."""
    build()


def run(args: argparse.Namespace) -> int:
    build(cuda=_cuda_request(args), clean=args.clean, jobs=args.jobs, verbose=args.verbose)
    return 0
