"""`./kit build`: codegen + C++ build of libaten_mini and aten_mini._C.

The first call configures `build/` with CMake and Ninja from .venv; later calls
only run Ninja, which regenerates code when native_functions.yaml or the
templates change and recompiles only what changed (no change: no work).
Other commands call `ensure_built()` first.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from tools.common.console import info, step
from tools.common.errors import KitError
from tools.common.paths import ROOT
from tools.common.proc import run_process
from tools.common.toolchain import default_jobs, tool
from tools.kit.commands import add_flags

NAME = "build"
HELP = "generate code and build libaten_mini + aten_mini._C (incremental)"

BUILD_DIR = ROOT / "build"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_flags(
        parser.add_mutually_exclusive_group(),
        ("--no-cuda", "skip the CUDA kernels (remembered until --cuda)"),
        ("--cuda", "build the CUDA kernels again after --no-cuda"),
    )
    add_flags(
        parser,
        ("--clean", "delete build/ first"),
        (("-v", "--verbose"), "show everything: ninja's own lines and every compiler command"),
    )
    parser.add_argument(
        "-j",
        "--jobs",
        default=None,
        help="parallel jobs (default: $MAX_JOBS, else the number of CPUs)",
    )


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
    """ON/OFF when the command line asks for a change, None to keep the cached choice.

    ATEN_MINI_CUDA=1 in the environment asks for ON (and ATEN_MINI_NO_CUDA=1,
    read by CMakeLists.txt itself, for OFF): Note [When CUDA is compiled].
    """
    if getattr(args, "no_cuda", False):
        return "OFF"
    if getattr(args, "cuda", False):
        return "ON"
    if os.environ.get("ATEN_MINI_CUDA", "").lower() in ("1", "on", "yes", "true"):
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


# Note [Build progress]
# Ninja prints one `[12/60] Building CXX object CMakeFiles/<target>.dir/<path>.o`
# line per step, and for a failing step its whole compiler command line too:
# between them a learner's error is hard to find. `./kit build` shows each
# step as `[12/60] compiling BinaryOpsKernel.cpp (AVX2)` (on a terminal, one
# line rewritten in place), passes every compiler message through unchanged,
# leaves out the failing command line, and on failure repeats the first
# `file:line: error:` at the end. `./kit build -v` shows ninja's output as is.

_NINJA_STEP = re.compile(r"^\[(\d+)/(\d+)\] (.*)$")
_OBJECT = re.compile(
    r"Building (?:CXX|CUDA) object CMakeFiles/(?P<target>[^/]+)\.dir/(?P<src>.+?)\.(?:o|gch)$"
)
_LINK = re.compile(r"Linking (?:CXX|CUDA) (?:shared library|shared module|executable) (\S+)")
_ERROR = re.compile(r"^(?P<where>[^\s:][^:]*:\d+(?::\d+)?): (?:fatal )?error: (?P<msg>.*)$")
_CAPABILITY_TARGET = re.compile(r"^aten_mini_cpu_(\w+)$")


def step_text(description: str) -> str:
    """Ninja's description of a step, in a few words."""
    m = _OBJECT.search(description)
    if m:
        cap = _CAPABILITY_TARGET.match(m["target"])
        where = f" ({cap.group(1)})" if cap else ""
        if "cmake_pch" in m["src"]:
            return f"precompiling torch's headers for {m['target']}"
        return f"compiling {Path(m['src']).name}{where}"
    m = _LINK.search(description)
    if m:
        return f"linking {Path(m.group(1)).name}"
    if description.startswith("Generating C++ and Python bindings"):
        return "generating code from native_functions.yaml (torchgen_mini)"
    return description


def _relative(where: str, build_dir: Path) -> str:
    """A compiler's path (relative to the build directory, or absolute) relative to the root."""
    path, _, rest = where.partition(":")
    full = (build_dir / path).resolve() if not os.path.isabs(path) else Path(path)
    try:
        shown = full.relative_to(ROOT).as_posix()
    except ValueError:
        shown = str(full)
    return f"{shown}:{rest}"


