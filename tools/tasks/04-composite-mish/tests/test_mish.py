"""Task 04: aten_mini.mish, a CompositeImplicitAutograd op (needs the build)."""

from __future__ import annotations

from types import ModuleType

import torch
import torch.nn.functional as F


def _aten_mini() -> ModuleType:
    import aten_mini

    assert hasattr(aten_mini, "mish"), (
        "aten_mini.mish does not exist: declare mish in native_functions.yaml, then `./kit build`"
    )
    return aten_mini


def test_matches_torch() -> None:
    x = torch.linspace(-25.0, 25.0, 101)
    torch.testing.assert_close(_aten_mini().mish(x), F.mish(x))


def test_is_a_composite_with_no_kernel_of_its_own() -> None:
    _aten_mini()
    dump = torch._C._dispatch_dump("aten_mini::mish")
    assert "CompositeImplicitAutograd[alias]" in dump, dump
    assert "\nCPU:" not in dump, f"mish should not have a CPU kernel:\n{dump}"


def test_gradient() -> None:
    x = torch.randn(8, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(_aten_mini().mish, (x,))
