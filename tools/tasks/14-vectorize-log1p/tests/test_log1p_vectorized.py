"""Task 14: log1p's CPU loop is vectorized (needs the build).

The speed check runs the benchmark `./kit bench log1p --threads 1` runs
(tools/bench), in a worker process at the best CPU capability this machine
has, on one thread, and compares the paired median ratio aten_mini / torch
with THRESHOLD. See Note [Why this threshold] for the figures behind it.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import torch

ROOT = Path(__file__).resolve().parents[4]

# Note [Why this threshold]
# ~~~~~~~~~~~~~~~~~~~~~~~~~
# `log1p contiguous 4M` (float32, 1 thread, avx2 kernels on the 2-core dev
# machine, load average 4-11 from other builds), paired median ratios:
#   main's scalar loop (std::log1p per element):  7.17, 8.07, 7.98
#   the vectorized loop (Vectorized::log1p):      1.14, 1.17, 0.89, 1.09, 1.01, 0.99
# The threshold sits between the two, near their geometric mean, so that
# noise in either direction does not flip the verdict: both sides of a pair
# run back to back on the same machine, so load slows both alike. (At 16M the
# scalar ratio is lower, about 3.8: torch's time there includes page faults
# on the fresh 64 MiB result, which are the same for both.)
THRESHOLD = 2.5
# A vectorized loop passes as soon as one run is under THRESHOLD; a second run
# absorbs a burst of load that the pairing did not (scalar loops stay > 3).
ATTEMPTS = 2
# Large enough that a call lasts milliseconds (compute, not call overhead).
LARGE = 4 * 1024 * 1024


def _aten_mini() -> ModuleType:
    import aten_mini

    assert hasattr(aten_mini, "log1p"), "aten_mini.log1p does not exist: run ./kit build"
    return aten_mini


def _bench_log1p() -> dict[str, Any]:
    """The contiguous log1p row of one benchmark worker (best capability, 1 thread)."""
    env = {k: v for k, v in os.environ.items() if k != "ATEN_MINI_CPU_CAPABILITY"}
    cmd = [sys.executable, "-m", "tools.bench.worker", "--ops", "log1p", "--threads", "1"]
    cmd += ["--sizes", f"{LARGE},64,8,64"]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"the benchmark worker failed:\n{proc.stderr[-2000:]}"
    doc = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "error" not in doc, f"aten_mini could not be loaded: {doc['error']}"
    row: dict[str, Any] = next(r for r in doc["results"] if r["layout"] == "contiguous")
    assert "error" not in row, f"log1p failed in the benchmark: {row['error']}"
    return {**row, "capability": doc["capability"]}


def _describe(row: dict[str, Any]) -> str:
    ours, theirs = row["ours"]["median"] * 1e3, row["torch"]["median"] * 1e3
    return f"aten_mini {ours:.1f} ms, torch {theirs:.1f} ms: ratio {row['ratio']['median']:.2f}"


def test_log1p_is_about_as_fast_as_torch() -> None:
    _aten_mini()
    runs = []
    for _ in range(ATTEMPTS):
        runs.append(_bench_log1p())
        if runs[-1]["ratio"]["median"] <= THRESHOLD:
            return
    row = runs[-1]
    pytest.fail(
        f"{row['case']} at 1 thread, {row['capability']} kernels: "
        + "; ".join(_describe(r) for r in runs)
        + f" (the check wants <= {THRESHOLD}). The loop in "
        "aten_mini/native/cpu/Log1pKernel.cpp still computes one element at a time. "
        "`./kit bench log1p --threads 1` measures it the same way, on 16M elements.",
        pytrace=False,
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
