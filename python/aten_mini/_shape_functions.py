"""Shape functions: what an operator returns, computed without its data.

torch.compile, AOTAutograd and `torch.library.opcheck` run operators on fake
tensors: tensors with a shape, a dtype and a device but no memory, whose sizes
may be symbolic (`s0`, `s0 + 1`) under `dynamic=True`. For each op they need a
*fake kernel* that says what the op would return: shape, dtype, device and
strides. This module holds those rules for the kit's ops, written once per
*kind* of op rather than once per op (like torch/_meta_registrations.py, but
smaller).

An entry of native_functions.yaml picks one with the kit key `shape_function`:

    - func: mul.Tensor(Tensor self, Tensor other) -> Tensor
      shape_function: pointwise

    - func: add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor
      shape_function: pointwise(self, other)       # alpha does not promote

The bare name passes every non-out argument of the schema, in schema order;
the call form names the arguments to pass. Codegen binds the function to each
overload (build/generated/_C_fakes.py) and adds the out= and in-place rules
(`_fake_out`, `_fake_inplace` below), and aten_mini registers the result with
`torch.library.register_fake`. See Note [torch.compile support] in
aten_mini/_compile.py.

Rules for writing one:
  - Public (no leading `_`) top-level functions are the names the YAML may
    use; `python -m torchgen_mini check` rejects any other name.
  - Compute with sizes, never with data: no `.item()`, no `bool(tensor)`.
    Sizes may be SymInts, so use torch's SymInt-aware helpers
    (`torch.broadcast_shapes`, `torch._prims_common`) and let comparisons
    of sizes become guards.
  - Never call the aten_mini op itself (that would check the op against
    itself and hide its bugs); allocate the result with `torch.empty_strided`
    on the inputs' device.
  - Match the real kernel exactly: the OpInfo test `test_opcheck` compares
    shape, dtype, device and strides of the fake result with the real one.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor
from torch._prims_common import (
    ELEMENTWISE_TYPE_PROMOTION_KIND,
    canonicalize_dim,
    check_same_device,
    compute_elementwise_output_strides,
    elementwise_dtypes,
    is_cpu_scalar_tensor,
    make_contiguous_strides_for,
    reduction_dims,
)

Operand = Tensor | bool | int | float | complex

# --------------------------------------------------------------------------- pointwise


def pointwise(*operands: Operand) -> Tensor:
    """Elementwise op with torch's default type promotion (add, mul, relu, ...).

    Shape: the broadcast of the tensor operands. Dtype: `torch.result_type`
    of all operands (a Python number takes part without widening the tensors'
    dtype: int32 tensor + 2 is int32, int32 tensor + 2.5 is float32). Strides:
    those TensorIterator gives, following the memory layout of the inputs.
    """
    return _elementwise(operands, operands, ELEMENTWISE_TYPE_PROMOTION_KIND.DEFAULT)


def pointwise_int_to_float(*operands: Operand) -> Tensor:
    """Like `pointwise`, but integer and bool results become the default float.

    For ops whose result is not an integer even for integer input: sigmoid,
    exp, sqrt (torch.sigmoid(int64 tensor) is float32).
    """
    kind = ELEMENTWISE_TYPE_PROMOTION_KIND.INT_TO_FLOAT
    return _elementwise(operands, operands, kind)


def pointwise_where(condition: Tensor, self: Operand, other: Operand) -> Tensor:
    """`where(condition, self, other)`: the condition broadcasts but does not promote.

    Shape: the broadcast of all three; dtype: the promotion of `self` and
    `other` only.
    """
    kind = ELEMENTWISE_TYPE_PROMOTION_KIND.NO_OPMATH
    return _elementwise((condition, self, other), (self, other), kind)


def _elementwise(
    operands: Sequence[Operand],
    promoted: Sequence[Operand],
    kind: ELEMENTWISE_TYPE_PROMOTION_KIND,
) -> Tensor:
    tensors = [t for t in operands if isinstance(t, Tensor)]
    check_same_device(*tensors, allow_cpu_scalar_tensors=True)
    _, dtype = elementwise_dtypes(*promoted, type_promotion_kind=kind)
    shape = torch.broadcast_shapes(*(t.shape for t in tensors))
    expanded = [t.expand(shape) for t in tensors]
    strides = compute_elementwise_output_strides(*expanded)
    return torch.empty_strided(shape, strides, dtype=dtype, device=_device_of(tensors))


def _device_of(tensors: Sequence[Tensor]) -> torch.device:
    """The device of the result: that of the first tensor that is not a CPU scalar."""
    for t in tensors:
        if not is_cpu_scalar_tensor(t):
            return t.device
    return tensors[0].device


# --------------------------------------------------------------------------- reductions


def _accumulate_dtype(self: Tensor, dtype: torch.dtype | None) -> torch.dtype:
    """`dtype` if given; else int64 for integer and bool input, else self's dtype."""
    if dtype is not None:
        return dtype
    if self.dtype.is_floating_point or self.dtype.is_complex:
        return self.dtype
    return torch.int64


