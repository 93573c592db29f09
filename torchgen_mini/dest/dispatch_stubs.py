"""`DispatchStubs.h` / `DispatchStubs.cpp`: the stubs declared in the YAML.

For `dispatch_stub: {add_stub: void(at::TensorIteratorBase&, const c10::Scalar&)}`
the header gets `using add_stub_fn = void (*)(...)` and
`DECLARE_DISPATCH(add_stub_fn, add_stub);`, the source `DEFINE_DISPATCH(add_stub);`.
"""

from __future__ import annotations

from torchgen_mini.model import NativeFunction, ParseError, StubDecl


def unique_stubs(fns: list[NativeFunction]) -> list[StubDecl]:
    """Each stub once, in YAML order."""
    seen: dict[str, StubDecl] = {}
    for f in fns:
        for s in f.dispatch_stubs:
            seen.setdefault(s.name, s)
    return list(seen.values())


def pointer_type(s: StubDecl) -> str:
    """`void(at::TensorIteratorBase&)` -> `void (*)(at::TensorIteratorBase&)`."""
    ret, paren, params = s.fn_type.partition("(")
    if not paren:
        raise ParseError(f"stub type '{s.fn_type}' is not a function type", loc=s.loc)
    return f"{ret.strip()} (*)({params}"


def declaration(s: StubDecl) -> str:
    return f"using {s.name}_fn = {pointer_type(s)};\nDECLARE_DISPATCH({s.name}_fn, {s.name});"


def compute_header(fns: list[NativeFunction]) -> dict[str, object]:
    return {"declarations": [declaration(s) for s in unique_stubs(fns)]}


def compute_source(fns: list[NativeFunction]) -> dict[str, object]:
    return {"definitions": [f"DEFINE_DISPATCH({s.name});" for s in unique_stubs(fns)]}
