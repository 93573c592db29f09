"""Task 14: log1p's CPU loop is vectorized (needs the build).

The speed check compares the learner's loop with itself: the benchmark that
`./kit bench log1p --threads 1` runs (tools/bench), once at the best CPU
capability this machine has and once at DEFAULT, each in its own worker
process on one thread. See Note [Log1p against its own DEFAULT build].
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import torch

ROOT = Path(__file__).resolve().parents[4]
ENV = "ATEN_MINI_CPU_CAPABILITY"

# Note [Log1p against its own DEFAULT build]
# ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
# Log1pKernel.cpp is compiled once per capability. In the DEFAULT build
# Vectorized<float> is an array of scalars whose log1p() calls std::log1p per
# element, so a vectorized loop is several times faster at AVX2 or AVX512 than
# at DEFAULT, while a scalar loop (std::log1p per element in every build) runs
# at the same speed in all of them. The check is that speed-up, so it does not
# depend on how fast this CPU or torch is (a fixed ratio to torch did: on an
# AVX512 EPYC the unsolved scalar loop met it). Each worker reports the paired
# median ratio aten_mini / torch over the same torch.log1p; the speed-up is
# ratio(DEFAULT) / ratio(best), so load from other processes, which slows both
# sides of a pair alike, cancels. Figures (`log1p contiguous 4M`, float32, one
# thread, avx2 best, 2-core dev machine, load average 6.5 from builds):
#   main's scalar loop:   speed-up 1.08, 1.12, 0.94 (raw times varied 2x);
#                         1.00, 1.03 with the machine idle
#   the solution's loop:  speed-up 8.98, 9.04, 8.99 (idle)
# MIN_SPEEDUP sits between them. A CPU whose best capability is DEFAULT has
# nothing to compare: the speed part skips with the reason, and the compiled
# AVX2/AVX512 objects must call SLEEF's vectorized log1p instead.
MIN_SPEEDUP = 2.5
# A vectorized loop passes as soon as one pair of runs is over MIN_SPEEDUP; a
# second absorbs a burst of load that the pairing did not.
ATTEMPTS = 2
# Large enough that a call lasts milliseconds (compute, not call overhead).
LARGE = 4 * 1024 * 1024


def _aten_mini() -> ModuleType:
    import aten_mini

    assert hasattr(aten_mini, "log1p"), "aten_mini.log1p does not exist: run ./kit build"
    return aten_mini


def _bench_log1p(capability: str | None) -> dict[str, Any]:
    """The contiguous log1p row of one benchmark worker (None: the best capability)."""
    env = {k: v for k, v in os.environ.items() if k != ENV}
    cmd = [sys.executable, "-m", "tools.bench.worker", "--ops", "log1p", "--threads", "1"]
    cmd += ["--sizes", f"{LARGE},64,8,64"]
    if capability is not None:
        env[ENV] = capability
        cmd += ["--capability", capability]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"the benchmark worker failed:\n{proc.stderr[-2000:]}"
    doc = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "error" not in doc, f"aten_mini could not be loaded: {doc['error']}"
    assert "unavailable" not in doc, f"{capability} kernels: {doc['unavailable']}"
    row: dict[str, Any] = next(r for r in doc["results"] if r["layout"] == "contiguous")
    assert "error" not in row, f"log1p failed in the benchmark: {row['error']}"
    return {**row, "capability": doc["capability"]}


def _describe(best: dict[str, Any], default: dict[str, Any]) -> str:
    def ms(row: dict[str, Any]) -> str:
        ours, theirs = row["ours"]["median"] * 1e3, row["torch"]["median"] * 1e3
        return f"{row['capability']} {ours:.1f} ms (torch {theirs:.1f} ms)"

    return f"{ms(best)}, {ms(default)}: speed-up {_speedup(best, default):.2f}"


def _speedup(best: dict[str, Any], default: dict[str, Any]) -> float:
    """How much faster the best build is than DEFAULT, each measured against torch."""
    return float(default["ratio"]["median"] / best["ratio"]["median"])


def _best_capability() -> str:
    return str(_aten_mini()._C._cpu_capability())


def test_log1p_is_faster_than_its_default_build() -> None:
    best = _best_capability()
    if best == "default":
        pytest.skip(
            "this CPU (or build) runs DEFAULT kernels only: no wider build to time against "
            "DEFAULT; test_wide_builds_call_a_vectorized_log1p checks the loop instead"
        )
    runs = []
    for _ in range(ATTEMPTS):
        runs.append((_bench_log1p(None), _bench_log1p("default")))
        if _speedup(*runs[-1]) >= MIN_SPEEDUP:
            return
    pytest.fail(
        f"{runs[-1][0]['case']} at 1 thread: "
        + "; ".join(_describe(*r) for r in runs)
        + f" (the check wants >= {MIN_SPEEDUP}). The loop in "
        "aten_mini/native/cpu/Log1pKernel.cpp runs as fast with AVX2/AVX512 as in the "
        "DEFAULT build: it still computes one element at a time. "
        "`./kit bench log1p --threads 1` shows every capability side by side.",
        pytrace=False,
    )


def _kernel_objects() -> dict[str, Path]:
    """The AVX2 and AVX512 objects of Log1pKernel.cpp that this build compiled."""
    objects = {}
    for cap in ("AVX2", "AVX512"):
        path = ROOT / f"build/CMakeFiles/aten_mini_cpu_{cap}.dir/aten_mini/native/cpu"
        if (path / "Log1pKernel.cpp.o").is_file():
            objects[cap] = path / "Log1pKernel.cpp.o"
    return objects


def test_wide_builds_call_a_vectorized_log1p() -> None:
    # Where the speed can be measured, it decides (a loop vectorized some other
    # way passes there); elsewhere this is the check. It reads the compiled
    # objects, so it holds whatever CPU runs it.
    if _best_capability() != "default":
        pytest.skip("the speed test measures the loop on this CPU")
    nm = shutil.which("nm")
    objects = _kernel_objects()
    if nm is None or not objects:
        pytest.skip("no nm, or no AVX2/AVX512 build of Log1pKernel.cpp: nothing to inspect")
    for cap, obj in objects.items():
        symbols = subprocess.run([nm, "-u", str(obj)], capture_output=True, text=True).stdout
        assert "Sleef_log1p" in symbols, (
            f"the {cap} build of aten_mini/native/cpu/Log1pKernel.cpp calls no vectorized "
            "log1p (no Sleef_log1p* symbol): its loop still computes one element at a time"
        )


SPECIAL = [-1.0, -2.0, -0.5, -1e-7, 0.0, -0.0, 1e-30, 1e-7, 0.5, 1e30, math.inf, -math.inf]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16, torch.half])
def test_matches_torch_on_long_inputs(dtype: torch.dtype) -> None:
    """Long enough for the vector body, with an odd tail, NaN, ±inf, -1 and below."""
    x = torch.linspace(-0.999, 50.0, 1001, dtype=torch.float64)
    x = torch.cat([x, torch.tensor(SPECIAL * 17 + [math.nan] * 5, dtype=torch.float64)])
    x = x.to(dtype)
    got, want = _aten_mini().log1p(x), torch.log1p(x)
    torch.testing.assert_close(got, want, equal_nan=True)


def test_integers_still_compute_in_float() -> None:
    x = torch.arange(0, 1000, dtype=torch.int32)
    got = _aten_mini().log1p(x)
    assert got.dtype == torch.float32
    torch.testing.assert_close(got, torch.log1p(x))
