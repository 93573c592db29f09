"""Summaries of timing samples and of side-by-side ratios.

Note [Paired ratios]
~~~~~~~~~~~~~~~~~~~~
The two sides of a case run alternately (ours, torch, ours, torch, ...), so
sample i of each side saw nearly the same machine load. The ratio of a case
is therefore the median of the per-round ratios ours[i] / torch[i], not the
ratio of two medians taken at different moments; its spread is the
interquartile range of those per-round ratios. On a shared, noisy machine
this is what keeps a burst of load on one side from showing up as a
speed-up or slow-down of the other.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Summary:
    """Median and spread of one side's samples (seconds per call)."""

    median: float
    q1: float
    q3: float
    min: float
    max: float
    n: int

    def to_json(self) -> dict[str, float | int]:
        return asdict(self)

    @property
    def iqr_fraction(self) -> float:
        """The interquartile range relative to the median (0.05 is +-2.5%)."""
        return (self.q3 - self.q1) / self.median if self.median > 0 else 0.0


def quartiles(samples: Sequence[float]) -> tuple[float, float, float]:
    """(q1, median, q3); with fewer than 2 samples all three are the one value."""
    if not samples:
        raise ValueError("no samples")
    if len(samples) == 1:
        return samples[0], samples[0], samples[0]
    q1, q2, q3 = statistics.quantiles(samples, n=4, method="inclusive")
    return q1, q2, q3


def summarize(samples: Sequence[float]) -> Summary:
    q1, median, q3 = quartiles(samples)
    return Summary(median, q1, q3, min(samples), max(samples), len(samples))


@dataclass(frozen=True)
class Ratio:
    """ours / torch over paired rounds. See Note [Paired ratios]."""

    median: float
    q1: float
    q3: float

    def to_json(self) -> dict[str, float]:
        return asdict(self)


def paired_ratio(ours: Sequence[float], theirs: Sequence[float]) -> Ratio:
    if len(ours) != len(theirs):
        raise ValueError(f"unpaired samples: {len(ours)} vs {len(theirs)}")
    if any(t <= 0 for t in theirs):
        raise ValueError("a torch sample is not positive")
    q1, median, q3 = quartiles([a / b for a, b in zip(ours, theirs, strict=True)])
    return Ratio(median, q1, q3)


def meets(ratio: float, target: float | None) -> bool | None:
    """None when the case has no target."""
    return None if target is None else ratio <= target
