"""`./kit new-op` in a copy of this checkout: what it writes, that codegen and the
linters accept it, that it refuses to overwrite, and (slow, needs_build) that
the copy builds and the new op's tests fail naming the TODO's file."""

# Expected messages are single lines by design (one clear line per error).
# ruff: noqa: E501

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import torch
from clitools import ROOT, checkout_copy, git, kit_in
from expecttest import TestCase
from opinfo import checks, todos
from opinfo.core import OpInfo

SCHEMA = "hypot2(Tensor self, Tensor other) -> Tensor"
WRITTEN = [
    "aten_mini/native/Hypot2.cpp",
    "aten_mini/native/cpu/Hypot2Kernel.cpp",
    "aten_mini/native/cuda/Hypot2Kernel.cu",
    "native_functions.yaml",
    "python/aten_mini/_docs.py",
    "test/opinfo/op_db.py",
    "tools/autograd/derivatives.yaml",
]


def _findings(repo: Path, files: list[str] = WRITTEN) -> set[str]:
    """Lint findings in `files` (by default those new-op writes), line numbers dropped."""
    _, out = kit_in(repo, "lint", "native-yaml", "ruff", "clang-format")
    mine = [ln for ln in out.splitlines() if any(ln.startswith(f + ":") for f in files)]
    return {re.sub(r":\d+:\d+:", ":", ln) for ln in mine}


def _status(repo: Path) -> str:
    return git(repo, "status", "--porcelain", "--untracked-files=all")


def _yaml_line(repo: Path, out: str, op: str) -> str:
    """`out` with `native_functions.yaml:LINE` as `:N`, once LINE is checked to be `op`'s entry.

    Other ops come and go above `op`; the line is checked here, the text by the golden.
    """
    lines = (repo / "native_functions.yaml").read_text().splitlines()
    line = 1 + next(i for i, text in enumerate(lines) if text.startswith(f"- func: {op}("))
    assert f"native_functions.yaml:{line})" in out, out
    return out.replace(f"native_functions.yaml:{line})", "native_functions.yaml:N)")


