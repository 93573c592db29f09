"""Task 23: the backward of an in-place op must not read the `self` it overwrote.

mul_'s gradient for `other` is `grad * self`, where `self` is the value
*before* the op: the Autograd kernel must keep that value, since the op
overwrites `self`. Each test compares with torch's own `mul_`. The last two
make sure the fix keeps autograd's safety net: a saved tensor that the user
modifies afterwards must still be refused, by its version counter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import torch

STALE = "modified by an inplace operation"


def _aten_mini() -> Any:
    import aten_mini

    return aten_mini


def _grads(
    fn: Callable[..., torch.Tensor], *inputs: torch.Tensor, what: str
) -> tuple[torch.Tensor, ...]:
    leaves = [t.detach().clone().requires_grad_() for t in inputs]
    out = fn(*leaves)
    g = torch.linspace(-1.0, 2.0, out.numel(), dtype=out.dtype).reshape(out.shape)
    try:
        return torch.autograd.grad(out, leaves, g)
    except RuntimeError as e:
        if STALE not in str(e):
            raise
        pytest.fail(
            f"{what}: backward refuses a saved tensor as {STALE}, although the program changes "
            f"nothing after the op:\n  {str(e).splitlines()[0]}\nWhich tensor did the node "
            "save, and what did the op do to it right after?"
        )


def _compare(
    ours: Callable[..., torch.Tensor],
    theirs: Callable[..., torch.Tensor],
    *inputs: torch.Tensor,
    what: str,
) -> None:
    got = _grads(ours, *inputs, what=what)
    want = _grads(theirs, *inputs, what=f"torch: {what}")
    for i, (a, b) in enumerate(zip(got, want, strict=True)):
        torch.testing.assert_close(a, b, msg=_explain(f"{what}: the gradient of input {i}"))


def _explain(what: str) -> Callable[[str], str]:
    def message(m: str) -> str:
        return f"{what} differs from torch's\n{m}"

    return message


def _xy() -> tuple[torch.Tensor, torch.Tensor]:
    torch.manual_seed(0)
    return torch.randn(3, 4, dtype=torch.float64), torch.randn(3, 4, dtype=torch.float64)


def test_mul_inplace_on_a_copy() -> None:
    am = _aten_mini()
    x, y = _xy()
    _compare(
        lambda a, b: am.mul_(a.clone(), b),
        lambda a, b: a.clone().mul_(b),
        x,
        y,
        what="mul_(x.clone(), y)",
    )


def test_mul_inplace_twice() -> None:
    # The second mul_ overwrites what the first one's node needs, unless it kept a copy.
    am = _aten_mini()
    x, y = _xy()

    def ours(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        t = am.mul(a, 2.0 * torch.ones_like(a))
        am.mul_(t, b)
        return am.mul_(t, b)  # type: ignore[no-any-return]

    def theirs(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        t = a * 2.0
        t.mul_(b)
        return t.mul_(b)

    _compare(ours, theirs, x, y, what="t = x * 2; t.mul_(y); t.mul_(y)")


def test_mul_inplace_on_a_view() -> None:
    am = _aten_mini()
    x, y = _xy()

    def ours(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        t = a.clone()
        am.mul_(t[1:], b[1:])
        return t

    def theirs(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        t = a.clone()
        t[1:].mul_(b[1:])
        return t

    _compare(ours, theirs, x, y, what="mul_ on a view (t[1:].mul_(y[1:]))")


def test_mul_inplace_broadcast_other() -> None:
    am = _aten_mini()
    x, _ = _xy()
    row = torch.randn(4, dtype=torch.float64)
    _compare(
        lambda a, b: am.mul_(a.clone(), b),
        lambda a, b: a.clone().mul_(b),
        x,
        row,
        what="mul_(x.clone(), row) (other broadcasts)",
    )


def test_double_backward_through_mul_inplace() -> None:
    am = _aten_mini()
    x, y = _xy()
    a, b = x.clone().requires_grad_(), y.clone().requires_grad_()
    try:
        ok = torch.autograd.gradgradcheck(lambda a, b: am.mul_(a.clone(), b), (a, b))
    except RuntimeError as e:
        if STALE not in str(e):
            raise
        pytest.fail(f"gradgradcheck through mul_ refuses a saved tensor: {str(e).splitlines()[0]}")
    assert ok


def test_a_later_change_of_a_saved_input_is_still_refused() -> None:
    # mul_'s gradient for `self` is grad * other: `other` is saved as it is.
    # Changing it after the op must still be an error, as in torch.
    am = _aten_mini()
    x, y = _xy()
    a = x.clone().requires_grad_()
    other = y.clone()
    out = am.mul_(a.clone(), other)
    am.add_(other, torch.ones_like(other))
    with pytest.raises(RuntimeError, match=STALE):
        out.sum().backward()


def test_a_later_change_of_the_result_is_still_refused() -> None:
    # relu_'s gradient is computed from its result (self after the op):
    # changing that afterwards must still be refused.
    am = _aten_mini()
    x, _ = _xy()
    a = x.clone().requires_grad_()
    t = a.clone()
    am.relu_(t)
    out = am.mul(t, torch.ones_like(t))
    am.add_(t, torch.ones_like(t))
    with pytest.raises(RuntimeError, match=STALE):
        out.sum().backward()
