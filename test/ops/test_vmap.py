"""torch.vmap over every OpInfo: batching rules, not functorch's loop fallback.

Test ids read `test_vmap[<op>-<device>-<dtype>]`. Each check compares vmap with
a Python loop over the examples and with torch.vmap of the torch reference,
with in_dims None for some inputs, the batch dim not at 0 and nested vmap; the
"performance drop" warning of functorch's fallback fails the test. See
Note [vmap checks] in test/opinfo/checks.py and Note [Batching rules from the
schema] in python/aten_mini/_batching.py.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
from opinfo import checks
from opinfo.core import OpInfo
from opinfo.params import op_params

pytestmark = pytest.mark.needs_build


@pytest.mark.parametrize("op, device, dtype", op_params("test_vmap"))
def test_vmap(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    checks.check_vmap(op, device, dtype)


@pytest.mark.parametrize(
    "op, device, dtype", op_params("test_vmap_inplace", only=lambda op: op.supports_inplace)
)
def test_vmap_inplace(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    checks.check_vmap_inplace(op, device, dtype)


@pytest.mark.parametrize(
    "op, device, dtype",
    op_params("test_vmap_out", dtypes="one", only=lambda op: op.supports_out),
)
def test_vmap_out(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    checks.check_vmap_out(op, device, dtype)


def test_every_overload_has_a_rule() -> None:
    """Every aten_mini overload gets a derived rule, except out= (refused, as upstream)."""
    from aten_mini import _batching

    assert _batching.UNDERIVED == {}, f"no batching rule could be derived: {_batching.UNDERIVED}"
    names = {
        n for n in torch._C._dispatch_get_all_op_names() if n.startswith(_batching.NAMESPACE + "::")
    }
    assert names == set(_batching.KINDS) | set(_batching.OUT_VARIANTS)
    assert all(_batching.is_out_variant(_schema(n)) for n in _batching.OUT_VARIANTS)
    # Registered for the key vmap dispatches to (the fallback warning might
    # reach stderr instead of Python's warnings where C++ calls the op).
    missing = [
        n
        for n in _batching.KINDS
        if not torch._C._dispatch_has_kernel_for_dispatch_key(n, "FuncTorchBatched")
    ]
    assert missing == []


def _schema(qualname: str) -> Any:
    ns, _, rest = qualname.partition("::")
    name, _, overload = rest.partition(".")
    return getattr(getattr(getattr(torch.ops, ns), name), overload or "default")._schema


def test_dim_errors_name_the_logical_dim() -> None:
    """A dim out of range under vmap is the error one example gives, not a shifted one."""
    import aten_mini

    x = torch.randn(3, 4, 5)
    with pytest.raises(IndexError, match=r"expected to be in range of \[-2, 1\], but got 2"):
        torch.vmap(lambda t: aten_mini.sum(t, 2))(x)
    with pytest.raises(IndexError, match=r"expected to be in range of \[-2, 1\], but got -3"):
        torch.vmap(lambda t: aten_mini.cumsum(t, -3))(x)
    with pytest.raises(RuntimeError, match=r"dim 1 appears multiple times in the list of dims"):
        torch.vmap(lambda t: aten_mini.sum(t, [1, -1]))(x)


@pytest.mark.parametrize("keepdim", [False, True])
def test_sum_empty_dim_list_reduces_every_logical_dim(keepdim: bool) -> None:
    """`dim=[]` is every dim of one example (upstream's meaning), not the batch dim too."""
    import aten_mini

    x = torch.randn(3, 4, 5).movedim(0, 2)  # the batch dim is not dim 0
    got = torch.vmap(lambda t: aten_mini.sum(t, [], keepdim), in_dims=2)(x)
    want = torch.stack([torch.sum(x[:, :, b], [], keepdim) for b in range(x.shape[2])])
    torch.testing.assert_close(got, want)


def test_inplace_into_unbatched_self_is_refused() -> None:
    import aten_mini

    self, other = torch.zeros(4), torch.randn(3, 4)
    with pytest.raises(RuntimeError, match=r"vmap: aten_mini::add_\.Tensor\(self, \*extra_args\)"):
        torch.vmap(lambda o: aten_mini.add_(self, o))(other)
    assert torch.equal(self, torch.zeros(4))  # nothing written


def test_no_rule_is_guessed_for_optional_or_list_tensors() -> None:
    """An argument kind the rules do not batch gets no rule (the fallback), never a wrong one."""
    from aten_mini import _batching

    lib = torch.library.Library("kit_vmap_probe", "FRAGMENT")
    lib.define("scale(Tensor self, Tensor? weight) -> Tensor", tags=(torch.Tag.pointwise,))
    lib.define("total(Tensor[] tensors) -> Tensor", tags=(torch.Tag.pointwise,))
    lib.define("twice(Tensor self) -> Tensor", tags=(torch.Tag.pointwise,))
    ops = torch.ops.kit_vmap_probe
    assert _batching.derive(ops.scale.default) == (
        "an optional Tensor or Tensor list argument (weight)"
    )
    assert _batching.derive(ops.total.default) == (
        "an optional Tensor or Tensor list argument (tensors)"
    )
    assert not isinstance(_batching.derive(ops.twice.default), str)
