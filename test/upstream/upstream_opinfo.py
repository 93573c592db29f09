"""Run PyTorch's own OpInfo database (`op_db`) against the kit's operators.

For every kit op (native_functions.yaml, read through torchgen_mini) whose name
upstream's `op_db` has, this module draws upstream's `sample_inputs`,
`reference_inputs` and `error_inputs` for every CPU dtype upstream supports and
checks the kit's variants against torch:

- `functional`: `aten_mini.<op>(...)` against upstream's `op` on the same
  sample: values (torch.testing.assert_close with its per-dtype default
  tolerances, `equal_nan=True`) and the result dtype; where torch raises, the
  kit must raise the same exception type.
- `inplace`: `aten_mini.<op>_` on a clone against torch's in-place variant on
  another clone (the returned tensor must be the input).
- `out` and `out_noncontig`: `out=` with an out of torch's result shape and
  dtype, contiguous or every other element of a buffer twice as long in the
  last dimension; values, identity, and that the out kept its strides.
- `grad` (float64 only): `torch.autograd.grad` of both outputs against every
  floating input tensor that requires grad, with the same random grad_output.
- `fwgrad` (float64 only, where the kit's own OpInfo says the op supports
  forward AD): `torch.func.jvp` with the same random tangents.
- `error` (no dtype): upstream's `error_inputs` must raise the same exception
  type from the kit. The message is not compared: the kit's messages are its
  own (issue 14 item 3 is about making them name the op and argument).

Upstream's data is read from the installed torch at run time; nothing is
copied. Known gaps are DATA in `GAPS` below, each with the cause and a written
reason; the test module turns each into a strict xfail, so fixing a gap makes
its test XPASS and fail until the entry is removed.

Run directly for the conformance table of docs/conformance.md:

    .venv/bin/python test/upstream/upstream_opinfo.py [--fast]
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

ROOT = Path(__file__).resolve().parents[2]

VARIANTS: tuple[str, ...] = ("functional", "inplace", "out", "out_noncontig", "grad", "fwgrad")
ERROR_VARIANT = "error"
UNSUPPORTED_VARIANT = "unsupported_dtype"
# Every dtype upstream's test_dtypes tries on CPU.
ALL_CPU_DTYPES: tuple[torch.dtype, ...] = (
    torch.float16,
    torch.bfloat16,
    torch.float32,
    torch.float64,
    torch.complex32,
    torch.complex64,
    torch.complex128,
    torch.int8,
    torch.int16,
    torch.int32,
    torch.int64,
    torch.uint8,
    torch.bool,
)
# Fast mode: the first FAST_SAMPLES samples (sample_inputs then
# reference_inputs, in upstream's order) of each (op, variant, dtype[, gap]).
FAST_SAMPLES = 3


# --------------------------------------------------------------------------- upstream


@functools.cache
def upstream_op_db() -> list[Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from torch.testing._internal.common_methods_invocations import op_db

    return list(op_db)


@dataclass(frozen=True)
class KitOp:
    """A kit operator as native_functions.yaml declares it."""

    name: str
    has_inplace: bool
    has_out: bool


@functools.cache
def kit_ops() -> dict[str, KitOp]:
    sys.path.insert(0, str(ROOT))
    from torchgen_mini.native_yaml import parse_native_yaml

    parsed = parse_native_yaml(ROOT / "native_functions.yaml")
    if parsed.errors:
        raise RuntimeError(f"native_functions.yaml: {parsed.errors[0]}")
    ops: dict[str, KitOp] = {}
    for nf in parsed.native_functions:
        name = nf.func.name.name
        base = name.base
        old = ops.get(base, KitOp(base, False, False))
        ops[base] = KitOp(
            base,
            old.has_inplace or name.inplace,
            old.has_out or nf.func.is_out_fn(),
        )
    return ops


def kit_name(upstream_name: str) -> str:
    """`nn.functional.relu` -> `relu`; `add` -> `add`."""
    return upstream_name.removeprefix("nn.functional.")


def opinfo_id(opinfo: Any) -> str:
    """`add`, `silu_complex`: the op's name in test ids and GAPS keys."""
    name = kit_name(opinfo.name)
    return f"{name}_{opinfo.variant_test_name}" if opinfo.variant_test_name else name


