"""Task 08: a `bool[N]` default becomes a C++ value of the binding's parameter type."""

from __future__ import annotations

import re
from pathlib import Path

from tools.common.proposal import proposal_function
from torchgen_mini.api import python
from torchgen_mini.dest import python_functions
from torchgen_mini.file_manager import FileManager
from torchgen_mini.model import NativeFunction
from torchgen_mini.native_yaml import parse_native_yaml

ROOT = Path(__file__).resolve().parents[4]
PROPOSAL = ROOT / "tools" / "tasks" / "08-bindings-bool-list-default" / "proposal.yaml"


def _fn() -> NativeFunction:
    return proposal_function(PROPOSAL)


def _mask() -> python.PythonArg:
    sig = python.python_signature(_fn(), None)
    return next(a for a in sig.args if a.name == "output_mask")


def _values(default: str) -> list[str]:
    match = re.fullmatch(r"std::array<bool, ?3>\s*\{(.*)\}", default)
    assert match, f"expected a std::array<bool, 3>{{...}} (the parameter's type), got {default!r}"
    return [v.strip() for v in match.group(1).split(",")]


def test_default_has_the_parameter_type() -> None:
    assert _mask().pybind_type == "std::array<bool, 3>"
    assert _mask().pybind_default is not None
    _values(_mask().pybind_default or "")


def test_default_values_are_cpp_booleans() -> None:
    assert _values(_mask().pybind_default or "") == ["true", "true", "false"]


def test_generated_binding_has_no_python_literals() -> None:
    text = FileManager(Path(".")).render("python_functions.cpp", python_functions.compute([_fn()]))
    (line,) = [x for x in text.splitlines() if 'py::arg("output_mask")' in x]
    assert "True" not in line and "False" not in line, line
    assert "std::vector<int64_t>" not in line, line


def test_int_list_defaults_are_unchanged(tmp_path: Path) -> None:
    yaml = tmp_path / "f.yaml"
    yaml.write_text(
        "- func: f(Tensor self, int[2] padding=[0,1]) -> Tensor\n  dispatch:\n    CPU: f\n"
    )
    (f,) = parse_native_yaml(yaml, ROOT / "tags.yaml").native_functions
    (_, padding) = python.python_signature(f, None).args
    assert padding.pybind_default is not None
    assert re.fullmatch(r"std::vector<int64_t>\{0, ?1\}", padding.pybind_default)
