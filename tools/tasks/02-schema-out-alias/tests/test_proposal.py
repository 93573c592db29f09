"""Task 02: the proposed `hardtanh` entries parse, and `hardtanh.out` is a true out= variant."""

from __future__ import annotations

from pathlib import Path

from tools.common.proposal import proposal_functions
from torchgen_mini.model import FunctionSchema, SchemaKind

ROOT = Path(__file__).resolve().parents[4]
PROPOSAL = ROOT / "tools" / "tasks" / "02-schema-out-alias" / "proposal.yaml"


def _entries() -> dict[str, FunctionSchema]:
    return {str(f.func.name): f.func for f in proposal_functions(PROPOSAL)}


def test_all_three_variants_are_still_there() -> None:
    assert sorted(_entries()) == ["hardtanh", "hardtanh.out", "hardtanh_"]


def test_out_variant_writes_and_returns_out() -> None:
    schema = _entries()["hardtanh.out"]
    assert schema.kind() == SchemaKind.out, f"{schema} is not an out= schema"
    (out,) = schema.arguments.out
    (ret,) = schema.returns
    assert out.annotation is not None and out.annotation.is_write
    assert ret.annotation == out.annotation, "the return must alias the out argument"
