"""The dispatcher's view of an operator: the one typed signature it calls.

This module translates a schema into the signature of the boxed-free,
"unboxed" calling convention of `c10::Dispatcher`: every argument in schema
order (out arguments last), no defaults, C++ types as in `api.cpp`.  Operator
structs in `Operators.h`, the typed handle `c10::TypedOperatorHandle<schema>`
and the registration wrappers in `Register<Key>.cpp` all use it, so the
wrappers and the hand-written kernels have the same parameter list.
"""

from __future__ import annotations

from torchgen_mini.api import cpp
from torchgen_mini.model import FunctionSchema, NativeFunction, ParseError

LIBRARY = "aten_mini"
OPS_NAMESPACE = "at_mini::_ops"


def name(func: FunctionSchema) -> str:
    """The identifier used for one overload in C++: `add_Tensor`."""
    return func.name.unambiguous_name()


def signature(f: NativeFunction) -> cpp.CppSignature:
    """`at::Tensor add_Tensor(const at::Tensor& self, ...)`: schema order, no defaults."""
    try:
        args = cpp.bindings(f.func.arguments.flat_all, with_defaults=False)
        returns = cpp.return_type(f.func.returns)
    except ParseError as e:
        raise ParseError(e.message, e.hint, e.loc or f.loc) from None
    return cpp.CppSignature(name(f.func), returns, args)


def qualified_op(f: NativeFunction) -> str:
    """The C++ struct of the overload: `at_mini::_ops::add_Tensor`."""
    return f"{OPS_NAMESPACE}::{name(f.func)}"


def call(f: NativeFunction) -> str:
    """A C++ call of the overload through the dispatcher, by argument names."""
    return f"{qualified_op(f)}::call({signature(f).arg_names()})"
