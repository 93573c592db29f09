"""The native_functions.yaml linter and the generated-file check, on small repos."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tools.lint.generated import lint_generated
from tools.lint.nativeyaml import lint_native_yaml

ROOT = Path(__file__).resolve().parents[2]
GOOD = """\
- func: relu(Tensor self) -> Tensor
  variants: function
  dispatch:
    CPU, CUDA: relu
  tags: pointwise

- func: relu_(Tensor(a!) self) -> Tensor(a!)
  dispatch:
    CPU, CUDA: relu_
  tags: pointwise
"""
DERIVATIVE = "- name: relu(Tensor self) -> Tensor\n  self: grad\n"


def repo(tmp_path: Path, yaml: str, complete: bool = True) -> Path:
    (tmp_path / "native_functions.yaml").write_text(yaml)
    (tmp_path / "tags.yaml").write_text((ROOT / "tags.yaml").read_text())
    if complete:
        for rel, text in {
            "test/opinfo/op_db.py": 'op_db = [UnaryOpInfo("relu")]\n',
            "python/aten_mini/_docs.py": 'add_docstr("relu", "relu(self)")\n',
            "tools/autograd/derivatives.yaml": DERIVATIVE,
        }.items():
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).write_text(text)
    return tmp_path


def codes(tmp_path: Path, fix: bool = False) -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in lint_native_yaml(tmp_path, fix)]


def test_clean_file(tmp_path: Path) -> None:
    assert codes(repo(tmp_path, GOOD)) == []


def test_missing_coverage_files_are_findings_not_crashes(tmp_path: Path) -> None:
    assert codes(repo(tmp_path, GOOD, complete=False)) == [(1, "NF200")] * 3


def test_missing_opinfo_docs_derivative(tmp_path: Path) -> None:
    yaml = GOOD + "\n- func: tanh(Tensor self) -> Tensor\n  dispatch:\n    CPU: tanh\n"
    assert codes(repo(tmp_path, yaml)) == [(12, "NF201"), (12, "NF202"), (12, "NF203")]


def test_layout_and_order_with_fix(tmp_path: Path) -> None:
    bad = GOOD.replace("\n\n- func: relu_", "   \n- func: relu_")
    bad = bad.replace("  tags: pointwise\n", "  tags: pointwise\n", 1)
    root = repo(tmp_path, bad)
    assert (6, "NF102") in codes(root)
    assert codes(root, fix=True) == []
    assert (root / "native_functions.yaml").read_text() == GOOD


def test_order_and_key_order(tmp_path: Path) -> None:
    swapped = "\n\n".join(reversed(GOOD.rstrip("\n").split("\n\n"))) + "\n"
    swapped = swapped.replace(
        "  variants: function\n  dispatch:\n    CPU, CUDA: relu\n",
        "  dispatch:\n    CPU, CUDA: relu\n  variants: function\n",
    )
    assert sorted(set(c for _, c in codes(repo(tmp_path, swapped)))) == ["NF103", "NF105"]


def test_unparsable_yaml_is_one_finding(tmp_path: Path) -> None:
    assert codes(repo(tmp_path, "- func: [unclosed\n")) == [(2, "NF002")]


def test_committed_generated_file(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "Functions.h").write_text("// @generated from Functions.h.j2\n")
    (tmp_path / "ok.py").write_text('"""Mentions `@generated` in prose."""\n')
    assert [(f.path, f.code) for f in lint_generated(tmp_path, False)] == [
        ("Functions.h", "GEN001")
    ]


def test_kernels_linter_names_the_missing_kernel(tmp_path: Path) -> None:
    from tools.lint.kernels import lint_kernels

    root = repo(tmp_path, GOOD)
    native = root / "aten_mini" / "native"
    native.mkdir(parents=True)
    (native / "Relu.cpp").write_text("at::Tensor relu(const at::Tensor& self) { return self; }\n")
    [finding] = lint_kernels(root, False)
    assert (finding.line, finding.code) == (8, "KC001")  # its dispatch: line
    assert "kernel 'at_mini::native::relu_' (CPU, CUDA) for 'relu_' is not defined" in str(finding)