def _generated(repo: Path, header: str) -> str:
    """ops/<header> as `python -m torchgen_mini gen` writes it for `repo` (which must generate)."""
    with tempfile.TemporaryDirectory() as out:
        proc = subprocess.run(
            [sys.executable, "-m", "torchgen_mini", "gen", "--out", out, "--quiet"],
            cwd=repo, env={**os.environ, "PYTHONPATH": str(repo)},
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        return (Path(out) / "ops" / header).read_text()


class _NewOpRun(TestCase):
    """One `./kit new-op` run with `NEW_OP_ARGS` in a fresh checkout, shared by the
    tests of a subclass: `result` is its (rc, output), `lint_before` the lint
    findings before it."""

    NEW_OP_ARGS: tuple[str, ...] = ()

    @classmethod
    def setUpClass(cls) -> None:
        cls._tmp = tempfile.TemporaryDirectory()
        cls.repo = checkout_copy(Path(cls._tmp.name))
        cls.lint_before = _findings(cls.repo)
        cls.result = kit_in(cls.repo, "new-op", *cls.NEW_OP_ARGS)

    @classmethod
    def tearDownClass(cls) -> None:
        cls._tmp.cleanup()


class NewOpTest(_NewOpRun):
    NEW_OP_ARGS = ("hypot2", "--schema", SCHEMA, "--inplace", "--out")

    def test_what_it_says(self) -> None:
        rc, out = self.result
        self.assertEqual(rc, 0, out)
        self.assertExpectedInline(
            out,
            """\
kit: reading upstream's OpInfo 'hypot2' (torch.testing._internal, a few seconds)
kit: changed native_functions.yaml
kit: created aten_mini/native/Hypot2.cpp
kit: created aten_mini/native/cpu/Hypot2Kernel.cpp
kit: changed test/opinfo/op_db.py
kit: changed python/aten_mini/_docs.py
kit: changed tools/autograd/derivatives.yaml
kit: created aten_mini/native/cuda/Hypot2Kernel.cu
kit: hypot2 is structured: aten_mini/native/Hypot2.cpp has its TORCH_META_FUNC(hypot2) and TORCH_IMPL_FUNC(hypot2_out); the codegen writes every wrapper
kit: next: `./kit build`, then `./kit test -k hypot2`: the tests fail with 'TODO(new-op): implement hypot2 in aten_mini/native/cpu/Hypot2Kernel.cpp' until you write the loop, and test_todos until no TODO(new-op) is left (it lists each with file:line); `./kit explain hypot2` shows every piece
""",
        )

    def test_what_it_writes(self) -> None:
        changed = sorted(line[3:] for line in _status(self.repo).splitlines())
        self.assertEqual(changed, WRITTEN)
        self.assertFalse((ROOT / WRITTEN[0]).exists(), "new-op wrote into the real checkout")

    def test_the_yaml_entries(self) -> None:
        diff = git(self.repo, "diff", "-U0", "--", "native_functions.yaml")
        added = [
            ln[1:] for ln in diff.splitlines() if ln.startswith("+") and not ln.startswith("+++")
        ]
        self.assertExpectedInline(
            "\n".join(added),
            """\
- func: hypot2(Tensor self, Tensor other) -> Tensor
  variants: function
  structured_delegate: hypot2.out
  tags: pointwise
  dispatch_stub:
    hypot2_stub: void(at::TensorIteratorBase&)
  shape_function: pointwise

- func: hypot2_(Tensor(a!) self, Tensor other) -> Tensor(a!)
  variants: function
  structured_delegate: hypot2.out
  tags: pointwise
  shape_function: pointwise

- func: hypot2.out(Tensor self, Tensor other, *, Tensor(a!) out) -> Tensor(a!)
  structured: True
  structured_inherits: TensorIteratorBase
  dispatch:
    CPU, CUDA: hypot2_out
  tags: pointwise
  shape_function: pointwise
""",
        )

    def test_the_cpu_loop_fails_naming_its_file(self) -> None:
        text = (self.repo / "aten_mini/native/cpu/Hypot2Kernel.cpp").read_text()
        code = re.sub(r'"\s*"', "", re.sub(r"\s+", " ", text)).replace("( ", "(")
        message = "TODO(new-op): implement hypot2 in aten_mini/native/cpu/Hypot2Kernel.cpp"
        self.assertIn(f'TORCH_CHECK(false, "{message}");', code)

    def test_every_todo_fails_test_todos_naming_its_file(self) -> None:
        with self.assertRaises(checks.CheckFailure) as caught:
            checks.check_todos(
                OpInfo("hypot2", ref=torch.hypot, sample_inputs_func=list), self.repo
            )
        message = re.sub(r"\.(cpp|cu|py|yaml):\d+:", r".\1:N:", str(caught.exception))
        self.assertExpectedInline(
            message,
            """\
OpInfo('hypot2'): 10 TODO(new-op) markers left in its files
  - tools/autograd/derivatives.yaml:N: # TODO(new-op): the derivatives. Backward: replace each not_implemented with the
  - tools/autograd/derivatives.yaml:N: # forward AD with ... that does not support it"). Then delete these TODO(new-op)
  - test/opinfo/op_db.py:N: # TODO(new-op): torch has no `hypot2`: replace this NaN placeholder reference.
  - python/aten_mini/_docs.py:N: TODO(new-op): say what hypot2 computes, how its inputs broadcast and
  - python/aten_mini/_docs.py:N: TODO(new-op): paste the output here
  - aten_mini/native/Hypot2.cpp:N: // TODO(new-op): check the inputs (TORCH_CHECK with a message naming the op and
  - aten_mini/native/cpu/Hypot2Kernel.cpp:N: // TODO(new-op): dispatch on iter.common_dtype() and run the loop; see
  - aten_mini/native/cpu/Hypot2Kernel.cpp:N: "TODO(new-op): implement hypot2 in "
  - aten_mini/native/cuda/Hypot2Kernel.cu:N: // TODO(new-op): dispatch on iter.common_dtype() and run the loop; see
  - aten_mini/native/cuda/Hypot2Kernel.cu:N: "TODO(new-op): implement hypot2 in "
Do what each one says, then delete it.""",
        )

    def test_codegen_and_the_kernel_check_accept_it(self) -> None:
        header = _generated(self.repo, "hypot2_native.h")
        self.assertIn(
            "struct structured_hypot2_out : public at_mini::meta::structured_hypot2 {\n"
            "  void impl(const at::Tensor& self, const at::Tensor& other, const at::Tensor& out);",
            header,
        )
        self.assertIn(
            "void meta(const at::Tensor& self, const at::Tensor& other);",
            _generated(self.repo, "hypot2_meta.h"),
        )

    def test_the_kernels_are_meta_and_impl(self) -> None:
        text = (self.repo / "aten_mini/native/Hypot2.cpp").read_text()
        code = re.sub(r"\s+", " ", text).replace("( ", "(")
        self.assertIn(
            "TORCH_META_FUNC(hypot2)(const at::Tensor& self, const at::Tensor& other) { "
            "build_borrowing_binary_op(maybe_get_output(), self, other); }",
            code,
        )
        self.assertIn(
            "TORCH_IMPL_FUNC(hypot2_out)(const at::Tensor& /*self*/, const at::Tensor& /*other*/, "
            "const at::Tensor& /*out*/) { hypot2_stub(device_type(), *this); }",
            code,
        )
        # its own headers only, so adding it recompiles its own files
        self.assertIn('#include "ops/hypot2_native.h"\n#include "ops/hypot2_stubs.h"\n', text)
        self.assertNotIn("NativeFunctions.h", text)

    def test_the_derivatives_say_what_to_write(self) -> None:
        diff = git(self.repo, "diff", "-U0", "--", "tools/autograd/derivatives.yaml")
        added = "\n".join(ln[1:] for ln in diff.splitlines() if ln[:1] == "+" and ln[1:3] != "++")
        self.assertIn(
            '  self: not_implemented("hypot2")\n  other: not_implemented("hypot2")\n', added
        )
        self.assertIn("Forward AD: add\n  # `result: <the output's tangent>`", added)
        self.assertIn("supports_forward_ad=True", added)

    def test_the_linters_accept_what_it_wrote(self) -> None:
        self.assertEqual(_findings(self.repo) - self.lint_before, set())

    def test_it_refuses_to_add_the_op_twice(self) -> None:
        before = _status(self.repo)
        rc, out = kit_in(self.repo, "new-op", "hypot2", "--schema", SCHEMA)
        self.assertEqual(rc, 1)
        self.assertExpectedInline(
            _yaml_line(self.repo, out, "hypot2"),
            """\
kit: error: op 'hypot2' already exists (native_functions.yaml:N); `./kit explain hypot2`
""",
        )
        self.assertEqual(_status(self.repo), before)


class NewOpUnstructuredTest(_NewOpRun):
    """--no-structured: a `dispatch:` and a hand-written kernel per variant (the older form)."""

    NEW_OP_ARGS = ("hypot2", "--schema", SCHEMA, "--inplace", "--out", "--no-structured")

    def test_the_yaml_entries(self) -> None:
        self.assertEqual(self.result[0], 0, self.result[1])
        self.assertNotIn("is structured", self.result[1])
        diff = git(self.repo, "diff", "-U0", "--", "native_functions.yaml")
        added = [ln[1:] for ln in diff.splitlines() if ln.startswith("+") and ln[1:3] != "++"]
        self.assertExpectedInline(
            "\n".join(added),
            """\
- func: hypot2(Tensor self, Tensor other) -> Tensor
  variants: function
  dispatch:
    CPU, CUDA: hypot2
  tags: pointwise
  dispatch_stub:
    hypot2_stub: void(at::TensorIteratorBase&)
  shape_function: pointwise

- func: hypot2_(Tensor(a!) self, Tensor other) -> Tensor(a!)
  variants: function
  dispatch:
    CPU, CUDA: hypot2_
  tags: pointwise
  shape_function: pointwise

- func: hypot2.out(Tensor self, Tensor other, *, Tensor(a!) out) -> Tensor(a!)
  dispatch:
    CPU, CUDA: hypot2_out
  tags: pointwise
  shape_function: pointwise
""",
        )

    def test_one_kernel_per_variant(self) -> None:
        text = (self.repo / "aten_mini/native/Hypot2.cpp").read_text()
        code = re.sub(r"\s+", " ", text).replace("( ", "(")
        for signature in (
            "at::Tensor hypot2(const at::Tensor& self, const at::Tensor& other) {",
            "at::Tensor& hypot2_(at::Tensor& self, const at::Tensor& other) {",
            "at::Tensor& hypot2_out(const at::Tensor& self, const at::Tensor& other, at::Tensor& out) {",
        ):
            self.assertIn(signature, code)
        self.assertNotIn("TORCH_META_FUNC", text)
        self.assertIn('#include "ops/hypot2_native.h"\n#include "ops/hypot2_stubs.h"\n', text)
        header = _generated(self.repo, "hypot2_native.h")
        self.assertIn(
            "at::Tensor& hypot2_out(const at::Tensor& self, const at::Tensor& other, at::Tensor& out);",
            header,
        )

    def test_the_linters_accept_what_it_wrote(self) -> None:
        self.assertEqual(_findings(self.repo) - self.lint_before, set())


class NewOpWithoutOutTest(_NewOpRun):
    """No --out: a structured op gets its out= entry anyway (it carries the kernels), and
    says so; --no-structured adds only what was asked for."""

    NEW_OP_ARGS = ("hypot3", "--schema", SCHEMA.replace("hypot2", "hypot3"))

    def test_structured_adds_out_and_says_so(self) -> None:
        rc, out = self.result
        self.assertEqual(rc, 0, out)
        self.assertIn(
            "kit: structured: hypot3.out carries the kernels (meta and impl), so it is added "
            "too; --no-structured scaffolds the functional form alone\n",
            out,
        )
        text = (self.repo / "native_functions.yaml").read_text()
        self.assertIn(
            "- func: hypot3.out(Tensor self, Tensor other, *, Tensor(a!) out) -> Tensor(a!)\n"
            "  structured: True\n",
            text,
        )
        self.assertNotIn("hypot3_(", text)

    def test_no_structured_adds_only_the_functional(self) -> None:
        schema = SCHEMA.replace("hypot2", "hypot4")
        rc, out = kit_in(self.repo, "new-op", "hypot4", "--schema", schema, "--no-structured")
        self.assertEqual(rc, 0, out)
        self.assertNotIn("structured", out)
        text = (self.repo / "native_functions.yaml").read_text()
        self.assertIn("- func: hypot4(Tensor self, Tensor other) -> Tensor\n", text)
        self.assertNotIn("hypot4.out", text)

    def test_a_schema_structured_cannot_take_falls_back(self) -> None:
        schema = "symfoo(Tensor self, SymInt n) -> Tensor"
        rc, out = kit_in(self.repo, "new-op", "symfoo", "--schema", schema)
        self.assertEqual(rc, 0, out)
        self.assertIn(
            "kit: symfoo takes SymInt (n), which the kit's structured codegen does not support "
            "yet: scaffolding the non-structured form (--no-structured)\n",
            out,
        )
        text = (self.repo / "native_functions.yaml").read_text()
        self.assertIn("- func: symfoo(Tensor self, SymInt n) -> Tensor\n", text)
        self.assertNotIn("symfoo.out", text)


class NewOpScalarTest(_NewOpRun):
    """A Scalar argument: the kit cannot tell whether it promotes, so the shape is a TODO."""

    AXPBY = "axpby(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor"
    NEW_OP_ARGS = ("axpby", "--schema", AXPBY, "--out")

    def test_the_yaml_says_what_to_choose(self) -> None:
        self.assertEqual(self.result[0], 0, self.result[1])
        diff = git(self.repo, "diff", "-U0", "--", "native_functions.yaml")
        added = [ln[1:] for ln in diff.splitlines() if ln.startswith("+") and ln[1:3] != "++"]
        self.assertExpectedInline(
            "\n".join(added),
            """\
- func: axpby(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor
  variants: function
  structured_delegate: axpby.out
  tags: pointwise
  dispatch_stub:
    axpby_stub: void(at::TensorIteratorBase&)
  # TODO(new-op): does Scalar `alpha` take part in type promotion? No, it is a
  # parameter (like softplus's beta): keep `pointwise(self, other)`. Yes, an operand
  # (like add.Scalar's other: int tensor + 2.5 is float): use `pointwise(self, other, alpha)`
  # and add it to the TensorIterator in aten_mini/native/Axpby.cpp (wrapped_scalar_tensor).
  # Give axpby.out the same shape_function.
  # Then delete these TODO(new-op) lines.
  shape_function: pointwise(self, other)

- func: axpby.out(Tensor self, Tensor other, *, Scalar alpha=1, Tensor(a!) out) -> Tensor(a!)
  structured: True
  structured_inherits: TensorIteratorBase
  dispatch:
    CPU, CUDA: axpby_out
  tags: pointwise
  shape_function: pointwise(self, other)
""",
        )

    def test_the_yaml_lint_accepts_the_todo(self) -> None:
        self.assertEqual(_findings(self.repo) - self.lint_before, set())

    def test_test_todos_points_at_the_choice(self) -> None:
        found = [f"{h.path}: {h.text}" for h in todos.todos(self.repo, "axpby")]
        self.assertIn(
            "native_functions.yaml: # TODO(new-op): does Scalar `alpha` take part in type "
            "promotion? No, it is a",
            found,
        )


class NewOpRefusesTest(TestCase):
    def setUp(self) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self._tmp.cleanup)
        self.repo = checkout_copy(Path(self._tmp.name))

    def refused(self, *argv: str) -> str:
        rc, out = kit_in(self.repo, "new-op", *argv)
        self.assertNotEqual(rc, 0)
        self.assertEqual(_status(self.repo), "", "a refused new-op wrote something")
        return out

    def test_a_schema_that_does_not_parse(self) -> None:
        self.assertExpectedInline(
            self.refused("foo", "--schema", "foo(Tensor self, Tenso other) -> Tensor"),
            """\
kit: error: --schema:1: error: unknown type 'Tenso' in 'foo(Tensor self, Tenso other) -> Tensor'
""",
        )

    def test_a_schema_of_another_op(self) -> None:
        self.assertExpectedInline(
            self.refused("foo", "--schema", "bar(Tensor self) -> Tensor"),
            """\
kit: error: --schema:1: error: the schema declares 'bar', not 'foo' (no overload name)
""",
        )

    def test_a_shape_it_cannot_scaffold(self) -> None:
        self.assertExpectedInline(
            self.refused("foo", "--schema", "foo(Tensor self) -> (Tensor, Tensor)"),
            """\
kit: error: --schema:1: error: new-op scaffolds pointwise-shaped ops: it must return one Tensor; write other ops by hand (CONTRIBUTING.md, 'Adding an op end-to-end')
""",
        )

    def test_an_existing_op(self) -> None:
        out = self.refused("relu", "--schema", "relu(Tensor self) -> Tensor")
        self.assertExpectedInline(
            _yaml_line(self.repo, out, "relu"),
            """\
kit: error: op 'relu' already exists (native_functions.yaml:N); `./kit explain relu`
""",
        )

    def test_an_existing_file(self) -> None:
        (self.repo / "aten_mini/native/Foo.cpp").write_text("// mine\n")
        git(self.repo, "add", "aten_mini/native/Foo.cpp")
        git(self.repo, "commit", "--quiet", "-m", "mine")
        self.assertExpectedInline(
            self.refused("foo", "--schema", "foo(Tensor self) -> Tensor"),
            """\
kit: error: aten_mini/native/Foo.cpp already exists for 'foo'; new-op never overwrites: pick another name, or move that away first
""",
        )
        self.assertEqual((self.repo / "aten_mini/native/Foo.cpp").read_text(), "// mine\n")


