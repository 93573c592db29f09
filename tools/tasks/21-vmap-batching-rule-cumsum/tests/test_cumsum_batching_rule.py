"""Task 21: cumsum and cumsum_ have a batching rule, not functorch's fallback loop.

Every check compares `torch.vmap` with its definition, a Python loop over the
examples (`torch.stack` of one call per example), with functorch's fallback
warning turned into an error: a missing rule fails loudly, never slowly. The
profile test makes sure the rule is a rule: one call of the op for the whole
batch, where the fallback (or a rule that loops) makes one call per example.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import torch
from torch.profiler import ProfilerActivity, profile

FALLBACK = "There is a performance drop because we have not yet implemented the batching rule"
B = 3  # examples per batch


def _aten_mini() -> Any:
    import aten_mini

    return aten_mini


@contextmanager
def no_fallback() -> Iterator[None]:
    """functorch's "performance drop" warning as an error, as test/ops/test_vmap.py does."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=FALLBACK)
        yield


def _vmap(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with no_fallback():
        try:
            return torch.vmap(fn, **kwargs)(*args)
        except UserWarning as w:
            pytest.fail(
                f"torch.vmap fell back to a loop: {str(w).split('. ')[0]}. cumsum needs a "
                "batching rule (python/aten_mini/_batching.py; `aten_mini._batching.UNDERIVED` "
                "says why it has none)"
            )


def _loop(fn: Callable[..., Any], x: torch.Tensor, in_dim: int) -> torch.Tensor:
    return torch.stack([fn(x.select(in_dim, b)) for b in range(x.size(in_dim))])


def _close(got: torch.Tensor, want: torch.Tensor, what: str) -> None:
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype}, the loop gives {want.dtype}"
    torch.testing.assert_close(
        got, want, msg=lambda m: f"{what}: torch.vmap differs from a loop over the examples\n{m}"
    )


def test_both_overloads_have_a_rule() -> None:
    _batching = importlib.import_module("aten_mini._batching")
    for name in ("aten_mini::cumsum", "aten_mini::cumsum_"):
        assert name not in _batching.UNDERIVED, (
            f"{name} has no batching rule: _batching.UNDERIVED says '{_batching.UNDERIVED[name]}'"
        )
        assert torch._C._dispatch_has_kernel_for_dispatch_key(name, "FuncTorchBatched"), (
            f"{name} has no kernel for the FuncTorchBatched key: register its rule with "
            "torch.library.register_vmap"
        )
    assert _batching.UNDERIVED == {}, f"overloads without a rule: {_batching.UNDERIVED}"


# (example shape, batch dim of the input, cumsum's dim, keyword arguments)
CASES = [
    ((4, 5), 0, 0, {}),
    ((4, 5), 0, 1, {}),
    ((4, 5), 0, -1, {}),
    ((4, 5), 2, 0, {}),  # batch dim last
    ((4, 5), 1, -2, {}),  # batch dim in the middle
    ((2, 3, 4), 3, 1, {}),
    ((4, 5), 0, 1, {"dtype": torch.float64}),
    ((7,), 0, 0, {}),
    ((), 0, 0, {}),  # each example is 0-dim
    ((), 0, -1, {}),
    ((0, 3), 1, 0, {}),  # empty examples
]


@pytest.mark.parametrize(
    "shape, in_dim, dim, kwargs",
    CASES,
    ids=[f"{list(s)}-in{i}-dim{d}{'-dtype' if k else ''}" for s, i, d, k in CASES],
)
def test_matches_the_loop(
    shape: tuple[int, ...], in_dim: int, dim: int, kwargs: dict[str, Any]
) -> None:
    cumsum = _aten_mini().cumsum
    torch.manual_seed(0)
    x = torch.randn((B, *shape)).movedim(0, in_dim)
    fn = lambda t: cumsum(t, dim, **kwargs)  # noqa: E731
    got = _vmap(fn, x, in_dims=in_dim)
    _close(got, _loop(fn, x, in_dim), f"vmap(cumsum(x, {dim}, {kwargs}), in_dims={in_dim})")


