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
from clitools import ROOT, checkout_copy, git, kit_in
from expecttest import TestCase

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


class NewOpTest(TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls._tmp = tempfile.TemporaryDirectory()
        cls.repo = checkout_copy(Path(cls._tmp.name))
        cls.lint_before = _findings(cls.repo)
        cls.result = kit_in(cls.repo, "new-op", "hypot2", "--schema", SCHEMA, "--inplace", "--out")

    @classmethod
    def tearDownClass(cls) -> None:
        cls._tmp.cleanup()

    def test_what_it_says(self) -> None:
        rc, out = self.result
        self.assertEqual(rc, 0, out)
        self.assertExpectedInline(
            out,
            """\
kit: changed native_functions.yaml
kit: created aten_mini/native/Hypot2.cpp
kit: created aten_mini/native/cpu/Hypot2Kernel.cpp
kit: changed test/opinfo/op_db.py
kit: changed python/aten_mini/_docs.py
kit: changed tools/autograd/derivatives.yaml
kit: created aten_mini/native/cuda/Hypot2Kernel.cu
kit: next: `./kit build`, then `./kit test -k hypot2`: the tests fail with 'TODO(new-op): implement hypot2 in aten_mini/native/cpu/Hypot2Kernel.cpp' until you write the loop; `./kit explain hypot2` shows every piece
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
  dispatch_stub:
    hypot2_stub: void(at::TensorIteratorBase&)

- func: hypot2_(Tensor(a!) self, Tensor other) -> Tensor(a!)
  variants: function
  dispatch:
    CPU, CUDA: hypot2_

- func: hypot2.out(Tensor self, Tensor other, *, Tensor(a!) out) -> Tensor(a!)
  dispatch:
    CPU, CUDA: hypot2_out
""",
        )

    def test_the_cpu_loop_fails_naming_its_file(self) -> None:
        text = (self.repo / "aten_mini/native/cpu/Hypot2Kernel.cpp").read_text()
        code = re.sub(r'"\s*"', "", re.sub(r"\s+", " ", text)).replace("( ", "(")
        message = "TODO(new-op): implement hypot2 in aten_mini/native/cpu/Hypot2Kernel.cpp"
        self.assertIn(f'TORCH_CHECK(false, "{message}");', code)

    def test_codegen_and_the_kernel_check_accept_it(self) -> None:
        with tempfile.TemporaryDirectory() as out:
            proc = subprocess.run(
                [sys.executable, "-m", "torchgen_mini", "gen", "--out", out, "--quiet"],
                cwd=self.repo, env={**os.environ, "PYTHONPATH": str(self.repo)},
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            self.assertEqual(proc.returncode, 0, proc.stderr)
            header = (Path(out) / "NativeFunctions.h").read_text()
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
            out,
            """\
kit: error: op 'hypot2' already exists (native_functions.yaml:67); `./kit explain hypot2`
""",
        )
        self.assertEqual(_status(self.repo), before)


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
        self.assertExpectedInline(
            self.refused("relu", "--schema", "relu(Tensor self) -> Tensor"),
            """\
kit: error: op 'relu' already exists (native_functions.yaml:89); `./kit explain relu`
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


def _failures(junit: Path) -> dict[str, str]:
    """Failing test -> its failure text and captured output, from a JUnit XML report."""
    failures = {}
    for case in ET.parse(junit).iter("testcase"):
        failure = case.find("failure")
        if failure is None:
            continue
        parts = [failure.get("message") or "", failure.text or ""]
        parts += [(case.findtext(tag) or "") for tag in ("system-out", "system-err")]
        failures[case.get("name", "?")] = "\n".join(parts)
    return failures


@pytest.mark.slow
@pytest.mark.needs_build
def test_the_scaffold_builds_and_its_tests_fail_at_the_todos(tmp_path: Path) -> None:
    """Minutes: a full CPU build of a copy. Every failing test of the op names the TODO's file."""
    repo = checkout_copy(tmp_path)
    schema = "hypot(Tensor self, Tensor other) -> Tensor"
    rc, out = kit_in(repo, "new-op", "hypot", "--schema", schema, "--inplace", "--out")
    assert rc == 0, out
    rc, out = kit_in(repo, "build", env={"ATEN_MINI_NO_CUDA": "1"})
    assert rc == 0, f"the scaffold does not build:\n{out[-3000:]}"
    junit = tmp_path / "junit.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0",
         "test/ops", "test/docs", "-k", "hypot", f"--junitxml={junit}", "-o", "junit_logging=all"],
        cwd=repo, env={**os.environ, "PYTHONPATH": f"{repo}:{repo / 'python'}"},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    failures = _failures(junit)
    assert len(failures) >= 10, f"too few failures: {sorted(failures)}"
    todo = "TODO(new-op): implement hypot in aten_mini/native/cpu/HypotKernel.cpp"
    silent = [name for name, text in failures.items() if todo not in text]
    assert not silent, f"failures that do not name {todo!r}: {silent}"
