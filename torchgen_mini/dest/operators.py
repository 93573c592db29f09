"""`ops/<op>_ops.h`, `Operators.h`, `Operators_<n>.cpp`: one struct per overload in `at_mini::_ops`.

Each struct (`at_mini::_ops::add_Tensor`) names its schema and has `call`
(a full dispatch) and `redispatch` (continue below a given key set), both
going through a typed operator handle that is looked up once and cached.
"""

from __future__ import annotations

from collections.abc import Iterator

from torchgen_mini.api import dispatcher
from torchgen_mini.api.cpp import Binding, CppSignature
from torchgen_mini.dest import per_op
from torchgen_mini.dest.register_schema import cpp_string
from torchgen_mini.model import NativeFunction
from torchgen_mini.output import Context, Output

KEYSET = Binding("dispatchKeySet", "c10::DispatchKeySet")


def _redispatch_sig(sig: CppSignature) -> CppSignature:
    return CppSignature(sig.name, sig.returns, (KEYSET, *sig.args))


def struct(f: NativeFunction) -> str:
    """The declaration of the operator struct of `f`."""
    sig = dispatcher.signature(f)
    name = sig.name
    lines = [
        f"// {f.func}",
        f"struct {name} {{",
        f"  using schema = {sig.function_type()};",
        "  using ptr_schema = schema*;",
        f'  static constexpr const char* name = "{dispatcher.LIBRARY}::{f.func.name.name}";',
        f'  static constexpr const char* overload_name = "{f.func.name.overload_name}";',
        f"  static constexpr const char* schema_str = {cpp_string(str(f.func))};",
        f"  static {sig.decl(name='call')};",
        f"  static {_redispatch_sig(sig).decl(name='redispatch')};",
        "};",
    ]
    return "\n".join(lines)


def definition(f: NativeFunction) -> str:
    """The cached-handle factory and the `call` / `redispatch` bodies of `f`."""
    sig = dispatcher.signature(f)
    n = sig.name
    handle = f"create_{n}_typed_handle"
    return "\n".join(
        [
            f"static C10_NOINLINE c10::TypedOperatorHandle<{n}::schema> {handle}() {{",
            "  return c10::Dispatcher::singleton()",
            f"      .findSchemaOrThrow({n}::name, {n}::overload_name)",
            f"      .typed<{n}::schema>();",
            "}",
            "",
            f"{sig.decl(name=f'{n}::call')} {{",
            f"  static auto op = {handle}();",
            f"  return op.call({sig.arg_names()});",
            "}",
            "",
            f"{_redispatch_sig(sig).decl(name=f'{n}::redispatch')} {{",
            f"  static auto op = {handle}();",
            f"  return op.redispatch({_redispatch_sig(sig).arg_names()});",
            "}",
        ]
    )


def compute_header(fns: list[NativeFunction]) -> dict[str, object]:
    """The aggregate Operators.h.  See Note [Per-operator headers]."""
    return {"includes": per_op.include_lines(map(per_op.ops_header, per_op.by_root(fns)))}


def compute_op_header(root: str, fns: list[NativeFunction]) -> dict[str, object]:
    """ops/<root>_ops.h: the structs of the overloads `fns` of `root`."""
    return {"root": root, "structs": [struct(f) for f in fns]}


def compute_source(fns: list[NativeFunction], shard: int = 0) -> dict[str, object]:
    """One shard of Operators.cpp.  See Note [Sharded generated sources]."""
    return {
        "shard": shard,
        "includes": per_op.include_lines(per_op.ops_header(f.root_name) for f in fns),
        "definitions": [definition(f) for f in fns],
    }


def outputs(ctx: Context) -> Iterator[Output]:
    """Operators.h, ops/<root>_ops.h per root, the shards Operators_<n>.cpp."""
    fns = ctx.native_functions
    yield Output("Operators.h", "Operators.h", compute_header(fns))
    for root, group in per_op.by_root(fns).items():
        yield Output(per_op.ops_header(root), "ops_ops.h", compute_op_header(root, group))
    for i, part in enumerate(per_op.shard(fns, per_op.OPERATOR_SHARDS)):
        yield Output(f"Operators_{i}.cpp", "Operators.cpp", compute_source(part, i))
