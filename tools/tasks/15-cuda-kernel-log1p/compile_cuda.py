"""Task 15's compile check: nvcc builds the CUDA kernel of log1p with the kit's own flags.

Usage (from the checkout's root, as `./kit check` runs it):
    python tools/tasks/15-cuda-kernel-log1p/compile_cuda.py [--stub log1p_stub]

See Note [Compiling a CUDA kernel without a GPU].
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from tools.common.toolchain import tool  # noqa: E402  (needs ROOT on sys.path)

# Note [Compiling a CUDA kernel without a GPU]
# CI and `./kit dev verify` have nvcc but no GPU, and the verify build skips
# CUDA (see Note [One build for every C++ task] in tools/taskkit/verify.py),
# so nothing there would ever compile the learner's .cu file. This check
# configures a second build directory of the same CMakeLists.txt with CUDA
# on (the flags, include paths and architectures of a real `./kit build`)
# and asks Ninja for nothing but the object file of each .cu file under
# aten_mini/native/cuda/ that names the stub: codegen runs first (the object
# needs DispatchStubs.h), no library is linked, nothing is run. The object
# must then refer to the stub, which REGISTER_DISPATCH fills under nvcc.
# The directory (.kit/cuda-object, ignored by git) is kept, so a second run
# recompiles only what changed, and ccache makes an unchanged file cheap.
# Whether the kernel computes the right thing is for a GPU to say: the
# CUDA-vs-CPU OpInfo test (`test_cuda_vs_cpu[log1p-cuda]`) runs there.

SCRATCH = ROOT / ".kit" / "cuda-object"
CUDA_DIR = "aten_mini/native/cuda"
OUTPUT_LINES = 40


class CheckFailed(Exception):
    """One line for the learner; printed without a traceback."""


def kernel_sources(stub: str) -> list[Path]:
    """The .cu files of the checkout that mention `stub`."""
    files = sorted((ROOT / CUDA_DIR).glob("*.cu"))
    found = [f for f in files if re.search(rf"\b{re.escape(stub)}\b", f.read_text("utf-8"))]
    if not found:
        raise CheckFailed(
            f"no file in {CUDA_DIR}/ mentions {stub}: write the CUDA loop in a .cu file "
            f"there and register it with REGISTER_DISPATCH({stub}, ...)"
        )
    return found


def object_path(source: Path) -> str:
    """The object file CMake's Ninja generator names for a source of target aten_mini."""
    return f"CMakeFiles/aten_mini.dir/{source.relative_to(ROOT).as_posix()}.o"


def _env() -> dict[str, str]:
    # The CUDA build must not be switched off by the verify build's setting.
    return {k: v for k, v in os.environ.items() if k != "ATEN_MINI_NO_CUDA"}


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd,
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        check=False,
    )


def configure() -> None:
    """Configure SCRATCH with CUDA on, once; later, let Ninja re-run CMake if it must."""
    if (SCRATCH / "build.ninja").is_file():
        # Re-globs the sources (a new .cu file) and re-runs CMake when inputs changed.
        proc = _run([tool("ninja"), "-C", str(SCRATCH), "build.ninja"])
        if proc.returncode == 0:
            return
        print(_tail(proc.stdout))
        raise CheckFailed("CMake could not update the CUDA build (its output is above)")
    SCRATCH.mkdir(parents=True, exist_ok=True)
    proc = _run(
        [
            tool("cmake"),
            "-S",
            str(ROOT),
            "-B",
            str(SCRATCH),
            "-G",
            "Ninja",
            f"-DCMAKE_MAKE_PROGRAM={tool('ninja')}",
            f"-DPython_EXECUTABLE={sys.executable}",
            "-DCMAKE_BUILD_TYPE=Release",
            "-DATEN_MINI_CUDA=ON",
            "-DATEN_MINI_PCH=OFF",
        ]
    )
    if proc.returncode != 0:
        print(_tail(proc.stdout))
        shutil.rmtree(SCRATCH, ignore_errors=True)
        raise CheckFailed("CMake could not configure a CUDA build (its output is above)")


def _clean(output: str) -> list[str]:
    """A tool's output lines without compiler command lines, paths from the root."""
    lines = [ln for ln in output.rstrip().splitlines() if "ccache" not in ln]
    return [ln.replace(f"{SCRATCH}/", "").replace("../../", "") for ln in lines]


def _tail(output: str, lines: int = OUTPUT_LINES) -> str:
    return "\n".join(_clean(output)[-lines:])


def _first_error(output: str) -> str:
    errors = [ln.strip() for ln in _clean(output) if ": error" in ln or "error:" in ln]
    return errors[0] if errors else "see the compiler's output above"


def compile_object(source: Path) -> Path:
    obj = object_path(source)
    rel = source.relative_to(ROOT).as_posix()
    if obj not in (SCRATCH / "build.ninja").read_text("utf-8", errors="replace"):
        raise CheckFailed(
            f"the CUDA build has no object for {rel}: CMake found no nvcc or torch has no "
            f"CUDA (see {SCRATCH.relative_to(ROOT)}/CMakeCache.txt); this check needs nvcc"
        )
    proc = _run([tool("ninja"), "-C", str(SCRATCH), "-j", "2", obj])
    if proc.returncode != 0:
        print(_tail(proc.stdout))
        raise CheckFailed(f"nvcc could not compile {rel}: {_first_error(proc.stdout)}")
    return SCRATCH / obj


def check_registers(obj: Path, source: Path, stub: str) -> None:
    """The object refers to `at_mini::native::<stub>`, as REGISTER_DISPATCH makes it."""
    proc = _run(["nm", "-C", str(obj)])
    if proc.returncode != 0:
        raise CheckFailed(f"nm could not read {obj}: {proc.stdout.strip()}")
    if not re.search(rf"\bat_mini::native::{re.escape(stub)}$", proc.stdout, re.MULTILINE):
        rel = source.relative_to(ROOT).as_posix()
        raise CheckFailed(
            f"{rel} compiles, but its object never refers to at_mini::native::{stub}: "
            f"is REGISTER_DISPATCH({stub}, ...) there, outside any #if?"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stub", default="log1p_stub", help="the DispatchStub to look for")
    args = parser.parse_args(argv)
    start = time.monotonic()
    try:
        sources = kernel_sources(args.stub)
        configure()
        for source in sources:
            check_registers(compile_object(source), source, args.stub)
    except CheckFailed as exc:
        print(f"error: {exc}")
        return 1
    names = ", ".join(s.relative_to(ROOT).as_posix() for s in sources)
    print(f"ok: nvcc compiled {names} ({time.monotonic() - start:.0f}s), registering {args.stub}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
