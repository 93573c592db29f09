"""CPU-capability consistency: the same samples under each CPU capability.

The kit picks its CPU kernels (default, avx2, avx512) once per process, from
ATEN_MINI_CPU_CAPABILITY at the first kernel call (see Note [CPU capabilities]
in aten_mini/native/DispatchStub.h). So each capability needs its own process:
`python test/opinfo/capabilities.py <capability> <file>` runs every sample of
every op in op_db (each claimed CPU dtype, seeded identically) and saves the
results; the test compares the files. One subprocess per capability for the
whole database keeps it to a few seconds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import torch

HERE = Path(__file__).resolve().parent

Results = dict[str, Any]  # "op|dtype|index" -> tensor or error line; "|capability" -> name


def run_all_samples() -> Results:
    import aten_mini
    from opinfo.checks import error_line, run
    from opinfo.op_db import op_db

    results: Results = {}
    for op in op_db:
        for dtype in op.supported_dtypes("cpu"):
            torch.manual_seed(0)
            for i, s in enumerate(op.sample_inputs("cpu", dtype)):
                value, exc = run(op, s)
                results[f"{op.name}|{dtype}|{i}"] = error_line(exc) if exc else value
    results["|capability"] = aten_mini._C._cpu_capability()
    return results


def results_under(capability: str, path: Path) -> Results:
    """Runs this file in a subprocess with ATEN_MINI_CPU_CAPABILITY=capability."""
    env = dict(os.environ, ATEN_MINI_CPU_CAPABILITY=capability)
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parent), env.get("PYTHONPATH", "")])
    cmd = [sys.executable, "-W", "ignore", str(HERE / "capabilities.py"), capability, str(path)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr[-3000:]}")
    loaded: Results = torch.load(path, weights_only=True)
    return loaded


def runnable_capabilities() -> list[str]:
    """The compiled capabilities up to the one this process picked (the CPU's best).

    Higher ones would fall back to the best with a warning: nothing to compare.
    """
    import aten_mini

    compiled = list(aten_mini._C._compiled_cpu_capabilities())
    best = aten_mini._C._cpu_capability()
    return compiled[: compiled.index(best) + 1] if best in compiled else compiled


def results_per_capability(folder: Path) -> dict[str, Results]:
    """{capability: results}, checking that the override really switched kernels."""
    results = {}
    for cap in runnable_capabilities():
        saved = results_under(cap, folder / f"{cap}.pt")
        ran = saved["|capability"]
        if ran != cap:
            raise AssertionError(f"ATEN_MINI_CPU_CAPABILITY={cap} ran the {ran} kernels")
        results[cap] = saved
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    torch.save(run_all_samples(), sys.argv[2])
