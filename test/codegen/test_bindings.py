"""The generated pybind11 bindings, called from Python (needs the build).

What the binding layer itself promises: Python-style signatures (keyword-only
arguments, defaults, `out=`), overload choice, the kit's Scalar and int-list
casters, dtype arguments, docstrings from `_docs.py`, and C++ errors as
Python exceptions without a C++ backtrace.  The values themselves are
checked against torch in test/ops.
"""

from __future__ import annotations

import warnings
from types import ModuleType

import pytest
import torch

pytestmark = pytest.mark.needs_build


@pytest.fixture(scope="module")
def am() -> ModuleType:
    import aten_mini

    return aten_mini


def test_keyword_only_and_defaults(am: ModuleType) -> None:
    x = torch.tensor([1.0, 2.0])
    torch.testing.assert_close(am.add(x, x), x * 2)
    torch.testing.assert_close(am.add(input=x, other=x, alpha=3), x * 4)
    with pytest.raises(TypeError):
        am.add(x, x, 3)  # alpha is keyword-only for add.Tensor


def test_out_keyword_returns_out(am: ModuleType) -> None:
    x = torch.tensor([1.0, 2.0])
    out = torch.empty(2)
    result = am.add(x, x, alpha=2, out=out)
    assert result is out
    torch.testing.assert_close(out, x * 3)


def test_scalar_overload_accepts_numbers_bools_and_0dim(am: ModuleType) -> None:
    x = torch.tensor([1.0, 2.0])
    torch.testing.assert_close(am.add(x, 2), x + 2)
    torch.testing.assert_close(am.add(x, True), x + 1)
    torch.testing.assert_close(am.add(x, x, alpha=torch.tensor(2.0)), x * 3)


def test_tensor_overload_wins_for_0dim_tensor(am: ModuleType) -> None:
    x = torch.tensor([1.0, 2.0])
    torch.testing.assert_close(am.add(x, torch.tensor(5.0)), x + 5)


def test_scalar_rejects_non_0dim_tensor(am: ModuleType) -> None:
    x = torch.tensor([1.0, 2.0])
    with pytest.raises(TypeError, match="incompatible function arguments"):
        am.softplus(x, beta=torch.ones(2))


def test_softplus_scalar_defaults(am: ModuleType) -> None:
    x = torch.tensor([-1.0, 0.0, 30.0])
    torch.testing.assert_close(am.softplus(x), torch.nn.functional.softplus(x))
    torch.testing.assert_close(
        am.softplus(x, 2, threshold=10), torch.nn.functional.softplus(x, 2, 10)
    )


@pytest.mark.parametrize("dim", [1, [1], (0, 1), None])
def test_int_list_accepts_int_list_or_none(
    am: ModuleType, dim: int | list[int] | tuple[int, ...] | None
) -> None:
    x = torch.arange(6.0).reshape(2, 3)
    torch.testing.assert_close(am.sum(x, dim), torch.sum(x, dim))


def test_dtype_argument(am: ModuleType) -> None:
    x = torch.arange(6).reshape(2, 3)
    result = am.sum(x, dim=0, keepdim=True, dtype=torch.float64)
    assert result.dtype == torch.float64
    torch.testing.assert_close(result, torch.sum(x, 0, keepdim=True, dtype=torch.float64))


def test_docstring_comes_from_docs_table(am: ModuleType) -> None:
    from aten_mini._docs import DOCS

    assert am.add.__doc__ is not None
    assert am.add.__doc__.startswith(DOCS["add"].splitlines()[0])


def test_cpp_error_is_runtime_error_without_backtrace(am: ModuleType) -> None:
    with pytest.raises(RuntimeError) as info:
        am.add(torch.ones(2), torch.ones(3))
    assert "frame #" not in str(info.value)
    assert "Exception raised from" not in str(info.value)


def test_kernel_warnings_are_python_warnings(am: ModuleType) -> None:
    # See Note [C++ warnings as Python warnings]: TORCH_WARN reaches `warnings`.
    x = torch.ones(3)
    out = torch.empty(5)
    with pytest.warns(UserWarning, match="resized") as got:
        am.add(x, x, out=out)
    assert out.shape == (3,)
    with pytest.warns(UserWarning, match="resized") as want:
        torch.add(x, x, out=torch.empty(5))
    assert got[0].category is want[0].category


def test_a_warning_turned_into_an_error_raises_it(am: ModuleType) -> None:
    x = torch.ones(3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="resized"):
            am.add(x, x, out=torch.empty(5))
