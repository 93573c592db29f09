"""`ops/<op>.h` and `Functions.h`: the C++ API `at_mini::add(...)`, `add_out(...)`, `add_outf(...)`.

Inline functions that call the operator structs of `Operators.h`; kernels
(composite ones especially) and C++ users call ops through them.  See Note
[C++ signatures of one op] in `api/cpp.py` for the argument orders.
"""

from __future__ import annotations

from collections.abc import Iterator

from torchgen_mini.api import cpp, dispatcher
from torchgen_mini.dest import per_op
from torchgen_mini.model import NativeFunction
from torchgen_mini.output import Context, Output
from torchgen_mini.templating import render_macro

MACROS = "macros/functions.cpp"


def inline_functions(f: NativeFunction) -> list[str]:
    """The `Functions.h` definitions for `f` (two for an out= op)."""
    call = dispatcher.call(f)
    return [
        render_macro(
            MACROS,
            "inline_function",
            schema=str(f.func),
            decl=sig.decl(with_defaults=True),
            call=call,
        )
        for sig in cpp.cpp_api_signatures(f)
    ]


def compute(fns: list[NativeFunction]) -> dict[str, object]:
    """The aggregate Functions.h.  See Note [Per-operator headers]."""
    return {"includes": per_op.include_lines(map(per_op.api_header, per_op.by_root(fns)))}


def compute_op(root: str, fns: list[NativeFunction]) -> dict[str, object]:
    """ops/<root>.h: the C++ API of the overloads `fns` of `root`."""
    return {
        "root": root,
        "includes": per_op.include_lines([per_op.ops_header(root)]),
        "functions": [text for f in fns for text in inline_functions(f)],
    }


def outputs(ctx: Context) -> Iterator[Output]:
    """Functions.h and ops/<root>.h per root."""
    fns = ctx.native_functions
    yield Output("Functions.h", "Functions.h", compute(fns))
    for root, group in per_op.by_root(fns).items():
        yield Output(per_op.api_header(root), "ops_function.h", compute_op(root, group))