def reduction(
    self: Tensor,
    dim: int | Sequence[int] | None = None,
    keepdim: bool = False,
    dtype: torch.dtype | None = None,
) -> Tensor:
    """A sum-like reduction over `dim` (None or [] means every dimension).

    Shape: self's, with each reduced dimension removed, or kept as size 1 when
    `keepdim`. Dtype: `dtype` if given; otherwise integers and bool accumulate
    in int64 and floating types keep theirs. The result is contiguous.
    Raises, as the kernel does, for a dim out of range or given twice.
    """
    dims = [dim] if isinstance(dim, int) else list(dim or [])
    reduced = reduction_dims(self.shape, dims or None)
    if keepdim:
        shape = [1 if i in reduced else n for i, n in enumerate(self.shape)]
    else:
        shape = [n for i, n in enumerate(self.shape) if i not in reduced]
    return _contiguous(shape, _accumulate_dtype(self, dtype), self.device)


def cumulative(self: Tensor, dim: int, dtype: torch.dtype | None = None) -> Tensor:
    """A scan along `dim` (cumsum-like): self's shape, contiguous.

    Dtype: as for `reduction` (integers and bool accumulate in int64).
    Raises IndexError, as the kernel does, for a dim out of range.
    """
    canonicalize_dim(self.dim(), dim)
    return _contiguous(list(self.shape), _accumulate_dtype(self, dtype), self.device)


def _contiguous(shape: Sequence[int], dtype: torch.dtype, device: torch.device) -> Tensor:
    strides = make_contiguous_strides_for(shape)
    return torch.empty_strided(shape, strides, dtype=dtype, device=device)


# --------------------------------------------------------------------------- out= and in-place
# Called by the generated fake kernels of out= and in-place overloads with the
# result the shape function gives for the same arguments.


def _same_device(result: Tensor, target: Tensor, what: str) -> None:
    torch._check(
        target.device == result.device,
        lambda: f"Expected {what} to be on device {result.device}, but it is on {target.device}",
    )


def _fake_out(out: Tensor, result: Tensor) -> Tensor:
    """out= semantics: `out` on the inputs' device; of another shape, it is resized."""
    _same_device(result, out, "out")
    if out.shape != result.shape:
        out.resize_(result.shape)
        out.as_strided_(result.shape, result.stride())
    return out


def _fake_inplace(self: Tensor, result: Tensor) -> Tensor:
    """In-place semantics: the result must fit into self, which is returned."""
    _same_device(result, self, "self")
    torch._check(
        self.shape == result.shape,
        lambda: (
            f"output with shape {list(self.shape)} doesn't match the broadcast "
            f"shape {list(result.shape)}"
        ),
    )
    torch._check(
        torch.can_cast(result.dtype, self.dtype),
        lambda: f"result type {result.dtype} can't be cast to the desired output type {self.dtype}",
    )
    return self