def _outcomes(junit: Path) -> dict[str, str]:
    """Test -> "" if it passed, else its failure text and captured output (JUnit XML)."""
    outcomes = {}
    for case in ET.parse(junit).iter("testcase"):
        if case.find("skipped") is not None:
            continue
        failure = case.find("failure")
        failure = case.find("error") if failure is None else failure
        parts = [] if failure is None else [failure.get("message") or "", failure.text or ""]
        if parts:
            parts += [(case.findtext(tag) or "") for tag in ("system-out", "system-err")]
        outcomes[case.get("name", "?")] = "\n".join(parts)
    return outcomes


def _pytest(repo: Path, junit: Path, *args: str) -> dict[str, str]:
    """pytest ARGS in `repo` (in-process, no slow tests): each test's outcome."""
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0",
         *args, f"--junitxml={junit}", "-o", "junit_logging=all"],
        cwd=repo, env={**os.environ, "PYTHONPATH": f"{repo}:{repo / 'python'}"},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return _outcomes(junit)


def _build_and_test(repo: Path, junit: Path) -> dict[str, str]:
    """`./kit build` (CPU only) of `repo`, then `./kit test -k hypot`'s pytest: the outcomes."""
    rc, out = kit_in(repo, "build", env={"ATEN_MINI_NO_CUDA": "1"})
    assert rc == 0, f"{repo} does not build:\n{out[-3000:]}"
    return _pytest(repo, junit, "test", "-k", "hypot")