def test_integers_accumulate_in_int64() -> None:
    cumsum = _aten_mini().cumsum
    x = torch.arange(B * 4, dtype=torch.int32).reshape(B, 4)
    got = _vmap(lambda t: cumsum(t, 0), x)
    _close(got, _loop(lambda t: cumsum(t, 0), x, 0), "vmap of cumsum on int32")


def test_dim_out_of_range_is_one_examples_error() -> None:
    # The error names the logical dims (one example's), not the batched tensor's.
    cumsum = _aten_mini().cumsum
    x = torch.randn(B, 4, 5)
    with pytest.raises(IndexError, match=r"expected to be in range of \[-2, 1\], but got 2"):
        _vmap(lambda t: cumsum(t, 2), x)
    with pytest.raises(IndexError, match=r"expected to be in range of \[-2, 1\], but got -3"):
        _vmap(lambda t: cumsum(t, -3), x)


def test_with_an_unbatched_argument() -> None:
    # in_dims=None: x is the same for every example, only y is batched.
    am = _aten_mini()
    torch.manual_seed(0)
    x, ys = torch.randn(4, 5), torch.randn(B, 4, 5)

    def fn(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return am.cumsum(am.mul(x, y), 1)  # type: ignore[no-any-return]

    got = _vmap(fn, x, ys, in_dims=(None, 0))
    want = torch.stack([fn(x, ys[b]) for b in range(B)])
    _close(got, want, "vmap(cumsum(x * y, 1), in_dims=(None, 0))")


def test_nested_vmap() -> None:
    cumsum = _aten_mini().cumsum
    torch.manual_seed(0)
    x = torch.randn(B, 4, 2, 5)  # outer batch at 0, inner batch at 1 of each example

    def inner(t: torch.Tensor) -> torch.Tensor:
        return cumsum(t, -1)  # type: ignore[no-any-return]

    got = _vmap(lambda u: torch.vmap(inner, in_dims=1)(u), x)
    want = torch.stack([torch.stack([inner(x[i, :, j]) for j in range(2)]) for i in range(B)])
    _close(got, want, "vmap(vmap(cumsum(t, -1), in_dims=1))")


def test_inplace_writes_the_loops_values_into_self() -> None:
    cumsum_ = _aten_mini().cumsum_
    torch.manual_seed(0)
    x = torch.randn(4, B, 5)
    want = torch.stack([x[:, b].cumsum(1) for b in range(B)], dim=1)
    batched = x.clone()
    got = _vmap(lambda t: cumsum_(t, 1), batched, in_dims=1, out_dims=1)
    _close(batched, want, "vmap(cumsum_(t, 1), in_dims=1): self after the call")
    _close(got, want, "vmap(cumsum_(t, 1), in_dims=1): the result")


def test_jacfwd_runs_without_the_fallback() -> None:
    # jacfwd pushes a batch of tangents through vmap: the rule is used there too.
    cumsum = _aten_mini().cumsum
    x = torch.randn(6, dtype=torch.float64)
    with no_fallback():
        # The first dual tensor imports a module of torch's that warns (torch.jit.script).
        warnings.filterwarnings("ignore", "`torch.jit.script` is deprecated", FutureWarning)
        got = torch.func.jacfwd(lambda t: cumsum(t, 0))(x)
    _close(got, torch.tril(torch.ones(6, 6, dtype=torch.float64)), "jacfwd(cumsum)")


def test_one_call_for_the_whole_batch() -> None:
    # The fallback calls the op once per example; a rule calls it once, on the
    # batched tensor (the profile also lists the call vmap itself made).
    cumsum = _aten_mini().cumsum
    x = torch.randn(8, 4, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with profile(activities=[ProfilerActivity.CPU]) as prof:
            torch.vmap(lambda t: cumsum(t, 1))(x)
    calls = sum(e.count for e in prof.key_averages() if e.key == "aten_mini::cumsum")
    assert calls <= 2, (
        f"a vmap of cumsum over a batch of 8 called aten_mini::cumsum {calls} times: the rule "
        "must call the op once on the whole batch (shift `dim` past the batch dim), not once "
        "per example"
    )
