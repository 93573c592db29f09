"""What upstream PyTorch does with an op of the same name, asked of the installed torch.

Note [Asking upstream]
The semantic rules compare a new op with `torch.<name>` when the installed
torch has one. They call torch itself on tiny, fixed samples built from the
op's schema (every Tensor argument gets the same 3-element tensor, every other
argument is left at its default); the PR's code is never imported or run,
only the trusted wheel. A schema with a required non-Tensor argument, or a call
that raises, gives no answer (None) and the rule stays silent rather than
guess. torch is imported lazily: a PR without new ops never pays for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from torchgen_mini.model import NativeFunction

SAMPLE = {"int64": [1, -2, 3], "float64": [-1.5, 0.0, 2.0]}


@dataclass(frozen=True)
class Answer:
    sample: str  # e.g. "torch.heaviside(int64 [1, -2, 3], int64 [1, -2, 3])"
    dtype: str  # e.g. "int64"
    values: str  # e.g. "[1, -2, 3]"
    unchanged: bool  # the result equals the first input, dtype and values


def _torch() -> Any:
    import torch  # lazily: see Note [Asking upstream]

    return torch


def upstream_fn(op: str) -> Any | None:
    try:
        torch = _torch()
    except ImportError:
        return None
    fn = getattr(torch, op, None)
    return fn if callable(fn) else None


def _tensor_args(f: NativeFunction) -> int | None:
    """How many leading positional Tensor arguments; None if another argument is required."""
    n = 0
    for a in f.func.arguments.flat_non_out:
        if str(a.type) == "Tensor" and a.default is None:
            n += 1
        elif a.default is None:
            return None
    return n or None


@cache
def _ask(op: str, n: int, dtype: str) -> Answer | None:
    fn = upstream_fn(op)
    if fn is None:
        return None
    torch = _torch()
    values = SAMPLE[dtype]
    args = [torch.tensor(values, dtype=getattr(torch, dtype)) for _ in range(n)]
    try:
        out = fn(*args)
    except Exception:  # upstream refuses the sample: no answer, see Note [Asking upstream]
        return None
    if not isinstance(out, torch.Tensor):
        return None
    shown = ", ".join(f"{dtype} {values}" for _ in range(n))
    got = str(out.dtype).removeprefix("torch.")
    same = (
        out.dtype == args[0].dtype
        and out.shape == args[0].shape
        and bool(torch.equal(out, args[0]))
    )
    listed = [round(float(v), 4) if out.dtype.is_floating_point else v for v in out.tolist()]
    return Answer(f"torch.{op}({shown})", got, str(listed), same)


def ask(f: NativeFunction, dtype: str) -> Answer | None:
    """Upstream's answer for `f`'s op on the `dtype` sample, or None (Note [Asking upstream])."""
    n = _tensor_args(f)
    return _ask(f.root_name, n, dtype) if n is not None else None
