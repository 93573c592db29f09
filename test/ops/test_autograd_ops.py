"""The generic autograd tests: every OpInfo with supports_autograd, in float64.

Test ids read `test_gradcheck[<op>-<device>-float64]`. gradcheck compares the
backward (generated from tools/autograd/derivatives.yaml, or recorded through
a composite op's decomposition) with finite differences; gradgradcheck does
the same for the backward of the backward. The checks live in
test/opinfo/checks.py; test/framework/test_planted_autograd.py proves they
catch a wrong formula. See Note [Gradcheck samples] there for what they run on.
"""

from __future__ import annotations

import pytest
import torch
from opinfo import checks
from opinfo.core import OpInfo
from opinfo.params import op_params

pytestmark = pytest.mark.needs_build


def grad_params(test: str, *flags: str) -> list[object]:
    """float64 parameters of the ops that have every one of `flags`."""
    return op_params(test, dtypes=torch.float64, only=lambda op: all(getattr(op, f) for f in flags))


@pytest.mark.parametrize("op, device, dtype", grad_params("test_gradcheck", "supports_autograd"))
def test_gradcheck(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    checks.check_gradcheck(op, device, dtype)


@pytest.mark.parametrize(
    "op, device, dtype", grad_params("test_gradgradcheck", "supports_gradgrad")
)
def test_gradgradcheck(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    checks.check_gradgradcheck(op, device, dtype)


@pytest.mark.parametrize(
    "op, device, dtype",
    grad_params("test_inplace_grad", "supports_autograd", "supports_inplace"),
)
def test_inplace_grad(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    checks.check_inplace_grad(op, device, dtype)


@pytest.mark.parametrize(
    "op, device, dtype",
    grad_params("test_out_requires_grad", "supports_autograd", "supports_out"),
)
def test_out_requires_grad(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    checks.check_out_requires_grad(op, device, dtype)


# Forward-mode AD: see Note [Forward AD checks] in test/opinfo/checks.py.


@pytest.mark.parametrize("op, device, dtype", grad_params("test_forward_ad", "supports_forward_ad"))
def test_forward_ad(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    checks.check_forward_ad(op, device, dtype)


@pytest.mark.parametrize("op, device, dtype", grad_params("test_jacfwd", "supports_forward_ad"))
def test_jacfwd(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    checks.check_jacfwd(op, device, dtype)


@pytest.mark.parametrize(
    "op, device, dtype", grad_params("test_fwd_over_rev", "supports_fwgrad_bwgrad")
)
def test_fwd_over_rev(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    checks.check_fwd_over_rev(op, device, dtype)


@pytest.mark.parametrize(
    "op, device, dtype",
    grad_params("test_inplace_forward_ad", "supports_forward_ad", "supports_inplace"),
)
def test_inplace_forward_ad(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    checks.check_inplace_forward_ad(op, device, dtype)


@pytest.mark.parametrize(
    "op, device, dtype", grad_params("test_out_forward_ad", "supports_autograd", "supports_out")
)
def test_out_forward_ad(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    checks.check_out_forward_ad(op, device, dtype)


@pytest.mark.parametrize(
    "op, device, dtype",
    op_params(
        "test_forward_ad_refused",
        dtypes=torch.float64,
        only=lambda op: op.supports_autograd and not op.supports_forward_ad,
    ),
)
def test_forward_ad_refused(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    checks.check_forward_ad_refused(op, device, dtype)
