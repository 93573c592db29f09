"""Task 30: mul.Scalar and mul_.Scalar, a Python number as mul's `other` (needs the build).

Everything is compared with torch: the result dtype of a tensor times a
number (the number promotes as a wrapped number: it never widens a tensor of
its own category), the values (Half and BFloat16 multiply by the number as a
float, not by the number rounded to Half), the in-place dtype rule, the
gradients and forward-mode tangents, and the schemas of the two overloads.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch

from tools.common.tasktest import default_dtype, dtype_id

ROOT = Path(__file__).resolve().parents[4]
TENSOR_DTYPES = [
    torch.bool,
    torch.uint8,
    torch.int8,
    torch.int64,
    torch.float16,
    torch.bfloat16,
    torch.float32,
    torch.float64,
]
NUMBERS = [3, -2, 0, 2.5, -0.75, True, False]


@pytest.fixture(autouse=True)
def _quiet_jit_warning() -> Iterator[None]:
    # The first dual tensor imports a module of torch's that warns (torch.jit.script).
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "`torch.jit.script` is deprecated", FutureWarning)
        yield


def _aten_mini() -> Any:
    import aten_mini

    return aten_mini


def _mul(a: torch.Tensor, b: Any) -> torch.Tensor:
    try:
        return _aten_mini().mul(a, b)  # type: ignore[no-any-return]
    except TypeError as e:
        pytest.fail(
            f"aten_mini.mul({a.dtype} tensor, {b!r}) raises TypeError: {str(e).splitlines()[0]}",
            pytrace=False,
        )


def _tensor(dtype: torch.dtype, n: int = 67) -> torch.Tensor:
    # 67 elements: the vectorized loop and its scalar tail.
    return torch.testing.make_tensor((n,), dtype=dtype, device="cpu")


def _assert_like_torch(actual: torch.Tensor, expected: torch.Tensor, what: str) -> None:
    assert actual.dtype == expected.dtype, f"{what} is {actual.dtype}, torch gives {expected.dtype}"
    torch.testing.assert_close(actual, expected, equal_nan=True, msg=lambda m: f"{what}: {m}")


@pytest.mark.parametrize("number", NUMBERS, ids=repr)
@pytest.mark.parametrize("dtype", TENSOR_DTYPES, ids=dtype_id)
def test_tensor_times_number_like_torch(dtype: torch.dtype, number: Any) -> None:
    t = _tensor(dtype)
    what = f"aten_mini.mul({dtype_id(dtype)} tensor, {number!r})"
    _assert_like_torch(_mul(t, number), torch.mul(t, number), what)


def test_number_reaches_mul_scalar_through_the_dispatcher() -> None:
    _aten_mini()
    t = _tensor(torch.int32)
    result = torch.ops.aten_mini.mul.Scalar(t, 2.5)
    _assert_like_torch(result, torch.ops.aten.mul.Scalar(t, 2.5), "torch.ops.aten_mini.mul.Scalar")


def test_integer_tensor_times_float_is_the_default_dtype() -> None:
    # A plain 0-dim float64 tensor in place of the number would make this float64.
    result = _mul(torch.tensor([1, 2, 3]), 2.5)
    assert result.dtype == torch.float32, (
        f"int64 tensor * 2.5 must be float32 (the default dtype, as torch), got {result.dtype}"
    )
    torch.testing.assert_close(result, torch.tensor([2.5, 5.0, 7.5]))


def test_integer_tensor_times_float_follows_set_default_dtype() -> None:
    with default_dtype(torch.float64):
        result = _mul(torch.tensor([1, 2]), 0.5)
    assert result.dtype == torch.float64, (
        "with torch.set_default_dtype(torch.float64), int64 tensor * 0.5 must be float64, "
        f"got {result.dtype}"
    )


def test_number_does_not_widen_a_tensor_of_its_category() -> None:
    small = torch.tensor([0, 1, 2], dtype=torch.int8)
    _assert_like_torch(_mul(small, 100), torch.mul(small, 100), "int8 tensor * 100 (wraps)")
    bools = torch.tensor([True, False])
    _assert_like_torch(_mul(bools, 2), torch.mul(bools, 2), "bool tensor * 2")
    halves = torch.tensor([1.0, 2.0], dtype=torch.float16)
    _assert_like_torch(_mul(halves, 3), torch.mul(halves, 3), "float16 tensor * 3")


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16], ids=dtype_id)
def test_reduced_precision_multiplies_by_the_number_as_a_float(dtype: torch.dtype) -> None:
    # 1e5 is inf as a float16 but 0.3 * 1e5 is not: torch keeps the number in
    # float and rounds only the product; 3.3 is not a float16 or bfloat16 number.
    ramp = torch.linspace(-1, 1, 67).to(dtype)
    for number in (1e5, 3.3, 1e-7):
        expected = torch.mul(ramp, number)
        actual = _mul(ramp, number)
        what = f"aten_mini.mul({dtype_id(dtype)} ramp, {number!r})"
        assert actual.dtype == dtype, f"{what} is {actual.dtype}, torch gives {dtype}"
        assert torch.equal(actual, expected), (
            f"{what} differs from torch.mul (bit for bit): {actual.tolist()} != {expected.tolist()}"
        )


def test_reduced_precision_zero_dim_tensor_other() -> None:
    # The same rule holds for mul.Tensor with a 0-dim float32 `other`, as in torch.
    ramp = torch.linspace(-1, 1, 67).to(torch.float16)
    other = torch.tensor(1e5)
    _assert_like_torch(_mul(ramp, other), torch.mul(ramp, other), "float16 ramp * tensor(1e5)")


def test_zero_dim_tensor_other_still_reaches_mul_tensor() -> None:
    # A 0-dim tensor is not a Python number: int64 * tensor(2.5, float64) is float64.
    t = torch.tensor([1, 2, 3])
    other = torch.tensor(2.5, dtype=torch.float64)
    _assert_like_torch(_mul(t, other), torch.mul(t, other), "int64 tensor * tensor(2.5, float64)")


@pytest.mark.parametrize(
    ("dtype", "number"),
    [(torch.float32, 2.5), (torch.float16, 1e5), (torch.int64, 3), (torch.int8, True)],
    ids=lambda v: dtype_id(v) if isinstance(v, torch.dtype) else repr(v),
)
def test_mul_inplace_with_number(dtype: torch.dtype, number: Any) -> None:
    t = torch.linspace(-1, 1, 67).to(dtype) if dtype.is_floating_point else _tensor(dtype)
    expected = t.clone().mul_(number)
    copy = t.clone()
    returned = _aten_mini().mul_(copy, number)
    assert returned is copy, "aten_mini.mul_(t, number) must return t itself"
    _assert_like_torch(copy, expected, f"aten_mini.mul_({dtype_id(dtype)} tensor, {number!r})")


@pytest.mark.parametrize(
    ("dtype", "number"), [(torch.int64, 2.5), (torch.bool, 2)], ids=["int64-2.5", "bool-2"]
)
def test_mul_inplace_refuses_a_wider_result(dtype: torch.dtype, number: Any) -> None:
    with pytest.raises(RuntimeError) as theirs:
        _tensor(dtype).mul_(number)
    t = _tensor(dtype)
    before = t.clone()
    with pytest.raises(RuntimeError) as ours:
        _aten_mini().mul_(t, number)
    assert str(ours.value) == str(theirs.value)
    assert torch.equal(t, before), "a refused mul_ must leave self unchanged"


@pytest.mark.parametrize("number", [2.5, -3], ids=repr)
def test_gradcheck(number: Any) -> None:
    x = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    fn = lambda x: _mul(x, number)  # noqa: E731
    assert torch.autograd.gradcheck(fn, (x,), check_forward_ad=True)
    assert torch.autograd.gradgradcheck(fn, (x,))


def test_backward_matches_torch() -> None:
    x = torch.randn(5, dtype=torch.float64, requires_grad=True)
    grad_out = torch.randn(5, dtype=torch.float64)
    result = _mul(x, -1.5)
    assert result.requires_grad, "aten_mini.mul(x, number) must be differentiable in x"
    (ours,) = torch.autograd.grad(result, x, grad_out)
    (theirs,) = torch.autograd.grad(torch.mul(x, -1.5), x, grad_out)
    torch.testing.assert_close(ours, theirs)


def test_backward_of_mul_inplace_with_number() -> None:
    x = torch.randn(5, dtype=torch.float64, requires_grad=True)
    grad_out = torch.randn(5, dtype=torch.float64)
    t = x.clone()
    _aten_mini().mul_(t, 4.0)
    (ours,) = torch.autograd.grad(t, x, grad_out)
    torch.testing.assert_close(ours, grad_out * 4.0)


def _tangent_of(fn: Any, primal: torch.Tensor, tangent: torch.Tensor) -> torch.Tensor | None:
    """The tangent of fn(dual), with a dual tensor of torch.autograd.forward_ad."""
    import torch.autograd.forward_ad as fwAD

    with fwAD.dual_level():
        dual = fwAD.make_dual(primal, tangent)  # type: ignore[no-untyped-call]
        return fwAD.unpack_dual(fn(dual)).tangent  # type: ignore[no-untyped-call,no-any-return]


def test_forward_ad_tangent() -> None:
    primal = torch.randn(6, dtype=torch.float64)
    tangent = torch.randn(6, dtype=torch.float64)
    ours = _tangent_of(lambda x: _mul(x, 2.5), primal, tangent)
    assert ours is not None, "aten_mini.mul(dual tensor, 2.5) has no tangent"
    torch.testing.assert_close(ours, _tangent_of(lambda x: torch.mul(x, 2.5), primal, tangent))
    jvp_out = torch.func.jvp(lambda x: _mul(x, -3), (primal,), (tangent,))[1]
    torch.testing.assert_close(jvp_out, tangent * -3)


@pytest.mark.parametrize("packet", ["mul", "mul_"])
def test_schema_is_upstreams(packet: str) -> None:
    _aten_mini()
    try:
        ours = getattr(torch.ops.aten_mini, packet).Scalar
    except AttributeError as e:
        pytest.fail(f"torch.ops.aten_mini.{packet}.Scalar: {e}", pytrace=False)
    theirs = getattr(torch.ops.aten, packet).Scalar
    assert str(ours._schema) == str(theirs._schema).replace("aten::", "aten_mini::")


def _op_db() -> list[Any]:
    """test/opinfo/op_db.py's entries (the OpInfo framework lives under test/)."""
    sys.path.insert(0, str(ROOT / "test"))
    return list(importlib.import_module("opinfo.op_db").op_db)


@pytest.mark.parametrize(
    "dtype", [torch.float64, torch.float16, torch.int64, torch.bool], ids=dtype_id
)
def test_opinfo_samples_pass_python_numbers(dtype: torch.dtype) -> None:
    # Without them, the generic tests (reference, in-place, gradcheck, forward
    # AD, vmap, compile) never call mul.Scalar or mul_.Scalar.
    (op,) = [op for op in _op_db() if op.name == "mul"]
    others = [s.args[0] for s in op.sample_inputs("cpu", dtype) if s.args]
    kinds = {type(o).__name__ for o in others if isinstance(o, (bool, int, float))}
    missing = {"int", "float", "bool"} - kinds
    assert not missing, (
        f"OpInfo('mul') in test/opinfo/op_db.py has no {dtype_id(dtype)} sample whose `other` "
        f"is a Python {' or '.join(sorted(missing))}: add Python-number samples to its "
        "sample_inputs_func"
    )
