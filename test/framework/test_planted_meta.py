"""Tests of the test framework: a Meta kernel that computes the wrong shape.

The planted op has a correct CPU kernel and a Meta kernel (registered for the
Meta key, as the generated structured Meta wrapper is) whose meta() drops the
first dimension. test_meta (checks.check_meta, Note [The meta check]) must
fail on it naming the shape, and pass on a correct twin. No build needed.
"""

from __future__ import annotations

import pytest
import torch
from opinfo import checks
from opinfo.core import UnaryOpInfo
from planted_testutil import packet_info
from torch import Tensor

NS = "kit_planted_meta"
_LIB = torch.library.Library(NS, "FRAGMENT")
for name in ("sigmoid_meta_drops_dim", "sigmoid_meta_good", "sigmoid_meta_raises"):
    _LIB.define(f"{name}(Tensor self) -> Tensor")
    _LIB.impl(name, lambda self: torch.sigmoid(self), "CPU")


def _meta_drops_dim(self: Tensor) -> Tensor:
    shape = self.shape[1:] if self.dim() > 0 else self.shape  # the bug
    return torch.empty(shape, dtype=self.dtype, device="meta")


def _meta_raises(self: Tensor) -> Tensor:
    raise RuntimeError("Cannot call sizes() on tensor with symbolic sizes/strides")


_LIB.impl("sigmoid_meta_drops_dim", _meta_drops_dim, "Meta")
_LIB.impl("sigmoid_meta_good", lambda self: torch.empty_like(self, device="meta"), "Meta")
_LIB.impl("sigmoid_meta_raises", _meta_raises, "Meta")


def unary(name: str) -> UnaryOpInfo:
    packet = getattr(torch.ops.kit_planted_meta, name)
    return packet_info(name, packet, dtypes=(torch.float32,), supports_inplace=False)


def failure(op: UnaryOpInfo) -> str:
    with pytest.raises(checks.CheckFailure) as info:
        checks.check_meta(op, "cpu", torch.float32)
    return str(info.value)


def test_meta_catches_a_wrong_shape() -> None:
    message = failure(unary("sigmoid_meta_drops_dim"))
    assert "the Meta kernel disagrees with the real one" in message
    assert "the Meta kernel gives shape torch.Size([" in message
    assert "the real one torch.Size([" in message
    checks.check_meta(unary("sigmoid_meta_good"), "cpu", torch.float32)


def test_meta_catches_a_meta_kernel_that_raises() -> None:
    message = failure(unary("sigmoid_meta_raises"))
    assert "the Meta kernel raises RuntimeError: Cannot call sizes()" in message
    assert "but the real kernel runs" in message
