"""Shared inputs of the codegen tests: a small YAML and kernel sources that define it.

The tests use their own YAML (not the repository's native_functions.yaml), so
a learner adding an op there does not change any expected output here.
"""

from __future__ import annotations

from pathlib import Path

from torchgen_mini.model import NativeFunction
from torchgen_mini.native_yaml import parse_native_yaml

REPO = Path(__file__).resolve().parents[2]
TAGS = REPO / "tags.yaml"

SUM_DIM = (
    "sum.dim_IntList(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None)"
    " -> Tensor"
)

YAML = f"""\
- func: add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor
  dispatch:
    CPU, CUDA: add
  tags: [core, pointwise]
  dispatch_stub:
    add_stub: void(at::TensorIteratorBase&, const c10::Scalar&)

- func: add_.Tensor(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)
  dispatch:
    CPU, CUDA: add_

- func: add.out(Tensor self, Tensor other, *, Scalar alpha=1, Tensor(a!) out) -> Tensor(a!)
  dispatch:
    CPU, CUDA: add_out

- func: add.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor
  dispatch:
    CompositeExplicitAutograd: add_scalar

- func: silu(Tensor self) -> Tensor
  dispatch:
    CompositeImplicitAutograd: silu

- func: softplus(Tensor self, Scalar beta=1, Scalar threshold=20) -> Tensor
  dispatch:
    CPU, CUDA: softplus

- func: {SUM_DIM}
  dispatch:
    CPU, CUDA: sum_dim
  tags: [core, reduction]
"""

KERNELS = """\
namespace at_mini::native {
at::Tensor add(const at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha) {
  return self;
}
at::Tensor& add_(at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha) {
  return self;
}
at::Tensor& add_out(const at::Tensor& self, const at::Tensor& other,
                    const at::Scalar& alpha, at::Tensor& out) {
  return out;
}
at::Tensor add_scalar(const at::Tensor& self, const at::Scalar& other, const at::Scalar& alpha) {
  return self;
}
at::Tensor silu(const at::Tensor& self) { return self; }
at::Tensor softplus(const at::Tensor& self, const at::Scalar& beta, const at::Scalar& threshold) {
  return self;
}
at::Tensor sum_dim(const at::Tensor& self, at::OptionalIntArrayRef dim, bool keepdim,
                   std::optional<at::ScalarType> dtype) {
  return self;
}
}  // namespace at_mini::native
"""


def make_tree(root: Path, yaml_text: str = YAML, kernels: str = KERNELS) -> Path:
    """A minimal source tree under `root`; returns the YAML's path."""
    native = root / "aten_mini" / "native"
    native.mkdir(parents=True, exist_ok=True)
    (native / "Ops.cpp").write_text(kernels)
    path = root / "native_functions.yaml"
    path.write_text(yaml_text)
    return path


def gen_args(yaml_path: Path, out: Path, *extra: str) -> list[str]:
    return ["--yaml", str(yaml_path), "--tags", str(TAGS), "--out", str(out), "--quiet", *extra]


def load(yaml_path: Path) -> list[NativeFunction]:
    parsed = parse_native_yaml(yaml_path, TAGS)
    assert not parsed.errors, "\n".join(map(str, parsed.errors))
    return parsed.native_functions


def by_name(fns: list[NativeFunction], name: str) -> NativeFunction:
    return next(f for f in fns if str(f.func.name) == name)
