"""Building review contexts for tests: a small complete repo, and changes to it."""

from __future__ import annotations

from tools.review.comments import Comment
from tools.review.context import ReviewContext, dict_context
from tools.review.rules import RULES

YAML = """\
- func: relu(Tensor self) -> Tensor
  variants: function
  dispatch:
    CPU, CUDA: relu
  tags: [core, pointwise]

- func: relu_(Tensor(a!) self) -> Tensor(a!)
  dispatch:
    CPU, CUDA: relu_
  tags: pointwise

- func: relu.out(Tensor self, *, Tensor(a!) out) -> Tensor(a!)
  dispatch:
    CPU, CUDA: relu_out
  tags: pointwise
"""

FOO = """
- func: foo(Tensor self) -> Tensor
  variants: function
  dispatch:
    CPU, CUDA: foo
  tags: pointwise

- func: foo_(Tensor(a!) self) -> Tensor(a!)
  dispatch:
    CPU, CUDA: foo_

- func: foo.out(Tensor self, *, Tensor(a!) out) -> Tensor(a!)
  dispatch:
    CPU, CUDA: foo_out
"""

OP_DB = 'op_db = [\n    UnaryOpInfo("relu", ref=None),\n]\n'
DOCS = 'add_docstr(\n    "relu",\n    r"""relu(self) -> Tensor""",\n)\n'
DERIVS = "- name: relu(Tensor self) -> Tensor\n  self: threshold_backward(grad, result, 0)\n"
KERNEL = """\
#include <ATen/ATen.h>

namespace at_mini::native {

at::Tensor relu(const at::Tensor& self) {
  TORCH_CHECK(self.is_floating_point(), "relu: expected a float tensor");
  return self.clamp_min(0);
}

}  // namespace at_mini::native
"""
FOO_KERNEL = """
at::Tensor foo(const at::Tensor& self) {
  TORCH_CHECK(self.dim() > 0, "foo: expected a tensor with dims");
  return self;
}
"""

BASE: dict[str, str] = {
    "native_functions.yaml": YAML,
    "test/opinfo/op_db.py": OP_DB,
    "python/aten_mini/_docs.py": DOCS,
    "tools/autograd/derivatives.yaml": DERIVS,
    "aten_mini/native/Activation.cpp": KERNEL,
    "tools/bc/allowlist.yaml": "allow: []\n",
}


def complete_foo() -> dict[str, str]:
    """The base plus a complete new op `foo`: YAML, kernel, OpInfo, docs, derivative."""
    head = dict(BASE)
    head["native_functions.yaml"] = YAML + FOO
    head["aten_mini/native/Activation.cpp"] = KERNEL + FOO_KERNEL
    head["test/opinfo/op_db.py"] = OP_DB.replace("]\n", '    UnaryOpInfo("foo"),\n]\n')
    head["python/aten_mini/_docs.py"] = DOCS + 'add_docstr("foo", r"""foo(input, *, out=None)""")\n'
    head["tools/autograd/derivatives.yaml"] = (
        DERIVS + "- name: foo(Tensor self) -> Tensor\n  self: grad\n"
    )
    return head


def ctx(head: dict[str, str], pr_body: str | None = None) -> ReviewContext:
    return dict_context(BASE, head, pr_body)


def run(rule: str, head: dict[str, str], pr_body: str | None = None) -> list[Comment]:
    return RULES[rule](ctx(head, pr_body))


def with_changes(base: dict[str, str], **changes: str) -> dict[str, str]:
    head = dict(base)
    for key, value in changes.items():
        head[key.replace("__", "/").replace("_DOT_", ".")] = value
    return head