# The walk-through's two ops, scaffolded in one checkout so one build compiles both
# forms: hypot as new-op writes it by default (structured), and the same op
# `--no-structured` as hypot_legacy (no upstream op of that name: its reference is
# the NaN placeholder to replace). `./kit test -k hypot` selects the tests of both.
WALK = {"hypot": ("Hypot", ()), "hypot_legacy": ("HypotLegacy", ("--no-structured",))}

HYPOT_KERNEL = """\
// CPU loop of {name}, compiled once per capability.

#include "ops/{name}_stubs.h"

#include <aten_mini/native/cpu/Loops.h>

#include <ATen/Dispatch.h>
#include <ATen/OpMathType.h>

#include <cmath>

namespace at_mini::native {{
namespace {{

using at::vec::Vectorized;

void {name}_kernel(at::TensorIteratorBase& iter) {{
  AT_DISPATCH_FLOATING_TYPES_AND2(
      at::kHalf, at::kBFloat16, iter.common_dtype(), "{name}_cpu", [&] {{
        using opmath_t = at::opmath_type<scalar_t>;
        binary_kernel_vec<scalar_t>(
            iter,
            [](opmath_t a, opmath_t b) -> opmath_t {{ return std::hypot(a, b); }},
            [](Vectorized<opmath_t> a, Vectorized<opmath_t> b) {{
              return a.hypot(b);
            }});
      }});
}}

}} // namespace

REGISTER_DISPATCH({name}_stub, &{name}_kernel);

}} // namespace at_mini::native
"""

