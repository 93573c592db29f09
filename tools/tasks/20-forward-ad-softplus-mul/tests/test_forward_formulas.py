"""Task 20: forward-mode AD (`result:` formulas) for softplus and mul.

Each tangent is compared with torch's own, computed by the same forward-mode
machinery on torch's ops (`torch.func.jvp`, dual tensors), and the formulas
with finite differences (`gradcheck(check_forward_ad=True)`). The mul cases
include a tangent on one input only and a broadcast, where a formula that
drops a term, or treats mul as linear, gives the wrong numbers.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import torch
import torch.autograd.forward_ad as fwAD
import torch.nn.functional as F

REFUSED = "Trying to use forward AD with"


def _aten_mini() -> Any:
    import aten_mini

    return aten_mini


@contextmanager
def _forward_ad(what: str) -> Iterator[None]:
    """Turn forward AD's refusal into a failure that says where the formula goes."""
    with warnings.catch_warnings():
        # The first dual tensor imports a module of torch's that warns (torch.jit.script).
        warnings.filterwarnings("ignore", "`torch.jit.script` is deprecated", FutureWarning)
        try:
            yield
        except NotImplementedError as e:
            if REFUSED not in str(e):
                raise
            pytest.fail(
                f"{what}: forward-mode AD is refused ({str(e).splitlines()[0]}): give the op's "
                "entry in tools/autograd/derivatives.yaml a `result:` formula "
                "(docs/autograd.md, section 4)"
            )


def _jvp(
    fn: Callable[..., torch.Tensor],
    primals: tuple[torch.Tensor, ...],
    tangents: tuple[torch.Tensor, ...],
    what: str,
) -> torch.Tensor:
    with _forward_ad(what):
        return torch.func.jvp(fn, primals, tangents)[1]  # type: ignore[no-any-return]


def _dual(primal: torch.Tensor, tangent: torch.Tensor) -> torch.Tensor:
    return fwAD.make_dual(primal, tangent)  # type: ignore[no-untyped-call,no-any-return]


def _tangent(t: torch.Tensor) -> torch.Tensor | None:
    return fwAD.unpack_dual(t).tangent  # type: ignore[no-untyped-call,no-any-return]


def _close(got: torch.Tensor, want: torch.Tensor, what: str) -> None:
    torch.testing.assert_close(
        got,
        want,
        equal_nan=True,
        msg=lambda m: f"{what}: the tangent differs from torch's\n{m}",
    )


