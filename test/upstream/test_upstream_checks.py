"""The upstream suite's checks catch planted bugs (so its passes mean something).

Each test swaps one kit function for a wrong one (pytest's monkeypatch, undone
after the test) and runs one upstream sample through the check that must
catch it.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
import upstream_opinfo as up

pytestmark = pytest.mark.needs_build


def _first(op: str, variant: str, dtype: torch.dtype | None) -> up.Sample:
    opinfo = up.matched_opinfos()[op]
    for s in up.samples(opinfo, variant, dtype):
        if isinstance(s.input, torch.Tensor) and s.input.dim() > 0:
            return s
    raise AssertionError(f"no upstream sample for {op} {variant} {dtype}")


def _plant(monkeypatch: pytest.MonkeyPatch, name: str, fn: Any) -> None:
    import aten_mini

    monkeypatch.setattr(aten_mini, name, fn)


def test_off_by_a_little_fails_functional(monkeypatch: pytest.MonkeyPatch) -> None:
    _plant(monkeypatch, "sigmoid", lambda x: torch.sigmoid(x) + 1e-3)
    s = _first("sigmoid", "functional", torch.float32)
    with pytest.raises(up.Mismatch, match="functional"):
        up.check(up.matched_opinfos()["sigmoid"], "functional", s)


def test_wrong_result_dtype_fails_functional(monkeypatch: pytest.MonkeyPatch) -> None:
    _plant(monkeypatch, "sigmoid", lambda x: torch.sigmoid(x).double())
    s = _first("sigmoid", "functional", torch.float32)
    with pytest.raises(up.Mismatch, match="dtype"):
        up.check(up.matched_opinfos()["sigmoid"], "functional", s)


def test_new_tensor_instead_of_out_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    _plant(monkeypatch, "relu", lambda x, *, out=None: torch.relu(x))
    s = _first("relu", "out", torch.float32)
    with pytest.raises(up.Mismatch, match="did not return `out`"):
        up.check(up.matched_opinfos()["relu"], "out", s)


def test_ignoring_out_strides_fails_noncontig(monkeypatch: pytest.MonkeyPatch) -> None:
    def contiguous_only(x: torch.Tensor, *, out: torch.Tensor) -> torch.Tensor:
        # Writes the answer as if `out` were contiguous.
        flat = out.as_strided((out.numel(),), (1,))
        flat.copy_(torch.relu(x).reshape(-1))
        return out

    _plant(monkeypatch, "relu", contiguous_only)
    s = _first("relu", "out_noncontig", torch.float32)
    with pytest.raises(up.Mismatch, match="out_noncontig"):
        up.check(up.matched_opinfos()["relu"], "out_noncontig", s)


def test_inplace_returning_a_copy_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    _plant(monkeypatch, "relu_", lambda x: torch.relu(x))
    s = _first("relu", "inplace", torch.float32)
    with pytest.raises(up.Mismatch, match="did not return its input"):
        up.check(up.matched_opinfos()["relu"], "inplace", s)


def test_silent_answer_on_unsupported_dtype_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    _plant(monkeypatch, "softplus", lambda x, beta=1, threshold=20: x.float())
    s = _first("softplus", up.UNSUPPORTED_VARIANT, torch.int64)
    with pytest.raises(up.Mismatch, match="torch raises"):
        up.check(up.matched_opinfos()["softplus"], up.UNSUPPORTED_VARIANT, s)


class _WrongGrad(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(x)

    @staticmethod
    def backward(ctx: Any, g: torch.Tensor) -> torch.Tensor:
        return g  # should be g * s * (1 - s)


def test_wrong_backward_fails_grad(monkeypatch: pytest.MonkeyPatch) -> None:
    _plant(monkeypatch, "sigmoid", _WrongGrad.apply)
    s = _first("sigmoid", "grad", torch.float64)
    with pytest.raises(up.Mismatch, match="grad"):
        up.check(up.matched_opinfos()["sigmoid"], "grad", s)


def test_wrong_error_type_fails_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_check(x: torch.Tensor, dim: int, *, dtype: Any = None) -> torch.Tensor:
        return x.clone()  # never validates dim

    _plant(monkeypatch, "cumsum", no_check)
    # None of the kit's ops has upstream error_inputs on CPU today, so the
    # sample is made here in upstream's shape: dim 5 of a 2-d tensor.
    s = up.Sample("error_inputs", 0, torch.ones(2, 3), (5,), {}, IndexError, "out of range")
    with pytest.raises(up.Mismatch, match="error: upstream expects"):
        up.check(up.matched_opinfos()["cumsum"], up.ERROR_VARIANT, s)


def test_every_gap_names_its_cause_and_an_issue_or_task() -> None:
    for gap in up.GAPS:
        assert gap.cause in up.CAUSES, gap.key
        assert "issue 14" in gap.reason or "practice task" in gap.reason, gap.key
    assert len({g.key for g in up.GAPS}) == len(up.GAPS)
