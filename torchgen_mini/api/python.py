"""The Python API of an operator and the pybind11 code that implements it.

This module translates schemas into Python signatures as `torch` spells them:
`self` is called `input`, arguments after `*` are keyword-only, schema
defaults become Python defaults, and an op's out= variant is folded into its
functional signature as an optional `out=` keyword.  Several overloads of
one name (`add.Tensor`, `add.Scalar`) become pybind11 overloads of one Python
function, Tensor overloads first.  It also says how each argument crosses
the C++/Python boundary: the C++ parameter type pybind11 converts to (with
the kit's own casters for Scalar and int lists, see
`aten_mini/csrc/python_arg_casters.h`) and the expression that hands it on to
the operator.  See Note [Python overloads].
"""

from __future__ import annotations

from dataclasses import dataclass

from torchgen_mini.api import cpp, dispatcher
from torchgen_mini.api.defaults import translate_default
from torchgen_mini.model import (
    Argument,
    BaseTy,
    BaseType,
    ListType,
    NativeFunction,
    NativeFunctionsGroup,
    OptionalType,
    ParseError,
    SchemaKind,
    Type,
    group_native_functions,
)

# Note [Python overloads]
# pybind11 tries the overloads of a name in the order they were defined, and
# first without implicit conversions.  `add(x, y)` with a Tensor `y` must
# reach `add.Tensor`, not `add.Scalar` (whose Scalar caster also accepts a
# 0-dim tensor), so overloads are sorted by how many Scalar arguments they
# take: fewest first, YAML order among equals.  The out= variant of an op
# is not an overload of its own: it is the functional overload called with
# `out=`, as in torch (`torch.add(x, y, out=z)`).

OUT_NAME = "out"

# Types converted by torch's own pybind11 casters (torch/csrc/utils/pybind.h)
# or pybind11's built-in ones.
PLAIN_PYBIND_TYPES: dict[BaseTy, str] = {
    BaseTy.int: "int64_t",
    BaseTy.SymInt: "int64_t",
    BaseTy.float: "double",
    BaseTy.bool: "bool",
    BaseTy.str: "std::string",
    BaseTy.ScalarType: "at::ScalarType",
    BaseTy.Layout: "at::Layout",
    BaseTy.Device: "at::Device",
    BaseTy.MemoryFormat: "at::MemoryFormat",
    BaseTy.Generator: "at::Generator",
    BaseTy.DeviceIndex: "c10::DeviceIndex",
    BaseTy.Storage: "at::Storage",
    BaseTy.SymBool: "c10::SymBool",
}

# Types converted by the kit's casters (aten_mini/csrc/python_arg_casters.h);
# `unpack()` there turns them into what the operator takes.
KIT_SCALAR = "ScalarArg"
KIT_INT_LIST = "IntListArg"

# Schema defaults that are names, as pybind11 default expressions.
PYBIND_DEFAULT_CONSTANTS: dict[str, str] = {
    "None": "py::none()",
    "True": "true",
    "False": "false",
    "Mean": "int64_t{1}",
    "Sum": "int64_t{2}",
    "inf": "std::numeric_limits<double>::infinity()",
}


@dataclass(frozen=True)
class PythonArg:
    """One Python parameter, with how pybind11 receives and passes it on."""

    name: str
    schema: Argument
    kw_only: bool
    pybind_type: str
    unpack: str
    pybind_default: str | None


@dataclass(frozen=True)
class PythonSignature:
    """One pybind11 overload: a functional (or standalone) op plus its out= variant."""

    name: str
    args: tuple[PythonArg, ...]
    op: NativeFunction
    out_fn: NativeFunction | None

    @property
    def out_required(self) -> bool:
        """True for an out= op without a functional twin: `out=` must be given."""
        return self.op.func.kind() is SchemaKind.out

    @property
    def out_args(self) -> tuple[Argument, ...]:
        fn = self.out_fn if self.out_fn is not None else self.op
        return fn.func.arguments.out


def python_name(f: NativeFunction) -> str:
    """The Python name of an op: `add`, `add_` (out= ops share the functional name)."""
    return str(f.func.name.name)


def python_arg_name(a: Argument) -> str:
    """`self` is `input` in Python, as in `torch.add(input, other)`."""
    return "input" if a.name == "self" else a.name


def pybind_type(a: Argument) -> str:
    """The C++ parameter type of the pybind11 lambda for argument `a`."""
    t = a.type
    if t == BaseType(BaseTy.Tensor):
        return "at::Tensor" if a.is_write else "const at::Tensor&"
    return _pybind_value_type(t, a)


def _pybind_value_type(t: Type, a: Argument) -> str:
    if isinstance(t, OptionalType):
        return f"std::optional<{_pybind_value_type(t.elem, a)}>"
    if isinstance(t, ListType):
        return _pybind_list_type(t, a)
    if isinstance(t, BaseType) and t.name is BaseTy.Tensor:
        return "at::Tensor"
    if isinstance(t, BaseType) and t.name is BaseTy.Scalar:
        return KIT_SCALAR
    if isinstance(t, BaseType) and t.name in PLAIN_PYBIND_TYPES:
        return PLAIN_PYBIND_TYPES[t.name]
    raise _unsupported(a)


