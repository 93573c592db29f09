"""The generic checks, as plain functions of an OpInfo.

`test/ops/test_ops.py` parametrizes them over op x device x dtype; the tests of
the framework (`test/framework/`) call them on planted, deliberately broken ops
to prove each one catches what it claims to. Every check collects all the
problems it finds and raises one `CheckFailure` listing them, with the sample
that broke and what to change.
"""

from __future__ import annotations

import importlib
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import torch
from torch.utils._python_dispatch import TorchDispatchMode

from opinfo import todos
from opinfo.core import (
    ALL_DTYPES,
    LazyOp,
    OpInfo,
    SampleInput,
    dtype_name,
    resolve,
)

MAX_LISTED = 8  # problems listed in one failure message


class CheckFailure(AssertionError):
    """A generic check found problems; the message lists them."""


def fail(
    op: OpInfo,
    where: str,
    summary: str,
    problems: list[str],
    hint: str = "",
    listed: int = MAX_LISTED,
) -> NoReturn:
    lines = [f"{op!r}{' ' + where if where else ''}: {summary}"]
    lines += [f"  - {p}" for p in problems[:listed]]
    if len(problems) > listed:
        lines.append(f"  ... and {len(problems) - listed} more")
    if hint:
        lines.append(hint)
    raise CheckFailure("\n".join(lines))


def fail_on_samples(
    op: OpInfo,
    device: str,
    dtype: torch.dtype,
    what: str,
    problems: list[str],
    samples: list[SampleInput],
    hint: str,
) -> None:
    """fail() with "<what> on N of M samples" when any sample has a problem."""
    if problems:
        fail(
            op,
            where_str(device, dtype),
            f"{what} on {len(problems)} of {len(samples)} samples",
            problems,
            hint,
        )


def where_str(device: str, dtype: torch.dtype | None = None) -> str:
    return f"on {device}" + (f" with {dtype_name(dtype)}" if dtype is not None else "")


# --------------------------------------------------------------------------- helpers


def with_out(op: OpInfo, out: torch.Tensor) -> Callable[..., Any]:
    """The op called with `out=out`."""
    fn = op.op
    assert fn is not None
    return lambda *args, **kwargs: fn(*args, **kwargs, out=out)


def run(fn: Callable[..., Any], sample: SampleInput) -> tuple[Any, BaseException | None]:
    """(result, None) or (None, the exception); never raises."""
    try:
        return sample.call(fn), None
    except Exception as exc:
        return None, exc


def error_line(exc: BaseException | str) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    return first if isinstance(exc, str) else f"{type(exc).__name__}: {first}"


def mismatch(actual: Any, expected: torch.Tensor, op: OpInfo) -> str | None:
    """Why `actual` is not `expected` (dtype, shape, device, values), or None."""
    if not isinstance(actual, torch.Tensor):
        return f"returned {type(actual).__name__}, expected a Tensor"
    for attr in ("dtype", "shape", "device"):
        got, want = getattr(actual, attr), getattr(expected, attr)
        if got != want:
            return f"{attr} is {got} but the reference gives {want}"
    rtol, atol = op.tolerance(expected.dtype)
    try:
        torch.testing.assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=True)
    except AssertionError as exc:
        own = getattr(expected, "torch_result", None)  # Note [Reduced-precision references]
        if own is not None and bitwise_equal(actual, own):
            return None
        return " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
    return None


def samples_of(op: OpInfo, device: str, dtype: torch.dtype) -> list[SampleInput]:
    samples = list(op.sample_inputs(device, dtype))
    if not samples:
        fail(op, where_str(device, dtype), "sample_inputs_func yields no sample", [])
    return samples


def per_sample(
    samples: Iterable[SampleInput], problem: Callable[[SampleInput], str | None]
) -> list[str]:
    """`"<sample>: <problem>"` for each of `samples` that has a problem."""
    return [f"{s}: {why}" for s in samples if (why := problem(s))]


def per_numbered_sample(
    samples: Iterable[SampleInput], problem: Callable[[int, SampleInput], str | None]
) -> list[str]:
    """`per_sample` for problems that also take the sample's number in `samples`."""
    return [f"{s}: {why}" for i, s in enumerate(samples) if (why := problem(i, s))]


def small(samples: Iterable[SampleInput], limit: int = 100_000) -> list[SampleInput]:
    return [s for s in samples if all(t.numel() <= limit for t in s.tensors())]


# Note [A check must run on something]
# A check that compares the op with itself (another memory layout, another
# CPU capability, another device) has nothing to compare on a sample the op
# rejects, and used to pass it by. A kernel that raises on every sample then
# passed the whole check. So such a check counts the samples it really
# compared and fails when there are none, naming the first error the op gave
# (a sample the op should not reject fails test_reference too). An op with no
# such sample by design says so with a reason: `DecorateInfo("skip", "<why>",
# test="test_<check>")` in its OpInfo's skips.
NOTHING_RAN_HINT = (
    "Nothing was compared. Make the op run (the error above says where), or, if it "
    'has no such sample by design, add DecorateInfo("skip", "<why>", test="{test}") '
    "to its skips in test/opinfo/op_db.py."
)


def nothing_ran(op: OpInfo, where: str, test: str, errors: list[str]) -> NoReturn:
    """Fails a check that compared no sample. See Note [A check must run on something]."""
    summary = "no sample ran, so nothing was compared"
    fail(op, where, summary, errors[:1], NOTHING_RAN_HINT.format(test=test))


# Note [Reduced-precision references]
# For float16 and bfloat16 results the reference runs on float32 copies of the
# reduced-precision inputs and its result is rounded once to the result dtype.
# That is what a kernel computing in float (opmath) gives. torch's own half
# kernels sometimes round twice (add's scalar tail rounds alpha * b, then the
# sum), and on a cancellation that result is far, relatively, from the rounded
# float one: a kernel that gives torch's result bit for bit is accepted too
# (the rounded reference carries it as `torch_result`, see `mismatch`).
REDUCED = (torch.float16, torch.bfloat16)


def reference(op: OpInfo, sample: SampleInput) -> tuple[Any, BaseException | None]:
    """(expected result, None) or (None, what the reference raises). See Note [Reduced-...]."""
    expected, exc = run(op.ref, sample)
    if exc is not None or not isinstance(expected, torch.Tensor) or expected.dtype not in REDUCED:
        return expected, exc
    precise, exc = run(op.ref, sample.transform(lambda t: t.float() if t.dtype in REDUCED else t))
    if exc is not None:
        return expected, None
    rounded = precise.to(expected.dtype)
    rounded.torch_result = expected  # type: ignore[attr-defined]
    return rounded, None


def bitwise_equal(actual: torch.Tensor, expected: torch.Tensor) -> bool:
    """Same dtype, shape and bits (NaN equal to NaN)."""
    try:
        torch.testing.assert_close(actual, expected, rtol=0, atol=0, equal_nan=True)
    except AssertionError:
        return False
    return True


Outcome = tuple[Any, BaseException | None]  # what run() gives


def outcome_problem(
    want: Outcome, got: Outcome, compare: Callable[[Any, Any], str | None], raises: str
) -> str | None:
    """What is wrong with `got` given `want`: it must raise where `want` raised (else
    "`raises` ... returns/succeeds"), give a result where `want` did, and then `compare`."""
    expected, want_exc = want
    actual, exc = got
    if want_exc is not None:
        return None if exc is not None else raises.format(error=error_line(want_exc))
    if exc is not None:
        return f"raised {error_line(exc)}"
    return compare(actual, expected)


def compare_to_ref(op: OpInfo, fn: Callable[..., Any], sample: SampleInput) -> str | None:
    """What is wrong with `fn` on `sample` compared with `op.ref`, or None."""
    return outcome_problem(
        reference(op, sample),
        run(fn, sample),
        lambda actual, expected: mismatch(actual, expected, op),
        "the reference raises ({error}) but the op returns a result",
    )


# --------------------------------------------------------------------------- reference


