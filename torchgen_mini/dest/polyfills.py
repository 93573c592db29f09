"""`_C_polyfills.py`: a traceable Python twin of each function of `aten_mini._C`.

For each Python name, one function per pybind11 overload with that
overload's Python signature, calling the operator overload through
`torch.ops` (the out= overload when `out=` is given):

    def relu(input: Tensor, *, out: Tensor | None = None) -> Tensor:
        result = torch.ops.aten_mini.relu.default(input)
        if out is None:
            return result
        ...

A name with several overloads gets them as `_add_0`, `_add_1`, a table of
their parameters, and `add(*args, **kwargs)`, which calls the first overload
that accepts the arguments, in the bindings' order (see Note [Python
overloads] in `api/python.py`).  `POLYFILLS` maps each name to its function
for `torch.compiler.substitute_in_graph`.  See Note [torch.compile support]
in python/aten_mini/_compile.py.
"""

from __future__ import annotations

from collections.abc import Iterator

from torchgen_mini.api import pyi, python
from torchgen_mini.api.python import PythonArg, PythonSignature
from torchgen_mini.model import (
    Argument,
    BaseTy,
    BaseType,
    ListType,
    NativeFunction,
    OptionalType,
    SchemaKind,
)
from torchgen_mini.output import Context, Output

NAMESPACE = "aten_mini"
Twins = dict[NativeFunction, NativeFunction]

# Schema base types -> the type names `aten_mini._compile.Param` checks.
PARAM_TYPES: dict[BaseTy, str] = {
    BaseTy.Tensor: "Tensor",
    BaseTy.Scalar: "Scalar",
    BaseTy.int: "int",
    BaseTy.SymInt: "int",
    BaseTy.float: "float",
    BaseTy.bool: "bool",
    BaseTy.ScalarType: "ScalarType",
}


def overload_expr(f: NativeFunction) -> str:
    """`torch.ops.aten_mini.add.Tensor`, `torch.ops.aten_mini.relu.default`."""
    name = f.func.name
    return f"torch.ops.{NAMESPACE}.{name.name}.{name.overload_name or 'default'}"


def op_call(f: NativeFunction, sig: PythonSignature, out_kwargs: list[str]) -> str:
    """The call of overload `f`: positional arguments by position, the others by name."""
    a = f.func.arguments
    by_schema = {x.schema.name: x.name for x in sig.args}
    args = [by_schema[x.name] for x in a.positional]
    args += [f"{x.name}={by_schema[x.name]}" for x in a.kwarg_only]
    return f"{overload_expr(f)}({', '.join([*args, *out_kwargs])})"


def out_kwargs(sig: PythonSignature) -> list[str]:
    """`out=out`, or `values=out[0], indices=out[1]` for several out tensors."""
    outs = sig.out_args
    if len(outs) == 1:
        return [f"{outs[0].name}={python.OUT_NAME}"]
    return [f"{a.name}={python.OUT_NAME}[{i}]" for i, a in enumerate(outs)]


# Note [Polyfills of out= and in-place variants]
# AOTAutograd refuses a custom op whose schema returns an alias of an input
# (`add_.Tensor(...) -> Tensor(a!)`, `add.out`; see Note [opcheck on out= and
# in-place variants] in test/opinfo/checks.py).  So, as functionalization does
# for ATen's own ops, the polyfill of an in-place function calls the
# functional overload and copies the result back into self, after the checks
# the in-place kernel makes (the result fits self's shape and dtype); an
# out= call does the same when `out` already has the result's shape and dtype.
# Other outs (to be resized or cast) go to the out= overload itself.


def body(sig: PythonSignature, functional: NativeFunction | None) -> list[str]:
    """The polyfill's statements.  See Note [Polyfills of out= and in-place variants]."""
    if sig.out_required:
        return [f"return {op_call(sig.op, sig, out_kwargs(sig))}"]
    if functional is not None:
        return [f"return copy_inplace({sig.args[0].name}, {op_call(functional, sig, [])})"]
    if sig.out_fn is None:
        return [f"return {op_call(sig.op, sig, [])}"]
    out = python.OUT_NAME
    return [
        f"result = {op_call(sig.op, sig, [])}",
        f"if {out} is None:",
        "    return result",
        f"if can_copy_out({out}, result):",
        f"    return {out}.copy_(result)",
        f"return {op_call(sig.out_fn, sig, out_kwargs(sig))}",
    ]


