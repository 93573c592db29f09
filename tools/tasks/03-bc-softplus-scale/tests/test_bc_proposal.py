"""Task 03: the proposed softplus schemas add `scale` and break no caller.

The base is main's softplus schemas, read from native_functions.yaml; the BC
verdict is the kit's own check (tools/bc), which asks torch's
FunctionSchema.is_backward_compatible_with.
"""

from __future__ import annotations

from pathlib import Path

from tools.bc.check import check
from torchgen_mini.model import FunctionSchema, SchemaKind

ROOT = Path(__file__).resolve().parents[4]
PROPOSAL = ROOT / "tools" / "tasks" / "03-bc-softplus-scale" / "proposal.yaml"


def _funcs(text: str) -> list[str]:
    prefix = "- func: softplus"
    return [ln.strip()[len("- func: ") :] for ln in text.splitlines() if ln.startswith(prefix)]


def _as_entries(funcs: list[str]) -> str:
    return "".join(f"- func: {f}\n\n" for f in funcs)


def _proposal() -> dict[str, FunctionSchema]:
    schemas = [FunctionSchema.parse(f) for f in _funcs(PROPOSAL.read_text())]
    return {str(s.name): s for s in schemas}


def test_both_overloads_are_proposed_with_scale() -> None:
    proposal = _proposal()
    assert sorted(proposal) == ["softplus", "softplus.out"], sorted(proposal)
    for name, schema in proposal.items():
        names = [a.name for a in schema.arguments.flat_all]
        assert "scale" in names, f"{name} has no `scale` argument any more"


def test_out_is_still_an_out_variant() -> None:
    schema = _proposal()["softplus.out"]
    assert schema.kind() == SchemaKind.out, f"{schema} is not an out= schema"


def test_no_existing_call_breaks() -> None:
    base = _funcs((ROOT / "native_functions.yaml").read_text())
    head = _funcs(PROPOSAL.read_text())
    result = check(_as_entries(base), _as_entries(head), "allow: []")
    breaks = [f"{b.qualified}: {b.message}" for b in result.breaks]
    assert not breaks and not result.errors, "BC-breaking:\n" + "\n".join(breaks + result.errors)
