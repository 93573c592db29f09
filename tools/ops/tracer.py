"""The child process of `./kit trace`: run one expression and record what happened.

Run as `python -m tools.ops.tracer EXPRESSION`; prints one JSON document.
See Note [What ./kit trace observes] for the three sources and their limits.
The expression is run twice, each time with fresh `x` and `y`, so an in-place
op sees the same inputs both times.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from typing import Any

# Note [What ./kit trace observes]
# A release libtorch does not log the dispatch keys it visits (the dispatcher's
# TORCH_SHOW_DISPATCH_TRACE exists only in debug builds), so the trace puts
# together three things, each observed, never guessed:
# 1. Run 1, under a TorchDispatchMode: the first op of each call chain that
#    reaches the Python key, with its overload and its tensors' dispatch key
#    sets. (A mode sits below Autograd: it sees a CompositeImplicitAutograd
#    op's children, not the op itself.)
# 2. Run 2, plain, under torch.profiler: every op call the dispatcher made
#    (RecordFunction fires once per `call`, not per redispatch), nested as
#    they ran, and, with the kit's stub trace on, every DispatchStub call and
#    the capability slot that ran it.
# 3. The dispatcher's computed table for each op seen
#    (`torch._C._dispatch_dump_table`), and the thread-local include/exclude
#    key sets around the call. Walking the call's key set down that table is
#    exactly the dispatcher's rule (highest key first; fallthroughs skipped;
#    wrapper keys like Autograd pass the call on), so the path printed is the
#    one the dispatcher takes, derived from its own state.
# Which generated wrapper ran follows from 1 and 3: the overload called (a
# structured op's functional, in-place and out= overloads each have their
# own wrapper, registered by the m.impl line the table entry points at) and
# the backend key the walk ends on (the Meta wrapper runs meta() only). What
# that wrapper does with the output, and the meta() and impl() it calls, are
# read from native_functions.yaml and the sources, not observed.

X_TEXT = "torch.tensor([[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]])"
Y_TEXT = "torch.tensor([[0.5, 0.5, 0.5], [2.0, 2.0, 2.0]])"


def namespace() -> dict[str, Any]:
    import torch

    import aten_mini

    return {"torch": torch, "aten_mini": aten_mini, "x": eval(X_TEXT), "y": eval(Y_TEXT)}


def _tensor_keys(args: Any) -> int:
    """The union of the dispatch key sets of every tensor in `args` (raw bits)."""
    import torch

    bits = 0
    for a in args:
        if isinstance(a, torch.Tensor):
            bits |= torch._C._dispatch_keys(a).raw_repr()
        elif isinstance(a, (list, tuple)):
            bits |= _tensor_keys(a)
    return bits


def call_keys(tensor_bits: int, include: Any, exclude: Any) -> list[str]:
    """The keys the dispatcher considers, highest priority first.

    Its rule: (tensor keys | TLS include) - TLS exclude, where "-" removes
    functionality bits only and keeps the backend bits (c10's operator-).
    A DispatchKeySet prints its keys lowest priority first.
    """
    import torch

    backend_mask = (1 << torch._C._dispatch_num_backends()) - 1
    bits = tensor_bits | include.raw_repr()
    bits &= backend_mask | ~(exclude.raw_repr() & ~backend_mask)
    text = repr(torch._C.DispatchKeySet.from_raw_repr(bits))
    inner = text[text.find("(") + 1 : text.rfind(")")]
    return [k.strip() for k in reversed(inner.split(",")) if k.strip()]


def _types(inputs: list[Any], out: Any) -> dict[str, Any]:
    """The dtypes a call saw (tensors and Python numbers) and returned; any input requiring grad."""
    import torch

    def kind(a: Any) -> str | None:
        if isinstance(a, torch.Tensor):
            return str(a.dtype).removeprefix("torch.") + ("" if a.dim() else " (0-dim)")
        if isinstance(a, (bool, int, float, complex)):
            return f"Python {type(a).__name__}"
        return None

    kinds = [k for k in map(kind, inputs) if k is not None]
    grad = any(isinstance(a, torch.Tensor) and a.requires_grad for a in inputs)
    result = str(out.dtype).removeprefix("torch.") if isinstance(out, torch.Tensor) else None
    return {"inputs": kinds, "result": result, "requires_grad": grad}


def probe_calls(code: Any) -> list[dict[str, Any]]:
    """Run 1: the ops that reached the Python key, with their tensors' key sets."""
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode

    seen: list[dict[str, Any]] = []
    include = torch._C._dispatch_tls_local_include_set()
    exclude = torch._C._dispatch_tls_local_exclude_set()

    class Spy(TorchDispatchMode):  # type: ignore[no-untyped-call]
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
            kwargs = kwargs or {}
            inputs = [*args, *kwargs.values()]
            bits = _tensor_keys(inputs)
            out = func(*args, **kwargs)
            seen.append({"op": func._schema.name, "overload": func._overloadname,
                         "keys": call_keys(bits, include, exclude)})  # fmt: skip
            seen[-1].update(_types(inputs, out))
            return out

    ns = namespace()
    with Spy():  # type: ignore[no-untyped-call]
        eval(code, ns)
    return seen


def _events(prof: Any) -> list[dict[str, Any]]:
    events = [e for e in prof.events() if not e.name.startswith(("[", "ProfilerStep"))]
    index = {id(e): i for i, e in enumerate(events)}
    return [
        {
            "name": e.name,
            "shapes": [list(s) for s in e.input_shapes],
            "parent": index.get(id(e.cpu_parent)) if e.cpu_parent is not None else None,
        }
        for e in events
    ]


def observe(code: Any) -> dict[str, Any]:
    """Run 2: the profiler's op calls, the stub calls, the result."""
    from torch.profiler import ProfilerActivity, profile

    c = importlib.import_module("aten_mini._C")
    tracing = hasattr(c, "_stub_trace")
    ns = namespace()
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        if tracing:
            c._stub_trace(True)
        try:
            result = eval(code, ns)
        finally:
            if tracing:
                c._stub_trace(False)
    stubs = [list(e) for e in c._stub_trace_events()] if tracing else None
    capability = c._cpu_capability() if hasattr(c, "_cpu_capability") else None
    return {"events": _events(prof), "stubs": stubs, "capability": capability,
            "result": describe(result)}  # fmt: skip


def describe(value: Any) -> str:
    import torch

    if isinstance(value, torch.Tensor):
        grad = f", grad_fn={value.grad_fn.name()}" if value.grad_fn is not None else ""
        shape = tuple(value.shape)
        return f"Tensor(shape={shape}, dtype={value.dtype}, device={value.device}{grad})"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__} of {len(value)}: " + ", ".join(describe(v) for v in value)
    return repr(value)


def tables(ops: set[str]) -> dict[str, str]:
    """The computed dispatch table of every overload of the kit's ops among `ops`."""
    import torch

    mine = {op for op in ops if op.startswith("aten_mini::")}
    names = [
        n for n in torch._C._dispatch_get_all_op_names() if n in mine or n.split(".", 1)[0] in mine
    ]
    return {n: torch._C._dispatch_dump_table(n) for n in sorted(names)}


def main(expression: str) -> dict[str, Any]:
    try:
        code = compile(expression, "<./kit trace>", "eval")
    except SyntaxError as e:
        return {"error": f"not a Python expression: {e.msg} (column {e.offset})"}
    try:
        calls = probe_calls(code)
        observed = observe(code)
    except ImportError as e:
        return {"error": f"aten_mini could not be imported: {e}"}
    except Exception as e:
        return {"raised": f"{type(e).__name__}: {str(e).strip().splitlines()[0]}"}
    names = {c["op"] for c in calls} | {e["name"] for e in observed["events"]}
    return {"calls": calls, **observed, "tables": tables(names)}


if __name__ == "__main__":
    os.environ.setdefault("KINETO_LOG_LEVEL", "5")
    print("\n" + json.dumps(main(sys.argv[1])))
