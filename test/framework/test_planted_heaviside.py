"""Planted heaviside mistakes that the OpInfo `./kit new-op` scaffolds must catch.

The two mistakes upstream reviewers found in real heaviside kernels: one that
ignores `values` (read only where self is 0) and one that returns float for
integer inputs. The OpInfo under test is the text the scaffold writes for
`heaviside(Tensor self, Tensor values) -> Tensor` (tools/ops/scaffold.py,
evaluated as op_db.py would evaluate it), with only its `op` pointed at a
planted stand-in: a real dispatcher op (torch.library) wrapping torch's own
heaviside, broken in one way. So no build is needed, and what is tested is
the scaffold's default reference, samples and dtypes, not a hand-made entry.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import torch
from opinfo import checks
from opinfo import op_db as op_db_module
from opinfo.core import FLOATING, BinaryOpInfo, OpInfo
from opinfo.samples import sample_inputs_binary
from torch import Tensor

from tools.kit.commands import new_op
from tools.ops import scaffold
from torchgen_mini.model import FunctionSchema

NS = "kit_planted_heaviside"
SCHEMA = "heaviside(Tensor self, Tensor values) -> Tensor"


@torch.library.custom_op(f"{NS}::ignores_values", mutates_args=())
def ignores_values(self: Tensor, values: Tensor) -> Tensor:
    out = torch.heaviside(self, values)
    return torch.where(self == 0, torch.zeros_like(out), out)  # the bug: 0 where self is 0


@torch.library.custom_op(f"{NS}::float_for_integers", mutates_args=())
def float_for_integers(self: Tensor, values: Tensor) -> Tensor:
    out = torch.heaviside(self, values)
    return out if out.is_floating_point() else out.float()  # the bug: int in, float out


@torch.library.custom_op(f"{NS}::good", mutates_args=())
def good(self: Tensor, values: Tensor) -> Tensor:
    return torch.heaviside(self, values)


for planted in (ignores_values, float_for_integers, good):
    planted.register_fake(lambda self, values: torch.empty_like(self))


@pytest.fixture(scope="module")
def scaffolded() -> OpInfo:
    """The OpInfo new-op writes for heaviside, evaluated in op_db.py's namespace."""
    f = FunctionSchema.parse(SCHEMA)
    plan = scaffold.Plan("heaviside", "Heaviside", f, None, None, cuda=False)
    text = scaffold.opinfo_entry(plan, new_op.upstream("heaviside")).strip().removesuffix(",")
    op = eval(text, vars(op_db_module).copy())
    assert isinstance(op, BinaryOpInfo), text
    return op


def planted_as(op: OpInfo, name: str, **changes: Any) -> OpInfo:
    packet = getattr(getattr(torch.ops, NS), name)
    return dataclasses.replace(op, op=packet, overload_packet=packet, **changes)


def failures(op: OpInfo) -> list[str]:
    """The failure message of test_reference for each claimed dtype, then of test_dtypes."""
    found = []
    for dtype in op.dtypes:
        try:
            checks.check_reference(op, "cpu", dtype)
        except checks.CheckFailure as e:
            found.append(str(e))
    try:
        checks.check_dtypes(op, "cpu")
    except checks.CheckFailure as e:
        found.append(str(e))
    return found


def test_the_scaffold_claims_upstreams_dtypes(scaffolded: OpInfo) -> None:
    # upstream's OpInfo('heaviside') claims every real dtype and bool on CPU
    assert set(scaffolded.dtypes) >= {torch.int64, torch.uint8, torch.bool, torch.float16}
    assert scaffolded.ref is torch.heaviside


def test_the_correct_heaviside_passes(scaffolded: OpInfo) -> None:
    assert failures(planted_as(scaffolded, "good")) == []


def test_ignoring_values_at_zero_is_caught(scaffolded: OpInfo) -> None:
    message = "\n".join(failures(planted_as(scaffolded, "ignores_values")))
    assert "OpInfo('heaviside') on cpu with float32:" in message
    assert "SampleInput 'zeros self'" in message
    assert "SampleInput 'every pair of special values" in message
    # the samples where self is never 0 pass
    assert "SampleInput 'zeros other'" not in message


def test_the_old_defaults_missed_it(scaffolded: OpInfo) -> None:
    # What new-op wrote before: random float samples, never exactly 0.
    old = planted_as(
        scaffolded, "ignores_values", sample_inputs_func=sample_inputs_binary, dtypes=FLOATING
    )
    for dtype in FLOATING:
        checks.check_reference(old, "cpu", dtype)


def test_float_for_integer_inputs_is_caught(scaffolded: OpInfo) -> None:
    messages = failures(planted_as(scaffolded, "float_for_integers"))
    reference = "\n".join(m for m in messages if "with int64:" in m)
    assert "dtype is torch.float32 but the reference gives torch.int64" in reference
    dtypes = messages[-1]
    assert "wrong result dtypes" in dtypes.splitlines()[0]
    assert (
        "wrong result dtype for int64 inputs (listed in OpInfo('heaviside').dtypes): "
        "the op returns float32 where the reference returns int64, on SampleInput 'same shape'"
    ) in dtypes
    assert "wrong result dtype for bool inputs" in dtypes
    assert "float32 inputs" not in dtypes


def test_dtypes_catch_a_wrong_result_dtype_that_is_not_claimed(scaffolded: OpInfo) -> None:
    # FLOATING only, as new-op claimed before: the integer dtypes are not listed, and the
    # op still answers them with float; that is a wrong dtype, not "unsupported".
    op = planted_as(scaffolded, "float_for_integers", dtypes=FLOATING)
    with pytest.raises(checks.CheckFailure) as info:
        checks.check_dtypes(op, "cpu")
    message = str(info.value)
    assert (
        "wrong result dtype for int8 inputs (not listed in OpInfo('heaviside').dtypes)" in message
    )
    assert "the op returns float32 where the reference returns int8" in message
    assert "works but is not listed" not in message
