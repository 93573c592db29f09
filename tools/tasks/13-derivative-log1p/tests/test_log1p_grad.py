"""Task 13: log1p's derivative formulas in tools/autograd/derivatives.yaml.

The backward formula is checked here against torch's own autograd on the edge
cases (x = -1, x < -1, infinities, NaN), and the forward-mode one (`result:`)
against torch.func.jvp; gradcheck, gradgradcheck and the forward AD checks on
the OpInfo samples are the generic tests of test/ops/test_autograd_ops.py,
which this task's second check runs.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import torch

from torchgen_mini.derivatives import parse_derivatives_yaml
from torchgen_mini.native_yaml import parse_native_yaml

ROOT = Path(__file__).resolve().parents[4]
DERIVATIVES = ROOT / "tools" / "autograd" / "derivatives.yaml"
SCHEMA = "log1p(Tensor self) -> Tensor"
ADD_IT = f"add `- name: {SCHEMA}` with a formula for `self` to tools/autograd/derivatives.yaml"


def _aten_mini() -> ModuleType:
    import aten_mini

    assert hasattr(aten_mini, "log1p"), "aten_mini.log1p does not exist: run `./kit build`"
    return aten_mini


def _formula() -> str:
    ops = parse_native_yaml(str(ROOT / "native_functions.yaml"), str(ROOT / "tags.yaml"))
    assert not ops.errors, "\n".join(map(str, ops.errors))
    parsed = parse_derivatives_yaml(DERIVATIVES, ops.native_functions)
    assert not parsed.errors, "\n".join(map(str, parsed.errors))
    infos = [i for i in parsed.infos if str(i.func) == SCHEMA]
    assert infos, f"derivatives.yaml has no entry for log1p: {ADD_IT}"
    default = infos[0].default
    assert default is not None
    found = default.formula_for("self")
    assert found is not None, f"log1p's entry has no formula for `self`: {ADD_IT}"
    return found.formula


def test_formula_is_written() -> None:
    formula = _formula()
    assert "not_implemented" not in formula, (
        f"log1p's formula is still `{formula}`: write d/dx log1p(x) as a C++ expression"
    )


def _op_db() -> list[Any]:
    """test/opinfo/op_db.py's entries (the OpInfo framework lives under test/)."""
    sys.path.insert(0, str(ROOT / "test"))
    return list(importlib.import_module("opinfo.op_db").op_db)


def test_opinfo_runs_gradcheck_and_gradgradcheck() -> None:
    (op,) = [op for op in _op_db() if op.name == "log1p"]
    assert op.supports_autograd and op.supports_gradgrad
    assert op.supports_forward_ad, (
        "log1p's OpInfo (test/opinfo/op_db.py) says supports_forward_ad=False: once its "
        "entry has a `result:` formula, set it to True so the forward AD checks run"
    )
    for test in ("test_gradcheck", "test_gradgradcheck"):
        skips = op.decorations(test, "cpu", torch.float64)
        assert not skips, (
            f"log1p's OpInfo (test/opinfo/op_db.py) still skips {test}: "
            f"'{skips[0].reason}'; remove that DecorateInfo"
        )


def _grad(
    fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, g: torch.Tensor
) -> torch.Tensor:
    leaf = x.clone().requires_grad_()
    (grad,) = torch.autograd.grad(fn(leaf), leaf, g)
    return grad


def _compare(x: torch.Tensor, g: torch.Tensor, what: str) -> None:
    got = _grad(_aten_mini().log1p, x, g)
    want = _grad(torch.log1p, x, g)
    torch.testing.assert_close(
        got,
        want,
        equal_nan=True,
        msg=lambda m: (
            f"the gradient of log1p {what} differs from torch's:\n"
            f"x    = {x.tolist()}\ngrad = {g.tolist()}\ngot  = {got.tolist()}\n"
            f"want = {want.tolist()}\n{m}"
        ),
    )


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_matches_torch(dtype: torch.dtype) -> None:
    torch.manual_seed(0)
    x = torch.rand(40, dtype=dtype) * 20 - 0.99
    g = torch.randn(40, dtype=dtype)
    _compare(x, g, "on (-0.99, 19)")


def test_at_minus_one_is_infinite() -> None:
    # log1p(-1) = -inf; its slope there is 1 / 0: +inf or -inf with the sign of
    # the incoming gradient, and NaN (0 / 0) where that gradient is 0.
    x = torch.full((3,), -1.0, dtype=torch.float64)
    g = torch.tensor([1.0, -2.0, 0.0], dtype=torch.float64)
    _compare(x, g, "at x = -1")


def test_below_minus_one_infinity_and_nan() -> None:
    # Below -1 log1p is NaN, but torch's gradient is still 1 / (1 + x);
    # at +inf it is 0, and NaN stays NaN.
    x = torch.tensor([-2.0, -1e6, float("inf"), float("nan")], dtype=torch.float64)
    g = torch.tensor([1.0, 3.0, 1.0, 1.0], dtype=torch.float64)
    _compare(x, g, "below -1, at inf and at NaN")


def test_backward_node_is_recorded() -> None:
    x = torch.rand(3, dtype=torch.float64, requires_grad=True)
    out = _aten_mini().log1p(x)
    assert out.grad_fn is not None, "aten_mini.log1p(x) records no backward node"
    assert re.fullmatch(r"Log1[pP]Backward0", out.grad_fn.name()), out.grad_fn.name()


def test_integer_input_has_no_grad() -> None:
    # Integers promote to float and cannot require grad: no node, no error.
    x = torch.arange(5)
    out = _aten_mini().log1p(x)
    torch.testing.assert_close(out, torch.log1p(x))
    assert not out.requires_grad and out.grad_fn is None


def test_codegen_makes_an_autograd_node(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "torchgen_mini", "gen", "--quiet", "--out", str(tmp_path)]
    cmd += ["--yaml", str(ROOT / "native_functions.yaml"), "--tags", str(ROOT / "tags.yaml")]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    generated = (tmp_path / "RegisterAutograd.cpp").read_text(encoding="utf-8")
    assert re.search(r"struct Log1[pP]Backward0\b", generated), (
        f"the generated RegisterAutograd.cpp has no backward node for log1p: {ADD_IT}"
    )


def _jvp(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, t: torch.Tensor) -> Any:
    # The first dual tensor imports a module of torch's that warns (torch.jit.script).
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "`torch.jit.script` is deprecated", FutureWarning)
        return torch.func.jvp(fn, (x,), (t,))[1]


def test_forward_ad_matches_torch() -> None:
    torch.manual_seed(0)
    x = torch.cat([torch.rand(40, dtype=torch.float64) * 20 - 0.99, torch.tensor([-1.0, -2.0])])
    t = torch.randn(42, dtype=torch.float64)
    try:
        got = _jvp(_aten_mini().log1p, x, t)
    except NotImplementedError as e:
        pytest.fail(
            f"forward-mode AD through log1p is refused ({str(e).splitlines()[0]}): give its "
            "entry in tools/autograd/derivatives.yaml a `result:` formula (docs/autograd.md, "
            "section 4)"
        )
    want = _jvp(torch.log1p, x, t)
    torch.testing.assert_close(
        got,
        want,
        equal_nan=True,
        msg=lambda m: f"the tangent of log1p differs from torch.func.jvp's:\n{m}",
    )