def _pybind_list_type(t: ListType, a: Argument) -> str:
    if t.elem in (BaseType(BaseTy.int), BaseType(BaseTy.SymInt)):
        return KIT_INT_LIST
    if t.elem == BaseType(BaseTy.bool) and t.size is not None:
        return f"std::array<bool, {t.size}>"
    if t.elem == BaseType(BaseTy.Tensor):
        return "std::vector<at::Tensor>"
    if t.elem == BaseType(BaseTy.float):
        return "std::vector<double>"
    raise _unsupported(a)


def _unsupported(a: Argument) -> ParseError:
    return ParseError(
        f"argument '{a}' has a type the Python bindings do not support",
        hint="supported: Tensor, Tensor?, Tensor[], Scalar, int, int[], float, bool, str, "
        "ScalarType, Layout, Device, MemoryFormat, Generator and their optionals",
    )


def unpack_expr(a: Argument) -> str:
    """The C++ expression that passes the pybind11 parameter on to the operator."""
    name = python_arg_name(a)
    if a.type.is_list_like() is not None and a.type.is_symint_like():
        return f"unpack_symint({name})"
    uses_kit_caster = KIT_SCALAR in pybind_type(a) or KIT_INT_LIST in pybind_type(a)
    return f"unpack({name})" if uses_kit_caster else name


def pybind_default(a: Argument) -> str | None:
    """The pybind11 default (`py::arg("alpha") = <this>`) for `a`, or None."""
    return translate_default(
        a,
        PYBIND_DEFAULT_CONSTANTS,
        list_items=lambda items: f"std::vector<int64_t>{{{items}}}",
        string=lambda text: f'std::string("{text}")',
        literal=lambda d: cpp.DEFAULT_CONSTANTS.get(d, d),
    )


def python_arg(a: Argument, *, kw_only: bool) -> PythonArg:
    return PythonArg(
        python_arg_name(a), a, kw_only, pybind_type(a), unpack_expr(a), pybind_default(a)
    )


def python_signature(op: NativeFunction, out_fn: NativeFunction | None) -> PythonSignature:
    """The Python signature of `op`, with `out=` taken from `out_fn` if given."""
    a = op.func.arguments
    try:
        args = tuple(python_arg(x, kw_only=False) for x in a.positional)
        args += tuple(python_arg(x, kw_only=True) for x in a.kwarg_only)
    except ParseError as e:
        raise ParseError(e.message, e.hint, e.loc or op.loc) from None
    return PythonSignature(python_name(op), args, op, out_fn)


def _signatures_of(item: NativeFunction | NativeFunctionsGroup) -> list[PythonSignature]:
    if isinstance(item, NativeFunction):
        return [python_signature(item, None)]
    sigs = [python_signature(item.functional, item.out)]
    sigs += [python_signature(f, None) for f in (item.inplace, item.mutable) if f is not None]
    return sigs


def _scalar_count(sig: PythonSignature) -> int:
    return sum(1 for x in sig.args if x.schema.type == BaseType(BaseTy.Scalar))


def python_overloads(fns: list[NativeFunction]) -> dict[str, list[PythonSignature]]:
    """Every Python name with its overloads in binding order.  See Note [Python overloads]."""
    by_name: dict[str, list[PythonSignature]] = {}
    for item in group_native_functions(fns):
        for sig in _signatures_of(item):
            by_name.setdefault(sig.name, []).append(sig)
    return {name: sorted(sigs, key=_scalar_count) for name, sigs in by_name.items()}


def value_return_type(f: NativeFunction) -> str:
    """The C++ return type of the binding: references become values."""
    return cpp.return_type(f.func.returns).replace("at::Tensor&", "at::Tensor")


def op_call(f: NativeFunction, exprs: dict[str, str]) -> str:
    """`at_mini::_ops::add_Tensor::call(input, other, unpack(alpha))`."""
    args = ", ".join(exprs[a.name] for a in f.func.arguments.flat_all)
    return f"{dispatcher.qualified_op(f)}::call({args})"


def arg_exprs(sig: PythonSignature) -> dict[str, str]:
    """Schema argument name -> C++ expression, for the non-out arguments."""
    return {x.schema.name: x.unpack for x in sig.args}


def out_exprs(sig: PythonSignature, source: str) -> dict[str, str]:
    """Schema out-argument name -> C++ expression reading it from `source`."""
    outs = sig.out_args
    if len(outs) == 1:
        return {outs[0].name: source}
    return {a.name: f"std::get<{i}>({source})" for i, a in enumerate(outs)}


def out_pybind_type(sig: PythonSignature) -> str:
    """`at::Tensor` for one out tensor, a tuple for several (passed as `out=(a, b)`)."""
    n = len(sig.out_args)
    return "at::Tensor" if n == 1 else f"std::tuple<{', '.join(['at::Tensor'] * n)}>"