# upstream's formulas for hypot (torchgen's derivatives.yaml), which
# test_forward_formula_equals_upstreams compares with
HYPOT_FORMULAS = """\
  self: grad * self / result
  other: grad * other / result
  result: self_t * self_p / result + other_t * other_p / result
"""


def hypot_todos_done(name: str) -> dict[str, list[tuple[str, str]]]:
    """What a learner does with each TODO(new-op) of `./kit new-op <name>`, besides the loop:
    (pattern, replacement) per file, each pattern found once."""
    camel, flags = WALK[name]
    before = "at::TensorIterator" if "--no-structured" in flags else "TORCH_META_FUNC"
    entry = rf'(    BinaryOpInfo\(\n        "{name}",\n)'
    inplace = rf"({entry[1:-1]}(?:.*\n)*?)( *)supports_inplace=True,\n"
    db = [
        (rf"{entry} *# TODO\(new-op\).*\n", r"\1"),
        # the derivatives are written: gradcheck, jvp and the rest run
        (
            inplace,
            r"\1\2supports_inplace=True,\n\2supports_autograd=True,\n\2supports_forward_ad=True,\n",
        ),
    ]
    if name == "hypot":  # what test_dtypes reports as working (samples that promote to float)
        db.append(
            (rf"({entry}(?:.*\n)*?) *dtypes=FLOATING,", r"\1        dtypes=ALL_REAL_AND_BOOL,")
        )
    else:  # no upstream hypot_legacy: the placeholder reference
        db.append((rf"({entry}) *ref=lambda .*\n", r"\1        ref=torch.hypot,\n"))
    return {
        f"aten_mini/native/{camel}.cpp": [(rf"(?s)// TODO\(new-op\).*?\n(?={before})", "")],
        "test/opinfo/op_db.py": db,
        "python/aten_mini/_docs.py": [
            (rf"TODO\(new-op\): say what {name} computes.*\n.*\n", "sqrt(input**2 + other**2), broadcast.\n"),
            (rf"(>>> aten_mini\.{name}\(.*\)\n +)TODO\(new-op\): paste the output here", r"\1tensor([1.4142, 2.8284])"),
        ],
        "tools/autograd/derivatives.yaml": [
            (rf'  self: not_implemented\("{name}"\)\n  other: not_implemented\("{name}"\)\n(?:  # .*\n)+', HYPOT_FORMULAS),
        ],
    }  # fmt: skip


