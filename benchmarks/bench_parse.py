"""Benchmark: load + validate upstream native_functions.yaml, torchgen_mini vs torchgen.

Both parsers read the same upstream files (shipped inside the installed
torchgen package) in the same process, alternating run by run so that
machine noise hits both alike.  torchgen's result cache is cleared before
each of its runs.  Prints both medians and the ratio; the target is a ratio
of at most 0.5 (torchgen_mini at most half of torchgen's time), with every
validation rule enabled.

    python benchmarks/bench_parse.py [--rounds N]
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import sys
import time
from collections.abc import Callable

import torchgen
import torchgen.gen as tg

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from torchgen_mini.native_yaml import parse_native_yaml

UPSTREAM = pathlib.Path(torchgen.__file__).parent / "packaged/ATen/native"
YAML, TAGS = UPSTREAM / "native_functions.yaml", UPSTREAM / "tags.yaml"


def run_ours() -> int:
    parsed = parse_native_yaml(YAML, TAGS)
    assert not parsed.errors, parsed.errors[0]
    return len(parsed.native_functions)


def run_torchgen() -> int:
    tg._GLOBAL_PARSE_NATIVE_YAML_CACHE.clear()
    tg._GLOBAL_PARSE_TAGS_YAML_CACHE.clear()
    return len(tg.parse_native_yaml(str(YAML), str(TAGS)).native_functions)


def timed(fn: Callable[[], int]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=9)
    rounds = ap.parse_args().rounds
    print(f"entries: torchgen_mini {run_ours()}, torchgen {run_torchgen()} (after autogen)")
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(rounds):
        ours.append(timed(run_ours))
        theirs.append(timed(run_torchgen))
    mo, mt = statistics.median(ours), statistics.median(theirs)
    print(f"torchgen_mini median: {mo * 1000:.1f} ms over {rounds} runs")
    print(f"torchgen      median: {mt * 1000:.1f} ms over {rounds} runs")
    print(f"ratio torchgen_mini / torchgen: {mo / mt:.2f} (target <= 0.50)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
