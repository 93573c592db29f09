"""`./kit bench`: aten_mini's ops against torch's own, side by side; `--build`: the build loop.

Each case runs aten_mini and torch on the same inputs, alternating, and
prints medians, spreads and the ratio aten_mini / torch (see
docs/performance.md for the method and the targets). Each CPU capability runs
in a process of its own (tools/bench/worker.py), since libaten_mini fixes
its capability when it loads.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tools.bench import report
from tools.bench.cases import OPS
from tools.common.console import info
from tools.common.errors import KitError
from tools.common.paths import ROOT
from tools.kit.commands import add_flags

NAME = "bench"
HELP = "benchmark aten_mini's ops against torch (ratios), or the edit-build loop (--build)"

CAPABILITIES = ("default", "avx2", "avx512")
THREADS = {"1": "1", "all": "all", "both": "1,all"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "ops", nargs="*", metavar="OP", help=f"ops to measure (default: all of {', '.join(OPS)})"
    )
    parser.add_argument(
        "--threads",
        choices=tuple(THREADS),
        default="both",
        help="torch.set_num_threads: 1, all cores, or both (default)",
    )
    parser.add_argument(
        "--capability",
        choices=("best", *CAPABILITIES, "all"),
        default="best",
        help="aten_mini's CPU kernels: the best this CPU runs (default), one, or all",
    )
    add_flags(
        parser,
        ("--json", "print one JSON document instead of tables"),
        ("--cuda", "also run the CUDA cases (64M float32) when a GPU is present"),
        ("--quick", "fewer, shorter rounds (noisier)"),
        ("--build", "measure the edit-build loop instead (minutes)"),
        ("--no-clean", "with --build: skip the clean-build measurement"),
        ("--no-build", "do not bring the build up to date first"),
        ("--check", "exit 1 when a target is missed"),
        (
            ("-v", "--verbose"),
            "with --build: list the translation units each step compiled, with seconds",
        ),
    )


def capabilities(choice: str) -> list[str]:
    return list(CAPABILITIES) if choice == "all" else [choice]


def worker_command(args: argparse.Namespace, capability: str, cuda: bool) -> list[str]:
    cmd = [sys.executable, "-m", "tools.bench.worker", "--capability", capability]
    cmd += ["--threads", THREADS[args.threads], "--ops", ",".join(args.ops or OPS)]
    return cmd + (["--quick"] if args.quick else []) + (["--cuda"] if cuda else [])


def run_worker(cmd: list[str], capability: str) -> dict[str, Any]:
    env = dict(os.environ)
    env.pop("ATEN_MINI_CPU_CAPABILITY", None)
    if capability != "best":
        env["ATEN_MINI_CPU_CAPABILITY"] = capability
    proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        raise KitError(
            f"the benchmark worker for capability '{capability}' failed (exit {proc.returncode})"
        ) from None
    if "error" in out:
        raise KitError(f"aten_mini could not be loaded: {out['error']}")
    return out


def check_ops(ops: list[str]) -> None:
    unknown = [op for op in ops if op not in OPS]
    if unknown:
        raise KitError(f"unknown op '{unknown[0]}'; choose from: {', '.join(OPS)}", 2)


def cuda_wanted(args: argparse.Namespace) -> bool:
    if not args.cuda:
        return False
    import torch

    if not torch.cuda.is_available():
        info("no CUDA device: the CUDA cases are skipped")
        return False
    return True


def bench_ops(args: argparse.Namespace, doc: dict[str, Any]) -> None:
    cuda = cuda_wanted(args)
    for i, capability in enumerate(capabilities(args.capability)):
        info(f"measuring aten_mini ({capability} CPU kernels) against torch ...")
        out = run_worker(worker_command(args, capability, cuda and i == 0), capability)
        report.add_worker_output(doc, out)


@contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Send what child processes print (the build's progress) to stderr: --json owns stdout."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def warn_if_busy() -> None:
    load, cpus = os.getloadavg()[0], os.cpu_count() or 1
    if load > cpus:
        info(f"load average {load:.1f} on {cpus} CPUs: figures will be noisy; re-run when quieter")


def run(args: argparse.Namespace) -> int:
    check_ops(args.ops)
    settings = {k: getattr(args, k) for k in ("threads", "capability", "quick", "cuda")}
    doc = report.new_document({"ops": args.ops or list(OPS), **settings})
    if args.build:
        from tools.bench.buildloop import measure_build_loop

        doc["build"] = measure_build_loop(clean=not args.no_clean)
    else:
        if not args.no_build:
            from tools.kit.commands.build import ensure_built

            with stdout_to_stderr():
                ensure_built()
        warn_if_busy()
        bench_ops(args, doc)
    doc["machine"]["load_after"] = list(os.getloadavg())
    if args.json:
        print(json.dumps(doc, indent=2))
    else:
        report.print_document(doc, verbose=args.verbose)
    return 1 if args.check and report.missed(doc) else 0
