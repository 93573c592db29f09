"""Task 02: the proposed `hardtanh` entries parse, and `hardtanh.out` is a true out= variant."""

from __future__ import annotations

from pathlib import Path

from torchgen_mini.model import FunctionSchema, SchemaKind
from torchgen_mini.native_yaml import parse_native_yaml

ROOT = Path(__file__).resolve().parents[4]
PROPOSAL = ROOT / "tools" / "tasks" / "02-schema-out-alias" / "proposal.yaml"


def _entries() -> dict[str, FunctionSchema]:
    parsed = parse_native_yaml(PROPOSAL, ROOT / "tags.yaml")
    assert not parsed.errors, "\n".join(str(e) for e in parsed.errors)
    return {str(f.func.name): f.func for f in parsed.native_functions}


def test_all_three_variants_are_still_there() -> None:
    assert sorted(_entries()) == ["hardtanh", "hardtanh.out", "hardtanh_"]


def test_out_variant_writes_and_returns_out() -> None:
    schema = _entries()["hardtanh.out"]
    assert schema.kind() == SchemaKind.out, f"{schema} is not an out= schema"
    (out,) = schema.arguments.out
    (ret,) = schema.returns
    assert out.annotation is not None and out.annotation.is_write
    assert ret.annotation == out.annotation, "the return must alias the out argument"
