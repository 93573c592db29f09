"""`ops/<op>_stubs.h`, `DispatchStubs.h`, `DispatchStubs.cpp`: the stubs declared in the YAML.

For `dispatch_stub: {add_stub: void(at::TensorIteratorBase&, const c10::Scalar&)}`
the header gets `using add_stub_fn = void (*)(...)` and
`DECLARE_DISPATCH(add_stub_fn, add_stub);`, the source `DEFINE_DISPATCH(add_stub);`.
"""

from __future__ import annotations

from collections.abc import Iterator

from torchgen_mini.dest import per_op
from torchgen_mini.model import NativeFunction, ParseError, StubDecl
from torchgen_mini.output import Context, Output
from torchgen_mini.templating import render_macro

MACROS = "macros/dispatch_stubs.cpp"


def unique_stubs(fns: list[NativeFunction]) -> list[StubDecl]:
    """Each stub once, in YAML order."""
    return [s for stubs in stubs_by_root(fns).values() for s in stubs]


def stubs_by_root(fns: list[NativeFunction]) -> dict[str, list[StubDecl]]:
    """Root -> the stubs its entries declare first (roots with none left out)."""
    seen: set[str] = set()
    out: dict[str, list[StubDecl]] = {}
    for f in fns:
        for s in f.dispatch_stubs:
            if s.name not in seen:
                seen.add(s.name)
                out.setdefault(f.root_name, []).append(s)
    return out


def pointer_type(s: StubDecl) -> str:
    """`void(at::TensorIteratorBase&)` -> `void (*)(at::TensorIteratorBase&)`."""
    ret, paren, params = s.fn_type.partition("(")
    if not paren:
        raise ParseError(f"stub type '{s.fn_type}' is not a function type", loc=s.loc)
    return f"{ret.strip()} (*)({params}"


def declaration(s: StubDecl) -> str:
    return render_macro(MACROS, "declaration", name=s.name, pointer_type=pointer_type(s))


def compute_header(fns: list[NativeFunction]) -> dict[str, object]:
    """The aggregate DispatchStubs.h.  See Note [Per-operator headers]."""
    return {"includes": per_op.include_lines(map(per_op.stubs_header, stubs_by_root(fns)))}


def compute_op_header(root: str, stubs: list[StubDecl]) -> dict[str, object]:
    """ops/<root>_stubs.h: the stubs declared by the entries of `root`."""
    return {"root": root, "declarations": [declaration(s) for s in stubs]}


def compute_source(fns: list[NativeFunction]) -> dict[str, object]:
    return {"definitions": [f"DEFINE_DISPATCH({s.name});" for s in unique_stubs(fns)]}


def outputs(ctx: Context) -> Iterator[Output]:
    """DispatchStubs.h, DispatchStubs.cpp, and ops/<root>_stubs.h per root that has stubs."""
    fns = ctx.native_functions
    yield Output("DispatchStubs.h", "DispatchStubs.h", compute_header(fns))
    yield Output("DispatchStubs.cpp", "DispatchStubs.cpp", compute_source(fns))
    for root, stubs in stubs_by_root(fns).items():
        yield Output(per_op.stubs_header(root), "ops_stubs.h", compute_op_header(root, stubs))
