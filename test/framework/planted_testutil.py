"""Shared pieces of the planted-bug tests: a small float64 sigmoid OpInfo and
the message of a check that must fail on it."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import torch
from opinfo import checks
from opinfo.core import OpInfo, SampleInput, UnaryOpInfo
from opinfo.samples import sample_inputs_unary


def small_unary_samples(op: OpInfo, device: str, dtype: torch.dtype) -> list[SampleInput]:
    """The unary samples of at most 30 elements: gradcheck on a Python op is slow."""
    return [s for s in sample_inputs_unary(op, device, dtype) if s.input.numel() <= 30]


def sigmoid_info(name: str, **kwargs: Any) -> OpInfo:
    """A float64 OpInfo checked against torch.sigmoid, with autograd, without
    out= or in-place variants unless `kwargs` says otherwise."""
    settings: dict[str, Any] = {
        "dtypes": (torch.float64,),
        "supports_out": False,
        "supports_inplace": False,
        "supports_autograd": True,
    }
    settings.update(kwargs)
    return UnaryOpInfo(name, ref=torch.sigmoid, sample_inputs_func=small_unary_samples, **settings)


def failure(check: Any, op: OpInfo) -> str:
    """The message of `check` on `op` (cpu, float64), which must fail."""
    with pytest.raises(checks.CheckFailure) as info:
        check(op, "cpu", torch.float64)
    return str(info.value)


def _sigmoid_detached_(self: torch.Tensor) -> torch.Tensor:
    return self.copy_(torch.sigmoid(self.detach()))  # the bug: drops self's history and tangent


def detached_inplace_failure(check: Any, right: OpInfo) -> str:
    """`check` passes on `right` (an OpInfo with a right in-place variant);
    the message of `check` on its twin whose in-place variant detaches self."""
    check(right, "cpu")
    return failure(check, dataclasses.replace(right, inplace_variant=_sigmoid_detached_))


def packet_info(name: str, packet: Any, **kwargs: Any) -> UnaryOpInfo:
    """A functional OpInfo of the planted torch.ops overload packet `packet`,
    checked against torch.sigmoid on the unary samples."""
    return UnaryOpInfo(
        name,
        op=packet,
        overload_packet=packet,
        ref=torch.sigmoid,
        sample_inputs_func=sample_inputs_unary,
        supports_out=False,
        **kwargs,
    )
