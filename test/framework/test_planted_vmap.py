"""Planted batching-rule bugs that the generic vmap checks must catch.

Each planted op is a torch.library custom op (cumsum or add) with a vmap rule
registered by `torch.library.register_vmap`, wrong in one way, beside a twin
whose rule is right: the dim not shifted past the batch dim, batch dims not
lined up before broadcasting, a batched 0-dim tensor that changes type
promotion, and no rule at all (functorch's loop fallback,
which warns "There is a performance drop"). check_vmap must fail on the first
ones with a message naming what broke and pass on the twin. See Note [vmap
checks] in test/opinfo/checks.py. No build needed.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
import torch
from opinfo import checks
from opinfo.core import BinaryOpInfo, OpInfo, SampleInput
from opinfo.samples import sample_inputs_binary, sample_inputs_cumsum
from torch import Tensor

NS = "kit_planted_vmap"


def _cumsum(self: Tensor, dim: int) -> Tensor:
    return torch.cumsum(self, dim)


cumsum_good = torch.library.custom_op(f"{NS}::cumsum_good", _cumsum, mutates_args=())
cumsum_unshifted = torch.library.custom_op(f"{NS}::cumsum_unshifted", _cumsum, mutates_args=())
cumsum_no_rule = torch.library.custom_op(f"{NS}::cumsum_no_rule", _cumsum, mutates_args=())


def _logical_dim(dim: int, rank: int) -> int:
    n = max(rank, 1)
    return dim + n if dim < 0 else dim


@torch.library.register_vmap(f"{NS}::cumsum_good")
def _cumsum_good_rule(info: Any, in_dims: tuple[Any, ...], x: Tensor, dim: int) -> Any:
    x = x.movedim(in_dims[0], 0)
    rank = x.dim() - 1
    if rank == 0:
        return torch.cumsum(x.unsqueeze(1), 1).squeeze(1), 0
    return torch.cumsum(x, _logical_dim(dim, rank) + 1), 0


@torch.library.register_vmap(f"{NS}::cumsum_unshifted")
def _cumsum_unshifted_rule(info: Any, in_dims: tuple[Any, ...], x: Tensor, dim: int) -> Any:
    x = x.movedim(in_dims[0], 0)
    if x.dim() == 1:
        return x, 0
    return torch.cumsum(x, dim), 0  # the bug: `dim` names a logical dim; the batch dim is 0


def _add(self: Tensor, other: Tensor) -> Tensor:
    return torch.add(self, other)


add_good = torch.library.custom_op(f"{NS}::add_good", _add, mutates_args=())
add_unaligned = torch.library.custom_op(f"{NS}::add_unaligned", _add, mutates_args=())


def _front(t: Tensor, bdim: int | None, rank: int) -> Tensor:
    """The batch dim first, then size-1 dims up to `rank` logical dims."""
    if bdim is None:
        return t
    t = t.movedim(bdim, 0)
    return t[(slice(None),) + (None,) * (rank - (t.dim() - 1))]


add_promotes_batched_0dim = torch.library.custom_op(
    f"{NS}::add_promotes_batched_0dim", _add, mutates_args=()
)


def _logical(t: Tensor, bdim: int | None) -> Tensor:
    return t if bdim is None else t.select(bdim, 0)


def _aligned_add(a: Tensor, b: Tensor, in_dims: tuple[Any, ...], cast: bool) -> Any:
    ranks = [t.dim() - (d is not None) for t, d in zip((a, b), in_dims, strict=True)]
    if cast:  # a batched 0-dim operand is a number to type promotion, as unbatched
        want = torch.result_type(_logical(a, in_dims[0]), _logical(b, in_dims[1]))
        a, b = (
            t.to(want) if d is not None and r == 0 else t
            for t, d, r in zip((a, b), in_dims, ranks, strict=True)
        )
    rank = max(ranks)
    return torch.add(_front(a, in_dims[0], rank), _front(b, in_dims[1], rank)), 0


@torch.library.register_vmap(f"{NS}::add_good")
def _add_good_rule(info: Any, in_dims: tuple[Any, ...], a: Tensor, b: Tensor) -> Any:
    return _aligned_add(a, b, in_dims, cast=True)


@torch.library.register_vmap(f"{NS}::add_promotes_batched_0dim")
def _add_promotes_rule(info: Any, in_dims: tuple[Any, ...], a: Tensor, b: Tensor) -> Any:
    # The bug: a batched 0-dim tensor is physically (B,), a dimensioned tensor,
    # so float32 (4, 7) + a batch of float64 0-dim tensors becomes float64.
    return _aligned_add(a, b, in_dims, cast=False)


@torch.library.register_vmap(f"{NS}::add_unaligned")
def _add_unaligned_rule(info: Any, in_dims: tuple[Any, ...], a: Tensor, b: Tensor) -> Any:
    # The bug: the batch dims go first, but a lower-rank batched operand is not
    # padded after it, so broadcasting lines its batch dim up with a logical dim.
    a = a if in_dims[0] is None else a.movedim(in_dims[0], 0)
    b = b if in_dims[1] is None else b.movedim(in_dims[1], 0)
    return torch.add(a, b), 0


def cumsum_info(name: str, op: Any) -> OpInfo:
    return OpInfo(
        name,
        op=op,
        ref=torch.cumsum,
        sample_inputs_func=sample_inputs_cumsum,
        dtypes=(torch.float32,),
        supports_out=False,
        namespace=NS,
    )


def add_info(name: str, op: Any) -> OpInfo:
    return BinaryOpInfo(
        name,
        op=op,
        ref=torch.add,
        sample_inputs_func=sample_inputs_binary,
        dtypes=(torch.float32,),
        supports_out=False,
        supports_inplace=False,
        namespace=NS,
    )


def test_vmap_passes_right_rules() -> None:
    checks.check_vmap(cumsum_info("cumsum_good", cumsum_good), "cpu", torch.float32)
    checks.check_vmap(add_info("add_good", add_good), "cpu", torch.float32)


def test_vmap_catches_a_dim_not_shifted() -> None:
    op = cumsum_info("cumsum_unshifted", cumsum_unshifted)
    with pytest.raises(checks.CheckFailure) as info:
        checks.check_vmap(op, "cpu", torch.float32)
    text = str(info.value)
    assert "OpInfo('cumsum_unshifted') on cpu with float32: torch.vmap is wrong" in text
    assert "'dim 0'" in text and "differs from a loop over the examples" in text
    assert "Note [Batching rules from the schema]" in text


def test_vmap_catches_unaligned_broadcasting() -> None:
    op = add_info("add_unaligned", add_unaligned)
    with pytest.raises(checks.CheckFailure) as info:
        checks.check_vmap(op, "cpu", torch.float32)
    text = str(info.value)
    assert "'broadcast rank'" in text, text
    assert "'same shape'" not in text  # equal ranks need no alignment: those pass


def test_vmap_catches_the_fallback() -> None:
    """No rule: functorch's loop gives right values, but its warning fails the check."""
    op = cumsum_info("cumsum_no_rule", cumsum_no_rule)
    with pytest.raises(checks.CheckFailure) as info:
        checks.check_vmap(op, "cpu", torch.float32)
    assert "There is a performance drop because we have not yet implemented" in str(info.value)


def test_vmap_catches_promotion_of_a_batched_0dim_tensor() -> None:
    op = add_info("add_promotes_batched_0dim", add_promotes_batched_0dim)
    with pytest.raises(checks.CheckFailure) as info:
        checks.check_vmap(op, "cpu", torch.float32)
    text = str(info.value)
    assert "'promote 0-dim float64'" in text, text
    assert "dtype is torch.float64 but the reference gives torch.float32" in text


def _warns_like_the_fallback(x: Tensor) -> Tensor:
    message = checks.VMAP_FALLBACK_WARNING + " the batching rule for planted"
    warnings.warn(message, UserWarning, stacklevel=2)
    return torch.sin(x)


def test_jacfwd_fails_on_the_fallback_warning() -> None:
    """jacfwd runs the op under vmap: the fallback's warning is an error there too."""
    op = OpInfo("sin", op=_warns_like_the_fallback, ref=torch.sin, sample_inputs_func=lambda *a: [])
    sample = SampleInput(torch.randn(3, dtype=torch.float64))
    problem = checks.jacobian_problem(op, sample, checks.jacfwd)
    assert problem is not None and "UserWarning: There is a performance drop" in problem, problem
