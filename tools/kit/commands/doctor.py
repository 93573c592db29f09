"""`./kit doctor`: is this machine ready for the kit? One line per check, and what to fix.

Checks Python, the C++ compiler, cmake and ninja, nvcc and whether a GPU is
there, free disk, the venv (every pin of requirements.txt installed at its
version) and the build directory. Exit 0 when nothing is broken (warnings
included), 1 when something is: each broken line says what to do.
It only looks: it installs, builds and deletes nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Literal

from tools.common.paths import ROOT

NAME = "doctor"
HELP = "check Python, compiler, cmake/ninja, nvcc/GPU, disk, .venv and build/; say what to fix"

Status = Literal["ok", "warn", "FAIL"]
MIN_PYTHON = (3, 11)
MIN_GCC = 9  # torch 2.x's headers need C++17 as GCC 9 implements it
MIN_CLANG = 10
FAIL_DISK_GIB = 2.0  # a clean build with its objects needs about this much
WARN_DISK_GIB = 5.0


@dataclass(frozen=True)
class Finding:
    status: Status
    what: str
    message: str

    def line(self) -> str:
        return f"{self.status:<4}  {self.what:<10} {self.message}"


def _run(cmd: list[str]) -> str | None:
    """The first line of a command's output, None if it cannot run or fails."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (proc.stdout or proc.stderr).strip()
    return text.splitlines()[0] if proc.returncode == 0 and text else None


def check_python(version: tuple[int, ...] = tuple(sys.version_info[:3])) -> Finding:
    shown = ".".join(map(str, version))
    if version[:2] < MIN_PYTHON:
        need = ".".join(map(str, MIN_PYTHON))
        return Finding(
            "FAIL", "python", f"{shown} is too old: the kit needs {need}+; install it and set "
            "ATEN_MINI_PYTHON to its path, then remove .venv and run ./kit again",
        )  # fmt: skip
    return Finding("ok", "python", f"{shown} ({sys.executable})")


def compiler_version(first_line: str) -> tuple[str, int] | None:
    """('gcc' | 'clang', major) from `c++ --version`'s first line."""
    m = re.search(r"clang version (\d+)", first_line)
    if m:
        return "clang", int(m.group(1))
    m = re.search(r"(?:g\+\+|gcc|c\+\+).*?\s(\d+)\.\d+(?:\.\d+)?", first_line)
    return ("gcc", int(m.group(1))) if m else None


def check_compiler(
    env: dict[str, str] | None = None, run: Callable[[list[str]], str | None] = _run
) -> Finding:
    env = dict(os.environ) if env is None else env
    names = [env["CXX"]] if env.get("CXX") else ["c++", "g++", "clang++"]
    for name in names:
        path = shutil.which(name)
        line = run([path, "--version"]) if path else None
        if line is None:
            continue
        found = compiler_version(line)
        if found is None:
            return Finding("warn", "c++", f"{path}: unknown compiler ({line}); GCC 9+ is tested")
        kind, major = found
        need = MIN_GCC if kind == "gcc" else MIN_CLANG
        if major < need:
            return Finding(
                "FAIL", "c++", f"{path} is {kind} {major}: torch's headers need {kind} {need}+; "
                "install a newer one (e.g. apt install g++) and set CXX to it",
            )  # fmt: skip
        return Finding("ok", "c++", f"{path}: {line}")
    where = f"CXX={env['CXX']} does not run" if env.get("CXX") else "no c++, g++ or clang++ on PATH"
    return Finding("FAIL", "c++", f"{where}; install one (e.g. apt install g++) or set CXX")


def check_tool(
    name: str, root: Path = ROOT, run: Callable[[list[str]], str | None] = _run
) -> Finding:
    venv = root / ".venv" / "bin" / name
    path = str(venv) if venv.is_file() else shutil.which(name)
    line = run([path, "--version"]) if path else None
    if line is None:
        return Finding(
            "FAIL", name, "not found in .venv or on PATH; it is pinned in requirements.txt: "
            "run ./kit once to install it into .venv",
        )  # fmt: skip
    return Finding("ok", name, f"{line} ({path})")


def gpu_present(run: Callable[[list[str]], str | None] = _run) -> bool:
    if Path("/proc/driver/nvidia/gpus").is_dir() and any(
        Path("/proc/driver/nvidia/gpus").iterdir()
    ):
        return True
    return bool(shutil.which("nvidia-smi") and (run(["nvidia-smi", "-L"]) or "").startswith("GPU"))


def check_cuda(nvcc: str | None, gpu: bool, env: dict[str, str] | None = None) -> Finding:
    env = dict(os.environ) if env is None else env
    asked = env.get("ATEN_MINI_CUDA", "").lower() in ("1", "on", "yes", "true")
    off = env.get("ATEN_MINI_NO_CUDA", "").lower() in ("1", "on", "yes", "true")
    if nvcc is None:
        if asked:
            return Finding(
                "FAIL", "cuda", "ATEN_MINI_CUDA=1 asks for the CUDA kernels but nvcc is not "
                "found: install the CUDA toolkit (nvcc on PATH) or unset ATEN_MINI_CUDA",
            )  # fmt: skip
        gpu_text = "a GPU is present but" if gpu else "no GPU and"
        return Finding("ok", "cuda", f"{gpu_text} no nvcc: the CPU kernels only")
    if off:
        return Finding("ok", "cuda", f"nvcc at {nvcc}; ATEN_MINI_NO_CUDA=1: CUDA kernels skipped")
    if gpu or asked:
        why = "a GPU is present" if gpu else "ATEN_MINI_CUDA=1"
        return Finding("ok", "cuda", f"nvcc at {nvcc}, {why}: the CUDA kernels are compiled")
    return Finding(
        "ok", "cuda", f"nvcc at {nvcc} but no GPU: CUDA kernels are not compiled "
        "(ATEN_MINI_CUDA=1 compiles them anyway)",
    )  # fmt: skip


