"""The C++ API of an operator: types, defaults and signatures in C++.

This module translates schema types into C++ types (`Tensor` ->
`const at::Tensor&`, `int[1]?` -> `at::OptionalIntArrayRef`, `Scalar` ->
`const at::Scalar&`), schema defaults into C++ defaults (`None` ->
`std::nullopt`, `False` -> `false`), and whole schemas into the C++
signatures a user of `Functions.h` calls (`at_mini::add`, `add_out` with the
out argument first, `add_outf` with it last) and the native signatures of the
hand-written kernels in `at_mini::native` (schema order, no defaults).  See
Note [C++ signatures of one op].
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from torchgen_mini.api.defaults import translate_default
from torchgen_mini.model import (
    Argument,
    BaseTy,
    BaseType,
    ListType,
    NativeFunction,
    OptionalType,
    ParseError,
    Return,
    SchemaKind,
    Type,
)

# Note [C++ signatures of one op]
# For `add.out(Tensor self, Tensor other, *, Scalar alpha=1, Tensor(a!) out)`:
#   dispatcher / native:  (self, other, alpha, out)     schema order, no defaults
#   C++ API `add_outf`:   (self, other, alpha, out)     schema order, no defaults
#   C++ API `add_out`:    (out, self, other, alpha=1)   out first, with defaults
# Functional and in-place ops have one C++ API signature, in schema order with
# defaults.  SymInt stays `c10::SymInt` everywhere: the kit has no separate
# `_symint` API (torchgen's native API lowers SymInt to int64_t).

BASE_CPP_TYPES: dict[BaseTy, str] = {
    BaseTy.Tensor: "at::Tensor",
    BaseTy.int: "int64_t",
    BaseTy.SymInt: "c10::SymInt",
    BaseTy.float: "double",
    BaseTy.bool: "bool",
    BaseTy.str: "c10::string_view",
    BaseTy.Scalar: "at::Scalar",
    BaseTy.ScalarType: "at::ScalarType",
    BaseTy.Layout: "at::Layout",
    BaseTy.Device: "at::Device",
    BaseTy.DeviceIndex: "at::DeviceIndex",
    BaseTy.MemoryFormat: "at::MemoryFormat",
    BaseTy.Generator: "at::Generator",
    BaseTy.Storage: "at::Storage",
    BaseTy.Stream: "at::Stream",
    BaseTy.QScheme: "at::QScheme",
    BaseTy.Dimname: "at::Dimname",
    BaseTy.SymBool: "c10::SymBool",
}

LIST_CPP_TYPES: dict[BaseTy, str] = {
    BaseTy.Tensor: "at::TensorList",
    BaseTy.int: "at::IntArrayRef",
    BaseTy.SymInt: "c10::SymIntArrayRef",
    BaseTy.Dimname: "at::DimnameList",
}

OPTIONAL_LIST_CPP_TYPES: dict[BaseTy, str] = {
    BaseTy.int: "at::OptionalIntArrayRef",
    BaseTy.SymInt: "c10::OptionalArrayRef<c10::SymInt>",
}

# Enum-like defaults of the schema language and their C++ spelling.
DEFAULT_CONSTANTS: dict[str, str] = {
    "None": "std::nullopt",
    "True": "true",
    "False": "false",
    "contiguous_format": "c10::MemoryFormat::Contiguous",
    "preserve_format": "c10::MemoryFormat::Preserve",
    "channels_last": "c10::MemoryFormat::ChannelsLast",
    "strided": "at::kStrided",
    "long": "at::kLong",
    "int": "at::kInt",
    "float": "at::kFloat",
    "double": "at::kDouble",
    "bool": "at::kBool",
    "Mean": "at::Reduction::Mean",
    "Sum": "at::Reduction::Sum",
    "inf": "std::numeric_limits<double>::infinity()",
}

OUT_SUFFIX = "_out"
OUTF_SUFFIX = "_outf"


@dataclass(frozen=True)
class Binding:
    """One C++ parameter: `const at::Scalar& alpha=1`."""

    name: str
    type: str
    default: str | None = None

    def decl(self, *, with_default: bool) -> str:
        if with_default and self.default is not None:
            return f"{self.type} {self.name}={self.default}"
        return f"{self.type} {self.name}"


@dataclass(frozen=True)
class CppSignature:
    """A C++ function signature: return type, name and parameters."""

    name: str
    returns: str
    args: tuple[Binding, ...]

    def params(self, *, with_defaults: bool = False) -> str:
        return ", ".join(b.decl(with_default=with_defaults) for b in self.args)

    def decl(self, *, name: str | None = None, with_defaults: bool = False) -> str:
        """`at::Tensor add(const at::Tensor& self, ...)`, without `;`."""
        return f"{self.returns} {name or self.name}({self.params(with_defaults=with_defaults)})"

    def arg_names(self) -> str:
        return ", ".join(b.name for b in self.args)

    def function_type(self) -> str:
        """The C++ function type: `at::Tensor (const at::Tensor&, ...)`."""
        return f"{self.returns} ({', '.join(b.type for b in self.args)})"


def value_type(t: Type) -> str:
    """The C++ type that holds a value of schema type `t`."""
    if isinstance(t, BaseType):
        return _base_type(t.name)
    if isinstance(t, OptionalType):
        return f"std::optional<{value_type(t.elem)}>"
    if isinstance(t, ListType):
        return _list_type(t)
    raise ParseError(f"type '{t}' has no C++ spelling in aten-mini")


def _base_type(ty: BaseTy) -> str:
    if ty not in BASE_CPP_TYPES:
        raise ParseError(f"type '{ty.value}' has no C++ spelling in aten-mini")
    return BASE_CPP_TYPES[ty]


def _list_type(t: ListType) -> str:
    elem = t.elem
    if isinstance(elem, BaseType) and elem.name in LIST_CPP_TYPES:
        return LIST_CPP_TYPES[elem.name]
    if isinstance(elem, OptionalType) and elem.elem == BaseType(BaseTy.Tensor):
        return "c10::List<std::optional<at::Tensor>>"
    if isinstance(elem, BaseType) and elem.name is BaseTy.bool and t.size is not None:
        return f"std::array<bool,{t.size}>"
    return f"at::ArrayRef<{value_type(elem)}>"


def argument_type(a: Argument) -> str:
    """The C++ parameter type of argument `a` (references where torchgen uses them)."""
    t = a.type
    if t == BaseType(BaseTy.Tensor):
        return "at::Tensor&" if a.is_write else "const at::Tensor&"
    if t in (OptionalType(BaseType(BaseTy.Tensor)), OptionalType(BaseType(BaseTy.Scalar))):
        return f"const {value_type(t)}&"
    if isinstance(t, OptionalType) and isinstance(t.elem, ListType):
        elem = t.elem.elem
        if isinstance(elem, BaseType) and elem.name in OPTIONAL_LIST_CPP_TYPES:
            return OPTIONAL_LIST_CPP_TYPES[elem.name]
    if t == BaseType(BaseTy.Scalar):
        return "const at::Scalar&"
    if isinstance(t, ListType) and isinstance(t.elem, OptionalType):
        return f"const {value_type(t)}&"
    return value_type(t)


def return_type(returns: tuple[Return, ...]) -> str:
    """`at::Tensor`, `at::Tensor&` for a returned mutated input, a tuple, or void."""
    types = [_one_return_type(r) for r in returns]
    if not types:
        return "void"
    if len(types) == 1:
        return types[0]
    return f"std::tuple<{', '.join(types)}>"


def _one_return_type(r: Return) -> str:
    if r.type == BaseType(BaseTy.Tensor) and r.is_write:
        return "at::Tensor&"
    if isinstance(r.type, ListType) and r.type.elem == BaseType(BaseTy.Tensor):
        return "std::vector<at::Tensor>"
    return value_type(r.type)


_NUMBER_RE = re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")


def default_value(a: Argument) -> str | None:
    """The C++ default of `a`, or None when it has none."""
    return translate_default(
        a,
        DEFAULT_CONSTANTS,
        list_items=lambda items: "{" + items + "}",
        string=lambda text: '"' + text + '"',
        literal=lambda d: d,
    )


def bindings(
    args: tuple[Argument, ...], *, with_defaults: bool, no_default: frozenset[str] = frozenset()
) -> tuple[Binding, ...]:
    """C++ parameters for `args`; defaults kept only on a trailing run."""
    out: list[Binding] = []
    trailing = True
    for a in reversed(args):
        keep = with_defaults and trailing and a.name not in no_default
        default = default_value(a) if keep else None
        trailing = trailing and default is not None
        out.append(Binding(a.name, argument_type(a), default))
    return tuple(reversed(out))


def cpp_api_name(f: NativeFunction) -> str:
    """The C++ API name: `add`, `add_`, `add_out` (every out overload)."""
    name = str(f.func.name.name)
    return name + OUT_SUFFIX if f.func.kind() is SchemaKind.out else name


def cpp_api_signatures(f: NativeFunction) -> list[CppSignature]:
    """The `Functions.h` signatures of `f`.  See Note [C++ signatures of one op]."""
    args = f.func.arguments
    ret = return_type(f.func.returns)
    if f.func.kind() is not SchemaKind.out:
        return [CppSignature(cpp_api_name(f), ret, _api_bindings(f, args.flat_non_out))]
    non_out = _api_bindings(f, args.flat_non_out)
    outs = bindings(args.out, with_defaults=False)
    base = str(f.func.name.name)
    return [
        CppSignature(base + OUT_SUFFIX, ret, outs + non_out),
        CppSignature(base + OUTF_SUFFIX, ret, bindings(args.flat_all, with_defaults=False)),
    ]


def _api_bindings(f: NativeFunction, args: tuple[Argument, ...]) -> tuple[Binding, ...]:
    return bindings(args, with_defaults=True, no_default=f.cpp_no_default_args)


def native_signature(f: NativeFunction, kernel: str) -> CppSignature:
    """The signature of kernel `at_mini::native::<kernel>`: schema order, no defaults."""
    args = bindings(f.func.arguments.flat_all, with_defaults=False)
    return CppSignature(kernel, return_type(f.func.returns), args)
