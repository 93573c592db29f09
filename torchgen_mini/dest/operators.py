"""`ops/<op>_ops.h`, `Operators.h`, `Operators_<n>.cpp`: one struct per overload in `at_mini::_ops`.

Each struct (`at_mini::_ops::add_Tensor`) names its schema and has `call`
(a full dispatch) and `redispatch` (continue below a given key set), both
going through a typed operator handle that is looked up once and cached.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from torchgen_mini.api import dispatcher
from torchgen_mini.api.cpp import Binding, CppSignature
from torchgen_mini.dest import per_op
from torchgen_mini.dest.register_schema import cpp_string
from torchgen_mini.model import NativeFunction
from torchgen_mini.output import Context, Output

KEYSET = Binding("dispatchKeySet", "c10::DispatchKeySet")


def _redispatch_sig(sig: CppSignature) -> CppSignature:
    return CppSignature(sig.name, sig.returns, (KEYSET, *sig.args))


@dataclass(frozen=True)
class OperatorStruct:
    """The operator struct of one overload, `at_mini::_ops::<name>`, as the templates
    place it: declared in ops/<root>_ops.h, defined in Operators_<n>.cpp."""

    schema: str  # the schema, for a comment
    name: str  # `add_Tensor`
    function_type: str  # `at::Tensor (const at::Tensor&, const at::Tensor&, const at::Scalar&)`
    op_name: str  # `aten_mini::add`
    overload_name: str  # `Tensor`
    schema_str: str  # the schema as a C++ string literal
    call: str  # the declaration of `call`
    redispatch: str  # the declaration of `redispatch`
    call_definition: str  # the same two, qualified with the struct's name
    redispatch_definition: str
    args: str  # the arguments `call` passes on
    redispatch_args: str  # those of `redispatch`, the key set first


def operator_struct(f: NativeFunction) -> OperatorStruct:
    sig = dispatcher.signature(f)
    n = sig.name
    re_sig = _redispatch_sig(sig)
    return OperatorStruct(
        schema=str(f.func),
        name=n,
        function_type=sig.function_type(),
        op_name=f"{dispatcher.LIBRARY}::{f.func.name.name}",
        overload_name=f.func.name.overload_name,
        schema_str=cpp_string(str(f.func)),
        call=sig.decl(name="call"),
        redispatch=re_sig.decl(name="redispatch"),
        call_definition=sig.decl(name=f"{n}::call"),
        redispatch_definition=re_sig.decl(name=f"{n}::redispatch"),
        args=sig.arg_names(),
        redispatch_args=re_sig.arg_names(),
    )


def compute_header(fns: list[NativeFunction]) -> dict[str, object]:
    """The aggregate Operators.h.  See Note [Per-operator headers]."""
    return {"includes": per_op.include_lines(map(per_op.ops_header, per_op.by_root(fns)))}


def compute_op_header(root: str, fns: list[NativeFunction]) -> dict[str, object]:
    """ops/<root>_ops.h: the structs of the overloads `fns` of `root`."""
    return {"root": root, "structs": [operator_struct(f) for f in fns]}


def compute_source(fns: list[NativeFunction], shard: int = 0) -> dict[str, object]:
    """One shard of Operators.cpp.  See Note [Sharded generated sources]."""
    return {
        "shard": shard,
        "includes": per_op.include_lines(per_op.ops_header(f.root_name) for f in fns),
        "structs": [operator_struct(f) for f in fns],
    }


def outputs(ctx: Context) -> Iterator[Output]:
    """Operators.h, ops/<root>_ops.h per root, the shards Operators_<n>.cpp."""
    fns = ctx.native_functions
    yield Output("Operators.h", "Operators.h", compute_header(fns))
    for root, group in per_op.by_root(fns).items():
        yield Output(per_op.ops_header(root), "ops_ops.h", compute_op_header(root, group))
    for i, part in enumerate(per_op.shard(fns, per_op.OPERATOR_SHARDS)):
        yield Output(f"Operators_{i}.cpp", "Operators.cpp", compute_source(part, i))
