"""Task 09: `float min=-inf` becomes valid C++ in the C++ API and the bindings, and a valid stub."""

from __future__ import annotations

import ast
from pathlib import Path

from tools.common.proposal import proposal_function
from torchgen_mini.api import cpp, pyi, python
from torchgen_mini.model import Argument, NativeFunction
from torchgen_mini.native_yaml import parse_native_yaml

ROOT = Path(__file__).resolve().parents[4]
PROPOSAL = ROOT / "tools" / "tasks" / "09-codegen-infinity-default" / "proposal.yaml"
INF = "std::numeric_limits<double>::infinity()"


def _fn() -> NativeFunction:
    return proposal_function(PROPOSAL)


def _arg(name: str) -> Argument:
    return next(a for a in _fn().func.arguments.flat_all if a.name == name)


def _compact(text: str | None) -> str:
    return (text or "").replace(" ", "")


def test_cpp_api_default_of_minus_inf() -> None:
    assert _compact(cpp.default_value(_arg("min"))) in (f"-{INF}", f"-({INF})")


def test_cpp_api_default_of_inf_is_unchanged() -> None:
    assert cpp.default_value(_arg("max")) == INF


def test_pybind_default_of_minus_inf() -> None:
    sig = python.python_signature(_fn(), None)
    (min_arg,) = [a for a in sig.args if a.name == "min"]
    assert _compact(min_arg.pybind_default) in (f"-{INF}", f"-({INF})")


def test_stub_is_valid_python_with_no_undefined_names() -> None:
    stub = pyi.stub(python.python_signature(_fn(), None))
    tree = ast.parse(stub)  # a SyntaxError fails the test with the stub in the message
    func = tree.body[0]
    assert isinstance(func, ast.FunctionDef)
    names = {n.id for d in func.args.defaults for n in ast.walk(d) if isinstance(n, ast.Name)}
    assert not names, f"defaults in {stub!r} use undefined names {sorted(names)}"


def test_finite_defaults_are_still_literals(tmp_path: Path) -> None:
    yaml = tmp_path / "f.yaml"
    yaml.write_text("- func: f(Tensor self, float eps=-1e-05) -> Tensor\n  dispatch:\n    CPU: f\n")
    (f,) = parse_native_yaml(yaml, ROOT / "tags.yaml").native_functions
    (_, eps) = f.func.arguments.flat_all
    assert pyi.pyi_default(eps) == "-1e-05"
    assert cpp.default_value(eps) == "-1e-05"