@functools.cache
def matched_opinfos() -> dict[str, Any]:
    """op id -> upstream OpInfo, for every upstream entry named like a kit op."""
    kit = kit_ops()
    found: dict[str, Any] = {}
    for opinfo in upstream_op_db():
        # `sum` and `nn.functional.relu` name kit ops; `masked.sum` does not.
        if opinfo.name in (name := kit_name(opinfo.name), f"nn.functional.{name}") and name in kit:
            found[opinfo_id(opinfo)] = opinfo
    return found


def cpu_dtypes(opinfo: Any) -> list[torch.dtype]:
    return sorted(opinfo.supported_dtypes("cpu"), key=str)


def dtype_name(dtype: torch.dtype | None) -> str:
    return "any" if dtype is None else str(dtype).removeprefix("torch.")


# --------------------------------------------------------------------------- calling the kit


def _where_kit(self: Any, condition: Any, other: Any, **kwargs: Any) -> Any:
    import aten_mini

    return aten_mini.where(condition, self, other, **kwargs)  # type: ignore[attr-defined]


def _where_torch_out(self: Any, condition: Any, other: Any, **kwargs: Any) -> Any:
    return torch.where(condition, self, other, **kwargs)


def _relu_torch_out(self: Any, *, out: torch.Tensor) -> Any:
    # torch.relu has no out= in Python; ATen has relu.out.
    return torch.ops.aten.relu.out(self, out=out)


# Upstream's `op` calls the sample as op(input, *args, **kwargs); these adapt
# the kit's (and, for out=, torch's) function to that calling form where the
# argument order differs.
KIT_ADAPTERS: dict[str, Callable[..., Any]] = {"where": _where_kit}
TORCH_OUT: dict[str, Callable[..., Any]] = {"where": _where_torch_out, "relu": _relu_torch_out}


def kit_function(name: str, inplace: bool = False) -> Callable[..., Any]:
    import aten_mini

    if not inplace and name in KIT_ADAPTERS:
        return KIT_ADAPTERS[name]
    return getattr(aten_mini, name + ("_" if inplace else ""))  # type: ignore[no-any-return]


def torch_inplace(opinfo: Any) -> Callable[..., Any] | None:
    if opinfo.inplace_variant is not None:
        return opinfo.inplace_variant  # type: ignore[no-any-return]
    return getattr(torch.Tensor, kit_name(opinfo.name) + "_", None)


def torch_out(opinfo: Any) -> Callable[..., Any]:
    return TORCH_OUT.get(kit_name(opinfo.name), opinfo.op)  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- samples


@dataclass
class Sample:
    """One upstream sample with where it came from (for reports)."""

    source: str  # sample_inputs | reference_inputs | error_inputs
    index: int
    input: Any
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    error_type: type[BaseException] | None = None
    error_regex: str | None = None

    def describe(self) -> str:
        parts = [_describe(self.input), *(_describe(a) for a in self.args)]
        parts += [f"{k}={_describe(v)}" for k, v in self.kwargs.items()]
        return f"{self.source}[{self.index}]: ({', '.join(parts)})"


