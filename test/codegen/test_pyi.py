"""The generated `_C.pyi` is valid Python and means what the bindings do."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from codegen_testutil import gen_args, make_tree

from torchgen_mini import gen

USAGE = """\
import torch
from pkg import _C

x = torch.ones(3)
y: torch.Tensor = _C.add(x, x, alpha=2)
z = _C.add(x, 3)
s = _C.sum(x, dim=(0,), keepdim=True, dtype=torch.float64)
s2 = _C.sum(x, 0)
_C.softplus(x, beta=2, threshold=10)
bad = _C.add(x, "a")
"""


def generated_pyi(root: Path) -> str:
    assert gen.main(gen_args(make_tree(root), root / "out")) == 0
    return (root / "out" / "_C.pyi").read_text()


def test_pyi_parses(tmp_path: Path) -> None:
    tree = ast.parse(generated_pyi(tmp_path))
    defs = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert defs == ["add", "add", "add_", "silu", "softplus", "sum"]


@pytest.mark.slow
def test_pyi_type_checks(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "_C.pyi").write_text(generated_pyi(tmp_path))
    (tmp_path / "use.py").write_text(USAGE)
    cmd = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "use.py", "pkg"]
    result = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, check=False)
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and errors[0].startswith("use.py:10:"), result.stdout
