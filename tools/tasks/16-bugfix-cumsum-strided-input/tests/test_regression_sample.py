"""Task 16: does a new cumsum sample catch the planted bug, now that it is fixed?

Once the kernel is fixed, the OpInfo tests pass whether or not a regression
sample was added, so they cannot tell. This test can: it runs every cumsum
sample of the OpInfo database through `model_cumsum`, a Python model of the
CPU kernel (tools/tasks/16-bugfix-cumsum-strided-input/setup.patch plants the
bug), and requires one sample that main's samples lack to give a wrong result
with the bug. See Note [Modelling the cumsum kernel].
"""

from __future__ import annotations

import importlib.util
import itertools
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import torch

ROOT = Path(__file__).resolve().parents[4]
TASK_ID = "16-bugfix-cumsum-strided-input"
SAMPLES_FILE = "test/opinfo/samples.py"
GRAIN_SIZE = 32768  # at::internal::GRAIN_SIZE

sys.path.insert(0, str(ROOT / "test"))
from opinfo.core import SampleInput  # type: ignore[import-not-found]  # noqa: E402
from opinfo.op_db import op_db  # type: ignore[import-not-found]  # noqa: E402

# Note [Modelling the cumsum kernel]
# cpu/CumsumKernel.cpp builds a TensorIterator over every dim but `dim` (out is
# a fresh contiguous tensor, so its innermost dim is the last one left, merged
# with the dims outside it wherever both operands are contiguous across them),
# and calls its loop once per row of that innermost dim with the row's length
# `count` and its byte strides. The loop takes the side-by-side path when it
# finds the scans' starts contiguous; there it reads scan j's elements at
# `start + k * in_stride + j` elements, trusting the input's stride to be one
# element. With the bug, only out's stride is checked. The model replays this
# in float64 over the input's storage (an element read past the storage is
# NaN: the kernel would read garbage). It covers inputs that run in one chunk
# (fewer than GRAIN_SIZE / n scans; a bigger one may be split over threads)
# and returns None for the others.


def _dims_left(x: torch.Tensor, dim: int) -> list[int]:
    return [d for d in range(x.dim()) if d != dim and x.size(d) > 1]


def _innermost(x: torch.Tensor, dims: list[int]) -> tuple[int, int, int, list[int]]:
    """(count, out's and the input's strides in elements, outer dims) of the inner loop."""
    out_strides = torch.empty(x.shape).stride()
    inner = dims[-1]
    count, so, si = x.size(inner), out_strides[inner], x.stride(inner)
    outer = dims[:-1]
    while outer and out_strides[outer[-1]] == count * so and x.stride(outer[-1]) == count * si:
        count *= x.size(outer.pop())
    return count, so, si, outer


def _rows(x: torch.Tensor, outer: list[int]) -> Iterator[tuple[tuple[int, ...], int]]:
    """(index of the row's first element in out's order, its input offset), for every row."""
    for index in itertools.product(*(range(x.size(d)) for d in outer)):
        yield index, sum(i * x.stride(d) for i, d in zip(index, outer, strict=True))


def _kernel_input(sample: SampleInput) -> tuple[torch.Tensor, int, torch.Tensor] | None:
    """(input as the stub gets it, dim, torch's result), or None when torch raises."""
    try:
        want = torch.cumsum(sample.input, *sample.args, **sample.kwargs)
    except RuntimeError:
        return None  # an error sample (torch has no bool cumsum): no result to compare
    x = sample.input.to(want.dtype)  # as cumsum_impl does: keeps a dense input's strides
    dim = sample.args[0] if sample.args else sample.kwargs["dim"]
    if x.dim() == 0:
        return x.unsqueeze(0), 0, want
    return x, dim % x.dim(), want


def model_cumsum(sample: SampleInput, planted: bool) -> torch.Tensor | None:
    """What the CPU kernel computes for `sample` (float64), with or without the bug."""
    prepared = _kernel_input(sample)
    if prepared is None:
        return None
    x, dim, want = prepared
    n, dims = x.size(dim), _dims_left(x, dim)
    if want.numel() == 0:
        return want.double()
    if want.numel() // n >= max(1, GRAIN_SIZE // n):
        return None  # TensorIterator may split it over threads
    flat = _storage(x)
    out = torch.full(x.shape, float("nan"), dtype=torch.float64)
    count, so, si, outer = _innermost(x, dims) if dims else (1, 1, 1, [])
    side_by_side = count > 1 and so == 1 and (planted or si == 1)
    step = 1 if side_by_side else si
    for index, start in _rows(x, outer):
        for j in range(count):
            reads = [start + k * x.stride(dim) + j * step for k in range(n)]
            values = [flat[r] if 0 <= r < len(flat) else float("nan") for r in reads]
            _write_scan(out, x, dims, outer, index, j, dim, values)
    return out.view(want.shape)


