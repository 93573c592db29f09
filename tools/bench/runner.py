"""Timing two callables side by side: calibrate, warm up, alternate.

Each sample times `number` back-to-back calls (enough calls for a sample to
last `min_sample_s`, so that an 8-element call is measured over thousands of
calls and a 16M-element one over a few); the per-call time is the sample
divided by `number`. Rounds alternate the sides, ours then torch, so that
both see the same machine. See Note [Paired ratios] in stats.py.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tools.bench.stats import Ratio, Summary, paired_ratio, summarize

Fn = Callable[[], object]


@dataclass(frozen=True)
class Settings:
    rounds: int = 15
    warmup: int = 2
    min_sample_s: float = 0.02

    @staticmethod
    def quick() -> Settings:
        return Settings(rounds=5, warmup=1, min_sample_s=0.005)


@dataclass(frozen=True)
class Timing:
    ours: Summary
    torch: Summary
    ratio: Ratio
    number: int  # calls per sample


@contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def sample(fn: Fn, number: int, sync: Callable[[], None]) -> float:
    """Seconds per call over `number` calls."""
    sync()
    start = time.perf_counter()
    for _ in range(number):
        fn()
    sync()
    return (time.perf_counter() - start) / number


def calls_per_sample(fn: Fn, min_sample_s: float, sync: Callable[[], None]) -> int:
    """Grow the call count tenfold until a sample lasts `min_sample_s`, then fit it."""
    number = 1
    while True:
        per_call = sample(fn, number, sync)
        if per_call * number >= min_sample_s / 10 or number >= 10**6:
            return max(1, min(10**6, round(min_sample_s / max(per_call, 1e-9))))
        number *= 10


def compare(ours: Fn, theirs: Fn, settings: Settings, sync: Callable[[], None]) -> Timing:
    """Alternate ours and theirs for `settings.rounds` rounds after a warm-up."""
    for _ in range(settings.warmup):
        sample(ours, 1, sync)
        sample(theirs, 1, sync)
    number = calls_per_sample(theirs, settings.min_sample_s, sync)
    a: list[float] = []
    b: list[float] = []
    with gc_paused():
        for _ in range(settings.rounds):
            a.append(sample(ours, number, sync))
            b.append(sample(theirs, number, sync))
    return Timing(summarize(a), summarize(b), paired_ratio(a, b), number)