def _own_files(name: str) -> set[str]:
    camel, _ = WALK[name]
    return {
        "native_functions.yaml", "tools/autograd/derivatives.yaml", "test/opinfo/op_db.py",
        "python/aten_mini/_docs.py", f"aten_mini/native/{camel}.cpp",
        f"aten_mini/native/cpu/{camel}Kernel.cpp",
    }  # fmt: skip


def _do_the_todos(repo: Path, name: str) -> None:
    camel, _ = WALK[name]
    (repo / f"aten_mini/native/cpu/{camel}Kernel.cpp").write_text(HYPOT_KERNEL.format(name=name))
    for rel, edits in hypot_todos_done(name).items():
        text = (repo / rel).read_text()
        for pattern, replacement in edits:
            text, n = re.subn(pattern, replacement, text, count=1)
            assert n == 1, f"{rel}: no {pattern!r} to replace"
        (repo / rel).write_text(text)


# What `./kit test` runs besides the tests that name the op and can still break when an
# op is added: goldens and listings of every op (codegen, autograd, model, docs), the
# build's and framework's checks of every entry, vmap's rule for every overload.
EVERY_OP_SUITES = (
    "test/autograd", "test/codegen", "test/model", "test/build", "test/docs",
    "test/framework", "test/ops/test_vmap.py::test_every_overload_has_a_rule",
)  # fmt: skip