def check_disk(root: Path = ROOT, free: int | None = None) -> Finding:
    free = shutil.disk_usage(root).free if free is None else free
    gib = free / 2**30
    if gib < FAIL_DISK_GIB:
        return Finding(
            "FAIL", "disk", f"{gib:.1f} GiB free on {root}: a build needs about "
            f"{FAIL_DISK_GIB:.0f} GiB; free some space",
        )  # fmt: skip
    if gib < WARN_DISK_GIB:
        return Finding("warn", "disk", f"{gib:.1f} GiB free: enough for one build, not for many")
    return Finding("ok", "disk", f"{gib:.1f} GiB free")


_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)==([^\s;#]+)")


def pins(requirements: Path) -> list[tuple[str, str]]:
    out = []
    for line in requirements.read_text(encoding="utf-8").splitlines():
        m = _PIN.match(line.strip())
        if m:
            out.append((m.group(1), m.group(2)))
    return out


def installed_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def check_venv(
    root: Path = ROOT,
    prefix: str = sys.prefix,
    version_of: Callable[[str], str | None] = installed_version,
) -> Finding:
    venv = root / ".venv"
    if not (venv / "bin" / "python").is_file():
        return Finding("FAIL", ".venv", "missing: run ./kit once, it creates .venv")
    if Path(prefix).resolve() != venv.resolve():
        return Finding(
            "warn", ".venv", f"doctor runs outside it ({prefix}); run it as ./kit doctor"
        )
    wrong = []
    for name, want in pins(root / "requirements.txt"):
        have = version_of(name)
        if have != want:
            wrong.append(f"{name} {have or 'missing'} (pinned {want})")
    if wrong:
        shown = ", ".join(wrong[:4]) + (f" and {len(wrong) - 4} more" if len(wrong) > 4 else "")
        return Finding(
            "FAIL", ".venv", f"{shown}: delete {venv / '.kit-requirements.sha256'} and run "
            "./kit again to reinstall the pins",
        )  # fmt: skip
    stamp = venv / ".kit-requirements.sha256"
    want_sha = hashlib.sha256((root / "requirements.txt").read_bytes()).hexdigest()
    if not stamp.is_file() or stamp.read_text().strip() != want_sha:
        return Finding("warn", ".venv", "pins match, but ./kit will re-run pip once (stamp old)")
    return Finding(
        "ok", ".venv", f"{len(pins(root / 'requirements.txt'))} pins match requirements.txt"
    )


def _cache(build: Path) -> dict[str, str]:
    values = {}
    for line in (
        (build / "CMakeCache.txt").read_text(encoding="utf-8", errors="replace").splitlines()
    ):
        m = re.match(r"^([A-Za-z_][\w-]*):[A-Z]+=(.*)$", line)
        if m:
            values[m.group(1)] = m.group(2)
    return values


def check_build(root: Path = ROOT, python: str = sys.executable) -> Finding:
    build = root / "build"
    if not (build / "build.ninja").is_file() or not (build / "CMakeCache.txt").is_file():
        return Finding(
            "warn", "build/", "not configured yet: ./kit build (the first build takes minutes)"
        )
    cache = _cache(build)
    home = cache.get("CMAKE_HOME_DIRECTORY")
    if home and Path(home).resolve() != root.resolve():
        return Finding(
            "FAIL", "build/", f"configured for {home}, not this checkout (moved or copied?): "
            "./kit build --clean",
        )  # fmt: skip
    cxx = cache.get("CMAKE_CXX_COMPILER")
    if cxx and not Path(cxx).is_file():
        return Finding("FAIL", "build/", f"its compiler {cxx} is gone: ./kit build --clean")
    py = cache.get("Python_EXECUTABLE") or cache.get("_Python_EXECUTABLE")
    if py and Path(py).resolve() != Path(python).resolve():
        return Finding("FAIL", "build/", f"configured with {py}, not {python}: ./kit build --clean")
    built = list((root / "python" / "aten_mini").glob("_C*.so"))
    if not built:
        return Finding("warn", "build/", "configured, aten_mini._C not built yet: ./kit build")
    cuda = cache.get("ATEN_MINI_CUDA", "?")
    return Finding("ok", "build/", f"configured (ATEN_MINI_CUDA={cuda}), aten_mini._C built")


def findings(root: Path = ROOT) -> list[Finding]:
    nvcc = shutil.which("nvcc") or (
        "/usr/local/cuda/bin/nvcc" if Path("/usr/local/cuda/bin/nvcc").is_file() else None
    )
    return [
        check_python(),
        check_compiler(),
        check_tool("cmake", root),
        check_tool("ninja", root),
        check_cuda(nvcc, gpu_present()),
        check_disk(root),
        check_venv(root),
        check_build(root),
    ]


def run(args: argparse.Namespace) -> int:
    del args
    results = findings(ROOT)
    for f in results:
        print(f.line())
    broken = [f for f in results if f.status == "FAIL"]
    if broken:
        print(
            f"doctor: {len(broken)} problem(s): fix the FAIL line(s) above, then ./kit doctor again"
        )
        return 1
    warned = sum(f.status == "warn" for f in results)
    print("doctor: ready" + (f" ({warned} warning(s) above)" if warned else ""))
    return 0