def functional_twins(fns: list[NativeFunction]) -> dict[NativeFunction, NativeFunction]:
    """In-place entry -> the functional entry with the same signature, where there is one."""
    functional = {f.func.signature(): f for f in fns if f.func.kind() is SchemaKind.functional}
    twins = {}
    for f in fns:
        if f.func.kind() is SchemaKind.inplace and f.func.signature() in functional:
            twins[f] = functional[f.func.signature()]
    return twins


def function(sig: PythonSignature, name: str, twins: Twins) -> str:
    params = ", ".join(pyi.stub_params(sig))
    head = f"def {name}({params}) -> {pyi.return_hint(sig.op.func.returns)}:"
    lines = body(sig, twins.get(sig.op))
    return "\n".join([head, *(f"    {line}" for line in lines)])


def param_type(a: Argument) -> tuple[str, bool]:
    """(the `Param` type name, whether None is accepted) of schema argument `a`."""
    t, optional = a.type, False
    if isinstance(t, OptionalType):
        t, optional = t.elem, True
    if isinstance(t, ListType) and t.elem in (BaseType(BaseTy.int), BaseType(BaseTy.SymInt)):
        return "int[]", optional
    if isinstance(t, BaseType) and t.name in PARAM_TYPES:
        return PARAM_TYPES[t.name], optional
    return "any", optional


def param(x: PythonArg) -> str:
    ty, optional = param_type(x.schema)
    flags = [f"kw_only={x.kw_only}", f"has_default={x.schema.default is not None}"]
    return f'Param("{x.name}", "{ty}", {", ".join([*flags, f"optional={optional}"])})'


def out_param(sig: PythonSignature) -> list[str]:
    if not sig.out_args:
        return []
    has_default = not sig.out_required
    return [
        f'Param("{python.OUT_NAME}", "any", kw_only=True, has_default={has_default}, '
        f"optional={has_default})"
    ]


def overload_entry(sig: PythonSignature, fn_name: str) -> str:
    params = [param(x) for x in sig.args] + out_param(sig)
    inner = "".join(f"            {p},\n" for p in params)
    return f"    (\n        (\n{inner}        ),\n        {fn_name},\n    ),"


def resolver(name: str, sigs: list[PythonSignature], twins: Twins) -> str:
    """The overload functions, their table, and the public function choosing among them."""
    names = [f"_{name}_{i}" for i in range(len(sigs))]
    table = "_" + name.upper() + "_OVERLOADS"
    entries = [overload_entry(s, n) for s, n in zip(sigs, names, strict=True)]
    parts = [function(s, n, twins) for s, n in zip(sigs, names, strict=True)]
    parts.append("\n".join([f"{table}: Overloads = (", *entries, ")"]))
    parts.append(
        f"def {name}(*args: Any, **kwargs: Any) -> Any:\n"
        f'    return pick("{name}", {table}, args, kwargs)'
    )
    return "\n\n\n".join(parts)


def compute(fns: list[NativeFunction]) -> dict[str, object]:
    overloads = python.python_overloads(fns)
    twins = functional_twins(fns)
    polyfills = [
        function(sigs[0], name, twins) if len(sigs) == 1 else resolver(name, sigs, twins)
        for name, sigs in overloads.items()
    ]
    return {
        "scalar_alias": pyi.SCALAR_ALIAS,
        "polyfills": polyfills,
        "table": [f'"{name}": {name},' for name in overloads],
    }


def outputs(ctx: Context) -> Iterator[Output]:
    yield Output("_C_polyfills.py", "_C_polyfills.py.in", compute(ctx.native_functions))