@pytest.mark.slow
@pytest.mark.needs_build
def test_the_scaffold_fails_at_each_todo_and_passes_once_they_are_done(tmp_path: Path) -> None:
    """Minutes: two CPU builds of a copy. Every failing test of the two ops names a TODO's
    file; with the TODOs done (a real kernel, formulas) and no other file edited, every
    test of the ops passes (upstream's OpInfo tests, torch.compile's, vmap's and forward
    AD's too), and so do the suites over every op and the linters."""
    repo = checkout_copy(tmp_path)
    lint_before = _findings(repo, sorted(set().union(*map(_own_files, WALK))))
    for name, (_, flags) in WALK.items():
        schema = f"{name}(Tensor self, Tensor other) -> Tensor"
        rc, out = kit_in(
            repo, "new-op", name, "--schema", schema, "--inplace", "--out", "--no-cuda", *flags
        )
        assert rc == 0, out
    structured = (repo / "aten_mini/native/Hypot.cpp").read_text()
    assert "TORCH_META_FUNC(hypot)" in structured and "TORCH_IMPL_FUNC(hypot_out)" in structured
    assert "TORCH_META_FUNC" not in (repo / "aten_mini/native/HypotLegacy.cpp").read_text()

    outcomes = _build_and_test(repo, tmp_path / "scaffold.xml")
    failures = {name: text for name, text in outcomes.items() if text}
    for name in WALK:
        mine = [n for n in failures if f"[{name}-" in n]
        assert len(mine) >= 10, f"too few failures of {name}: {sorted(failures)}"
    files = [f for name in WALK for f in _own_files(name) if f != "native_functions.yaml"]
    silent = [
        n for n, t in failures.items() if "TODO(new-op)" not in t or not any(f in t for f in files)
    ]
    assert not silent, f"failures that name no TODO(new-op) and its file: {silent}"

    for name in WALK:
        _do_the_todos(repo, name)
    edited = {line[3:] for line in _status(repo).splitlines()}
    outside = edited - set().union(*map(_own_files, WALK))
    assert not outside, f"the walk-through edited files outside the ops' own: {outside}"

    outcomes = _build_and_test(repo, tmp_path / "done.xml")
    failures = {name: text[:2000] for name, text in outcomes.items() if text}
    assert not failures, f"tests of the finished ops that fail: {failures}"
    for test in (
        "test_compile", "test_opcheck_dynamic", "test_todos", "test_reference", "test_meta",
        "test_vmap", "test_vmap_inplace", "test_forward_ad", "test_gradcheck",
    ):  # fmt: skip
        for name in WALK:
            assert any(n.startswith(f"{test}[{name}-") for n in outcomes), (
                f"{test}[{name}] did not run"
            )
    upstream = [n for n in outcomes if n.startswith("test_upstream_opinfo[hypot-")]
    assert upstream, "upstream's OpInfo tests of hypot did not run"

    # `./kit test -k hypot` green: the rest of `./kit test` that an added op can break
    rest = _pytest(repo, tmp_path / "rest.xml", *EVERY_OP_SUITES)
    assert rest, "the suites over every op ran nothing"
    broken = {name: text[:2000] for name, text in rest.items() if text}
    assert not broken, f"after the new ops, these tests fail: {broken}"
    lint_after = _findings(repo, sorted(set().union(*map(_own_files, WALK))))
    assert lint_after - lint_before == set(), "lint findings in the ops' files"


class OpInfoEntryTest(TestCase):
    """The OpInfo text for an op upstream has: its reference, its dtypes, pointwise samples."""

    def test_upstream_heaviside(self) -> None:
        from tools.kit.commands import new_op
        from tools.ops import scaffold
        from torchgen_mini.model import FunctionSchema

        f = FunctionSchema.parse("heaviside(Tensor self, Tensor values) -> Tensor")
        plan = scaffold.Plan("heaviside", "Heaviside", f, None, scaffold.out_schema(f), cuda=False)
        self.assertExpectedInline(
            scaffold.opinfo_entry(plan, new_op.upstream("heaviside")),
            """\
    BinaryOpInfo(
        "heaviside",
        # TODO(new-op): check the reference (torch.heaviside), the samples and the dtypes.
        ref=torch.heaviside,
        # zeros, -0.0, NaN, inf, empty, 0-dim, broadcast, non-contiguous
        sample_inputs_func=sample_inputs_pointwise,
        # dtypes: those of upstream's OpInfo('heaviside') on CPU
        dtypes=ALL_REAL_AND_BOOL,
        supports_out=True,
        supports_inplace=False,
    ),
""",
        )

    def test_kit_dtypes_are_the_checked_ones(self) -> None:
        from opinfo.core import ALL_DTYPES

        from tools.ops import scaffold

        self.assertEqual(
            scaffold.KIT_DTYPES, tuple(str(d).removeprefix("torch.") for d in ALL_DTYPES)
        )


