"""The OpInfo framework: one record per operator, shared by every generic test.

An `OpInfo` says what an operator is (its name, how to call it, its reference),
which inputs exercise it (`sample_inputs_func`), which inputs must fail
(`error_inputs_func`), which dtypes it claims per device, which variants it has
(out=, in-place) and which generic tests are skipped or expected to fail, each
with a written reason. The generic tests in `test/ops/` read only this record,
so adding an op to the kit means adding one `OpInfo(...)` to `op_db.py`.

Modelled on PyTorch's `torch/testing/_internal/opinfo/core.py`, scaled down and
written for this kit.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import torch

FLOATING: tuple[torch.dtype, ...] = (torch.float16, torch.bfloat16, torch.float32, torch.float64)
INTEGRAL: tuple[torch.dtype, ...] = (torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8)
# Every dtype the claimed-vs-working check tries. See Note [Claimed dtypes].
ALL_DTYPES: tuple[torch.dtype, ...] = (*FLOATING, *INTEGRAL, torch.bool, torch.complex64)

# Note [Tolerances]
# (rtol, atol) per result dtype: torch.testing.assert_close's defaults, except
# float16, which allows one unit in the last place (2e-3 relative across a
# power of two). The kit's kernels compute in float and round once; torch's
# own half kernels sometimes round twice (alpha * b, then the sum), so the two
# can differ by one ulp with the kit's the more accurate. Entries override a
# dtype with `tolerances={torch.float16: (rtol, atol)}`.
DEFAULT_TOLERANCES: dict[torch.dtype, tuple[float, float]] = {
    torch.float16: (2e-3, 1e-5),
    torch.bfloat16: (1.6e-2, 1e-5),
    torch.float32: (1.3e-6, 1e-5),
    torch.float64: (1e-7, 1e-7),
    torch.complex64: (1.3e-6, 1e-5),
}


def dtype_name(dtype: torch.dtype) -> str:
    """`torch.float32` -> `float32`, as used in test ids and messages."""
    return str(dtype).removeprefix("torch.")


# --------------------------------------------------------------------------- samples


@dataclass(frozen=True)
class SampleInput:
    """One call of an op: `op(input, *args, **kwargs)`.

    `name` says what the sample exercises ("broadcast", "0-dim", "alpha", ...);
    it appears in every failure message so the learner knows which case broke.
    `no_out` marks a call form that has no out= overload (`sum(x)` without `dim`).
    """

    input: Any
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    name: str = ""
    no_out: bool = False

    def call(self, fn: Callable[..., Any]) -> Any:
        return fn(self.input, *self.args, **self.kwargs)

    def transform(self, fn: Callable[[torch.Tensor], torch.Tensor]) -> SampleInput:
        """A copy with `fn` applied to every tensor (input, args and kwargs)."""

        def apply(value: Any) -> Any:
            return fn(value) if isinstance(value, torch.Tensor) else value

        return dataclasses.replace(
            self,
            input=apply(self.input),
            args=tuple(apply(a) for a in self.args),
            kwargs={k: apply(v) for k, v in self.kwargs.items()},
        )

    def tensors(self) -> list[torch.Tensor]:
        return [v for v in self.values() if isinstance(v, torch.Tensor)]

    def values(self) -> list[Any]:
        """Every argument, tensor or not: input, then args, then kwargs' values."""
        return [self.input, *self.args, *self.kwargs.values()]

    def with_values(self, values: Sequence[Any]) -> SampleInput:
        """A copy whose arguments are `values`, in the order `values()` gives them."""
        n = 1 + len(self.args)
        kwargs = dict(zip(self.kwargs, values[n:], strict=True))
        return dataclasses.replace(self, input=values[0], args=tuple(values[1:n]), kwargs=kwargs)

    def clone(self) -> SampleInput:
        """A copy whose tensors keep their strides but own fresh memory."""
        return self.transform(_clone_preserving_strides)

    def __str__(self) -> str:
        parts = [describe(self.input), *(describe(a) for a in self.args)]
        parts += [f"{k}={describe(v)}" for k, v in self.kwargs.items()]
        label = f" '{self.name}'" if self.name else ""
        return f"SampleInput{label}({', '.join(parts)})"


def _clone_preserving_strides(t: torch.Tensor) -> torch.Tensor:
    out = torch.empty_strided(t.shape, t.stride(), dtype=t.dtype, device=t.device)
    return out.copy_(t) if t.numel() else out


