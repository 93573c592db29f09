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

import fcntl
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from opinfo.core import OpInfo

HERE = Path(__file__).resolve().parent
ENV = "ATEN_MINI_CPU_CAPABILITY"

Results = dict[str, Any]  # "op|dtype|index" -> tensor or error line; "|capability" -> name


def sample_results(op: OpInfo, dtype: torch.dtype) -> Results:
    """What `op` gives on each of its CPU samples of `dtype` (seeded): tensor or error line."""
    from opinfo.checks import error_line, run

    torch.manual_seed(0)
    results: Results = {}
    for i, s in enumerate(op.sample_inputs("cpu", dtype)):
        value, exc = run(op, s)
        results[f"{op.name}|{dtype}|{i}"] = error_line(exc) if exc else value
    return results


def run_all_samples() -> Results:
    import aten_mini
    from opinfo.op_db import op_db

    results: Results = {}
    for op in op_db:
        for dtype in op.supported_dtypes("cpu"):
            results |= sample_results(op, dtype)
    # Without the introspection binding the switch cannot be verified.
    ran = getattr(aten_mini._C, "_cpu_capability", lambda: os.environ[ENV])()
    results["|capability"] = ran
    return results


def start_worker(capability: str, path: Path) -> subprocess.Popen[str]:
    """Starts this file in a subprocess with ATEN_MINI_CPU_CAPABILITY=capability."""
    env = dict(os.environ, **{ENV: capability})
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parent), env.get("PYTHONPATH", "")])
    cmd = [sys.executable, "-W", "ignore", str(HERE / "capabilities.py"), capability, str(path)]
    return subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)


def wait_worker(proc: subprocess.Popen[str], path: Path) -> Results:
    _, stderr = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, proc.args))} failed:\n{stderr[-3000:]}")
    loaded: Results = torch.load(path, weights_only=True)
    return loaded


def runnable_capabilities() -> list[str]:
    """The compiled capabilities up to the one this process picked (the CPU's best).

    Higher ones would fall back to the best with a warning: nothing to compare.
    """
    import aten_mini

    if not hasattr(aten_mini._C, "_compiled_cpu_capabilities"):
        return cpu_capabilities_from_flags()
    compiled = list(aten_mini._C._compiled_cpu_capabilities())
    best = aten_mini._C._cpu_capability()
    return compiled[: compiled.index(best) + 1] if best in compiled else compiled


ORDER = ("default", "avx2", "avx512")
# The CPU flags each capability needs, as DispatchStub.cpp checks them.
NEEDS = {
    "default": set[str](),
    "avx2": {"avx2", "fma", "f16c"},
    "avx512": {"avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512dq"},
}


def cpu_flags() -> set[str] | None:
    """The CPU's feature flags from /proc/cpuinfo (None where it cannot be read)."""
    try:
        return set(Path("/proc/cpuinfo").read_text().split())
    except OSError:
        return None


def cpu_capabilities_from_flags() -> list[str]:
    """What this CPU runs, from /proc/cpuinfo, as DispatchStub.cpp decides it."""
    flags = cpu_flags()
    if flags is None:
        return ["default"]
    return [cap for cap in ORDER if NEEDS[cap] <= flags]


def why_not_run(capability: str) -> str:
    """Why this machine does not run `capability`'s kernels (for a skip message)."""
    import aten_mini

    compiled = list(getattr(aten_mini._C, "_compiled_cpu_capabilities", lambda: ORDER)())
    if capability not in compiled:
        return f"{capability}: not compiled in this build (the compiler lacks its flags)"
    flags = cpu_flags()
    lacking = sorted(NEEDS[capability] - flags) if flags is not None else []
    if lacking:
        return (
            f"{capability}: compiled, but this CPU lacks {', '.join(lacking)}: its kernels "
            "were built and never ran here"
        )
    if flags is None:
        return f"{capability}: /proc/cpuinfo is unreadable, so only what the process picked ran"
    return f"{capability}: this process picked {aten_mini._C._cpu_capability()} ({ENV}?)"


def results_per_capability(folder: Path) -> dict[str, Results]:
    """{capability: results}, checking that the override really switched kernels.

    The subprocesses run in parallel; under pytest-xdist the first worker to
    get here computes the results and the others load them (a file lock).
    """
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        caps = runnable_capabilities()
        if not (folder / "done").exists():
            procs = {cap: start_worker(cap, folder / f"{cap}.pt") for cap in caps}
            for cap, proc in procs.items():
                wait_worker(proc, folder / f"{cap}.pt")
            (folder / "done").touch()
        results = {cap: torch.load(folder / f"{cap}.pt", weights_only=True) for cap in caps}
    for cap, saved in results.items():
        if saved["|capability"] != cap:
            raise AssertionError(
                f"ATEN_MINI_CPU_CAPABILITY={cap} ran the {saved['|capability']} kernels"
            )
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    torch.save(run_all_samples(), sys.argv[2])