# A scaffolded kernel raises its TODO(new-op) error on every sample; torch.vmap of it
# raises too, so the vmap checks compare nothing. They must then fail with the
# kernel's own error (the file to edit), not pass, and not crash on an OpInfo
# without `ref_inplace` (new-op writes none; the in-place reference is derived
# from `ref`). Planted ops: torch.library custom ops with a vmap rule that runs
# them batched, as the kit's rules do; no build needed.
VMAP_NS = "kit_new_op_vmap"
TODO_ERROR = "TODO(new-op): implement planted in aten_mini/native/cpu/PlantedKernel.cpp"


def _todo_kernel(self: torch.Tensor, other: torch.Tensor) -> torch.Tensor:
    raise RuntimeError(TODO_ERROR)


def _hypot_kernel(self: torch.Tensor, other: torch.Tensor) -> torch.Tensor:
    return torch.hypot(self, other)


_planted = {
    name: torch.library.custom_op(f"{VMAP_NS}::{name}", kernel, mutates_args=())
    for name, kernel in (("todo", _todo_kernel), ("good", _hypot_kernel))
}


def _batched(
    op: Any, in_dims: tuple[int | None, ...], self: torch.Tensor, other: torch.Tensor
) -> tuple[torch.Tensor, int]:
    """A binary pointwise rule: batch dims to the front, lined up, promoted as unbatched."""
    args = (self, other)
    logical = [t.select(d, 0) if d is not None else t for t, d in zip(args, in_dims, strict=True)]
    rank = max(t.dim() for t in logical)
    dtype = torch.result_type(*logical)
    lined_up = []
    for t, d in zip(args, in_dims, strict=True):
        if d is not None:
            t = t.movedim(d, 0)
            t = t.reshape(t.shape[0], *[1] * (rank + 1 - t.dim()), *t.shape[1:])
        lined_up.append(t.to(dtype))
    return op(*lined_up), 0


for _name, _op in _planted.items():
    _op.register_fake(lambda self, other: torch.empty_like(self + other))
    torch.library.register_vmap(
        f"{VMAP_NS}::{_name}",
        lambda info, in_dims, self, other, _op=_op: _batched(_op, in_dims, self, other),
    )


def _planted_opinfo(name: str) -> OpInfo:
    from opinfo.core import BinaryOpInfo
    from opinfo.samples import sample_inputs_pointwise

    op = _planted[name]

    def inplace(self: torch.Tensor, other: torch.Tensor) -> torch.Tensor:
        return self.copy_(op(self, other))

    return BinaryOpInfo(
        "hypot", ref=torch.hypot, sample_inputs_func=sample_inputs_pointwise,
        op=op, inplace_variant=inplace, overload_packet=op, namespace=VMAP_NS,
    )  # fmt: skip


class VmapReportsTheKernelsErrorTest(TestCase):
    def test_vmap_names_the_todo(self) -> None:
        with self.assertRaises(checks.CheckFailure) as caught:
            checks.check_vmap(_planted_opinfo("todo"), "cpu", torch.float32)
        message = str(caught.exception)
        self.assertIn("no sample ran, so nothing was compared", message)
        self.assertIn(f"an example raises RuntimeError: {TODO_ERROR}", message)

    def test_vmap_inplace_names_the_todo(self) -> None:
        with self.assertRaises(checks.CheckFailure) as caught:
            checks.check_vmap_inplace(_planted_opinfo("todo"), "cpu", torch.float32)
        message = str(caught.exception)
        self.assertIn("no sample ran, so nothing was compared", message)
        self.assertIn(f"an example raises RuntimeError: {TODO_ERROR}", message)

    def test_a_working_op_without_ref_inplace_passes(self) -> None:
        op = _planted_opinfo("good")
        self.assertIsNone(op.ref_inplace)
        checks.check_vmap(op, "cpu", torch.float32)
        checks.check_vmap_inplace(op, "cpu", torch.float32)
