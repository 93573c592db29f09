"""`python_functions.cpp`: the pybind11 module `aten_mini._C`.

One `m.def` per pybind11 overload (see Note [Python overloads] in
`api/python.py`): a lambda with the Python signature's parameters that calls
the operator through `at_mini::_ops` (the out= overload when `out=` is
given), the `py::arg` list with `py::kw_only()` and defaults, the GIL
released during the call, and the docstring from `_docs.py` on the first
overload of each name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from torchgen_mini.api import python
from torchgen_mini.api.python import PythonSignature
from torchgen_mini.dest import per_op
from torchgen_mini.model import NativeFunction
from torchgen_mini.output import Context, Output


@dataclass(frozen=True)
class BindingCode:
    """The C++ pieces of one `m.def(...)`, ready to place."""

    name: str
    params: str
    returns: str
    # The lambda returns `calls[0]`, or, when out= is optional, `optional_out[0]`:
    # one of the two lists holds one item, the other none.
    calls: list[str]
    optional_out: list[OptionalOut]
    arg_specs: str
    doc: str


@dataclass(frozen=True)
class OptionalOut:
    """The two calls of a binding whose `out=` may be left out."""

    call: str  # without out=
    out_call: str  # with it, on the out= overload


def lambda_params(sig: PythonSignature) -> str:
    params = [f"{x.pybind_type} {x.name}" for x in sig.args]
    if sig.out_args:
        out_type = python.out_pybind_type(sig)
        params.append(f"{out_type} out" if sig.out_required else f"std::optional<{out_type}> out")
    return ", ".join(params)


def calls(sig: PythonSignature) -> tuple[list[str], list[OptionalOut]]:
    """What the binding lambda returns: see `BindingCode`."""
    exprs = python.arg_exprs(sig)
    if sig.out_required:
        return [python.op_call(sig.op, exprs | python.out_exprs(sig, "out"))], []
    if sig.out_fn is None:
        return [python.op_call(sig.op, exprs)], []
    out_call = python.op_call(sig.out_fn, exprs | python.out_exprs(sig, "*out"))
    return [], [OptionalOut(python.op_call(sig.op, exprs), out_call)]


def arg_specs(sig: PythonSignature) -> str:
    """`py::arg("input"), py::kw_only(), py::arg("alpha") = 1, ...`."""
    specs: list[str] = []
    for x in sig.args:
        if x.kw_only and "py::kw_only()" not in specs:
            specs.append("py::kw_only()")
        default = "" if x.pybind_default is None else f" = {x.pybind_default}"
        specs.append(f'py::arg("{x.name}"){default}')
    if sig.out_args:
        specs += [] if "py::kw_only()" in specs else ["py::kw_only()"]
        specs.append('py::arg("out")' if sig.out_required else 'py::arg("out") = py::none()')
    return ", ".join(specs)


def binding(sig: PythonSignature, *, first: bool) -> BindingCode:
    doc = f'docs.get("{sig.name}")' if first else '""'
    plain, optional_out = calls(sig)
    return BindingCode(
        sig.name,
        lambda_params(sig),
        python.value_return_type(sig.op),
        plain,
        optional_out,
        arg_specs(sig),
        doc,
    )


def _ops_headers(sig: PythonSignature) -> list[str]:
    fns = [sig.op] if sig.out_fn is None else [sig.op, sig.out_fn]
    return [per_op.ops_header(f.root_name) for f in fns]


def compute(fns: list[NativeFunction], shard: int = 0) -> dict[str, object]:
    """python_functions_<shard>.cpp: the bindings of the Python names of `fns`.

    `fns` holds whole roots (`per_op.shard`), so every overload of a Python
    name is in one shard, in the order pybind11 tries them.
    """
    overloads = python.python_overloads(fns)
    bindings = [
        binding(sig, first=i == 0) for sigs in overloads.values() for i, sig in enumerate(sigs)
    ]
    headers = [h for sigs in overloads.values() for sig in sigs for h in _ops_headers(sig)]
    return {
        "shard": shard,
        "includes": per_op.include_lines(headers),
        "bindings": bindings,
        "names": list(overloads),
    }


def compute_module(fns: list[NativeFunction]) -> dict[str, object]:
    """python_module.cpp: PYBIND11_MODULE, which calls every shard (names no op)."""
    return {"shards": list(range(per_op.PYTHON_SHARDS))}


def outputs(ctx: Context) -> Iterator[Output]:
    """python_module.cpp and the shards python_functions_<n>.cpp.

    See Note [Sharded generated sources] in dest/per_op.py.
    """
    fns = ctx.native_functions
    yield Output("python_module.cpp", "python_module.cpp", compute_module(fns))
    for i, part in enumerate(per_op.shard(fns, per_op.PYTHON_SHARDS)):
        yield Output(f"python_functions_{i}.cpp", "python_functions.cpp", compute(part, i))