def check_reference(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    """Every sample gives the reference's result (or raises where the reference does)."""
    samples = samples_of(op, device, dtype)
    assert op.op is not None
    problems = per_sample(samples, lambda s: compare_to_ref(op, op.op, s))
    if problems:
        summary = f"{len(problems)} of {len(samples)} samples differ from the reference"
        fail(op, where_str(device, dtype), summary, problems)


# --------------------------------------------------------------------------- dtypes

# Note [Claimed dtypes]
# A dtype "works" when every sample either matches the reference or raises
# where the reference raises too, and at least one sample gives a result. The
# check tries all of ALL_DTYPES: a claimed dtype that does not work and a
# working dtype that is not claimed are both listed, so `dtypes` in op_db.py
# says exactly what the kernel supports, no more and no less.
#
# A dtype that fails because the op returns a result of another dtype than the
# reference's (float for integer inputs, where torch keeps the integer dtype)
# is a bug whether the dtype is claimed or not: the op accepted the inputs and
# answered with the wrong type, which no claim can make right. It is listed on
# its own, naming the dtype pair and the sample, and is never taken for "the
# op does not support this dtype" (which means it raises).


@dataclass(frozen=True)
class DtypeVerdict:
    """What the samples of one dtype gave: the first problem (None: the dtype works),
    and, separately, the first sample whose result has another dtype than the reference's."""

    problem: str | None
    wrong_dtype: str | None = None


def wrong_result_dtype(op: OpInfo, s: SampleInput) -> str | None:
    """'returns A where the reference returns B' when both give a tensor of different dtypes."""
    assert op.op is not None
    expected, want_exc = run(op.ref, s)
    actual, exc = run(op.op, s)
    if want_exc is not None or exc is not None:
        return None
    if not isinstance(expected, torch.Tensor) or not isinstance(actual, torch.Tensor):
        return None
    if actual.dtype == expected.dtype:
        return None
    got, want = dtype_name(actual.dtype), dtype_name(expected.dtype)
    return f"the op returns {got} where the reference returns {want}, on {s}"


def dtype_verdict(op: OpInfo, device: str, dtype: torch.dtype) -> DtypeVerdict:
    """Whether `dtype` works for `op` on `device`. See Note [Claimed dtypes]."""
    assert op.op is not None
    produced = False
    first: str | None = None
    for s in op.sample_inputs(device, dtype):
        why = compare_to_ref(op, op.op, s)
        if why:
            wrong = wrong_result_dtype(op, s)
            if wrong is not None:
                return DtypeVerdict(first or f"{s}: {why}", wrong)
            first = first or f"{s}: {why}"
            continue
        produced = produced or run(op.ref, s)[1] is None
    if first is not None:
        return DtypeVerdict(first)
    return DtypeVerdict(
        None if produced else "no sample gives a result (the reference rejects them all)"
    )


def check_dtypes(op: OpInfo, device: str) -> None:
    """The claimed dtypes are exactly the working ones, and no dtype gives a result of
    another dtype than the reference's. See Note [Claimed dtypes]."""
    claimed = op.supported_dtypes(device)
    field = f"{op!r}.{op.dtypes_field(device)}"
    problems = []
    for dtype in ALL_DTYPES:
        verdict = dtype_verdict(op, device, dtype)
        name = dtype_name(dtype)
        if verdict.wrong_dtype is not None:
            listed = "listed" if dtype in claimed else "not listed"
            problems.append(
                f"wrong result dtype for {name} inputs ({listed} in {field}): {verdict.wrong_dtype}"
            )
        elif dtype in claimed and verdict.problem is not None:
            problems.append(f"dtype {name} is listed in {field} but fails: {verdict.problem}")
        elif dtype not in claimed and verdict.problem is None:
            problems.append(f"dtype {name} works but is not listed in {field}")
    if problems:
        hint = (
            f"Fix the kernel, or make {field} in test/opinfo/op_db.py say what works; "
            "a wrong result dtype is fixed in the kernel (or its TensorIterator's promotion)."
        )
        wrong = any(p.startswith("wrong result dtype") for p in problems)
        summary = "claimed dtypes differ from working dtypes"
        summary = f"wrong result dtypes; {summary}" if wrong else summary
        fail(op, where_str(device), summary, problems, hint)


# --------------------------------------------------------------------------- out=


def other_device(device: str) -> str:
    """A device that is not `device`, for the wrong-device out= check.

    Without a GPU the only other device is `meta`: a tensor with no memory. A
    CPU kernel that wrote into it would crash or silently do nothing, so the
    op must reject it exactly as it must reject a CUDA `out` for CPU inputs.
    """
    if device != "cpu":
        return "cpu"
    return "cuda" if torch.cuda.is_available() else "meta"


# Note [Rejecting bad outs]
# An out on another device must always raise. An out of a dtype the result
# cannot be safely cast to (a float result into an int out) must raise where
# torch raises, which it does for elementwise ops. Reductions and scans differ
# in torch: their out's dtype is the dtype they compute in, so
# torch.sum(x, 0, out=int_tensor) is allowed. The check asks the torch reference
# with the same out: where torch raises the op must raise; where torch accepts,
# the op may raise (the safer choice) or must give torch's result. A reference
# without out= (a NumPy one) counts as raising.


def unsafe_target(dtype: torch.dtype) -> torch.dtype | None:
    """A dtype that a `dtype` result may not be written into (float into int), or None."""
    for target in (torch.bool, torch.int64, torch.float32):
        if not torch.can_cast(dtype, target):
            return target
    return None


def garbage_like(expected: torch.Tensor, shape: Iterable[int] | None = None) -> torch.Tensor:
    """An out tensor full of a value no kernel produces by accident."""
    out = torch.empty(
        tuple(expected.shape if shape is None else shape),
        dtype=expected.dtype,
        device=expected.device,
    )
    fill = float("nan") if expected.is_floating_point() or expected.is_complex() else 7
    return out.fill_(fill) if expected.dtype != torch.bool else out.fill_(True)


def out_problems(op: OpInfo, s: SampleInput, expected: torch.Tensor) -> list[str]:
    """Problems of the out= variant on one sample: result, identity, resize, strides."""
    assert op.op is not None
    outs = {
        "a preallocated out": garbage_like(expected),
        "an empty out (must be resized)": torch.empty(
            0, dtype=expected.dtype, device=expected.device
        ),
    }
    if expected.dim() >= 2:
        flipped = (*expected.shape[:-2], expected.shape[-1], expected.shape[-2])
        outs["a transposed (non-contiguous) out"] = garbage_like(expected, flipped).mT
    problems = []
    for label, out in outs.items():
        result, exc = run(with_out(op, out), s)
        if exc is not None:
            problems.append(f"{s} with {label}: raised {error_line(exc)}")
            continue
        if result is not out:
            problems.append(f"{s} with {label}: the out= variant must return `out` itself")
        why = mismatch(out, expected, op)
        if why:
            problems.append(f"{s} with {label}: {why}")
    return problems


def bad_out_problems(op: OpInfo, s: SampleInput, expected: torch.Tensor) -> list[str]:
    """Outs on another device, or of a dtype the result cannot be cast to, are rejected.

    See Note [Rejecting bad outs].
    """
    device = other_device(expected.device.type)
    out = torch.empty_like(expected, device=device)
    problems = []
    if run(with_out(op, out), s)[1] is None:
        problems.append(f"{s} with an out on device {device}: did not raise")
    target = unsafe_target(expected.dtype)
    if target is None:
        return problems
    label = f"an out of dtype {dtype_name(target)} for a {dtype_name(expected.dtype)} result"
    out = torch.empty_like(expected, dtype=target)
    torch_out = torch.empty_like(out)
    _, torch_exc = run(lambda *a, **k: op.ref(*a, **k, out=torch_out), s)
    _, exc = run(with_out(op, out), s)
    if exc is not None:
        return problems  # rejecting an unsafe cast is always right
    if torch_exc is not None:
        problems.append(f"{s} with {label}: did not raise; torch raises ({error_line(torch_exc)})")
    elif why := mismatch(out, torch_out, op):
        problems.append(f"{s} with {label}: {why}")
    return problems


def check_out(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    """out= gives the reference result, resizes, honours strides and rejects bad outs."""
    samples = samples_of(op, device, dtype)
    if not op.supports_out:
        return check_no_out(op, device, samples)
    problems: list[str] = []
    tested = 0
    for s in samples:
        expected, ref_exc = reference(op, s)
        if s.no_out or ref_exc is not None:
            continue
        problems += out_problems(op, s, expected)
        if tested == 0:
            problems += bad_out_problems(op, s, expected)
        tested += 1
    if tested == 0:
        fail(op, where_str(device, dtype), "no sample exercises out=", [])
    if problems:
        fail(op, where_str(device, dtype), "the out= variant is wrong", problems)
    return None


def check_no_out(op: OpInfo, device: str, samples: list[SampleInput]) -> None:
    """out= raises, on a sample that runs without it (else the error proves nothing)."""
    assert op.op is not None
    errors = []
    for s in samples:
        _, exc = run(op.op, s)
        if exc is None:
            break
        errors.append(f"{s}: raised {error_line(exc)}")
    else:  # See Note [A check must run on something]
        nothing_ran(op, where_str(device), "test_out", errors)
    out = torch.empty(0, device=device)
    _, exc = run(with_out(op, out), s)
    if exc is None:
        fail(op, where_str(device), "accepts out= but supports_out is False", [str(s)])


# --------------------------------------------------------------------------- in-place


def ref_inplace_result(op: OpInfo, s: SampleInput) -> tuple[Any, BaseException | None]:
    """What self holds after the reference in-place op, or the exception it raises.

    Whether it raises comes from `ref_inplace` (torch's in-place op) when given;
    otherwise the functional result must fit into self: same shape, and a dtype
    that can be cast to self's. The values come from the functional reference.
    """
    if op.ref_inplace is not None:
        _, exc = run(op.ref_inplace, s.clone())
        if exc is not None:
            return None, exc
    expected, exc = reference(op, s)
    if exc is not None:
        return None, exc
    if expected.shape != s.input.shape or not torch.can_cast(expected.dtype, s.input.dtype):
        return None, RuntimeError("the result cannot be written into self")
    return expected.to(s.input.dtype), None


def inplace_problem(op: OpInfo, s: SampleInput) -> str | None:
    assert op.inplace_variant is not None
    copy = s.clone()

    def compare(result: Any, expected: Any) -> str | None:
        if result is not copy.input:
            return "the in-place variant must return self"
        return mismatch(copy.input, expected, op)

    return outcome_problem(
        ref_inplace_result(op, s),
        run(op.inplace_variant, copy),
        compare,
        "torch raises ({error}) but the in-place variant succeeds",
    )


def check_inplace(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    """The in-place variant matches the reference, returns self, and rejects bad casts."""
    samples = samples_of(op, device, dtype)
    if not op.supports_inplace:
        return check_no_inplace(op)
    problems = per_sample(samples, lambda s: inplace_problem(op, s))
    if problems:
        fail(op, where_str(device, dtype), "the in-place variant is wrong", problems)
    return None


def check_no_inplace(op: OpInfo) -> None:
    if not isinstance(op.op, LazyOp):
        return
    module = importlib.import_module(op.op.module)
    if hasattr(module, op.name + "_"):
        fail(op, "", f"{op.op.module}.{op.name}_ exists but supports_inplace is False", [])


# --------------------------------------------------------------------------- layouts


def noncontiguous(t: torch.Tensor) -> torch.Tensor:
    """The same values, every other element of a buffer twice as long."""
    if t.dim() == 0 or t.numel() == 0:
        return t
    wide = torch.empty((*t.shape[:-1], t.shape[-1] * 2), dtype=t.dtype, device=t.device)
    return wide[..., ::2].copy_(t)


def transposed_memory(t: torch.Tensor) -> torch.Tensor:
    return t.mT.contiguous().mT if t.dim() >= 2 else t


def channels_last(t: torch.Tensor) -> torch.Tensor:
    return t.contiguous(memory_format=torch.channels_last) if t.dim() == 4 else t


LAYOUTS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "non-contiguous (strided)": noncontiguous,
    "non-contiguous (transposed)": transposed_memory,
    "channels_last": channels_last,
}


def layout_variants(s: SampleInput, base: SampleInput) -> Iterable[tuple[str, SampleInput]]:
    """(label, sample) for the sample as generated and each layout of its contiguous copy."""
    candidates = [("as sampled", s)]
    candidates += [(label, base.transform(layout)) for label, layout in LAYOUTS.items()]
    for label, changed in candidates:
        if any(a is not b for a, b in zip(changed.tensors(), base.tensors(), strict=True)):
            yield label, changed


def check_layouts(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    """Non-contiguous and channels-last inputs give the result of contiguous ones.

    See Note [A check must run on something].
    """
    assert op.op is not None
    problems, errors = [], []
    samples = small(samples_of(op, device, dtype))
    for s in samples:
        base = s.transform(lambda t: t.contiguous())
        expected, exc = run(op.op, base)
        if exc is not None:  # test_reference says whether it should have run
            errors.append(f"{base}: raised {error_line(exc)}")
            continue
        for label, changed in layout_variants(s, base):
            actual, exc = run(op.op, changed)
            why = error_line(exc) if exc else mismatch(actual, expected, op)
            if why:
                problems.append(f"{label} input differs from contiguous: {changed}: {why}")
    if len(errors) == len(samples):
        nothing_ran(op, where_str(device, dtype), "test_layouts", errors)
    if problems:
        fail(op, where_str(device, dtype), "the result depends on the memory layout", problems)


# --------------------------------------------------------------------------- meta


# Note [The meta check]
# A Meta tensor has sizes, strides and a dtype but no memory; calling the op
# on Meta tensors runs its Meta kernel: the generated C++ wrapper around the
# meta() function for a structured op (Note [How structured wrappers allocate
# outputs] in torchgen_mini/dest/structured.py), the Python fake for the
# others. torch.compile's fake tensors take the Python fake first (Note
# [Structured ops keep a Python fake]), so opcheck alone would not see a
# meta() that computes the wrong shape; this check does: for every sample the
# real kernel runs, the Meta result must have the real result's shape and
# dtype, and the Meta kernel must not raise.


def meta_problem(op: OpInfo, s: SampleInput, expected: Any) -> str | None:
    assert op.op is not None
    got, exc = run(op.op, s.transform(lambda t: t.to("meta")))
    if exc is not None:
        return f"the Meta kernel raises {error_line(exc)}, but the real kernel runs"
    pairs = (
        list(zip(got, expected, strict=True)) if isinstance(expected, tuple) else [(got, expected)]
    )
    for g, e in pairs:
        if not isinstance(e, torch.Tensor):
            continue
        if not isinstance(g, torch.Tensor) or g.device.type != "meta":
            return f"the Meta kernel returns {type(g).__name__} on {getattr(g, 'device', '-')}"
        for attr in ("shape", "dtype"):
            mine, real = getattr(g, attr), getattr(e, attr)
            if mine != real:
                return f"the Meta kernel gives {attr} {mine}, the real one {real}"
    return None


def check_meta(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    """The op on Meta tensors gives the real result's shape and dtype. See Note [The meta check]."""
    assert op.op is not None
    problems, errors = [], []
    samples = small(samples_of(op, device, dtype))
    for s in samples:
        expected, exc = run(op.op, s)
        if exc is not None:  # test_reference says whether it should have run
            errors.append(f"{s}: raised {error_line(exc)}")
            continue
        if why := meta_problem(op, s, expected):
            problems.append(f"{s}: {why}")
    if len(errors) == len(samples):
        nothing_ran(op, where_str(device, dtype), "test_meta", errors)
    if problems:
        fail(op, where_str(device, dtype), "the Meta kernel disagrees with the real one", problems)


# --------------------------------------------------------------------------- errors


def check_error_inputs(op: OpInfo, device: str) -> None:
    """Every error input raises the expected exception with the expected message."""
    assert op.op is not None
    problems = []
    error_inputs = list(op.error_inputs(device))
    if not error_inputs:
        fail(op, where_str(device), "error_inputs_func yields no error input", [])
    for e in error_inputs:
        _, exc = run(op.op, e.sample)
        want = f"{e.error_type.__name__} matching {e.error_regex!r}"
        if exc is None:
            problems.append(f"{e.sample}: did not raise; expected {want}")
        elif not isinstance(exc, e.error_type) or not re.search(e.error_regex, str(exc)):
            problems.append(f"{e.sample}: raised {error_line(exc)}; expected {want}")
    if problems:
        fail(op, where_str(device), "error inputs are not rejected as expected", problems)


# --------------------------------------------------------------------------- TODOs


def check_todos(op: OpInfo, root: Path = todos.ROOT) -> None:
    """No `TODO(new-op)` is left in the op's parts (see opinfo/todos.py)."""
    found = todos.todos(root, op.name)
    if found:
        summary = f"{len(found)} {todos.MARKER} markers left in its files"
        hint = "Do what each one says, then delete it."
        fail(op, "", summary, [f"{h}: {h.text}" for h in found], hint, listed=len(found))


# --------------------------------------------------------------------------- devices


def compare_results(op: OpInfo, got: Any, want: Any) -> str | None:
    """Compares two results that may each be a tensor or an error line."""
    if isinstance(got, str) or isinstance(want, str):
        return None if got == want else f"{got!s} vs {want!s}"
    return mismatch(got, want, op)


def check_cuda_vs_cpu(op: OpInfo, dtype: torch.dtype) -> None:
    """The CUDA kernel gives the CPU kernel's result on every sample."""
    assert op.op is not None
    problems, errors = [], []
    samples = samples_of(op, "cpu", dtype)
    for s in samples:
        want, want_exc = run(op.op, s)
        got, got_exc = run(op.op, s.transform(lambda t: t.cuda()))
        if want_exc is not None or got_exc is not None:
            errors.append(f"{s}: cpu: {want_exc or 'ok'}; cuda: {got_exc or 'ok'}")
            if (want_exc is None) != (got_exc is None):
                problems.append(errors[-1])
            continue
        why = mismatch(got.cpu(), want, op)
        if why:
            problems.append(f"{s}: {why}")
    if len(errors) == len(samples):
        nothing_ran(op, f"with {dtype_name(dtype)}", "test_cuda_vs_cpu", errors)
    if problems:
        fail(op, f"with {dtype_name(dtype)}", "CUDA and CPU results differ", problems)


# --------------------------------------------------------------------------- opcheck

# Note [Finding the overload a sample calls]
# opcheck wants an OpOverload (`aten_mini.add.Tensor`), while a sample calls
# the public Python binding, which picks the overload itself. A dispatch mode
# records the overload the dispatcher sees. Composite-implicit ops decompose
# before the mode sees them; they have one overload, taken from the packet.


class _RecordCalls(TorchDispatchMode):
    def __init__(self, qualified_names: set[str]) -> None:
        super().__init__()
        self.names = qualified_names
        self.calls: list[tuple[torch._ops.OpOverload, tuple[Any, ...], dict[str, Any]]] = []

    def __torch_dispatch__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        if func._schema.name in self.names and not self.calls:
            self.calls.append((func, tuple(args), dict(kwargs)))
        return func(*args, **kwargs)


def overload_call(
    op: OpInfo, fn: Callable[..., Any], s: SampleInput, suffix: str = ""
) -> tuple[Any, tuple[Any, ...], dict[str, Any]]:
    """(overload, args, kwargs) as the dispatcher sees `fn` on `s`. See Note [Finding ...]."""
    packet: Any = resolve(op.overload_packet)  # type: ignore[arg-type]
    name = packet._qualified_op_name + suffix
    recorder = _RecordCalls({name})
    with recorder:
        s.clone().call(fn)
    if recorder.calls:
        return recorder.calls[0]
    schemas = torch._C._jit_get_schemas_for_operator(name)
    if len(schemas) != 1:
        raise CheckFailure(f"{op!r}: no call to {name} seen for {s}")
    ns, base = name.split("::")
    owner = getattr(getattr(torch.ops, ns), base)
    overload = getattr(owner, schemas[0].overload_name or "default")
    return overload, (s.input, *s.args), dict(s.kwargs)


# Note [opcheck on out= and in-place variants]
# AOTAutograd (opcheck's test_aot_dispatch_dynamic) refuses every non-ATen op
# whose schema returns an alias of an input ("Found a custom (non-ATen)
# operator whose output has alias annotations"). The kit's out= and in-place
# overloads return `Tensor(a!)` exactly as ATen's do, so for them opcheck runs
# the other tests (schema, fake tensor, autograd registration); the functional
# overload, which torch.compile uses after functionalization, runs all of them.
# The dynamic-shape test is a check of its own (test_opcheck_dynamic), so a
# Meta kernel that only handles static shapes fails that alone.
STATIC_OPCHECK_UTILS = ("test_schema", "test_autograd_registration", "test_faketensor")
DYNAMIC_OPCHECK_UTILS = ("test_aot_dispatch_dynamic",)

OPCHECK_HINTS = {
    "test_faketensor": "the op needs a Meta (fake) kernel: codegen registers one for "
    "device-generic kernels; composite ops get it from their parts",
    "test_schema": "the schema's aliasing annotations (a!) do not match what the kernel "
    "mutates or returns",
    "test_aot_dispatch_dynamic": "tracing with AOTAutograd and dynamic (symbolic) shapes fails "
    "or gives another result: the Meta kernel must work with SymInt sizes",
}


OpcheckTarget = tuple[str, Callable[..., Any], SampleInput, str]


def opcheck_targets(op: OpInfo, device: str) -> list[OpcheckTarget]:
    """(label, callable, sample, name suffix) for a few samples of each variant."""
    assert op.op is not None
    dtype = torch.float32 if torch.float32 in op.supported_dtypes(device) else op.dtypes[0]
    samples = small(samples_of(op, device, dtype), limit=1000)
    targets = [(str(s), op.op, s, "") for s in samples[:3]]
    if op.supports_out:
        s = next(s for s in samples if not s.no_out)
        out = torch.empty(0, dtype=run(op.ref, s)[0].dtype, device=device)
        targets.append((f"{s} with out=", with_out(op, out), s, ""))
    if op.supports_inplace:
        assert op.inplace_variant is not None
        targets.append((f"in-place {samples[0]}", op.inplace_variant, samples[0], "_"))
    return targets


def opcheck_problems(op: OpInfo, target: OpcheckTarget, utils: tuple[str, ...]) -> dict[str, str]:
    """{test_util: problem line} of torch.library.opcheck on one call."""
    label, fn, s, suffix = target
    try:
        overload, args, kwargs = overload_call(op, fn, s, suffix)
    except Exception as exc:
        return {"call": f"{label}: calling the op raised {error_line(exc)}"}
    if overload._schema.is_mutable:  # See Note [opcheck on out= and in-place variants]
        utils = tuple(u for u in utils if u != "test_aot_dispatch_dynamic")
    if not utils:
        return {}
    result = torch.library.opcheck(overload, args, kwargs, test_utils=utils, raise_exception=False)
    return {
        util: f"{overload} on {label}: {util} failed: {error_line(outcome)}"
        for util, outcome in result.items()
        if outcome != "SUCCESS"
    }


def check_opcheck(op: OpInfo, device: str, utils: tuple[str, ...] = STATIC_OPCHECK_UTILS) -> None:
    """torch.library.opcheck passes: by default schema, autograd registration, fake tensor.

    `utils=DYNAMIC_OPCHECK_UTILS` runs AOTAutograd with dynamic shapes instead.
    """
    found: dict[str, str] = {}
    problems = []
    for target in opcheck_targets(op, device):
        for util, line in opcheck_problems(op, target, utils).items():
            found[util] = line
            problems.append(line)
    if problems:
        hints = "\n".join(f"{u}: {OPCHECK_HINTS[u]}" for u in sorted(found) if u in OPCHECK_HINTS)
        fail(op, where_str(device), "torch.library.opcheck fails", problems, hints)


# --------------------------------------------------------------------------- torch.compile

# Note [torch.compile backend]
# The compile check uses backend="aot_eager": it runs dynamo (fullgraph), fake
# tensors and AOTAutograd, which is everything that needs the op's Meta kernel
# and schema. Inductor adds C++ code generation and a compiler call: on the
# 2-core machine the first inductor compile of a one-op function took 38 s cold
# (7.6 s with inductor's on-disk cache warm; aot_eager: 0.8 s), and inductor
# treats the kit's ops as opaque extern calls, so it tests nothing more about
# them. test_compile_inductor in test/ops/test_ops.py runs inductor once, on
# `add`, under --slow.

# Note [What the compile check calls]
# Users call the public function (`aten_mini.add`, a pybind11 function that
# dynamo can only trace through its registered polyfill), so the check
# compiles that, with static and with dynamic (symbolic) shapes, and the
# overload packet (`torch.ops.aten_mini.add`) with static shapes. On the
# first sample it also compiles the out= (with an out of the right shape:
# dynamo cannot resize one, for torch's own ops neither) and in-place forms of
# the public function; see Note [Polyfills of out= and in-place variants] in
# torchgen_mini/dest/polyfills.py for how they reach the graph.

CompileTarget = tuple[str, Callable[..., Any], bool]  # (label, callable, dynamic)


def compile_targets(op: OpInfo) -> list[CompileTarget]:
    """What check_compile compiles. See Note [What the compile check calls]."""
    assert op.op is not None and op.overload_packet is not None
    packet, public = resolve(op.overload_packet), resolve(op.op)
    targets = [(repr(op.op), public, False), (repr(op.op), public, True)]
    if packet is not public:
        targets.append((repr(op.overload_packet), packet, False))
    return targets


def check_compile(op: OpInfo, device: str, backend: str = "aot_eager", samples: int = 2) -> None:
    """torch.compile(fullgraph=True) of a small function calling the op gives eager's result.

    See Note [What the compile check calls].
    """
    dtype = torch.float32 if torch.float32 in op.supported_dtypes(device) else op.dtypes[0]
    chosen, errors = [], []
    for s in small(samples_of(op, device, dtype), limit=1000):
        _, exc = run(op.op, s)  # type: ignore[arg-type]
        if exc is None:
            chosen.append(s)
        else:  # test_reference says whether it should have run
            errors.append(f"{s}: raised {error_line(exc)}")
        if len(chosen) == samples:
            break
    if not chosen:  # See Note [A check must run on something]
        nothing_ran(op, where_str(device, dtype), "test_compile", errors)
    problems = []
    for s in chosen:
        for label, fn, dynamic in compile_targets(op):
            problem = compile_problem(op, fn, s, backend, dynamic)
            if problem:
                problems.append(f"{s}: {label} with dynamic={dynamic}: {problem}")
    problems += compile_variant_problems(op, chosen[0], backend)
    if problems:
        summary = f"torch.compile(fullgraph=True, backend={backend!r}) fails"
        fail(op, where_str(device, dtype), summary, problems)


def compiled(fn: Callable[..., Any], backend: str, dynamic: bool) -> Callable[..., Any]:
    torch._dynamo.reset()
    return torch.compile(fn, fullgraph=True, backend=backend, dynamic=dynamic)


def compile_problem(
    op: OpInfo, fn: Callable[..., Any], s: SampleInput, backend: str, dynamic: bool
) -> str | None:
    kwargs = dict(s.kwargs)

    def small_fn(x: Any, *args: Any) -> Any:
        return fn(x, *args, **kwargs)

    expected, exc = run(fn, s)
    if exc is not None:
        return f"the eager call raised {error_line(exc)}"
    try:
        actual = compiled(small_fn, backend, dynamic)(s.input, *s.args)
    except Exception as exc:
        return f"compiling raised {error_line(exc)}"
    finally:
        torch._dynamo.reset()
    return mismatch(actual, expected, op)


def compile_variant_problems(op: OpInfo, s: SampleInput, backend: str) -> list[str]:
    """out= and in-place forms of the public function, compiled with dynamic shapes."""
    problems = []
    if op.supports_out and not s.no_out:
        expected = s.call(op.op)  # type: ignore[arg-type]
        out = garbage_like(expected)  # resizing an out is not traceable, as for torch's ops
        public = resolve(op.op)  # type: ignore[arg-type]
        why = mutation_problem(op, lambda *a, **k: public(*a, **k, out=out), s, out, expected,
                               backend)  # fmt: skip
        if why:
            problems.append(f"{s} with out=: {why}")
    if op.supports_inplace and op.inplace_variant is not None:
        expected, exc = ref_inplace_result(op, s)
        copy = s.clone()
        if exc is None:
            why = mutation_problem(op, resolve(op.inplace_variant), copy, copy.input, expected,
                                   backend)  # fmt: skip
            if why:
                problems.append(f"in-place {s}: {why}")
    return problems


def mutation_problem(
    op: OpInfo,
    fn: Callable[..., Any],
    s: SampleInput,
    target: torch.Tensor,
    expected: torch.Tensor,
    backend: str,
) -> str | None:
    """Compiles `fn` on `s` (dynamic shapes) and compares `target`, which it writes."""
    kwargs = dict(s.kwargs)

    def small_fn(x: Any, *args: Any) -> Any:
        return fn(x, *args, **kwargs)

    try:
        compiled(small_fn, backend, True)(s.input, *s.args)
    except Exception as exc:
        return f"compiling raised {error_line(exc)}"
    finally:
        torch._dynamo.reset()
    return mismatch(target, expected, op)


# --------------------------------------------------------------------------- CPU capabilities


def check_capabilities(op: OpInfo, dtype: torch.dtype, results: dict[str, dict[str, Any]]) -> None:
    """Every CPU capability gives the default kernel's result on every sample.

    `results` maps a capability to what opinfo.capabilities.run_all_samples saved.
    """
    base = results["default"]
    keys = [k for k in base if k.startswith(f"{op.name}|{dtype}|")]
    if not keys:
        fail(op, f"with {dtype_name(dtype)}", "no capability results were recorded", [])
    errors = [f"sample {k.rsplit('|', 1)[1]}: {base[k]}" for k in keys if isinstance(base[k], str)]
    if len(errors) == len(keys):  # See Note [A check must run on something]
        nothing_ran(op, f"with {dtype_name(dtype)}", "test_cpu_capabilities", errors)
    problems = []
    for cap, got in results.items():
        for key in keys:
            why = compare_results(op, got[key], base[key])
            if why:
                index = int(key.rsplit("|", 1)[1])
                problems.append(f"{cap} vs default, sample {index}: {why}")
    if problems:
        fail(op, f"with {dtype_name(dtype)}", "CPU capabilities give different results", problems)


# --------------------------------------------------------------------------- autograd

# Note [Gradcheck samples]
# gradcheck and gradgradcheck run in float64 on the op's own samples, those
# whose tensors have at most GRAD_NUMEL elements each: the numerical Jacobian
# costs two calls of the op per input element, so the large sample would take
# minutes, while the small ones still cover 0-dim, empty, broadcast, strided
# and channels-last inputs and every named case (alpha, dim lists, keepdim,
# dtype=). Every floating-point tensor of a sample (input, args and kwargs)
# gets a gradient; integer and bool ones (where's condition) stay constant.
# Each is a fresh copy with the sample's strides, so a backward that ignores
# strides fails too. Both run in slow mode (the whole Jacobian): gradgradcheck's
# fast mode took 0.5 s instead of 9.5 s for all the kit's ops, but it passed a
# planted backward with no gradient of its own on the 2x3x4x5 sample.
# Samples holding a NaN, an inf or an exact zero in a floating-point tensor
# (Note [Special-value samples] in samples.py) are left out: finite
# differences are undefined there or straddle a kink (relu at 0), as upstream
# keeps its extremal values out of gradcheck's samples too. The forward
# checks (test_reference, test_dtypes, ...) still run on them.
GRAD_NUMEL = 128

GRAD_HINT = (
    "`input i` counts the sample's floating-point tensors (self first). Fix the formula "
    "in tools/autograd/derivatives.yaml (or, for a composite op, the backward of the ops "
    "it calls), then ./kit build."
)


def is_differentiable(value: Any) -> bool:
    return isinstance(value, torch.Tensor) and (value.is_floating_point() or value.is_complex())


def grad_leaves(s: SampleInput) -> tuple[list[int], tuple[torch.Tensor, ...]]:
    """(positions in s.values(), fresh leaves that require grad) of its differentiable tensors."""
    values = s.clone().values()
    positions = [i for i, v in enumerate(values) if is_differentiable(v)]
    return positions, tuple(values[i].detach().requires_grad_() for i in positions)


def as_function_of(fn: Callable[..., Any], s: SampleInput, positions: list[int]) -> Any:
    """`fn` on `s`, with the tensors at `positions` taken from the arguments instead."""

    def call(*tensors: torch.Tensor) -> Any:
        values = s.values()
        for i, t in zip(positions, tensors, strict=True):
            values[i] = t
        return s.with_values(values).call(fn)

    return call


def special_floats(t: torch.Tensor) -> bool:
    """Whether floating-point `t` holds a NaN, an inf or an exact zero (see Note [Gradcheck...])."""
    return t.is_floating_point() and bool((~torch.isfinite(t) | (t == 0)).any())


def grad_samples(op: OpInfo, device: str, dtype: torch.dtype) -> list[SampleInput]:
    """The samples gradcheck runs on. See Note [Gradcheck samples]."""
    samples = small(samples_of(op, device, dtype), limit=GRAD_NUMEL)
    samples = [s for s in samples if any(is_differentiable(v) for v in s.values())]
    samples = [s for s in samples if not any(map(special_floats, s.tensors()))]
    if not samples:
        summary = f"no sample has a floating-point tensor of at most {GRAD_NUMEL} elements"
        fail(op, where_str(device, dtype), summary, [])
    return samples


def gradcheck_problem(op: OpInfo, s: SampleInput, second_order: bool, **flags: bool) -> str | None:
    """What gradcheck (or gradgradcheck) says about `op` on `s`, or None if it passes.

    `flags` go to the check as they are (`check_forward_ad=True`, ...).
    """
    assert op.op is not None
    positions, leaves = grad_leaves(s)
    fn = as_function_of(op.op, s, positions)
    check: Callable[..., bool] = (
        torch.autograd.gradgradcheck if second_order else torch.autograd.gradcheck
    )
    try:
        check(fn, leaves, nondet_tol=op.gradcheck_nondet_tol, **flags)
    except Exception as exc:
        return error_line(exc).rstrip(",")
    return None


def check_grad(op: OpInfo, device: str, dtype: torch.dtype, second_order: bool) -> None:
    name = "gradgradcheck" if second_order else "gradcheck"
    samples = grad_samples(op, device, dtype)
    problems = per_sample(samples, lambda s: gradcheck_problem(op, s, second_order))
    fail_on_samples(op, device, dtype, f"{name} fails", problems, samples, GRAD_HINT)


def check_gradcheck(op: OpInfo, device: str, dtype: torch.dtype = torch.float64) -> None:
    """The backward agrees with finite differences on every small sample."""
    check_grad(op, device, dtype, second_order=False)


def check_gradgradcheck(op: OpInfo, device: str, dtype: torch.dtype = torch.float64) -> None:
    """The backward is itself differentiable, correctly (double backward)."""
    check_grad(op, device, dtype, second_order=True)


# --------------------------------------------------------------------------- autograd variants


def writes_into_self(op: OpInfo, s: SampleInput) -> bool:
    """Whether the op's result on `s` has self's shape and dtype (the in-place variant fits)."""
    assert op.op is not None
    with torch.no_grad():
        result, exc = run(op.op, s)
    return exc is None and result.shape == s.input.shape and result.dtype == s.input.dtype


def inplace_grad_problem(op: OpInfo, s: SampleInput) -> str | None:
    """How the in-place variant's gradients differ from the op's on `s`, or None."""
    assert op.op is not None and op.inplace_variant is not None
    inplace = op.inplace_variant
    positions, leaves = grad_leaves(s)
    result = as_function_of(op.op, s, positions)(*leaves)
    grad_out = torch.randn_like(result)
    expected = torch.autograd.grad(result, leaves, grad_out, allow_unused=True)
    on_copy = as_function_of(lambda x, *a, **k: inplace(x.clone(), *a, **k), s, positions)
    try:
        got = torch.autograd.grad(on_copy(*leaves), leaves, grad_out, allow_unused=True)
    except Exception as exc:
        return f"the in-place variant raised {error_line(exc)}"
    for i, (g, e, leaf) in enumerate(zip(got, expected, leaves, strict=True)):
        zeros = torch.zeros_like(leaf)
        why = mismatch(zeros if g is None else g, zeros if e is None else e, op)
        if why:
            return f"gradient of input {i}, in-place vs out-of-place: {why}"
    return None


def check_inplace_grad(op: OpInfo, device: str, dtype: torch.dtype = torch.float64) -> None:
    """The in-place variant (on a non-leaf copy of self) has the op's gradients.

    It runs on the samples whose self requires grad and can hold the result;
    check_inplace already tests that the others raise.
    """
    candidates = [s for s in grad_samples(op, device, dtype) if is_differentiable(s.input)]
    samples = [s for s in candidates if writes_into_self(op, s)]
    if not samples:
        errors = [f"{s}: raised {error_line(exc)}" for s in candidates if (exc := run(op, s)[1])]
        summary = "no sample can run in place with a gradient"
        fail(op, where_str(device, dtype), summary, errors[:1])
    problems = per_sample(samples, lambda s: inplace_grad_problem(op, s))
    if problems:
        summary = "the backward of the in-place variant differs from the out-of-place one"
        fail(op, where_str(device, dtype), summary, problems, GRAD_HINT)


# PyTorch's message, which the kit's generated out= kernels repeat after the op's name.
OUT_NOT_DIFFERENTIABLE = r"functions with out=\.\.\. arguments don't support automatic differ"


def out_grad_problems(op: OpInfo, s: SampleInput, expected: torch.Tensor) -> list[str]:
    """The out= variant must raise, naming the op, when an input or `out` requires grad."""
    positions, leaves = grad_leaves(s)
    values = s.values()
    for i, leaf in zip(positions, leaves, strict=True):
        values[i] = leaf
    calls = {
        "inputs that require grad": (s.with_values(values), torch.empty_like(expected)),
        "an out that requires grad": (s, torch.empty_like(expected).requires_grad_()),
    }
    problems = []
    want = f"RuntimeError naming {op.name!r} and matching {OUT_NOT_DIFFERENTIABLE!r}"
    for label, (sample, out) in calls.items():
        _, exc = run(with_out(op, out), sample)
        if exc is None:
            problems.append(f"{sample} with {label}: did not raise; expected {want}")
        elif not re.search(OUT_NOT_DIFFERENTIABLE, str(exc)) or op.name not in str(exc):
            problems.append(f"{sample} with {label}: raised {error_line(exc)}; expected {want}")
    return problems


def check_out_requires_grad(op: OpInfo, device: str, dtype: torch.dtype = torch.float64) -> None:
    """out= variants are not differentiable: they raise as PyTorch's do."""
    for s in grad_samples(op, device, dtype):
        expected, exc = reference(op, s)
        if not s.no_out and exc is None:
            break
    else:
        fail(op, where_str(device, dtype), "no sample exercises out=", [])
    problems = out_grad_problems(op, s, expected)
    if problems:
        fail(op, where_str(device, dtype), "the out= variant accepts autograd inputs", problems)


# --------------------------------------------------------------------------- forward-mode AD

# Note [Forward AD checks]
# Forward-mode AD (tangents, `torch.func.jvp`) comes from the `result:`
# formulas of tools/autograd/derivatives.yaml. check_forward_ad runs on the
# gradcheck samples (Note [Gradcheck samples]), each floating-point tensor
# with a random tangent (a non-contiguous one on every other sample), and
# asks three things of each:
#   - torch.func.jvp gives torch's tangent (the jvp of `jvp_ref`, which
#     defaults to `ref`), and the op's own result;
#   - torch.autograd.forward_ad (dual tensors) gives the same tangent, and
#     never none: a result without its tangent is the silent wrong derivative
#     this check exists for;
#   - gradcheck(check_forward_ad=True) finds the forward-mode Jacobian equal
#     to finite differences (this needs no torch reference at all).
# jacfwd and forward-over-reverse (jacfwd(jacrev(f)) against torch's, and
# gradgradcheck(check_fwd_over_rev=True)) have their own checks. An op whose
# entry has no forward formula must refuse a tangent with PyTorch's
# NotImplementedError instead (check_forward_ad_refused).
FORWARD_AD_HINT = (
    "`input i` counts the sample's floating-point tensors (self first). Fix the `result:` "
    "formula in tools/autograd/derivatives.yaml (or, for a composite op, the forward "
    "formulas of the ops it calls), then ./kit build."
)
NO_FORWARD_AD = r"Trying to use forward AD with {name} that does not support it"
# torch.func.jacfwd runs the op under vmap. Without a batching rule functorch
# falls back to a loop over the batch and warns "There is a performance drop";
# every kit op has a rule (aten_mini/_batching.py), so the jacfwd checks, like
# the vmap checks (Note [vmap checks]), turn that warning into an error.
VMAP_FALLBACK_WARNING = "There is a performance drop because we have not yet implemented"


def tangents_for(leaves: tuple[torch.Tensor, ...], seed: int) -> tuple[torch.Tensor, ...]:
    """Random tangents of the leaves' shapes; non-contiguous ones for odd seeds."""
    gen = torch.Generator().manual_seed(seed)
    out = []
    for leaf in leaves:
        t = torch.randn(leaf.shape, generator=gen, dtype=leaf.dtype).to(leaf.device)
        out.append(noncontiguous(t) if seed % 2 else t)
    return tuple(out)


def jvp_of(fn: Callable[..., Any], s: SampleInput, seed: int) -> Outcome:
    """((result, tangent), None) of torch.func.jvp of `fn` on `s`, or (None, exc)."""
    positions, leaves = grad_leaves(s)
    primals = tuple(leaf.detach() for leaf in leaves)
    tangents = tangents_for(primals, seed)
    try:
        return torch.func.jvp(as_function_of(fn, s, positions), primals, tangents), None
    except Exception as exc:
        return None, exc


def dual_tangent(fn: Callable[..., Any], s: SampleInput, seed: int) -> Outcome:
    """(tangent of `fn` on dual tensors, None), or (None, exc); the tangent may be None."""
    fwad = torch.autograd.forward_ad
    positions, leaves = grad_leaves(s)
    primals = tuple(leaf.detach() for leaf in leaves)
    tangents = tangents_for(primals, seed)
    try:
        with fwad.dual_level():
            duals = [fwad.make_dual(p, t) for p, t in zip(primals, tangents, strict=True)]
            result = as_function_of(fn, s, positions)(*duals)
            return fwad.unpack_dual(result).tangent, None
    except Exception as exc:
        return None, exc


def jvp_problem(op: OpInfo, s: SampleInput, seed: int) -> str | None:
    """How the op's tangents on `s` differ from torch's, or None."""
    assert op.op is not None
    want, want_exc = jvp_of(op.jvp_ref or op.ref, s, seed)
    if want_exc is not None:
        return None  # torch rejects this sample; check_reference covers what the op does
    got, exc = jvp_of(op.op, s, seed)
    if exc is not None:
        return f"torch.func.jvp raised {error_line(exc)}"
    for what, g, w in (("result", got[0], want[0]), ("tangent", got[1], want[1])):
        why = mismatch(g, w, op)
        if why:
            return f"torch.func.jvp: {what} differs from torch's: {why}"
    tangent, exc = dual_tangent(op.op, s, seed)
    if exc is not None:
        return f"forward_ad (dual tensors) raised {error_line(exc)}"
    if tangent is None:
        return "forward_ad (dual tensors): the result has no tangent, the inputs' were dropped"
    why = mismatch(tangent, want[1], op)
    return f"forward_ad (dual tensors): tangent differs from torch's: {why}" if why else None


def forward_gradcheck_problem(op: OpInfo, s: SampleInput) -> str | None:
    """What gradcheck(check_forward_ad=True) says about the op's tangents on `s`."""
    why = gradcheck_problem(
        op, s, False, check_forward_ad=True, check_backward_ad=False, check_undefined_grad=False
    )
    return None if why is None else f"gradcheck(check_forward_ad=True): {why}"


def check_forward_ad(op: OpInfo, device: str, dtype: torch.dtype = torch.float64) -> None:
    """Tangents equal torch's and finite differences. See Note [Forward AD checks]."""
    samples = grad_samples(op, device, dtype)
    problems = per_numbered_sample(
        samples, lambda i, s: jvp_problem(op, s, i) or forward_gradcheck_problem(op, s)
    )
    fail_on_samples(
        op, device, dtype, "forward-mode AD is wrong", problems, samples, FORWARD_AD_HINT
    )


def jacobian_problem(
    op: OpInfo,
    s: SampleInput,
    transform: Callable[..., Callable[..., Any]],
    compared: list[SampleInput] | None = None,
) -> str | None:
    """How `transform(op)` (jacfwd, jacfwd(jacrev)) on `s` differs from torch's, or None.

    `s` is appended to `compared` when torch's Jacobian exists to compare with.
    """
    assert op.op is not None
    positions, leaves = grad_leaves(s)
    primals = tuple(leaf.detach() for leaf in leaves)
    argnums = tuple(range(len(primals)))

    def jac(fn: Callable[..., Any]) -> Outcome:
        with warnings.catch_warnings():
            warnings.filterwarnings("error", VMAP_FALLBACK_WARNING, UserWarning)
            try:
                return transform(as_function_of(fn, s, positions), argnums)(*primals), None
            except Exception as exc:  # includes the fallback warning, raised as an error
                return None, exc

    want, want_exc = jac(op.jvp_ref or op.ref)
    if want_exc is not None:
        return None
    if compared is not None:
        compared.append(s)
    got, exc = jac(op.op)
    if exc is not None:
        return f"raised {error_line(exc)}"
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        why = mismatch(g, w, op)
        if why:
            return f"with respect to input {i}: {why}"
    return None


def jacfwd(fn: Callable[..., Any], argnums: tuple[int, ...]) -> Callable[..., Any]:
    return torch.func.jacfwd(fn, argnums=argnums)


def jacfwd_of_jacrev(fn: Callable[..., Any], argnums: tuple[int, ...]) -> Callable[..., Any]:
    """The Hessian of sum(fn) by forward-over-reverse, as torch.func.hessian computes it."""

    def total(*args: Any) -> torch.Tensor:
        return fn(*args).sum()

    return torch.func.jacfwd(torch.func.jacrev(total, argnums=argnums), argnums=argnums[0])


def jacobian_samples(op: OpInfo, device: str, dtype: torch.dtype) -> list[SampleInput]:
    """The gradcheck samples of at most 30 elements (the Jacobian has numel**2 entries).

    Empty ones included: jacfwd vmaps over the input's elements, zero of them
    there, which the batching rules handle (functorch's loop fallback could not).
    """
    samples = grad_samples(op, device, dtype)
    return [s for s in samples if all(t.numel() <= 30 for t in s.tensors())]


def check_jacobians(op: OpInfo, device: str, dtype: torch.dtype, name: str, transform: Any) -> None:
    samples = jacobian_samples(op, device, dtype)
    compared: list[SampleInput] = []
    problems = per_sample(samples, lambda s: jacobian_problem(op, s, transform, compared))
    if not compared:
        nothing_ran(op, where_str(device, dtype), f"test_{name.rsplit('.', 1)[-1]}", [])
    fail_on_samples(
        op, device, dtype, f"{name} differs from torch's", problems, samples, FORWARD_AD_HINT
    )


def check_jacfwd(op: OpInfo, device: str, dtype: torch.dtype = torch.float64) -> None:
    """torch.func.jacfwd of the op equals torch's."""
    check_jacobians(op, device, dtype, "torch.func.jacfwd", jacfwd)


def fwd_over_rev_problem(op: OpInfo, s: SampleInput) -> str | None:
    why = gradcheck_problem(
        op, s, True, check_fwd_over_rev=True, check_rev_over_rev=False, check_undefined_grad=False
    )
    if why is not None:
        return f"gradgradcheck(check_fwd_over_rev=True): {why}"
    return jacobian_problem(op, s, jacfwd_of_jacrev)


def check_fwd_over_rev(op: OpInfo, device: str, dtype: torch.dtype = torch.float64) -> None:
    """Forward-mode AD through the backward: jacfwd(jacrev(op)) and gradgradcheck agree."""
    samples = jacobian_samples(op, device, dtype)
    problems = per_sample(samples, lambda s: fwd_over_rev_problem(op, s))
    fail_on_samples(
        op,
        device,
        dtype,
        "forward-over-reverse is wrong",
        problems,
        samples,
        FORWARD_AD_HINT + " The backward formula's ops need forward formulas too.",
    )


def inplace_forward_ad_problem(op: OpInfo, s: SampleInput, seed: int) -> str | None:
    """How the in-place variant's tangent differs from the op's on `s`, or None."""
    assert op.op is not None and op.inplace_variant is not None
    inplace = op.inplace_variant
    want, want_exc = jvp_of(op.op, s, seed)
    if want_exc is not None:
        return f"the out-of-place op raised {error_line(want_exc)}"
    got, exc = jvp_of(lambda x, *a, **k: inplace(x.clone(), *a, **k), s, seed)
    if exc is not None:
        return f"the in-place variant raised {error_line(exc)}"
    why = mismatch(got[1], want[1], op)
    if why:
        return f"tangent, in-place vs out-of-place: {why}"
    return inplace_tangent_problem(inplace, s, seed)


def inplace_tangent_problem(inplace: Callable[..., Any], s: SampleInput, seed: int) -> str | None:
    """The in-place variant must update self's tangent in place: views of it see the change."""
    fwad = torch.autograd.forward_ad
    positions, leaves = grad_leaves(s)
    with fwad.dual_level():
        dual = fwad.make_dual(leaves[0].detach().clone(), tangents_for(leaves, seed)[0])
        before = fwad.unpack_dual(dual).tangent.clone()
        alias = fwad.unpack_dual(dual).tangent
        values = s.values()
        values[positions[0]] = dual
        s.with_values(values).call(inplace)
        after = fwad.unpack_dual(dual).tangent
    if after is None:
        return "the in-place variant dropped the tangent of self"
    if torch.equal(before, after) and not torch.equal(after, alias):
        return "the tangent of self did not change"
    if not torch.equal(after, alias):
        return "the tangent of self was replaced, not updated in place (views of it go stale)"
    return None


def check_inplace_forward_ad(op: OpInfo, device: str, dtype: torch.dtype = torch.float64) -> None:
    """The in-place variant updates self's tangent as the out-of-place op computes it."""
    candidates = [s for s in grad_samples(op, device, dtype) if is_differentiable(s.input)]
    samples = [s for s in candidates if writes_into_self(op, s)]
    if not samples:
        fail(op, where_str(device, dtype), "no sample can run in place with a tangent", [])
    problems = per_numbered_sample(samples, lambda i, s: inplace_forward_ad_problem(op, s, i))
    if problems:
        summary = "forward AD of the in-place variant differs from the out-of-place one"
        fail(op, where_str(device, dtype), summary, problems, FORWARD_AD_HINT)


def refusal_problem(fn: Callable[..., Any], s: SampleInput, name: str, reason: str) -> str | None:
    """`fn` on `s` with tangents must raise PyTorch's NotImplementedError naming `name`."""
    tangent, exc = dual_tangent(fn, s, 0)
    want = f"NotImplementedError matching {NO_FORWARD_AD.format(name=name)!r} {reason}"
    if exc is None:
        got = "no tangent" if tangent is None else "a tangent"
        return f"returned a result with {got}; expected {want}"
    pattern = NO_FORWARD_AD.format(name=re.escape(name)) + ".*" + re.escape(reason)
    if not isinstance(exc, NotImplementedError) or not re.search(pattern, str(exc), re.S):
        return f"raised {error_line(exc)}; expected {want}"
    return None


def check_out_forward_ad(op: OpInfo, device: str, dtype: torch.dtype = torch.float64) -> None:
    """out= variants are not forward-differentiable: a tangent is refused, as in PyTorch."""
    problems = []
    for s in grad_samples(op, device, dtype):
        expected, exc = reference(op, s)
        if s.no_out or exc is not None:
            continue
        out = torch.empty_like(expected)
        why = refusal_problem(with_out(op, out), s, f"{op.name}_out", "because it is an out=")
        problems += [f"{s}: {why}"] if why else []
        break
    else:
        fail(op, where_str(device, dtype), "no sample exercises out=", [])
    if problems:
        fail(op, where_str(device, dtype), "the out= variant accepts tangents", problems)


def check_forward_ad_refused(op: OpInfo, device: str, dtype: torch.dtype = torch.float64) -> None:
    """An op without a forward formula refuses tangents instead of dropping them."""
    assert op.op is not None
    samples = grad_samples(op, device, dtype)
    reason = "because it has not been implemented yet"
    problems = per_sample(samples, lambda s: refusal_problem(op.op, s, op.name, reason))
    if problems:
        summary = "without a forward formula, the op must refuse tangents"
        hint = "Either give it a `result:` formula (and supports_forward_ad=True) or find the drop."
        fail(op, where_str(device, dtype), summary, problems, hint)


# --------------------------------------------------------------------------- vmap

# Note [vmap checks]
# torch.vmap runs an op once on a batch; the batching rule (aten_mini/_batching.py,
# Note [Batching rules from the schema]) decides where the batch dim goes. A
# wrong rule (a dim not shifted past the batch dim, batch dims not lined up
# before broadcasting, a batched 0-dim tensor that changes type promotion) gives
# results of the right size and wrong values, so every check compares with a
# Python loop over the examples, one op call each: the definition of vmap.
# Each sample becomes a batch of VMAP_BATCH examples (the sample itself and
# permutations of its values, so values stay in the op's domain), vmapped
# over in several ways (VMAP_LAYOUTS): every tensor batched at dim 0, at its
# last dim (not at 0), each tensor in turn not batched (in_dims None), and
# nested, vmap(vmap(f)). The result must also equal torch.vmap of the torch
# reference (`jvp_ref` or `ref`) where that runs. functorch's "performance
# drop" warning, which means there is no batching rule and the loop fallback
# ran, is turned into an error: a fallback fails the check. In-place variants
# write into the batched self; out= variants must be refused with functorch's
# error, as upstream's vmap refuses them.
VMAP_BATCH = 3
VMAP_NUMEL = 1000  # samples larger than this (the large one) are not vmapped
VMAP_HINT = (
    "The batching rules are derived in python/aten_mini/_batching.py from the op's "
    "schema and tags (Note [Batching rules from the schema]): check the op's `tags:` "
    "in native_functions.yaml and the rule its kind gets."
)
VMAP_OUT_REFUSED = (
    r"Batching rule not implemented for {name}; the fallback path doesn't work on out= or view ops"
)


def vmap_examples(t: torch.Tensor, seed: int, n: int = VMAP_BATCH) -> list[torch.Tensor]:
    """`t` and n-1 permutations of its values: distinct examples in the op's domain."""
    gen = torch.Generator().manual_seed(seed)
    flat = t.reshape(-1)
    out = [t]
    for _ in range(n - 1):
        perm = torch.randperm(flat.numel(), generator=gen).to(t.device)
        out.append(flat[perm].reshape(t.shape) if flat.numel() else t.clone())
    return out


def _call(fn: Callable[..., Any], *args: Any) -> Outcome:
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("error", VMAP_FALLBACK_WARNING, UserWarning)
            return fn(*args), None
    except Exception as exc:  # includes the fallback warning, raised as an error
        return None, exc


def vmap_layouts(n: int) -> list[tuple[str, tuple[str | None, ...]]]:
    """(name, per-tensor batch placement) for a sample of `n` tensors.

    A placement is "front" (batch dim 0), "last" (the tensor's last dim) or None.
    """
    layouts: list[tuple[str, tuple[str | None, ...]]] = [
        ("in_dims 0", ("front",) * n),
        ("batch dim last", ("last",) * n),
    ]
    if n > 1:
        for i in range(n):
            dims = tuple(None if j == i else "front" for j in range(n))
            layouts.append((f"in_dims None for tensor {i}", dims))
    return layouts


def example_args(
    examples: list[list[torch.Tensor]], placement: tuple[str | None, ...], b: int
) -> list[torch.Tensor]:
    """Example `b`'s arguments; an argument not batched (None) is the same in every example."""
    return [ex[b] if where else ex[0] for ex, where in zip(examples, placement, strict=True)]


def _stack(examples: list[torch.Tensor], where: str | None) -> tuple[torch.Tensor, int | None]:
    if where is None:
        return examples[0], None
    batched = torch.stack(examples)
    if where == "last" and batched.dim() > 1:
        return batched.movedim(0, -1), batched.dim() - 1
    return batched, 0


def vmap_problem(
    op: OpInfo,
    s: SampleInput,
    seed: int,
    compared: list[SampleInput] | None = None,
    errors: list[str] | None = None,
) -> str | None:
    """How torch.vmap of the op on batches of `s` differs from a loop and from torch's.

    `compared` collects the samples compared, `errors` what an example raised
    where vmap raised too (nothing to compare): the first is what nothing_ran
    shows, so a kernel that always raises is reported with its own error.
    """
    assert op.op is not None
    positions = [i for i, v in enumerate(s.values()) if isinstance(v, torch.Tensor)]
    tensors = [s.values()[i] for i in positions]
    examples = [vmap_examples(t, seed + k) for k, t in enumerate(tensors)]
    kit = as_function_of(op.op, s, positions)
    ref = as_function_of(op.jvp_ref or op.ref, s, positions)
    for name, placement in vmap_layouts(len(tensors)):
        stacked = [_stack(ex, where) for ex, where in zip(examples, placement, strict=True)]
        args = [t for t, _ in stacked]
        in_dims = tuple(d for _, d in stacked)
        loop = [_call(kit, *example_args(examples, placement, b)) for b in range(VMAP_BATCH)]
        got, exc = _call(torch.vmap(kit, in_dims=in_dims), *args)
        loop_exc = next((e for _, e in loop if e is not None), None)
        if loop_exc is not None:  # check_reference says whether the op should run here
            if exc is None:
                return f"{name}: torch.vmap ran, but one example raises {error_line(loop_exc)}"
            if errors is not None:
                errors.append(f"{s}: an example raises {error_line(loop_exc)}")
            continue
        want = torch.stack([r for r, _ in loop])
        if exc is not None:
            return f"{name} (in_dims={in_dims}): torch.vmap raised {error_line(exc)}"
        why = mismatch(got, want, op)
        if why:
            return f"{name} (in_dims={in_dims}): differs from a loop over the examples: {why}"
        why = torch_vmap_problem(op, ref, got, examples, placement, args, in_dims)
        if why:
            return f"{name} (in_dims={in_dims}): differs from torch.vmap of torch's: {why}"
        if compared is not None and name == "in_dims 0":
            compared.append(s)
    return nested_vmap_problem(op, kit, examples)


def reduced_precision_ref(ref: Callable[..., Any]) -> Callable[..., Any]:
    """`ref` in float32 for float16/bfloat16 tensors (Note [Reduced-precision references])."""

    def precise(*tensors: torch.Tensor) -> Any:
        result = ref(*tensors)
        if not isinstance(result, torch.Tensor) or result.dtype not in REDUCED:
            return result
        return ref(*(t.float() if t.dtype in REDUCED else t for t in tensors)).to(result.dtype)

    return precise


def torch_vmap_problem(
    op: OpInfo,
    ref: Callable[..., Any],
    got: torch.Tensor,
    examples: list[list[torch.Tensor]],
    placement: tuple[str | None, ...],
    args: list[torch.Tensor],
    in_dims: tuple[int | None, ...],
) -> str | None:
    """How `got` differs from torch.vmap of the reference, where torch's vmap is right.

    torch.vmap of a reference that cannot be vmapped (NumPy) is not compared, nor
    one that differs from a loop of the reference itself: torch's where.self rule
    promotes a batched 0-dim tensor as a dimensioned one (2.14), and the kit
    follows the loop, the definition of vmap (Note [vmap checks]).
    """
    own, _ = _call(torch.vmap(ref, in_dims=in_dims), *args)
    ref = reduced_precision_ref(ref)
    theirs, exc = _call(torch.vmap(ref, in_dims=in_dims), *args)
    if exc is not None:
        return None
    why = mismatch(got, theirs, op)
    if why is None or (isinstance(own, torch.Tensor) and bitwise_equal(got, own)):
        return None
    loop = [_call(ref, *example_args(examples, placement, b)) for b in range(VMAP_BATCH)]
    if any(e is not None for _, e in loop):
        return None
    if mismatch(theirs, torch.stack([r for r, _ in loop]), op):
        return None  # torch's vmap differs from torch's own loop
    return why


def nested_vmap_problem(
    op: OpInfo, kit: Callable[..., Any], examples: list[list[torch.Tensor]]
) -> str | None:
    """vmap(vmap(f)) over a 2 x VMAP_BATCH batch equals the double loop.

    Once with every tensor batched at both levels, and (for ops of several
    tensors) once with only the first batched at the outer level.
    """
    outer, n = 2, len(examples)
    variants = [("nested vmap(vmap(f))", (0,) * n)]
    if n > 1:
        variants.append(("nested, outer in_dims None but for tensor 0", (0,) + (None,) * (n - 1)))
    for name, outer_dims in variants:

        def pick(k: int, i: int, j: int, dims: tuple[int | None, ...] = outer_dims) -> torch.Tensor:
            return examples[k][(i + j) % VMAP_BATCH if dims[k] is not None else j]

        grid = [
            [[pick(k, i, j) for k in range(n)] for j in range(VMAP_BATCH)] for i in range(outer)
        ]
        loop = [[_call(kit, *row) for row in inner] for inner in grid]
        if any(e is not None for inner in loop for _, e in inner):
            return None  # an example raises: the layouts above checked vmap raises too
        want = torch.stack([torch.stack([r for r, _ in inner]) for inner in loop])
        args = [
            torch.stack(
                [torch.stack([grid[i][j][k] for j in range(VMAP_BATCH)]) for i in range(outer)]
            )
            if outer_dims[k] is not None
            else torch.stack([grid[0][j][k] for j in range(VMAP_BATCH)])
            for k in range(n)
        ]
        got, exc = _call(torch.vmap(torch.vmap(kit), in_dims=outer_dims), *args)
        if exc is not None:
            return f"{name}: raised {error_line(exc)}"
        why = mismatch(got, want, op)
        if why:
            return f"{name}: differs from a double loop: {why}"
    return None


def vmap_samples(op: OpInfo, device: str, dtype: torch.dtype) -> list[SampleInput]:
    return [s for s in small(samples_of(op, device, dtype), VMAP_NUMEL) if s.tensors()]


def check_vmap(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    """torch.vmap of the op equals a loop and torch's, with no fallback. See Note [vmap checks]."""
    samples = vmap_samples(op, device, dtype)
    compared: list[SampleInput] = []
    errors: list[str] = []
    problems = per_numbered_sample(samples, lambda i, s: vmap_problem(op, s, i, compared, errors))
    if not compared and not problems:
        nothing_ran(op, where_str(device, dtype), "test_vmap", errors)
    fail_on_samples(op, device, dtype, "torch.vmap is wrong", problems, samples, VMAP_HINT)


def vmap_inplace_problem(
    op: OpInfo,
    s: SampleInput,
    seed: int,
    compared: list[SampleInput] | None = None,
    errors: list[str] | None = None,
) -> str | None:
    """vmap of the in-place variant over a batched self: a loop's values, self returned.

    Where an example raises and vmap does too, nothing is compared: `errors`
    (if given) collects the example's error when torch's in-place op does not
    raise there (a refusal by design, like a cast in place, is no error).
    """
    assert op.inplace_variant is not None
    inplace = op.inplace_variant
    positions = [i for i, v in enumerate(s.values()) if isinstance(v, torch.Tensor)]
    examples = [vmap_examples(s.values()[i], seed + k) for k, i in enumerate(positions)]
    fn = as_function_of(inplace, s, positions)
    loop = [_call(fn, *(ex[b].clone() for ex in examples)) for b in range(VMAP_BATCH)]
    loop_exc = next((e for _, e in loop if e is not None), None)
    if loop_exc is not None:  # an example refuses (a cast in place): so must the batch
        _, exc = _call(torch.vmap(fn), *(torch.stack(ex) for ex in examples))
        if exc is None:
            return (
                f"torch.vmap of the in-place variant ran; an example raises {error_line(loop_exc)}"
            )
        if errors is not None and ref_inplace_result(op, s)[1] is None:
            errors.append(f"{s}: an example raises {error_line(loop_exc)}")
        return None
    returned_self: list[bool] = []

    def call(x: torch.Tensor, *rest: torch.Tensor) -> torch.Tensor:
        result = fn(x, *rest)
        returned_self.append(result is x)
        return result

    for name, placement in vmap_layouts(len(positions)):
        if placement[0] is None:
            continue  # self not batched: vmap_inplace_refusal_problem
        want = torch.stack(
            [
                fn(*(t.clone() for t in example_args(examples, placement, b)))
                for b in range(VMAP_BATCH)
            ]
        )
        stacked = [_stack(ex, where) for ex, where in zip(examples, placement, strict=True)]
        args = [t.clone() for t, _ in stacked]
        in_dims = tuple(d for _, d in stacked)
        _, exc = _call(torch.vmap(call, in_dims=in_dims), *args)
        if exc is not None:
            return f"{name}: torch.vmap of the in-place variant raised {error_line(exc)}"
        if not all(returned_self):
            return f"{name}: under vmap the in-place variant did not return self"
        why = mismatch(args[0].movedim(in_dims[0] or 0, 0), want, op)
        if why:
            return f"{name}: self after the in-place variant under vmap differs from a loop: {why}"
    if compared is not None:
        compared.append(s)
    return None


def ref_inplace_of(op: OpInfo) -> Callable[..., Any]:
    """torch's in-place op: `ref_inplace`, else `ref` written back into self (as OpInfo says)."""
    if op.ref_inplace is not None:
        return op.ref_inplace
    ref = op.ref

    def written_back(self: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
        return self.copy_(ref(self, *args, **kwargs))

    return written_back


def vmap_inplace_refusal_problem(op: OpInfo, s: SampleInput) -> str | None:
    """Self not batched, another argument batched: refused, as torch's vmap refuses it."""
    assert op.inplace_variant is not None
    positions = [i for i, v in enumerate(s.values()) if isinstance(v, torch.Tensor)]
    if len(positions) < 2 or not writes_into_self(op, s):
        return None
    tensors = [s.values()[i] for i in positions]
    args = [tensors[0].clone(), *(torch.stack(vmap_examples(t, 0)) for t in tensors[1:])]
    in_dims = (None, *(0,) * (len(tensors) - 1))
    ref_inplace = as_function_of(ref_inplace_of(op), s, positions)
    _, ref_exc = _call(torch.vmap(ref_inplace, in_dims), *args)
    if ref_exc is None:
        return None  # torch batches it (a broadcast that fits): nothing to refuse
    _, exc = _call(torch.vmap(as_function_of(op.inplace_variant, s, positions), in_dims), *args)
    if exc is None:
        return "self not batched, another argument batched: ran, but torch's vmap refuses it"
    if not isinstance(exc, RuntimeError) or VMAP_FALLBACK_WARNING in str(exc):
        return f"self not batched: raised {error_line(exc)}; expected a RuntimeError"
    return None


def check_vmap_inplace(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    """vmap of the in-place variant writes into the batched self, as a loop would."""
    samples = vmap_samples(op, device, dtype)
    compared: list[SampleInput] = []
    errors: list[str] = []

    def problem(i: int, s: SampleInput) -> str | None:
        return vmap_inplace_problem(op, s, i, compared, errors) or vmap_inplace_refusal_problem(
            op, s
        )

    problems = per_numbered_sample(samples, problem)
    if not compared and not problems and errors:
        # an example raised where torch's in-place op runs (Note [A check must run on something])
        nothing_ran(op, where_str(device, dtype), "test_vmap_inplace", errors)
    if problems:
        summary = "torch.vmap of the in-place variant is wrong"
        fail(op, where_str(device, dtype), summary, problems, VMAP_HINT)


def out_call(op: OpInfo, s: SampleInput, positions: list[int]) -> Callable[..., Any]:
    """`(out, *tensors) -> op(..., out=out)` on `s` with its tensors replaced."""

    def call(out: torch.Tensor, *tensors: torch.Tensor) -> Any:
        return as_function_of(with_out(op, out), s, positions)(*tensors)

    return call


def check_vmap_out(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    """vmap refuses out= with functorch's error, as upstream's vmap does."""
    for s in vmap_samples(op, device, dtype):
        expected, exc = reference(op, s)
        if s.no_out or exc is not None or not isinstance(expected, torch.Tensor):
            continue
        positions = [i for i, v in enumerate(s.values()) if isinstance(v, torch.Tensor)]
        tensors = [torch.stack(vmap_examples(s.values()[i], 0)) for i in positions]
        out = torch.stack([torch.empty_like(expected)] * VMAP_BATCH)
        _, got = _call(torch.vmap(out_call(op, s, positions)), out, *tensors)
        pattern = VMAP_OUT_REFUSED.format(name=re.escape(f"{op.namespace}::") + r"\S+")
        if got is None:
            problem = "ran; upstream's vmap refuses out= variants"
        elif not re.search(pattern, str(got)):
            problem = f"raised {error_line(got)}; expected {VMAP_OUT_REFUSED!r}"
        else:
            return
        fail(op, where_str(device, dtype), "torch.vmap of the out= variant", [f"{s}: {problem}"])
    fail(op, where_str(device, dtype), "no sample exercises out=", [])