def _randn(*shape: int, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    return torch.randn(shape, dtype=dtype)


# ---- softplus -------------------------------------------------------------

SOFTPLUS_ARGS = [(1.0, 20.0), (2.0, 20.0), (0.5, 3.0), (3.0, 1.0)]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("beta, threshold", SOFTPLUS_ARGS)
def test_softplus_jvp(beta: float, threshold: float, dtype: torch.dtype) -> None:
    # x * beta above the threshold takes softplus's linear branch (slope 1).
    am = _aten_mini()
    torch.manual_seed(0)
    x = torch.cat([_randn(40, dtype=dtype) * 4, torch.tensor([30.0, -30.0, 0.0], dtype=dtype)])
    t = _randn(43, dtype=dtype)
    got = _jvp(lambda x: am.softplus(x, beta, threshold), (x,), (t,), "softplus")
    want = _jvp(lambda x: F.softplus(x, beta, threshold), (x,), (t,), "torch softplus")
    _close(got, want, f"jvp(softplus(x, beta={beta}, threshold={threshold})) in {dtype}")


def test_softplus_gradcheck_forward() -> None:
    am = _aten_mini()
    x = _randn(5, 3).requires_grad_()
    with _forward_ad("softplus"):
        assert torch.autograd.gradcheck(
            lambda x: am.softplus(x, 2.0, 5.0), (x,), check_forward_ad=True
        )


def test_softplus_hessian() -> None:
    # Forward over reverse: the backward formula's ops are differentiated in forward mode.
    am = _aten_mini()
    x = _randn(6)
    with _forward_ad("softplus"):
        got = torch.func.hessian(lambda x: am.softplus(x, 2.0, 20.0).sum())(x)
    want = torch.func.hessian(lambda x: F.softplus(x, 2.0, 20.0).sum())(x)
    _close(got, want, "hessian(softplus(x).sum())")


# ---- mul ------------------------------------------------------------------


MUL_CASES = [
    ((3, 4), (3, 4), "same shape"),
    ((3, 4), (4,), "other broadcasts"),
    ((1, 4), (3, 1), "both broadcast"),
    ((3, 4), (), "0-dim other"),
]


@pytest.mark.parametrize("a, b, name", MUL_CASES, ids=[c[2] for c in MUL_CASES])
def test_mul_jvp_both_tangents(a: tuple[int, ...], b: tuple[int, ...], name: str) -> None:
    am = _aten_mini()
    torch.manual_seed(0)
    x, y, tx, ty = _randn(*a), _randn(*b), _randn(*a), _randn(*b)
    got = _jvp(am.mul, (x, y), (tx, ty), "mul")
    want = _jvp(torch.mul, (x, y), (tx, ty), "torch.mul")
    _close(got, want, f"jvp(mul) with tangents on both inputs ({name})")


@pytest.mark.parametrize("which", ["self", "other"])
def test_mul_tangent_on_one_input(which: str) -> None:
    # An input without a tangent contributes nothing, but its value still scales the other's.
    am = _aten_mini()
    torch.manual_seed(0)
    x, y, t = _randn(3, 4), _randn(3, 4), _randn(3, 4)
    with _forward_ad("mul"), fwAD.dual_level():
        dx = _dual(x, t) if which == "self" else x
        dy = _dual(y, t) if which == "other" else y
        got = _tangent(am.mul(dx, dy))
        want = _tangent(torch.mul(dx, dy))
    assert got is not None, f"mul with a tangent on `{which}` only returned no tangent"
    assert want is not None
    _close(got, want, f"mul with a tangent on `{which}` only")


def test_mul_gradcheck_forward() -> None:
    am = _aten_mini()
    x, y = _randn(3, 4).requires_grad_(), _randn(4).requires_grad_()
    with _forward_ad("mul"):
        assert torch.autograd.gradcheck(am.mul, (x, y), check_forward_ad=True)


def test_mul_inplace_updates_the_tangent_of_self() -> None:
    # mul_ reuses mul's formula; the tangent of self is written in place.
    am = _aten_mini()
    torch.manual_seed(0)
    x, y, tx, ty = _randn(3, 4), _randn(3, 4), _randn(3, 4), _randn(3, 4)
    with _forward_ad("mul_"), fwAD.dual_level():
        ours = _dual(x.clone(), tx.clone())
        am.mul_(ours, _dual(y, ty))
        theirs = _dual(x.clone(), tx.clone())
        theirs.mul_(_dual(y, ty))
        got, want = _tangent(ours), _tangent(theirs)
    assert got is not None, "mul_ of two dual tensors left self without a tangent"
    assert want is not None
    _close(got, want, "mul_ of two dual tensors: the tangent of self")


def test_silu_jvp_through_its_decomposition() -> None:
    # silu is CompositeImplicitAutograd (mul(x, sigmoid(x))): its tangent comes from mul's.
    am = _aten_mini()
    torch.manual_seed(0)
    x, t = _randn(20), _randn(20)
    got = _jvp(am.silu, (x,), (t,), "silu")
    want = _jvp(F.silu, (x,), (t,), "torch silu")
    _close(got, want, "jvp(silu)")


def test_jacfwd_of_a_small_program() -> None:
    am = _aten_mini()
    torch.manual_seed(0)
    x, w = _randn(5), _randn(5)

    def ours(x: torch.Tensor) -> torch.Tensor:
        return am.softplus(am.mul(x, w), 1.0, 20.0)  # type: ignore[no-any-return]

    def theirs(x: torch.Tensor) -> torch.Tensor:
        return F.softplus(x * w)

    with _forward_ad("softplus(mul(x, w))"):
        got = torch.func.jacfwd(ours)(x)
    _close(got, torch.func.jacfwd(theirs)(x), "jacfwd(softplus(mul(x, w)))")
