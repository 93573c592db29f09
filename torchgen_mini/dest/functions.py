"""`Functions.h`: the C++ API `at_mini::add(...)`, `add_out(...)`, `add_outf(...)`.

Inline functions that call the operator structs of `Operators.h`; kernels
(composite ones especially) and C++ users call ops through them.  See Note
[C++ signatures of one op] in `api/cpp.py` for the argument orders.
"""

from __future__ import annotations

from torchgen_mini.api import cpp, dispatcher
from torchgen_mini.model import NativeFunction


def inline_functions(f: NativeFunction) -> list[str]:
    """The `Functions.h` definitions for `f` (two for an out= op)."""
    call = dispatcher.call(f)
    return [
        f"// {f.func}\ninline {sig.decl(with_defaults=True)} {{\n  return {call};\n}}"
        for sig in cpp.cpp_api_signatures(f)
    ]


def compute(fns: list[NativeFunction]) -> dict[str, object]:
    return {"functions": [text for f in fns for text in inline_functions(f)]}
