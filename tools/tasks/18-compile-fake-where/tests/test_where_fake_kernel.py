"""Task 18: where's fake kernel must give the real kernel's shape, under torch.compile too.

torch.compile never runs aten_mini's C++ kernels while it traces: it runs the
fake kernel registered for each overload (python/aten_mini/_shape_functions.py,
see Note [torch.compile support] in python/aten_mini/_compile.py) on
FakeTensors, and builds the rest of the graph on the shapes it returns. The
tests compare what the fake kernel says with what the real kernel returns,
three ways: directly under FakeTensorMode, with `torch.library.opcheck`, and
in a graph that dynamo traces (`torch._dynamo.explain`, `torch.compile`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType

import pytest
import torch
import torch._dynamo
from torch._subclasses.fake_tensor import FakeTensorMode

# the built extension, typed as a module: its functions are generated (see _C.pyi)
aten_mini: ModuleType = importlib.import_module("aten_mini")

Args = tuple[torch.Tensor, torch.Tensor, torch.Tensor]
WHERE = torch.ops.aten_mini.where.self


def _cond(*shape: int) -> torch.Tensor:
    return torch.rand(shape) > 0.5


# condition, self, other: each case broadcasts differently
CASES: dict[str, Callable[[], Args]] = {
    "same shapes": lambda: (_cond(3, 4), torch.randn(3, 4), torch.randn(3, 4)),
    "condition is the widest": lambda: (_cond(3, 4), torch.randn(4), torch.randn(4)),
    "condition adds a dim": lambda: (_cond(2, 3, 4), torch.randn(3, 4), torch.randn(1, 4)),
    "0-dim self and other": lambda: (_cond(5, 2), torch.tensor(1.0), torch.tensor(0.0)),
    "all three broadcast": lambda: (_cond(3, 1, 1), torch.randn(1, 4, 1), torch.randn(5)),
    "0-dim condition": lambda: (_cond(), torch.randn(3, 4), torch.randn(3, 4)),
}


def _describe(t: torch.Tensor) -> tuple[tuple[int, ...], tuple[int, ...], torch.dtype]:
    return tuple(t.shape), t.stride(), t.dtype


@pytest.mark.parametrize("name", list(CASES))
def test_the_fake_kernel_agrees_with_the_real_one(name: str) -> None:
    args = CASES[name]()
    real = WHERE(*args)
    with FakeTensorMode() as mode:
        fakes = [mode.from_tensor(a) for a in args]
        fake = WHERE(*fakes)
    assert _describe(fake) == _describe(real), (
        f"{name}: the fake kernel says (shape, strides, dtype) {_describe(fake)}, the real "
        f"kernel returns {_describe(real)} (input shapes {[tuple(a.shape) for a in args]})"
    )
    assert _describe(real) == _describe(torch.where(*args))


@pytest.mark.parametrize("name", ["condition is the widest", "all three broadcast"])
def test_opcheck(name: str) -> None:
    torch.library.opcheck(WHERE, CASES[name]())


def _select_then_reduce(c: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """A small program whose later ops depend on where's shape."""
    picked: torch.Tensor = aten_mini.where(c, x, y)
    return picked.sum(0) + picked.shape[0]


def _where_nodes(gm: torch.fx.GraphModule) -> list[torch.fx.Node]:
    return [n for n in gm.graph.nodes if n.target is WHERE]


def test_dynamo_traces_one_graph_with_the_right_shape() -> None:
    c, x, y = CASES["condition is the widest"]()
    explained = torch._dynamo.explain(_select_then_reduce)(c, x, y)
    assert explained.graph_break_count == 0, explained.break_reasons
    assert explained.graph_count == 1
    nodes = _where_nodes(explained.graphs[0])
    assert len(nodes) == 1, "the graph should call aten_mini::where once"
    traced = nodes[0].meta["example_value"]
    assert tuple(traced.shape) == (3, 4), (
        f"while tracing, dynamo took where's result to have shape {tuple(traced.shape)}; "
        "the real kernel returns (3, 4)"
    )


@pytest.mark.parametrize("dynamic", [False, True], ids=["static", "dynamic"])
@pytest.mark.parametrize("name", ["condition is the widest", "condition adds a dim"])
def test_compiled_program_gives_eager_results(name: str, dynamic: bool) -> None:
    torch._dynamo.reset()
    args = CASES[name]()
    compiled = torch.compile(
        _select_then_reduce, backend="aot_eager", fullgraph=True, dynamic=dynamic
    )
    want = _select_then_reduce(*args)
    got = compiled(*args)
    assert got.shape == want.shape
    torch.testing.assert_close(got, want)
