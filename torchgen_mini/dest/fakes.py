"""`_C_fakes.py`: fake kernels for the entries that declare `shape_function`.

For `add.out` with `shape_function: pointwise(self, other)`:

    def fake_add_out(self: Tensor, other: Tensor, *, alpha: _Scalar = 1, out: Tensor) -> Tensor:
        return _fake_out(out, shape.pointwise(self, other))

one function per overload, with the schema's parameters (the dispatcher
calls a fake with the schema's argument names, keyword-only ones by name,
and leaves out arguments that have their default), and the table `FAKES`
(`"aten_mini::add.out"` -> function) that aten_mini hands to
`torch.library.register_fake`.  See Note [torch.compile support] in
python/aten_mini/_compile.py.
"""

from __future__ import annotations

from collections.abc import Iterator

from torchgen_mini.api import pyi
from torchgen_mini.model import Argument, NativeFunction, ParseError, SchemaKind
from torchgen_mini.output import Context, Output

NAMESPACE = "aten_mini"


def fake_name(f: NativeFunction) -> str:
    return f"fake_{f.func.name.unambiguous_name()}"


def _param(a: Argument, default: bool) -> str:
    text = f"{a.name}: {pyi.pyi_type(a.type)}"
    value = pyi.pyi_default(a) if default else None
    if value == "...":
        raise ParseError(f"default '{a.default}' of '{a.name}' has no Python value")
    return text if value is None else f"{text} = {value}"


def params(f: NativeFunction) -> str:
    """The schema's parameters, as Python: `self: Tensor, *, alpha: _Scalar = 1, out: Tensor`."""
    a = f.func.arguments
    result = [_param(x, default=True) for x in a.positional]
    keyword = [_param(x, default=True) for x in a.kwarg_only]
    keyword += [_param(x, default=False) for x in a.out]
    return ", ".join([*result, "*", *keyword] if keyword else result)


def shape_call(f: NativeFunction) -> str:
    """`shape.pointwise(self, other)`: the shape function on the entry's arguments."""
    decl = f.shape_function
    assert decl is not None
    return f"shape.{decl.name}({', '.join(decl.arg_names(f.func))})"


def body(f: NativeFunction) -> list[str]:
    """The statements of the fake: the shape function, then out= / in-place rules."""
    call = shape_call(f)
    kind = f.func.kind()
    if kind is SchemaKind.inplace:
        return [f"return _fake_inplace(self, {call})"]
    outs = [a.name for a in f.func.arguments.out]
    if kind is not SchemaKind.out:
        return [f"return {call}"]
    if len(outs) == 1:
        return [f"return _fake_out({outs[0]}, {call})"]
    each = ", ".join(f"_fake_out({o}, result[{i}])" for i, o in enumerate(outs))
    return [f"result = {call}", f"return ({each})"]


def fake(f: NativeFunction) -> str:
    try:
        signature = f"def {fake_name(f)}({params(f)}) -> {pyi.return_hint(f.func.returns)}:"
        lines = body(f)
    except ParseError as e:
        raise ParseError(e.message, e.hint, e.loc or f.loc) from None
    return "\n".join([signature, *(f"    {line}" for line in lines)])


def compute(fns: list[NativeFunction]) -> dict[str, object]:
    with_fakes = [f for f in fns if f.shape_function is not None]
    return {
        "scalar_alias": pyi.SCALAR_ALIAS,
        "fakes": [fake(f) for f in with_fakes],
        "table": [f'"{NAMESPACE}::{f.func.name}": {fake_name(f)},' for f in with_fakes],
    }


def outputs(ctx: Context) -> Iterator[Output]:
    yield Output("_C_fakes.py", "_C_fakes.py.in", compute(ctx.native_functions))
