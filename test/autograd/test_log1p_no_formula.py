"""log1p has no derivative formula in main yet: backward and forward AD say so, by name.

This test documents main's state, not a wanted behaviour. tools/autograd/
derivatives.yaml marks log1p `not_implemented("log1p")`: the forward records a
node, and `.backward()` through it raises torch's NotImplementedError naming
the op. Writing the formula is practice task 13, whose solution makes this
test fail: that solution deletes this file (and replaces it with gradcheck,
which test/ops/test_autograd_ops.py runs once the OpInfo skip is removed).
"""

from __future__ import annotations

import pytest
import torch

pytestmark = pytest.mark.needs_build


def test_log1p_backward_names_the_missing_derivative() -> None:
    import aten_mini

    x = torch.rand(4, dtype=torch.float64, requires_grad=True)
    y = aten_mini.log1p(x)
    assert y.requires_grad, "log1p's forward should record a node even without a formula"
    with pytest.raises(
        NotImplementedError, match="the derivative for 'log1p' is not implemented in aten-mini"
    ):
        y.sum().backward()


def test_log1p_forward_ad_names_the_missing_formula() -> None:
    import aten_mini

    # PyTorch's error for an op without a forward formula: never a dropped tangent.
    message = "Trying to use forward AD with log1p that does not support it"
    x, t = torch.rand(4, dtype=torch.float64), torch.rand(4, dtype=torch.float64)
    with pytest.raises(NotImplementedError, match=message):
        torch.func.jvp(aten_mini.log1p, (x,), (t,))
    fwad = torch.autograd.forward_ad
    with fwad.dual_level(), pytest.raises(NotImplementedError, match=message):
        aten_mini.log1p(fwad.make_dual(x, t))
