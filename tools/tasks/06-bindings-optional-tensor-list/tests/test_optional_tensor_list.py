"""Task 06: the Python bindings accept `Tensor?[]` arguments (`index.Tensor`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.common.proposal import proposal_function
from torchgen_mini.api import pyi, python
from torchgen_mini.dest import python_functions
from torchgen_mini.file_manager import FileManager
from torchgen_mini.model import NativeFunction, ParseError
from torchgen_mini.native_yaml import parse_native_yaml

ROOT = Path(__file__).resolve().parents[4]
PROPOSAL = ROOT / "tools" / "tasks" / "06-bindings-optional-tensor-list" / "proposal.yaml"
LIST = "c10::List<std::optional<at::Tensor>>"


def _index() -> NativeFunction:
    return proposal_function(PROPOSAL)


def _indices() -> python.PythonArg:
    sig = python.python_signature(_index(), None)
    return next(a for a in sig.args if a.name == "indices")


def test_index_has_a_python_signature() -> None:
    sig = python.python_signature(_index(), None)
    assert [a.name for a in sig.args] == ["input", "indices"]


def test_pybind_receives_a_vector_of_optional_tensors() -> None:
    # pybind11's STL casters turn [t, None, t] into this; a TensorList could not hold None.
    assert _indices().pybind_type == "std::vector<std::optional<at::Tensor>>"


def test_unpack_builds_the_list_the_operator_takes() -> None:
    unpack = _indices().unpack
    assert unpack.startswith(LIST + "("), f"got {unpack!r}; the operator takes a {LIST}"
    assert "indices" in unpack


def test_generated_binding_calls_the_operator_with_the_list() -> None:
    text = FileManager(Path(".")).render(
        "python_functions.cpp", python_functions.compute([_index()])
    )
    call = f"at_mini::_ops::index_Tensor::call(input, {LIST}(indices))"
    assert call in text, "the generated binding does not pass a c10::List on to the op"


def test_stub_hint_allows_none() -> None:
    stub = pyi.stub(python.python_signature(_index(), None))
    assert stub == "def index(input: Tensor, indices: Sequence[Tensor | None]) -> Tensor: ..."


@pytest.mark.parametrize("schema_type", ["Scalar[]", "bool[]"])
def test_still_unsupported_types_are_reported(schema_type: str, tmp_path: Path) -> None:
    # The fix must add Tensor?[], not silently accept every list type.
    yaml = tmp_path / "f.yaml"
    yaml.write_text(f"- func: f(Tensor self, {schema_type} x) -> Tensor\n  dispatch:\n    CPU: f\n")
    (f,) = parse_native_yaml(yaml, ROOT / "tags.yaml").native_functions
    with pytest.raises(ParseError, match="Python bindings do not support"):
        python.python_signature(f, None)
