"""The generic autograd tests: every OpInfo with supports_autograd, in float64.

Test ids read `test_gradcheck[<op>-<device>-float64]`. gradcheck compares the
backward (generated from tools/autograd/derivatives.yaml, or recorded through
a composite op's decomposition) with finite differences; gradgradcheck does
the same for the backward of the backward. The checks live in
test/opinfo/checks.py; test/framework/test_planted_autograd.py proves they
catch a wrong formula. See Note [Gradcheck samples] there for what they run on.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from opinfo import checks
from opinfo.core import OpInfo
from opinfo.params import op_params

pytestmark = pytest.mark.needs_build


def grad_params(test: str, *flags: str) -> list[object]:
    """float64 parameters of the ops that have every one of `flags`."""
    return op_params(test, dtypes=torch.float64, only=lambda op: all(getattr(op, f) for f in flags))


Check = Callable[[OpInfo, str, torch.dtype], None]


def generic_test(name: str, check: Check, *flags: str) -> Callable[..., None]:
    """The test `name`: `check` on every float64 OpInfo that has all of `flags`.

    One line per test below instead of one function each; the test ids stay
    `<name>[<op>-<device>-float64]`, which DecorateInfo entries refer to.
    """

    @pytest.mark.parametrize("op, device, dtype", grad_params(name, *flags))
    def test(op: OpInfo, device: str, dtype: torch.dtype) -> None:
        check(op, device, dtype)

    test.__name__ = test.__qualname__ = name
    return test


test_gradcheck = generic_test("test_gradcheck", checks.check_gradcheck, "supports_autograd")
test_gradgradcheck = generic_test(
    "test_gradgradcheck", checks.check_gradgradcheck, "supports_gradgrad"
)
test_inplace_grad = generic_test(
    "test_inplace_grad", checks.check_inplace_grad, "supports_autograd", "supports_inplace"
)
test_out_requires_grad = generic_test(
    "test_out_requires_grad", checks.check_out_requires_grad, "supports_autograd", "supports_out"
)

# Forward-mode AD: see Note [Forward AD checks] in test/opinfo/checks.py.

test_forward_ad = generic_test("test_forward_ad", checks.check_forward_ad, "supports_forward_ad")
test_jacfwd = generic_test("test_jacfwd", checks.check_jacfwd, "supports_forward_ad")
test_fwd_over_rev = generic_test(
    "test_fwd_over_rev", checks.check_fwd_over_rev, "supports_fwgrad_bwgrad"
)
test_inplace_forward_ad = generic_test(
    "test_inplace_forward_ad",
    checks.check_inplace_forward_ad,
    "supports_forward_ad",
    "supports_inplace",
)
test_out_forward_ad = generic_test(
    "test_out_forward_ad", checks.check_out_forward_ad, "supports_autograd", "supports_out"
)


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
