"""`ops/<op>_native.h` and `NativeFunctions.h`: declarations of the kernels a contributor writes.

Every kernel named in a `dispatch:` entry, declared once in
`at_mini::native` with its native signature (schema order, out last, no
defaults), under a comment saying which overloads and keys use it.  A
structured out= entry's CPU/CUDA kernels are impl classes instead
(`struct structured_add_out`, deriving from the meta class of
ops/<root>_meta.h); see torchgen_mini/dest/structured.py.
"""

from __future__ import annotations

from collections.abc import Iterator

from torchgen_mini.api import cpp
from torchgen_mini.dest import per_op, structured
from torchgen_mini.model import DispatchKey, NativeFunction
from torchgen_mini.output import Context, Output
from torchgen_mini.templating import render_macro


def kernels(f: NativeFunction) -> dict[str, list[DispatchKey]]:
    """Kernel name -> the dispatch keys of `f` that use it, in YAML order.

    A structured entry's CPU/CUDA kernels are impl classes, not functions.
    """
    by_kernel: dict[str, list[DispatchKey]] = {}
    for key, kernel in f.dispatch.items():
        if f.structured and key in structured.STRUCTURED_KEYS:
            continue
        by_kernel.setdefault(kernel, []).append(key)
    return by_kernel


def declarations(fns: list[NativeFunction]) -> list[str]:
    """One declaration per distinct kernel signature, in YAML order."""
    seen: dict[str, list[str]] = {}
    for f in fns:
        for kernel, keys in kernels(f).items():
            decl = cpp.native_signature(f, kernel).decl()
            seen.setdefault(decl, []).append(f"{f.func.name} ({', '.join(map(str, keys))})")
    return [
        render_macro(
            "macros/native_functions.cpp", "declaration", users="; ".join(users), signature=decl
        )
        for decl, users in seen.items()
    ]


def compute(fns: list[NativeFunction]) -> dict[str, object]:
    """The aggregate NativeFunctions.h.  See Note [Per-operator headers]."""
    return {"includes": per_op.include_lines(map(per_op.native_header, per_op.by_root(fns)))}


def compute_op(root: str, fns: list[NativeFunction]) -> dict[str, object]:
    """ops/<root>_native.h: the kernels of the overloads `fns` of `root`."""
    structs = structured.groups(fns)
    impls = [d for s in structs for d in structured.impl_declarations(s)]
    includes = per_op.include_lines([structured.meta_header(root)] if structs else [])
    return {"root": root, "includes": includes, "declarations": [*impls, *declarations(fns)]}


def outputs(ctx: Context) -> Iterator[Output]:
    """NativeFunctions.h and ops/<root>_native.h per root."""
    fns = ctx.native_functions
    yield Output("NativeFunctions.h", "NativeFunctions.h", compute(fns))
    for root, group in per_op.by_root(fns).items():
        yield Output(per_op.native_header(root), "ops_native.h", compute_op(root, group))
