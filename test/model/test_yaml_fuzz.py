"""Mutation fuzzing of the YAML loader and `check` (see test/model/yaml_fuzz.py).

Every mutated input must end in one of the outcome classes of
Note [Fuzz outcome classes] in yaml_fuzz.py.  The default run is a fast
slice that applies each mutation eight times; `pytest --slow` runs 5,000
inputs and prints the figures (inputs, outcome counts, max CPU, wall and
memory).  Input `i` is the same on every machine: a failure names the
seed, the mutations and the file, and
`python -m torchgen_mini check <file> --tags <tags>` replays it.
"""

from __future__ import annotations

import collections
import pathlib

import pytest
import yaml_fuzz
from yaml_fuzz import GOOD, MUTATIONS, Result, classify, make_inputs, run_jobs

FAST = range(8 * len(MUTATIONS))
SLOW = range(5_000)


def _fuzz(ids: range, work: pathlib.Path) -> list[Result]:
    results = run_jobs(make_inputs(work, ids))
    assert len(results) == len(ids)
    bad = [r for r in results if classify(r) not in GOOD]
    assert not bad, "\n".join(_describe(r) for r in bad[:10])
    return results


def _describe(r: Result) -> str:
    j = r.job
    return (
        f"input {j.id} ({j.seed}, {'+'.join(j.ops)}): {classify(r)}, "
        f"{r.cpu_s:.2f} s CPU, {r.rss_mb:.0f} MB; file {j.path}\n{r.stderr[-1500:]}"
    )


def _summary(results: list[Result]) -> str:
    counts = collections.Counter(classify(r) for r in results)
    seeds = collections.Counter(r.job.seed for r in results)
    worst = max(results, key=lambda r: r.cpu_s)
    return (
        f"{len(results)} inputs; outcomes {dict(sorted(counts.items()))}; "
        f"seeds {dict(sorted(seeds.items()))}; max CPU {worst.cpu_s:.2f} s "
        f"(input {worst.job.id}, {worst.job.seed}, {'+'.join(worst.job.ops)}), "
        f"max wall {max(r.wall_s for r in results):.2f} s, "
        f"max memory above the runner {max(r.rss_mb for r in results):.1f} MB"
    )


def test_fuzz_fast_slice(tmp_path: pathlib.Path) -> None:
    results = _fuzz(FAST, tmp_path)
    # The slice reaches every seed file and both good outcomes.
    assert {r.job.seed for r in results} >= {"kit-native", "upstream-native", "kit-derivatives"}
    assert {classify(r) for r in results} == set(GOOD)


@pytest.mark.slow
def test_fuzz_slow(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    results = _fuzz(SLOW, tmp_path)
    with capsys.disabled():
        print(f"\nyaml fuzz: {_summary(results)}")


def test_classify_catches_each_failure(tmp_path: pathlib.Path) -> None:
    """The classes the fuzz asserts are real: each failure kind is detected."""
    job = make_inputs(tmp_path, [0])[0]
    ok_err = f"{job.path}:3:1: error: bad\n  hint: h\n1 error\n"

    def r(status: int = 1, stderr: str = ok_err, cpu: float = 0.1, mb: float = 1.0) -> str:
        return classify(Result(job, status, cpu, cpu, mb, stderr))

    assert r() == "exit 1, located"
    assert r(status=0, stderr="") == "exit 0"
    assert r(status=-11) == "signal SIGSEGV"
    assert r(stderr="Traceback (most recent call last):\n") == "traceback"
    assert r(cpu=2.5) == "over time"
    assert r(mb=250) == "over memory"
    assert r(status=2) == "exit 2"
    assert r(stderr=f"{job.path}: error: bad\n1 error\n") == "exit 1, NOT located"
    assert r(stderr=f"{job.path}: error: file is empty\n1 error\n") == "exit 1, located"
    assert r(stderr="error: something\n") == "exit 1, NOT located"
    assert r(stderr="") == "exit 1, NOT located"


def test_runner_reports_signals_and_limits(tmp_path: pathlib.Path) -> None:
    """The runner itself sees a crash, a traceback and a memory blow-up for what they are."""
    job = make_inputs(tmp_path, [0])[0]
    cases = {
        "crash": "signal SIGSEGV",
        "raise": "traceback",
        "hog": "traceback",
        "grow": "exit 1, NOT located",
    }
    jobs = [
        yaml_fuzz.Job(i, "selftest", (), kind, job.path, job.other) for i, kind in enumerate(cases)
    ]
    results = run_jobs(jobs)
    assert [classify(r) for r in results] == list(cases.values())
    assert "MemoryError" in results[2].stderr
    assert 60 < results[3].rss_mb < 100  # the memory figure measures what the child used
