"""One benchmark process: `python -m tools.bench.worker ...` prints a JSON object.

The parent (`./kit bench`) starts one worker per CPU capability, with
ATEN_MINI_CPU_CAPABILITY set in its environment, because libaten_mini picks
its capability once, when it loads (see Note [CPU capabilities] in
aten_mini/native/DispatchStub.h). torch's side is the same in every worker.

Output: {"capability": ..., "results": [...], "numeric": [...]} or
{"capability": ..., "unavailable": "<reason>"}; see tools/bench/report.py.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from tools.bench.cases import OPS, TARGET_SUM_REL_ERROR, Case, Sizes, all_cases
from tools.bench.runner import Settings, compare
from tools.bench.stats import meets

BEST = "best"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m tools.bench.worker")
    p.add_argument("--capability", default=BEST, help="the capability asked for (for the report)")
    p.add_argument("--threads", default="1,all", help="comma list of 1 / all / N")
    p.add_argument("--ops", default=",".join(OPS))
    p.add_argument("--quick", action="store_true")
    p.add_argument("--cuda", action="store_true", help="also run the CUDA cases")
    p.add_argument("--sizes", default="", help="large,square,small,cuda (tests shrink them)")
    return p.parse_args(argv)


def sizes_from(text: str) -> Sizes:
    if not text:
        return Sizes()
    large, square, small, cuda = (int(v) for v in text.split(","))
    return Sizes(large, square, small, cuda)


def thread_counts(spec: str, all_threads: int) -> list[int]:
    """'1,all' -> [1, all_threads], without repeats (on a 1-core machine: [1])."""
    counts: list[int] = []
    for item in spec.split(","):
        n = all_threads if item == "all" else int(item)
        if n not in counts:
            counts.append(n)
    return counts


def unavailable_reason(asked: str, ext: Any) -> str | None:
    """Why the asked-for capability cannot run here, None if it runs."""
    if asked == BEST or ext._cpu_capability() == asked:
        return None
    if asked not in ext._compiled_cpu_capabilities():
        return "not compiled in this build"
    return "not available on this CPU"


def measure(case: Case, settings: Settings, sync: Callable[[], None]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "case": case.name,
        "op": case.op,
        "layout": case.layout,
        "shape": list(case.shape),
        "device": case.device,
        "target": case.target,
    }
    try:
        ours, theirs = case.make()
        timing = compare(ours, theirs, settings, sync)
    except Exception as exc:  # a failing op is a row of the table, not a crash
        row["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        return row
    row.update(
        ours=timing.ours.to_json(),
        torch=timing.torch.to_json(),
        ratio=timing.ratio.to_json(),
        number=timing.number,
        meets=meets(timing.ratio.median, case.target),
    )
    return row


def sum_accuracy(n: int) -> dict[str, Any]:
    """sum of n uniform [0, 1) float32 values vs the float64 sum of the same values."""
    import torch

    aten_mini = importlib.import_module("aten_mini")
    x = torch.rand(n, generator=torch.Generator().manual_seed(0))
    exact = x.double().sum().item()

    def rel(value: Any) -> float:
        return float(abs(value.double().item() - exact) / abs(exact))

    ours, theirs = rel(aten_mini.sum(x)), rel(torch.sum(x))
    return {
        "check": f"sum of {n} float32 vs float64",
        "ours": ours,
        "torch": theirs,
        "target": TARGET_SUM_REL_ERROR,
        "meets": ours <= TARGET_SUM_REL_ERROR,
    }


def run_cpu(args: argparse.Namespace, ext: Any) -> dict[str, Any]:
    import torch

    settings = Settings.quick() if args.quick else Settings()
    sizes = sizes_from(args.sizes)
    cases = all_cases(args.ops.split(","), sizes)
    results: list[dict[str, Any]] = []
    numeric: list[dict[str, Any]] = []
    for threads in thread_counts(args.threads, torch.get_num_threads()):
        torch.set_num_threads(threads)
        for case in cases:
            results.append({**measure(case, settings, lambda: None), "threads": threads})
        if "sum" in args.ops.split(","):
            numeric.append({**sum_accuracy(sizes.large), "threads": threads})
    if args.cuda and torch.cuda.is_available():
        results += run_cuda(args, settings, sizes)
    return {"capability": ext._cpu_capability(), "results": results, "numeric": numeric}


def run_cuda(args: argparse.Namespace, settings: Settings, sizes: Sizes) -> list[dict[str, Any]]:
    import torch

    cases = [c for c in all_cases(args.ops.split(","), sizes, cuda=True) if c.device == "cuda"]
    rows = [measure(case, settings, torch.cuda.synchronize) for case in cases]
    return [{**row, "threads": torch.get_num_threads()} for row in rows]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    warnings.simplefilter("ignore")  # the capability fallback warning: reported below
    try:
        ext = importlib.import_module("aten_mini._C")
    except ImportError as exc:
        print(json.dumps({"capability": args.capability, "error": str(exc)}))
        return 3
    reason = unavailable_reason(args.capability, ext)
    if reason is not None:
        print(json.dumps({"capability": args.capability, "unavailable": reason}))
        return 0
    doc = run_cpu(args, ext)
    doc["asked"] = args.capability
    print(json.dumps(doc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
