"""Task 19: `aten_mini.op_log.OpLog`, a TorchDispatchMode that records the kit's op calls.

The tests run small programs under the learner's mode and compare what it
recorded with what the dispatcher did: the overloads (names fixed by
native_functions.yaml) and each call's dispatch keys, computed here the way
`./kit trace` computes them (tools/ops/tracer.py).
"""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest
import torch

from tools.ops.tracer import call_keys

# the built extension, typed as a module: its functions are generated (see _C.pyi)
aten_mini: ModuleType = importlib.import_module("aten_mini")

NO_KEYS = torch._C.DispatchKeySet(torch._C.DispatchKey.Undefined)


def op_log() -> ModuleType:
    try:
        return importlib.import_module("aten_mini.op_log")
    except ModuleNotFoundError as e:
        pytest.fail(f"python/aten_mini/op_log.py is missing ({e}): the issue asks for OpLog there")


def expected_keys(*tensors: torch.Tensor) -> list[str]:
    """The union of the tensors' key sets, highest priority first, as ./kit trace lists keys."""
    bits = 0
    for t in tensors:
        bits |= torch._C._dispatch_keys(t).raw_repr()
    return call_keys(bits, NO_KEYS, NO_KEYS)


def program(x: torch.Tensor, y: torch.Tensor) -> list[torch.Tensor]:
    a = aten_mini.add(x, y)
    b = aten_mini.add(x, 2.0)
    c = aten_mini.where(x > 0, a, b)  # x > 0 is aten::gt: not an aten_mini op
    d = aten_mini.sum(c, [0])
    aten_mini.relu_(d)
    out = torch.empty(2, 3)
    aten_mini.add(x, y.detach(), out=out)  # out= never takes an input that requires grad
    e = aten_mini.silu(x)  # CompositeImplicitAutograd: the mode sees its children
    f = aten_mini.cumsum(x, 0)
    return [a, b, c, d, out, e, f]


PROGRAM_OPS = [
    "aten_mini::add.Tensor",
    "aten_mini::add.Scalar",
    "aten_mini::where.self",
    "aten_mini::sum.dim_IntList",
    "aten_mini::relu_",
    "aten_mini::add.out",
    "aten_mini::sigmoid",
    "aten_mini::mul.Tensor",
    "aten_mini::cumsum",
]


def _inputs() -> tuple[torch.Tensor, torch.Tensor]:
    torch.manual_seed(0)
    return torch.randn(2, 3), torch.randn(2, 3)


@pytest.mark.parametrize("grad", [False, True], ids=["no grad", "requires grad"])
def test_it_records_the_overloads_the_program_calls(grad: bool) -> None:
    """With an input that requires grad, autograd runs first; the mode sees the same ops."""
    x, y = _inputs()
    y.requires_grad_(grad)
    with op_log().OpLog() as log:
        program(x, y)
    assert log.ops() == PROGRAM_OPS
    assert [c.op for c in log.calls] == PROGRAM_OPS


def test_results_are_those_of_the_program_without_the_mode() -> None:
    x, y = _inputs()
    want = program(x, y)
    with op_log().OpLog():
        got = program(x, y)
    for g, w in zip(got, want, strict=True):
        torch.testing.assert_close(g, w)


def test_keys_are_the_tensors_keys_highest_priority_first() -> None:
    x, y = _inputs()
    with op_log().OpLog() as log:
        aten_mini.add(x, y)
    (call,) = log.calls
    assert list(call.keys) == expected_keys(x, y)
    assert "AutogradCPU" in call.keys and call.keys[-1] == "CPU", call.keys
    assert "Python" not in call.keys, "the Python key is thread-local state, not a tensor's key"


def test_keys_are_the_union_over_every_tensor_argument() -> None:
    """An inference tensor has no autograd keys; a normal argument (out= too) brings them."""
    x, _ = _inputs()
    with torch.inference_mode():
        i = torch.randn(2, 3)
    with op_log().OpLog() as log:
        aten_mini.add(i, i)
        aten_mini.add(i, x)
        aten_mini.add(i, i, out=torch.empty(2, 3))
    only_inference, mixed, with_out = (list(c.keys) for c in log.calls)
    assert only_inference == expected_keys(i), only_inference
    assert "AutogradCPU" not in only_inference
    assert mixed == expected_keys(i, x), "the keys of every tensor argument, not the first's"
    assert with_out == expected_keys(i, torch.empty(2, 3)), "out= is an argument too (kwargs)"


def test_nothing_is_recorded_outside_the_mode_and_modes_nest() -> None:
    x, y = _inputs()
    mod = op_log()
    with mod.OpLog() as outer:
        with mod.OpLog() as inner:
            aten_mini.mul(x, y)
        aten_mini.add(x, y)
    aten_mini.add(x, y)
    assert inner.ops() == ["aten_mini::mul.Tensor"]
    assert outer.ops() == ["aten_mini::mul.Tensor", "aten_mini::add.Tensor"]
