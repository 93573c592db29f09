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


def _findings(repo: Path) -> set[str]:
    """Lint findings in the files new-op writes, line numbers dropped."""
    _, out = kit_in(repo, "lint", "native-yaml", "ruff", "clang-format")
    mine = [ln for ln in out.splitlines() if any(ln.startswith(f + ":") for f in WRITTEN)]
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
OpInfo('hypot2'): 8 TODO(new-op) markers left in its files
  - test/opinfo/op_db.py:N: # TODO(new-op): torch has no `hypot2`: replace this NaN placeholder reference.
  - python/aten_mini/_docs.py:N: TODO(new-op): say what hypot2 computes, how its inputs broadcast and
  - python/aten_mini/_docs.py:N: TODO(new-op): paste the output here
  - aten_mini/native/Hypot2.cpp:N: // TODO(new-op): check the inputs (TORCH_CHECK with a message saying what was
  - aten_mini/native/cpu/Hypot2Kernel.cpp:N: // TODO(new-op): dispatch on iter.common_dtype() and run the loop; see
  - aten_mini/native/cpu/Hypot2Kernel.cpp:N: "TODO(new-op): implement hypot2 in "
  - aten_mini/native/cuda/Hypot2Kernel.cu:N: // TODO(new-op): dispatch on iter.common_dtype() and run the loop; see
  - aten_mini/native/cuda/Hypot2Kernel.cu:N: "TODO(new-op): implement hypot2 in "
Do what each one says, then delete it.""",
        )

    def test_codegen_and_the_kernel_check_accept_it(self) -> None:
        with tempfile.TemporaryDirectory() as out:
            proc = subprocess.run(
                [sys.executable, "-m", "torchgen_mini", "gen", "--out", out, "--quiet"],
                cwd=self.repo, env={**os.environ, "PYTHONPATH": str(self.repo)},
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            self.assertEqual(proc.returncode, 0, proc.stderr)
            header = (Path(out) / "ops" / "hypot2_native.h").read_text()
        self.assertIn(
            "at::Tensor& hypot2_out(const at::Tensor& self, const at::Tensor& other, at::Tensor& out);",
            header,
        )

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
  dispatch:
    CPU, CUDA: axpby
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


def _build_and_test(repo: Path, junit: Path) -> dict[str, str]:
    """`./kit build` (CPU only) of `repo`, then the op's tests and doctest: their outcomes."""
    rc, out = kit_in(repo, "build", env={"ATEN_MINI_NO_CUDA": "1"})
    assert rc == 0, f"{repo} does not build:\n{out[-3000:]}"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0",
         "test/ops", "test/docs", "-k", "hypot", f"--junitxml={junit}", "-o", "junit_logging=all"],
        cwd=repo, env={**os.environ, "PYTHONPATH": f"{repo}:{repo / 'python'}"},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return _outcomes(junit)


HYPOT_KERNEL = """\
// CPU loop of hypot, compiled once per capability.

#include "DispatchStubs.h"

#include <aten_mini/native/cpu/Loops.h>

#include <ATen/Dispatch.h>
#include <ATen/OpMathType.h>

#include <cmath>

namespace at_mini::native {
namespace {

using at::vec::Vectorized;

void hypot_kernel(at::TensorIteratorBase& iter) {
  AT_DISPATCH_FLOATING_TYPES_AND2(
      at::kHalf, at::kBFloat16, iter.common_dtype(), "hypot_cpu", [&] {
        using opmath_t = at::opmath_type<scalar_t>;
        binary_kernel_vec<scalar_t>(
            iter,
            [](opmath_t a, opmath_t b) -> opmath_t { return std::hypot(a, b); },
            [](Vectorized<opmath_t> a, Vectorized<opmath_t> b) {
              return a.hypot(b);
            });
      });
}

} // namespace

REGISTER_DISPATCH(hypot_stub, &hypot_kernel);

} // namespace at_mini::native
"""

# What a learner does with each TODO(new-op) of `./kit new-op hypot`, besides the kernel.
HYPOT_TODOS_DONE = {
    "aten_mini/native/Hypot.cpp": [(r"(?s)// TODO\(new-op\).*?\n(?=at::TensorIterator)", "")],
    "test/opinfo/op_db.py": [
        (r" *# TODO\(new-op\).*\n", ""),
        # what test_dtypes reports as working (their samples that promote to float run)
        (
            r"(\"hypot\",\n(?:.*\n)*?) *dtypes=FLOATING,",
            r"\1        dtypes=ALL_REAL_AND_BOOL,",
        ),
    ],
    "python/aten_mini/_docs.py": [
        (r"TODO\(new-op\): say what hypot .*\n.*\n", "sqrt(input**2 + other**2), broadcast.\n"),
        (r"TODO\(new-op\): paste the output here", "tensor([1.4142, 2.8284])"),
    ],
}


def _do_the_todos(repo: Path) -> None:
    (repo / "aten_mini/native/cpu/HypotKernel.cpp").write_text(HYPOT_KERNEL)
    for rel, edits in HYPOT_TODOS_DONE.items():
        text = (repo / rel).read_text()
        for pattern, replacement in edits:
            text, n = re.subn(pattern, replacement, text, count=1)
            assert n == 1, f"{rel}: no {pattern!r} to replace"
        (repo / rel).write_text(text)


@pytest.mark.slow
@pytest.mark.needs_build
def test_the_scaffold_fails_at_each_todo_and_passes_once_they_are_done(tmp_path: Path) -> None:
    """Minutes: two CPU builds of a copy. Every failing test of the op names a TODO's file;
    with the TODOs done (a real kernel), every test of the op passes, torch.compile's too."""
    repo = checkout_copy(tmp_path)
    schema = "hypot(Tensor self, Tensor other) -> Tensor"
    rc, out = kit_in(repo, "new-op", "hypot", "--schema", schema, "--inplace", "--out", "--no-cuda")
    assert rc == 0, out
    outcomes = _build_and_test(repo, tmp_path / "scaffold.xml")
    failures = {name: text for name, text in outcomes.items() if text}
    assert len(failures) >= 10, f"too few failures: {sorted(failures)}"
    files = ["native/cpu/HypotKernel.cpp", *HYPOT_TODOS_DONE]
    silent = [
        n for n, t in failures.items() if "TODO(new-op)" not in t or not any(f in t for f in files)
    ]
    assert not silent, f"failures that name no TODO(new-op) and its file: {silent}"

    _do_the_todos(repo)
    outcomes = _build_and_test(repo, tmp_path / "done.xml")
    failures = {name: text[:2000] for name, text in outcomes.items() if text}
    assert not failures, f"tests of the finished op that fail: {failures}"
    for test in ("test_compile", "test_opcheck_dynamic", "test_todos", "test_reference"):
        assert any(name.startswith(f"{test}[hypot") for name in outcomes), f"{test} did not run"


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