def _storage(x: torch.Tensor) -> list[float]:
    """The input's storage from its first element on, as float64 numbers."""
    size = x.untyped_storage().nbytes() // x.element_size() - x.storage_offset()
    return x.as_strided((size,), (1,), x.storage_offset()).double().tolist()


def _write_scan(
    out: torch.Tensor,
    x: torch.Tensor,
    dims: list[int],
    outer: list[int],
    index: tuple[int, ...],
    j: int,
    dim: int,
    values: list[float],
) -> None:
    """Store the running sums of `values` at scan `j` of the row at `index`."""
    position = [0] * x.dim()
    for i, d in zip(index, outer, strict=True):
        position[d] = i
    inner = [d for d in dims if d not in outer]
    for d in reversed(inner):  # j counts over the merged inner dims, last fastest
        position[d], j = j % x.size(d), j // x.size(d)
    total = 0.0
    for k, v in enumerate(values):
        total += v
        position[dim] = k
        out[tuple(position)] = total


def cumsum_samples(module: Any = None) -> Iterator[SampleInput]:
    """Every CPU cumsum sample of every dtype, from the current or an older samples.py."""
    op = next(o for o in op_db if o.name == "cumsum")
    for dtype in op.dtypes:
        if module is None:
            yield from op.sample_inputs("cpu", dtype)
        else:
            yield from module.sample_inputs_cumsum(op, "cpu", dtype)


def signature(s: SampleInput) -> tuple[Any, ...]:
    """What makes two samples the same case (values are random, so they are left out)."""
    x = s.input
    kwargs = tuple(sorted((k, str(v)) for k, v in s.kwargs.items()))
    return (x.dtype, tuple(x.shape), x.stride(), x.storage_offset(), s.args, kwargs)


def differs(got: torch.Tensor | None, sample: SampleInput) -> bool:
    want = torch.cumsum(sample.input.double(), *sample.args)
    return got is not None and not torch.allclose(got, want, rtol=1e-6, atol=1e-6, equal_nan=True)


def _base_samples_module() -> ModuleType:
    """test/opinfo/samples.py as the task's base has it (the setup commit, or main)."""
    from tools.common.git import git
    from tools.taskkit.gitrepo import MAIN, setup_commit

    base = setup_commit(ROOT, TASK_ID) or MAIN
    text = git(ROOT, "show", f"{base}:{SAMPLES_FILE}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "base_samples.py"
        path.write_text(text, encoding="utf-8")
        spec = importlib.util.spec_from_file_location("task16_base_samples", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


def new_samples() -> list[SampleInput]:
    """The cumsum samples the learner added: ones whose case the base's samples lack."""
    old = {signature(s) for s in cumsum_samples(_base_samples_module())}
    return [s for s in cumsum_samples() if signature(s) not in old]


ISSUE_INPUT = torch.arange(12.0).reshape(3, 4)[:, ::2]
ISSUE_WRONG = [[0.0, 1.0], [4.0, 6.0], [12.0, 15.0]]  # aten_mini.cumsum(x, 0) with the bug


def test_the_model_gives_the_wrong_numbers_of_the_issue() -> None:
    got = model_cumsum(SampleInput(ISSUE_INPUT, args=(0,)), planted=True)
    assert got is not None and got.tolist() == ISSUE_WRONG


@pytest.mark.parametrize("planted", [False, True], ids=["fixed", "planted"])
def test_the_model_matches_cumsum_where_the_bug_cannot_show(planted: bool) -> None:
    """Contiguous inputs never reach the bug; without it, no input does."""
    checked = 0
    for s in cumsum_samples():
        if planted and not s.input.is_contiguous():
            continue
        got = model_cumsum(s, planted)
        if got is not None:
            checked += 1
            assert not differs(got, s), f"the model is wrong on {s}"
    assert checked > 20


def test_a_new_sample_catches_the_bug() -> None:
    added = new_samples()
    assert added, (
        "sample_inputs_cumsum (test/opinfo/samples.py) has no new sample: add a regression "
        "sample for the input of the issue, so that this bug cannot come back unnoticed"
    )
    catching = [s for s in added if differs(model_cumsum(s, planted=True), s)]
    assert catching, (
        f"none of the {len(added)} new cumsum sample(s) would fail with the bug of the issue "
        f"(first: {added[0]}); the regression sample must be an input the buggy kernel gets wrong"
    )
