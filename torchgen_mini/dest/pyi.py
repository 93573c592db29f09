"""`_C.pyi`: type stubs of `aten_mini._C`, one `@overload` per pybind11 overload."""

from __future__ import annotations

from collections.abc import Iterator

from torchgen_mini.api import pyi, python
from torchgen_mini.model import NativeFunction
from torchgen_mini.output import Context, Output


def stubs(fns: list[NativeFunction]) -> list[str]:
    result: list[str] = []
    for sigs in python.python_overloads(fns).values():
        prefix = "@overload\n" if len(sigs) > 1 else ""
        result += [prefix + pyi.stub(sig) for sig in sigs]
    return result


def compute(fns: list[NativeFunction]) -> dict[str, object]:
    return {"scalar_alias": pyi.SCALAR_ALIAS, "stubs": stubs(fns)}


def outputs(ctx: Context) -> Iterator[Output]:
    yield Output("_C.pyi", "_C.pyi.in", compute(ctx.native_functions))
