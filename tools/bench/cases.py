"""The benchmark cases: which op, on which inputs, against which torch call.

A `Case` names what it measures (`add contiguous 16M`) and carries the target
of issue 6 that applies to it, if any. Building its inputs and the two
callables needs torch (and aten_mini's extension), so that happens only in
`Case.make()`, inside the worker; listing cases needs neither, which keeps
the case list testable without a build.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

Fn = Callable[[], Any]

POINTWISE = ("add", "mul", "sigmoid", "relu", "where", "softplus", "silu", "log1p")
REDUCTIONS = ("sum", "cumsum")
OPS = POINTWISE + REDUCTIONS
# Ops whose large contiguous case has the 1.10 target (silu is composite).
TARGETED_POINTWISE = frozenset({"add", "mul", "sigmoid", "relu", "where", "softplus"})
# Ops measured without a target, and what the report's target column says
# instead. log1p's CPU loop is scalar on purpose: vectorizing it is practice
# task 14, which checks its ratio with this benchmark.
NO_TARGET = {"log1p": "none: task 14"}
# Ops measured on |randn| (their domain; log1p is NaN below -1).
NONNEGATIVE_INPUTS = frozenset({"log1p"})
BROADCASTING = ("add", "mul", "where")
# out= cases time the kernel without the allocation of a fresh 64 MiB result
# (whose page faults cost as much as the kernel); torch.relu has no out=.
WITH_OUT = ("add", "mul", "sigmoid", "where", "softplus")

TARGET_POINTWISE = 1.10
TARGET_REDUCTION = 1.25
TARGET_CALL_OVERHEAD = 1.15
TARGET_CUDA = 1.20
TARGET_SUM_REL_ERROR = 1e-6


@dataclass(frozen=True)
class Sizes:
    """Input sizes; tests shrink them, the benchmark uses the defaults."""

    large: int = 16 * 1024 * 1024  # 16M float32: 64 MiB per tensor
    square: int = 4096  # reductions over each dim of square x square
    small: int = 8  # call overhead
    cuda: int = 64 * 1024 * 1024


def label(n: int) -> str:
    """16777216 -> '16M', 4096 -> '4K', 8 -> '8'."""
    for unit, size in (("M", 1 << 20), ("K", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size}{unit}"
    return str(n)


@dataclass(frozen=True)
class Case:
    op: str
    layout: str  # contiguous, out, broadcast, strided, small, dim0, dim1, all
    shape: tuple[int, ...]
    device: str = "cpu"
    target: float | None = None

    @property
    def name(self) -> str:
        dims = "x".join(label(d) for d in self.shape)
        return f"{self.op} {self.layout} {dims}" + (" cuda" if self.device == "cuda" else "")

    def make(self) -> tuple[Fn, Fn]:
        """(aten_mini call, torch call) on the same freshly made inputs."""
        return _make(self)


def pointwise_cases(op: str, sizes: Sizes) -> list[Case]:
    target = TARGET_POINTWISE if op in TARGETED_POINTWISE else None
    n = sizes.square
    cases = [Case(op, "contiguous", (sizes.large,), target=target)]
    if op in WITH_OUT:
        cases.append(Case(op, "out", (sizes.large,), target=target))
    if op in BROADCASTING:
        cases.append(Case(op, "broadcast", (n, n)))
    cases.append(Case(op, "strided", (n, n)))
    small_target = TARGET_CALL_OVERHEAD if op == "add" else None
    cases.append(Case(op, "small", (sizes.small,), target=small_target))
    return cases


def reduction_cases(op: str, sizes: Sizes) -> list[Case]:
    n = sizes.square
    layouts = ["dim0", "dim1"] + (["all"] if op == "sum" else [])
    cases = [Case(op, layout, (n, n), target=TARGET_REDUCTION) for layout in layouts]
    cases.append(Case(op, "small", (sizes.small,)))
    return cases


def cuda_cases(op: str, sizes: Sizes) -> list[Case]:
    if op in POINTWISE:
        target = TARGET_CUDA if op in TARGETED_POINTWISE else None
        return [Case(op, "contiguous", (sizes.cuda,), "cuda", target)]
    n = sizes.square
    return [Case(op, layout, (n, n), "cuda") for layout in ("dim0", "dim1")]


def all_cases(
    ops: Sequence[str] = OPS, sizes: Sizes | None = None, *, cuda: bool = False
) -> list[Case]:
    """Every case for `ops`, CPU first, then CUDA when asked for."""
    sizes = sizes or Sizes()
    unknown = [op for op in ops if op not in OPS]
    if unknown:
        raise ValueError(f"unknown op '{unknown[0]}'; choose from: {', '.join(OPS)}")
    cases: list[Case] = []
    for op in ops:
        cases += pointwise_cases(op, sizes) if op in POINTWISE else reduction_cases(op, sizes)
    if cuda:
        for op in ops:
            cases += cuda_cases(op, sizes)
    return cases


# ---- inputs and callables (worker side: needs torch and aten_mini._C) ----


def _inputs(case: Case) -> list[torch.Tensor]:
    """Float32 inputs of the case's layout; where's condition comes first."""
    import torch

    gen = torch.Generator().manual_seed(0)
    shape = list(case.shape)
    if case.layout == "strided":  # every other column of a wider matrix
        shape[-1] *= 2
    x = torch.randn(shape, generator=gen)
    if case.op in NONNEGATIVE_INPUTS:
        x = x.abs()
    y = torch.randn(shape[-1] if case.layout == "broadcast" else shape, generator=gen)
    if case.layout == "strided":
        x, y = x[..., ::2], y[..., ::2]
    x, y = x.to(case.device), y.to(case.device)
    if case.op == "where":
        return [x > 0, x, y]
    return [x, y] if case.op in ("add", "mul") else [x]


def _torch_op(op: str, out: bool = False) -> Callable[..., Any]:
    import torch
    import torch.nn.functional as F

    special: dict[str, Callable[..., Any]] = {"softplus": F.softplus, "silu": F.silu}
    if out:  # F.softplus has no out=; the op it calls has
        special["softplus"] = torch._C._nn.softplus
    return special.get(op) or getattr(torch, op)


def _make(case: Case) -> tuple[Fn, Fn]:
    ours = getattr(importlib.import_module("aten_mini"), case.op)
    theirs = _torch_op(case.op, out=case.layout == "out")
    args: list[Any] = list(_inputs(case))
    if case.layout in ("dim0", "dim1"):
        args.append(int(case.layout[-1]))
    elif case.op == "cumsum":  # small cumsum: along its only dim
        args.append(0)
    if case.layout == "out":
        out = args[-1].new_empty(args[-1].shape)
        return (lambda: ours(*args, out=out)), (lambda: theirs(*args, out=out))
    return (lambda: ours(*args)), (lambda: theirs(*args))