def describe(value: Any) -> str:
    """Short text for a sample argument: tensors by shape, dtype and layout."""
    if not isinstance(value, torch.Tensor):
        return repr(value)
    shape = "x".join(str(s) for s in value.shape) or "0-dim"
    text = f"Tensor[{shape}, {dtype_name(value.dtype)}"
    if value.device.type != "cpu":
        text += f", {value.device}"
    if value.dim() == 4 and value.is_contiguous(memory_format=torch.channels_last):
        text += ", channels_last" if not value.is_contiguous() else ""
    elif not value.is_contiguous():
        text += f", strides={tuple(value.stride())}"
    return text + "]"


@dataclass(frozen=True)
class ErrorInput:
    """A call that must raise `error_type` with a message matching `error_regex`."""

    sample: SampleInput
    error_type: type[BaseException] = RuntimeError
    error_regex: str = ""


# --------------------------------------------------------------------------- skips


DecorationKind = Literal["skip", "xfail"]


@dataclass(frozen=True)
class DecorateInfo:
    """Skips or expects a failure of a generic test for one op, always with a reason.

    `test`, `device` and `dtypes` narrow where it applies (None: everywhere),
    e.g. `DecorateInfo("xfail", "cumsum_ ignores dtype=", test="test_inplace")`.
    The reason is printed by pytest (-ra) next to every skipped or xfailed test.
    """

    kind: DecorationKind
    reason: str
    test: str | None = None
    device: str | None = None
    dtypes: tuple[torch.dtype, ...] | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("skip", "xfail"):
            raise ValueError(f"DecorateInfo kind must be 'skip' or 'xfail', got {self.kind!r}")
        if not isinstance(self.reason, str) or not self.reason.strip():
            raise ValueError(
                "DecorateInfo needs a reason: say why the test is skipped or expected to fail"
            )

    def applies(self, test: str, device: str | None, dtype: torch.dtype | None) -> bool:
        if self.test is not None and self.test != test:
            return False
        if self.device is not None and device is not None and self.device != device:
            return False
        return self.dtypes is None or dtype is None or dtype in self.dtypes


# --------------------------------------------------------------------------- lazy ops


class LazyOp:
    """A callable found by name on first call, so collecting tests needs no build.

    `LazyOp("aten_mini", "add")` is `aten_mini.add`; `LazyOp("aten_mini", "add",
    ops=True)` is the overload packet `torch.ops.aten_mini.add`.
    """

    def __init__(self, module: str, name: str, *, ops: bool = False) -> None:
        self.module, self.name, self.ops = module, name, ops
        self._resolved: Callable[..., Any] | None = None

    def resolve(self) -> Callable[..., Any]:
        if self._resolved is None:
            mod = importlib.import_module(self.module)
            owner = getattr(torch.ops, self.module) if self.ops else mod
            self._resolved = getattr(owner, self.name)
        return self._resolved

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.resolve()(*args, **kwargs)

    def __repr__(self) -> str:
        prefix = "torch.ops." if self.ops else ""
        return f"{prefix}{self.module}.{self.name}"