@dataclass
class BuildLog:
    """What one quiet build saw: steps, the messages printed, the first error."""

    steps: int = 0
    first_error: str | None = None
    messages: list[str] = field(default_factory=list)


@dataclass
class _QuietPrinter:
    """Note [Build progress], one line of ninja's output at a time."""

    out: TextIO
    tty: bool
    build_dir: Path
    log: BuildLog = field(default_factory=BuildLog)
    progress_shown: bool = False  # a progress line is on screen, to be replaced (tty)
    after_failed: bool = False  # the previous line was ninja's FAILED:

    def line(self, line: str) -> None:
        m = _NINJA_STEP.match(line)
        if m:
            self.log.steps += 1
            self._progress(f"[{m.group(1)}/{m.group(2)}] {step_text(m.group(3))}")
            return
        if self.after_failed:
            self.after_failed = False
            if line.startswith("/") or " -c " in line or " -o " in line:
                return  # the failing compiler command: -v shows it
        self.after_failed = line.startswith("FAILED: ")
        self.end_progress()
        error = _ERROR.match(line)
        if error and self.log.first_error is None:
            where = _relative(error["where"], self.build_dir)
            self.log.first_error = f"{where}: error: {error['msg']}"
        self.log.messages.append(line)
        self.out.write(line + "\n")
        self.out.flush()

    def _progress(self, text: str) -> None:
        if self.tty:
            width = shutil.get_terminal_size().columns - 1
            self.out.write(f"\r\x1b[K{text[:width]}")
            self.progress_shown = True
        else:
            self.out.write(text + "\n")
        self.out.flush()

    def end_progress(self) -> None:
        if self.progress_shown:
            self.out.write("\n")
            self.progress_shown = False


def stream_build(
    cmd: Sequence[str], build_dir: Path, out: TextIO = sys.stdout, tty: bool | None = None
) -> tuple[int, BuildLog]:
    """Run a ninja build, showing Note [Build progress]'s one-line steps; (exit status, log)."""
    printer = _QuietPrinter(out, out.isatty() if tty is None else tty, build_dir)
    with subprocess.Popen(
        list(cmd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
    ) as proc:
        assert proc.stdout is not None
        try:
            for raw in proc.stdout:
                printer.line(raw.rstrip("\n"))
        except BaseException:
            # A signal (interrupt.Interrupted) or an error while reading: stop
            # ninja as subprocess.run would, or Popen's exit would wait for it
            # to finish the build; the kit's handler stops what ninja started.
            proc.kill()
            raise
        code = proc.wait()
    printer.end_progress()
    return code, printer.log


def compile_all(jobs: str, verbose: bool) -> None:
    cmd = [tool("cmake"), "--build", str(BUILD_DIR), "-j", jobs]
    if verbose:
        cmd += ["--", "-v"]
        with step("codegen + compile (ninja, verbose)"):
            run_process(
                cmd,
                what="the build",
                hint="the first error is above (a YAML error names its file:line); "
                "fix it and run ./kit build again",
            )
        return
    with step("codegen + compile (ninja)"):
        code, log = stream_build(cmd, BUILD_DIR)
        if code != 0:
            first = f"first error: {log.first_error}" if log.first_error else "see the output above"
            raise KitError(
                f"the build failed (exit {code}); {first}; fix it and run ./kit build again "
                "(-v shows the compiler commands)",
                code,
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
    *, cuda: str | None = None, clean: bool = False, jobs: str | None = None, verbose: bool = False
) -> None:
    check_inputs()
    if clean and BUILD_DIR.exists():
        info(f"removing {BUILD_DIR.relative_to(ROOT)}/")
        shutil.rmtree(BUILD_DIR)
    if _needs_configure(cuda):
        configure(cuda)
    compile_all(jobs or default_jobs(), verbose)


def ensure_built() -> None:
    """Bring the build up to date (configures the first time); raises KitError on failure."""
    build()


def run(args: argparse.Namespace) -> int:
    build(cuda=_cuda_request(args), clean=args.clean, jobs=args.jobs, verbose=args.verbose)
    return 0