def _describe(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        shape = "x".join(map(str, value.shape)) or "scalar"
        extra = "" if value.is_contiguous() or value.numel() <= 1 else ",noncontig"
        return f"T[{shape},{dtype_name(value.dtype)}{extra}]"
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(_describe(v) for v in value) + ")"
    if isinstance(value, torch.dtype):
        return dtype_name(value)
    return repr(value)


def samples(opinfo: Any, variant: str, dtype: torch.dtype | None) -> Iterator[Sample]:
    """upstream's sample_inputs then reference_inputs (or error_inputs)."""
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if variant == ERROR_VARIANT:
            if opinfo.error_inputs_func is None:
                return
            for i, e in enumerate(opinfo.error_inputs("cpu")):
                s = e.sample_input
                yield Sample(
                    "error_inputs",
                    i,
                    s.input,
                    tuple(s.args),
                    dict(s.kwargs),
                    e.error_type,
                    e.error_regex,
                )
            return
        if variant == UNSUPPORTED_VARIANT:
            yield from _unsupported_samples(opinfo, dtype)
            return
        grad = variant in ("grad", "fwgrad")
        for source in ("sample_inputs", "reference_inputs"):
            if grad and source == "reference_inputs":
                break  # upstream checks gradients on sample_inputs
            gen = getattr(opinfo, source)("cpu", dtype, requires_grad=grad)
            for i, s in enumerate(gen):
                yield Sample(source, i, s.input, tuple(s.args), dict(s.kwargs))


def _unsupported_samples(opinfo: Any, dtype: torch.dtype | None) -> Iterator[Sample]:
    gen = iter(opinfo.sample_inputs("cpu", dtype))
    i = 0
    while True:
        try:
            s = next(gen)
        except StopIteration:
            return
        except (RuntimeError, TypeError, ValueError, NotImplementedError):
            # Upstream's sample generator itself cannot make this dtype
            # (make_tensor has no range for it): no sample to check.
            return
        yield Sample("sample_inputs", i, s.input, tuple(s.args), dict(s.kwargs))
        i += 1


def unsupported_dtypes(opinfo: Any) -> list[torch.dtype]:
    """The CPU dtypes no upstream entry of this op supports (e.g. silu on int8).

    Only for the op's main entry (no variant_test_name): `silu_complex`
    supports the complex dtypes `silu` does not list.
    """
    if opinfo.variant_test_name:
        return []
    claimed: set[torch.dtype] = set()
    for other in upstream_op_db():
        if other.name == opinfo.name:
            claimed |= set(other.supported_dtypes("cpu"))
    return [d for d in ALL_CPU_DTYPES if d not in claimed]


# --------------------------------------------------------------------------- gaps


@dataclass(frozen=True)
class Gap:
    """A known difference between the kit and upstream: a strict xfail.

    `ops`, `variants` and `dtypes` say where it applies (None: everywhere);
    `when` picks the samples it covers (None: all of them). A sample covered by
    a gap runs in that gap's own xfail test, never in the op's passing test.
    """

    key: str
    cause: str  # missing overload | missing dtype | wrong semantics | unclear error
    reason: str
    ops: frozenset[str]
    variants: frozenset[str] | None = None
    dtypes: frozenset[torch.dtype] | None = None
    when: Callable[[Sample], bool] | None = None

    def applies(self, op: str, variant: str, dtype: torch.dtype | None) -> bool:
        return (
            op in self.ops
            and (self.variants is None or variant in self.variants)
            and (self.dtypes is None or dtype in self.dtypes)
        )


def _is_number(v: Any) -> bool:
    return isinstance(v, (bool, int, float, complex))


def _number_self(s: Sample) -> bool:
    return _is_number(s.input)


def _number_operand(s: Sample) -> bool:
    return _is_number(s.input) or any(_is_number(a) for a in s.args)


COMPLEX = frozenset({torch.complex32, torch.complex64, torch.complex128})
VALUES = frozenset({"functional", "inplace", "out", "out_noncontig"})
OUT = frozenset({"out", "out_noncontig"})

MISSING_OVERLOAD = "missing overload"
MISSING_DTYPE = "missing dtype"
WRONG_SEMANTICS = "wrong semantics"
UNCLEAR_ERROR = "unclear error"
MISSING_FORMULA = "missing derivative"
CAUSES = (MISSING_OVERLOAD, MISSING_DTYPE, WRONG_SEMANTICS, UNCLEAR_ERROR, MISSING_FORMULA)


def _complex_gap(op: str, dtypes: frozenset[torch.dtype] = COMPLEX) -> Gap:
    names = ", ".join(dtype_name(d) for d in sorted(dtypes, key=str))
    return Gap(
        op if op.endswith("_complex") else f"{op}_complex",
        MISSING_DTYPE,
        f"{op} has no complex kernel ({names} raise NotImplementedError; torch supports "
        "them on CPU): issue 14 item 2",
        frozenset({op}),
        VALUES,
        dtypes,
    )


# Note [Upstream gaps]
# Every difference the upstream suite finds in the kit, as data. Order
# matters: a sample goes to the first gap that covers it, so the whole-dtype
# gaps (complex) come before the argument-form gaps. Gap tests are strict
# xfails: when a fix lands, the gap's test XPASSes, fails, and the entry must
# go. Measured on main 9784a67 with the full run (--upstream-full).
GAPS: tuple[Gap, ...] = (
    *(
        _complex_gap(op)
        for op in ("add", "mul", "cumsum", "log1p", "sigmoid", "sum", "silu_complex")
    ),
    _complex_gap("where", frozenset({torch.complex32})),
    Gap(
        "number_self",
        MISSING_OVERLOAD,
        "add(number, tensor): upstream's binding wraps a Python number `self` into a "
        "0-dim tensor; the kit's binding raises TypeError: issue 14 item 2",
        frozenset({"add"}),
        frozenset({"functional"}),
        when=_number_self,
    ),
    Gap(
        "add_scalar_out",
        MISSING_OVERLOAD,
        "add(..., out=) with a Python number operand: upstream's add.out takes it as a "
        "wrapped 0-dim tensor; the kit's add.Scalar has no out= form: issue 14 item 2",
        frozenset({"add"}),
        OUT,
        when=_number_operand,
    ),
    Gap(
        "mul_scalar",
        MISSING_OVERLOAD,
        "mul.Scalar / mul_.Scalar (and a number operand with out=) are missing; the kit's "
        "binding raises TypeError for mul(tensor, number): issue 14 item 2",
        frozenset({"mul"}),
        VALUES,
        when=_number_operand,
    ),
    Gap(
        "where_scalar",
        MISSING_OVERLOAD,
        "where.ScalarSelf / ScalarOther / Scalar are missing: where(cond, number, tensor) "
        "raises TypeError in the kit: issue 14 item 2",
        frozenset({"where"}),
        frozenset({"functional"}),
        when=_number_operand,
    ),
    Gap(
        "log1p_backward",
        MISSING_FORMULA,
        "log1p has no derivative formula yet (backward raises NotImplementedError): "
        "writing it is practice task 13, so this gap is by design",
        frozenset({"log1p"}),
        frozenset({"grad"}),
    ),
)


def gaps_for(op: str, variant: str, dtype: torch.dtype | None) -> list[Gap]:
    """The gaps that can cover a sample here, in order (none after a catch-all)."""
    out: list[Gap] = []
    for g in GAPS:
        if g.applies(op, variant, dtype):
            out.append(g)
            if g.when is None:
                break
    return out


def gap_of(sample: Sample, gaps: Sequence[Gap]) -> Gap | None:
    for g in gaps:
        if g.when is None or g.when(sample):
            return g
    return None


# --------------------------------------------------------------------------- checks


class Mismatch(AssertionError):
    """The kit and upstream disagree on one sample."""


def _tensors(x: Any) -> list[torch.Tensor]:
    if isinstance(x, torch.Tensor):
        return [x]
    if isinstance(x, (list, tuple)):
        return [t for v in x for t in _tensors(v)]
    if isinstance(x, dict):
        return [t for v in x.values() for t in _tensors(v)]
    return []


def _clone(x: Any) -> Any:
    if isinstance(x, torch.Tensor):
        return x.detach().clone().requires_grad_(x.requires_grad)
    if isinstance(x, tuple):
        return tuple(_clone(v) for v in x)
    if isinstance(x, list):
        return [_clone(v) for v in x]
    if isinstance(x, dict):
        return {k: _clone(v) for k, v in x.items()}
    return x


def _copy(s: Sample) -> tuple[Any, tuple[Any, ...], dict[str, Any]]:
    return _clone(s.input), _clone(s.args), _clone(s.kwargs)


def _close(actual: Any, expected: Any, what: str) -> None:
    try:
        torch.testing.assert_close(actual, expected, equal_nan=True, check_device=False, msg=None)
    except AssertionError as exc:
        first = str(exc).strip().splitlines()
        raise Mismatch(f"{what}: {' '.join(first[:3])}") from None


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else ""


def _both(kit: Callable[[], Any], ref: Callable[[], Any], what: str) -> tuple[Any, Any] | None:
    """Run both; None when both raised the same exception type."""
    try:
        expected = ref()
    except Exception as ref_exc:
        try:
            got = kit()
        except Exception as kit_exc:
            if isinstance(kit_exc, type(ref_exc)):
                return None
            raise Mismatch(
                f"{what}: torch raises {type(ref_exc).__name__}, the kit "
                f"{type(kit_exc).__name__}: {_first_line(kit_exc)}"
            ) from None
        raise Mismatch(
            f"{what}: torch raises {type(ref_exc).__name__} ({_first_line(ref_exc)}), "
            f"the kit returns {_describe(got)}"
        ) from None
    try:
        got = kit()
    except Exception as kit_exc:
        raise Mismatch(
            f"{what}: the kit raises {type(kit_exc).__name__}: {_first_line(kit_exc)}"
        ) from None
    return got, expected


def check_functional(opinfo: Any, s: Sample) -> None:
    kit = kit_function(kit_name(opinfo.name))
    a, b = _copy(s), _copy(s)
    pair = _both(
        lambda: kit(a[0], *a[1], **a[2]), lambda: opinfo.op(b[0], *b[1], **b[2]), "functional"
    )
    if pair is not None:
        _close(pair[0], pair[1], "functional")


def check_inplace(opinfo: Any, s: Sample) -> None:
    kit = kit_function(kit_name(opinfo.name), inplace=True)
    ref = torch_inplace(opinfo)
    if ref is None:
        raise Mismatch("inplace: torch has no in-place variant to compare with")
    a, b = _copy(s), _copy(s)
    pair = _both(lambda: kit(a[0], *a[1], **a[2]), lambda: ref(b[0], *b[1], **b[2]), "inplace")
    if pair is None:
        return
    if pair[0] is not a[0]:
        raise Mismatch("inplace: the kit did not return its input")
    _close(a[0], b[0], "inplace")


def _make_out(like: torch.Tensor, contiguous: bool) -> torch.Tensor:
    # Filled with 7 (where the dtype can be filled) so that an element the
    # kernel forgets to write shows.
    shape = tuple(like.shape) if contiguous else (*like.shape[:-1], 2 * like.shape[-1])
    out = torch.empty(shape, dtype=like.dtype)
    with contextlib.suppress(NotImplementedError, RuntimeError):
        out.fill_(7)  # complex32 has no fill kernel on CPU
    return out if contiguous else out[..., ::2]


def check_out(opinfo: Any, s: Sample, contiguous: bool) -> bool:
    """False when the sample has no non-contiguous out (a 0-dim result)."""
    what = "out" if contiguous else "out_noncontig"
    a, b, c = _copy(s), _copy(s), _copy(s)
    try:
        like = opinfo.op(c[0], *c[1], **c[2])
    except Exception:
        like = None
    if not isinstance(like, torch.Tensor):
        # No out to size: torch's own out= call decides what must happen.
        like = torch.empty(0)
    if not contiguous and like.dim() == 0:
        return False
    kit_out, ref_out = _make_out(like, contiguous), _make_out(like, contiguous)
    strides = kit_out.stride()
    kit = kit_function(kit_name(opinfo.name))
    ref = torch_out(opinfo)
    pair = _both(
        lambda: kit(a[0], *a[1], **a[2], out=kit_out),
        lambda: ref(b[0], *b[1], **b[2], out=ref_out),
        what,
    )
    if pair is None:
        return True
    if pair[0] is not kit_out:
        raise Mismatch(f"{what}: the kit did not return `out`")
    if ref_out.shape == like.shape and ref_out.stride() == strides and kit_out.stride() != strides:
        raise Mismatch(f"{what}: out's strides changed from {strides} to {kit_out.stride()}")
    _close(kit_out, ref_out, what)
    return True


def _grad_inputs(x: tuple[Any, tuple[Any, ...], dict[str, Any]]) -> list[torch.Tensor]:
    return [t for t in _tensors(list(x)) if t.requires_grad]


def check_grad(opinfo: Any, s: Sample) -> bool:
    """False when no input requires grad (nothing to compare)."""
    kit = kit_function(kit_name(opinfo.name))
    a, b = _copy(s), _copy(s)
    ia, ib = _grad_inputs(a), _grad_inputs(b)
    if not ia:
        return False
    pair = _both(
        lambda: kit(a[0], *a[1], **a[2]), lambda: opinfo.op(b[0], *b[1], **b[2]), "grad forward"
    )
    if pair is None:
        return True
    got, expected = pair
    if not expected.requires_grad:
        return False
    if not got.requires_grad:
        raise Mismatch("grad: the kit's result does not require grad")
    torch.manual_seed(1)
    gout = torch.randn_like(expected)
    try:
        ga = torch.autograd.grad(got, ia, gout, allow_unused=True)
    except Exception as exc:
        raise Mismatch(
            f"grad: the kit's backward raises {type(exc).__name__}: {_first_line(exc)}"
        ) from None
    gb = torch.autograd.grad(expected, ib, gout, allow_unused=True)
    ga = tuple(torch.zeros_like(t) if g is None else g for g, t in zip(ga, ia, strict=True))
    gb = tuple(torch.zeros_like(t) if g is None else g for g, t in zip(gb, ib, strict=True))
    _close(ga, gb, "grad")
    return True


def check_fwgrad(opinfo: Any, s: Sample) -> bool:
    kit = kit_function(kit_name(opinfo.name))
    base = _copy(s)
    leaves = _grad_inputs(base)
    if not leaves:
        return False
    primals = tuple(t.detach() for t in leaves)
    torch.manual_seed(2)
    tangents = tuple(torch.randn_like(t) for t in primals)

    def call(fn: Callable[..., Any]) -> Callable[..., Any]:
        def run(*ps: torch.Tensor) -> Any:
            mapping = {id(t): p for t, p in zip(leaves, ps, strict=True)}

            def sub(x: Any) -> Any:
                if isinstance(x, torch.Tensor):
                    return mapping.get(id(x), x.detach())
                if isinstance(x, (list, tuple)):
                    return type(x)(sub(v) for v in x)
                if isinstance(x, dict):
                    return {k: sub(v) for k, v in x.items()}
                return x

            return fn(sub(base[0]), *sub(base[1]), **sub(base[2]))

        return run

    pair = _both(
        lambda: torch.func.jvp(call(kit), primals, tangents),
        lambda: torch.func.jvp(call(opinfo.op), primals, tangents),
        "fwgrad",
    )
    if pair is not None:
        _close(pair[0], pair[1], "fwgrad")
    return True


def check_unsupported(opinfo: Any, s: Sample) -> None:
    """A dtype upstream does not claim: raising is fine, a silent answer is not.

    Upstream's test_dtypes calls a dtype unsupported when every sample raises;
    the kit may raise too (any exception: its message may be clearer). Where
    torch raises and the kit returns a value, that is a silent answer torch
    refuses to give; where torch returns one, the kit's must match it.
    """
    kit = kit_function(kit_name(opinfo.name))
    a, b = _copy(s), _copy(s)
    try:
        expected = opinfo.op(b[0], *b[1], **b[2])
        torch_raised: BaseException | None = None
    except Exception as exc:
        expected, torch_raised = None, exc
    try:
        got = kit(a[0], *a[1], **a[2])
    except Exception:
        return
    if torch_raised is not None:
        raise Mismatch(
            f"unsupported_dtype: torch raises {type(torch_raised).__name__} "
            f"({_first_line(torch_raised)}), the kit returns {_describe(got)}"
        )
    _close(got, expected, "unsupported_dtype")


def check_error(opinfo: Any, s: Sample) -> None:
    kit = kit_function(kit_name(opinfo.name))
    assert s.error_type is not None
    a = _copy(s)
    try:
        got = kit(a[0], *a[1], **a[2])
    except Exception as exc:
        if not isinstance(exc, s.error_type):
            raise Mismatch(
                f"error: upstream expects {s.error_type.__name__}, the kit raises "
                f"{type(exc).__name__}: {_first_line(exc)}"
            ) from None
        return
    raise Mismatch(
        f"error: upstream expects {s.error_type.__name__}, the kit returns {_describe(got)}"
    )


def check(opinfo: Any, variant: str, s: Sample) -> bool:
    """Check one sample; False when it does not apply to the variant."""
    with warnings.catch_warnings():
        # Upstream's samples resize outs of the wrong shape and warn about it.
        warnings.simplefilter("ignore")
        if variant == "functional":
            check_functional(opinfo, s)
        elif variant == "inplace":
            check_inplace(opinfo, s)
        elif variant == "out":
            return check_out(opinfo, s, contiguous=True)
        elif variant == "out_noncontig":
            return check_out(opinfo, s, contiguous=False)
        elif variant == "grad":
            return check_grad(opinfo, s)
        elif variant == "fwgrad":
            return check_fwgrad(opinfo, s)
        elif variant == ERROR_VARIANT:
            check_error(opinfo, s)
        elif variant == UNSUPPORTED_VARIANT:
            check_unsupported(opinfo, s)
        else:
            raise ValueError(f"unknown variant {variant!r}")
    return True


# --------------------------------------------------------------------------- what to run


@functools.cache
def kit_forward_ad() -> frozenset[str]:
    """Ops whose entry in the kit's own OpInfo database supports forward AD."""
    sys.path.insert(0, str(ROOT / "test"))
    from opinfo.op_db import op_db as kit_db  # type: ignore[import-not-found]

    return frozenset(o.name for o in kit_db if o.supports_forward_ad)


def variants_of(opinfo: Any) -> list[str]:
    op = kit_ops()[kit_name(opinfo.name)]
    out = ["functional"]
    if op.has_inplace:
        out.append("inplace")
    if op.has_out:
        out += ["out", "out_noncontig"]
    if opinfo.supports_autograd:
        out.append("grad")
        if op.name in kit_forward_ad() and opinfo.supports_forward_ad:
            out.append("fwgrad")
    if opinfo.error_inputs_func is not None:
        out.append(ERROR_VARIANT)
    if unsupported_dtypes(opinfo):
        out.append(UNSUPPORTED_VARIANT)
    return out


@dataclass(frozen=True)
class Case:
    """One pytest test: (op, variant, dtype) and, for a gap's xfail, the gap."""

    op: str
    variant: str
    dtype: torch.dtype | None
    gap: Gap | None = None

    @property
    def id(self) -> str:
        tail = f"-gap_{self.gap.key}" if self.gap is not None else ""
        return f"{self.op}-{self.variant}-{dtype_name(self.dtype)}{tail}"


def cases() -> list[Case]:
    out: list[Case] = []
    for op, opinfo in matched_opinfos().items():
        for variant in variants_of(opinfo):
            if variant == ERROR_VARIANT:
                dtypes: list[torch.dtype | None] = [None]
            elif variant == UNSUPPORTED_VARIANT:
                dtypes = list(unsupported_dtypes(opinfo))
            elif variant in ("grad", "fwgrad"):
                dtypes = [torch.float64] if torch.float64 in cpu_dtypes(opinfo) else []
            else:
                dtypes = list(cpu_dtypes(opinfo))
            for dtype in dtypes:
                gs = gaps_for(op, variant, dtype)
                if not any(g.when is None for g in gs):
                    out.append(Case(op, variant, dtype))
                out += [Case(op, variant, dtype, g) for g in gs]
    return out


@dataclass
class Outcome:
    checked: int = 0
    passed: int = 0
    failures: list[tuple[Sample, str]] = dataclasses.field(default_factory=list)


def run_case(case: Case, limit: int | None) -> Outcome:
    """Check the case's samples (the first `limit` of them, if given)."""
    opinfo = matched_opinfos()[case.op]
    gs = gaps_for(case.op, case.variant, case.dtype)
    result = Outcome()
    for s in samples(opinfo, case.variant, case.dtype):
        if limit is not None and result.checked >= limit:
            break
        if gap_of(s, gs) is not case.gap:
            continue
        try:
            applied = check(opinfo, case.variant, s)
        except Mismatch as exc:
            result.checked += 1
            result.failures.append((s, str(exc)))
            continue
        if applied:
            result.checked += 1
            result.passed += 1
    return result


# --------------------------------------------------------------------------- report


def main(argv: list[str]) -> int:
    """Print the conformance table (markdown) of docs/conformance.md."""
    import aten_mini  # noqa: F401

    limit = FAST_SAMPLES if "--fast" in argv else None
    start = time.perf_counter()
    all_cases = cases()
    per_op: dict[str, dict[str, int]] = {}
    per_gap: dict[str, list[int]] = {}  # key -> [failing, passing] samples
    examples: dict[str, str] = {}
    unexpected: list[str] = []
    for case in all_cases:
        r = run_case(case, limit)
        row = per_op.setdefault(case.op, {"checks": 0, "pass": 0})
        row["checks"] += r.checked
        if case.gap is None:
            row["pass"] += r.passed
            unexpected += [f"{case.id}: {s.describe()}: {m}" for s, m in r.failures]
            continue
        row[case.gap.cause] = row.get(case.gap.cause, 0) + r.checked
        counts = per_gap.setdefault(case.gap.key, [0, 0])
        counts[0] += len(r.failures)
        counts[1] += r.passed
        if r.failures and case.gap.key not in examples:
            s, m = r.failures[0]
            examples[case.gap.key] = (
                f"`{case.op}` {dtype_name(case.dtype)} {case.variant}: `{s.describe()}` -> {m}"
            )
    elapsed = time.perf_counter() - start
    total = sum(r["checks"] for r in per_op.values())
    print(
        f"mode: {'fast' if limit else 'full'}; {len(all_cases)} tests, "
        f"{total} checks, {elapsed:.0f} s\n"
    )
    print("| op | checks | pass | " + " | ".join(f"xfail: {c}" for c in CAUSES) + " |")
    print("|---|---:|---:|" + "---:|" * len(CAUSES))
    for op, row in per_op.items():
        cells = [str(row.get(c, 0)) for c in CAUSES]
        print(f"| {op} | {row['checks']} | {row['pass']} | " + " | ".join(cells) + " |")
    sums = [str(sum(r.get(c, 0) for r in per_op.values())) for c in CAUSES]
    passed = sum(r["pass"] for r in per_op.values())
    print(f"| **all** | {total} | {passed} | " + " | ".join(sums) + " |\n")
    print("| gap | cause | samples failing / passing in it | first failing upstream sample |")
    print("|---|---|---|---|")
    for g in GAPS:
        fails, passes = per_gap.get(g.key, [0, 0])
        ex = examples.get(g.key, "(none)").replace("|", "\\|")
        print(f"| `{g.key}` | {g.cause} | {fails} / {passes} | {ex} |")
    if unexpected:
        print(f"\n{len(unexpected)} UNEXPECTED failures:")
        print("\n".join(unexpected[:50]))
    return 1 if unexpected else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