def resolve(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The real callable behind `fn` (itself unless it is a `LazyOp`)."""
    return fn.resolve() if isinstance(fn, LazyOp) else fn


# --------------------------------------------------------------------------- OpInfo

SampleFunc = Callable[["OpInfo", str, torch.dtype], Iterable[SampleInput]]
ErrorFunc = Callable[["OpInfo", str], Iterable[ErrorInput]]


@dataclass
class OpInfo:
    """Everything the generic tests know about one operator.

    Only `name`, `ref` and `sample_inputs_func` are required. `op` defaults to
    `aten_mini.<name>`, `inplace_variant` to `aten_mini.<name>_` and
    `overload_packet` (for opcheck and torch.compile) to `torch.ops.aten_mini.<name>`.
    """

    name: str
    ref: Callable[..., Any]
    sample_inputs_func: SampleFunc
    error_inputs_func: ErrorFunc | None = None
    dtypes: tuple[torch.dtype, ...] = (torch.float32, torch.float64)
    dtypesIfCUDA: tuple[torch.dtype, ...] | None = None
    supports_out: bool = True
    supports_inplace: bool = False
    # Autograd (test/ops/test_autograd_ops.py): the op has a backward, from
    # tools/autograd/derivatives.yaml or through its composite definition, and
    # gradcheck runs on it; `supports_gradgrad` (None: same as supports_autograd)
    # adds gradgradcheck. See Note [Gradcheck samples] in checks.py.
    supports_autograd: bool = False
    supports_gradgrad: bool | None = None
    # Forward-mode AD (test/ops/test_autograd_ops.py, Note [Forward AD checks] in
    # checks.py): the op's tangents come from a `result:` formula (or its
    # composite definition) and are checked against torch's; False means the op
    # must refuse tangents with PyTorch's NotImplementedError.
    # `supports_fwgrad_bwgrad` (None: same as supports_forward_ad and
    # supports_gradgrad) adds forward-over-reverse. `jvp_ref` is the torch
    # function whose tangents are expected (None: `ref`); give one when `ref`
    # is not differentiable by torch (a NumPy reference).
    supports_forward_ad: bool = False
    supports_fwgrad_bwgrad: bool | None = None
    jvp_ref: Callable[..., Any] | None = None
    # gradcheck's `nondet_tol`: how far two backward calls on the same input may
    # differ (0: the backward must be deterministic, as every kit kernel is).
    gradcheck_nondet_tol: float = 0.0
    op: Callable[..., Any] | None = None
    inplace_variant: Callable[..., Any] | None = None
    # torch's own in-place op, the reference for the in-place variant (None: derive
    # it from `ref`, casting the result back to self's dtype).
    ref_inplace: Callable[..., Any] | None = None
    overload_packet: Callable[..., Any] | None = None
    tolerances: Mapping[torch.dtype, tuple[float, float]] = field(default_factory=dict)
    skips: tuple[DecorateInfo, ...] = ()
    namespace: str = "aten_mini"

    def __post_init__(self) -> None:
        if self.supports_gradgrad is None:
            self.supports_gradgrad = self.supports_autograd
        if self.supports_fwgrad_bwgrad is None:
            self.supports_fwgrad_bwgrad = self.supports_forward_ad and self.supports_gradgrad
        if self.op is None:
            self.op = LazyOp(self.namespace, self.name)
        if self.supports_inplace and self.inplace_variant is None:
            self.inplace_variant = LazyOp(self.namespace, self.name + "_")
        if self.overload_packet is None:
            self.overload_packet = LazyOp(self.namespace, self.name, ops=True)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        assert self.op is not None
        return self.op(*args, **kwargs)

    def supported_dtypes(self, device: str) -> tuple[torch.dtype, ...]:
        if device == "cuda" and self.dtypesIfCUDA is not None:
            return self.dtypesIfCUDA
        return self.dtypes

    def dtypes_field(self, device: str) -> str:
        """The name of the field a learner edits to change the claim on `device`."""
        return "dtypesIfCUDA" if device == "cuda" and self.dtypesIfCUDA is not None else "dtypes"

    def tolerance(self, dtype: torch.dtype) -> tuple[float, float]:
        """(rtol, atol) for comparing results of `dtype`; exact for integers and bool."""
        return self.tolerances.get(dtype, DEFAULT_TOLERANCES.get(dtype, (0.0, 0.0)))

    def sample_inputs(self, device: str, dtype: torch.dtype) -> Iterator[SampleInput]:
        return iter(self.sample_inputs_func(self, device, dtype))

    def error_inputs(self, device: str) -> Iterator[ErrorInput]:
        if self.error_inputs_func is None:
            return iter(())
        return iter(self.error_inputs_func(self, device))

    def decorations(
        self, test: str, device: str | None, dtype: torch.dtype | None
    ) -> list[DecorateInfo]:
        return [d for d in self.skips if d.applies(test, device, dtype)]

    def __repr__(self) -> str:
        return f"OpInfo('{self.name}')"


@dataclass(repr=False)
class UnaryOpInfo(OpInfo):
    """An elementwise op of one tensor: out= and in-place by default."""

    supports_inplace: bool = True


@dataclass(repr=False)
class BinaryOpInfo(OpInfo):
    """An elementwise op of two broadcasting tensors: out= and in-place by default."""

    supports_inplace: bool = True


@dataclass(repr=False)
class ReductionOpInfo(OpInfo):
    """A reduction over `dim` (an int, a list or None) with `keepdim` and `dtype`."""
