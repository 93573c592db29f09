"""The type-stub (`.pyi`) view of the Python API.

This module translates the Python signatures of `api.python` into stub
lines for `_C.pyi`: schema types become Python type hints (`Scalar` ->
`_Scalar`, `int[1]?` -> `int | Sequence[int] | None`, `ScalarType?` ->
`torch.dtype | None`), schema defaults become Python literals, and an op
with several overloads gets one `@overload` stub per pybind11 overload, in
the same order.  The stubs are what mypy and IDEs see of `aten_mini._C`.
"""

from __future__ import annotations

from torchgen_mini.api.defaults import translate_default
from torchgen_mini.api.python import OUT_NAME, PythonSignature
from torchgen_mini.model import (
    Argument,
    BaseTy,
    BaseType,
    ListType,
    OptionalType,
    ParseError,
    Return,
    Type,
)

SCALAR_ALIAS = "_Scalar"

BASE_PYI_TYPES: dict[BaseTy, str] = {
    BaseTy.Tensor: "Tensor",
    BaseTy.int: "int",
    BaseTy.SymInt: "int",
    BaseTy.float: "float",
    BaseTy.bool: "bool",
    BaseTy.str: "str",
    BaseTy.Scalar: SCALAR_ALIAS,
    BaseTy.ScalarType: "torch.dtype",
    BaseTy.Layout: "torch.layout",
    BaseTy.Device: "torch.device",
    BaseTy.MemoryFormat: "torch.memory_format",
    BaseTy.Generator: "torch.Generator",
    BaseTy.DeviceIndex: "int",
    BaseTy.Storage: "torch.UntypedStorage",
    BaseTy.SymBool: "bool",
    BaseTy.QScheme: "torch.qscheme",
    BaseTy.Stream: "torch.Stream",
}

PYI_DEFAULT_CONSTANTS: dict[str, str] = {
    "None": "None",
    "True": "True",
    "False": "False",
    "long": "torch.int64",
    "int": "torch.int32",
    "float": "torch.float32",
    "double": "torch.float64",
    "bool": "torch.bool",
    "contiguous_format": "torch.contiguous_format",
    "preserve_format": "torch.preserve_format",
    "channels_last": "torch.channels_last",
    "strided": "torch.strided",
    "Mean": "1",
    "Sum": "2",
}


def pyi_type(t: Type) -> str:
    """The type hint of an argument of schema type `t`."""
    if isinstance(t, OptionalType):
        return f"{pyi_type(t.elem)} | None"
    if isinstance(t, ListType):
        return _list_hint(t)
    if isinstance(t, BaseType) and t.name in BASE_PYI_TYPES:
        return BASE_PYI_TYPES[t.name]
    raise ParseError(f"type '{t}' has no Python type hint in aten-mini")


def _list_hint(t: ListType) -> str:
    elem = pyi_type(t.elem)
    if t.elem == BaseType(BaseTy.int):
        return f"int | Sequence[{elem}]"
    return f"Sequence[{elem}]"


def pyi_default(a: Argument) -> str | None:
    """The Python literal of the schema default of `a` (`...` when it has no literal)."""
    return translate_default(
        a,
        PYI_DEFAULT_CONSTANTS,
        list_items=_tuple_literal,
        string=lambda text: '"' + text + '"',
        literal=lambda d: d if _is_number(d) else "...",
    )


def _tuple_literal(text: str) -> str:
    items = [x.strip() for x in text.split(",") if x.strip()]
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def return_hint(returns: tuple[Return, ...]) -> str:
    """`Tensor`, `tuple[Tensor, Tensor]` or `None`."""
    hints = [_return_one(r.type) for r in returns]
    if not hints:
        return "None"
    return hints[0] if len(hints) == 1 else f"tuple[{', '.join(hints)}]"


def _return_one(t: Type) -> str:
    if isinstance(t, ListType):
        return f"list[{pyi_type(t.elem)}]"
    return pyi_type(t)


def _param(name: str, hint: str, default: str | None) -> str:
    return f"{name}: {hint}" if default is None else f"{name}: {hint} = {default}"


def out_hint(sig: PythonSignature) -> str:
    n = len(sig.out_args)
    return "Tensor" if n == 1 else f"tuple[{', '.join(['Tensor'] * n)}]"


def stub_params(sig: PythonSignature) -> list[str]:
    """The parameters of one stub, with `*` before the keyword-only ones."""
    params: list[str] = []
    star = False
    for x in sig.args:
        if x.kw_only and not star:
            params.append("*")
            star = True
        params.append(_param(x.name, pyi_type(x.schema.type), pyi_default(x.schema)))
    if sig.out_args:
        params += [] if star else ["*"]
        default = None if sig.out_required else "None"
        hint = out_hint(sig) if sig.out_required else f"{out_hint(sig)} | None"
        params.append(_param(OUT_NAME, hint, default))
    return params


def stub(sig: PythonSignature) -> str:
    """`def add(input: Tensor, ...) -> Tensor: ...`"""
    params = ", ".join(stub_params(sig))
    return f"def {sig.name}({params}) -> {return_hint(sig.op.func.returns)}: ..."
