"""Task 05: the derivative formulas of logaddexp agree with finite differences.

The formulas are read with torchgen_mini's derivatives.yaml parser (against
the op's entry in ops.yaml), then evaluated in Python with torch in place of
ATen (`at::sigmoid(x)` -> `torch.sigmoid(x)`): the C++ expressions of this
file are also valid Python. Each formula's vector-Jacobian product is compared
with the one torch's autograd computes for torch.logaddexp (whose own formulas
upstream gradcheck verifies against finite differences).
"""

from __future__ import annotations

import re
from pathlib import Path

import torch

from torchgen_mini.derivatives import Derivative, parse_derivatives_yaml
from torchgen_mini.native_yaml import parse_native_yaml

TASK = Path(__file__).resolve().parents[1]
ROOT = TASK.parents[2]


def _formulas() -> dict[str, Derivative]:
    ops = parse_native_yaml(str(TASK / "ops.yaml"), str(ROOT / "tags.yaml"))
    assert not ops.errors, "\n".join(map(str, ops.errors))
    parsed = parse_derivatives_yaml(TASK / "derivatives.yaml", ops.native_functions)
    assert not parsed.errors, "\n".join(map(str, parsed.errors))
    (info,) = parsed.infos
    default = info.default
    assert default is not None
    return {name: d for d in default.derivatives for name in d.var_names}


def _evaluate(formula: str, env: dict[str, torch.Tensor]) -> torch.Tensor:
    python = re.sub(r"\bat(_mini)?::", "torch.", formula)
    value = eval(python, {"torch": torch}, dict(env))
    assert isinstance(value, torch.Tensor)
    return value


def _check(name: str) -> None:
    d = _formulas()[name]
    torch.manual_seed(0)
    a, b, g = (torch.randn(6, dtype=torch.float64) * 3 for _ in range(3))
    inputs = {"self": a.requires_grad_(), "other": b.requires_grad_()}
    expected = torch.autograd.grad(torch.logaddexp(a, b), inputs[name], g)[0]
    got = _evaluate(d.formula, {"grad": g, "self": a.detach(), "other": b.detach()})
    assert torch.allclose(got, expected), (
        f"the formula for `{name}` ({d.loc.file.split('/')[-1]}:{d.loc.line}: {d.formula}) "
        f"gives {got.tolist()}, but the true gradient is {expected.tolist()}"
    )


def test_gradient_of_self() -> None:
    _check("self")


def test_gradient_of_other() -> None:
    _check("other")
