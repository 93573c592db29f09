"""Task 15: a CUDA kernel for log1p.

Without a GPU (CI, `./kit dev verify`) these tests read what the build is made
of: the YAML entry dispatches CUDA, the generated CUDA registration has log1p,
and the OpInfo entry claims CUDA dtypes. Compiling the .cu file is the task's
own check (compile_cuda.py); running it is `test_cuda_matches_torch` here and
`test_cuda_vs_cpu[log1p-cuda]` in test/ops/test_ops.py, on a machine with a GPU.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import torch

from torchgen_mini.model import DispatchKey, NativeFunction
from torchgen_mini.native_yaml import parse_native_yaml

ROOT = Path(__file__).resolve().parents[4]
FLOATING = (torch.float16, torch.bfloat16, torch.float32, torch.float64)


def _log1p_entries() -> list[NativeFunction]:
    ops = parse_native_yaml(str(ROOT / "native_functions.yaml"), str(ROOT / "tags.yaml"))
    assert not ops.errors, "\n".join(map(str, ops.errors))
    found = [f for f in ops.native_functions if f.func.name.name.base == "log1p"]
    assert found, "native_functions.yaml has no log1p entry"
    return found


def test_yaml_entries_dispatch_cuda() -> None:
    # log1p and log1p_ delegate to log1p.out (structured): its dispatch is theirs.
    missing = [
        f"native_functions.yaml:{f.loc.line}: {f.func.name} dispatches "
        f"{', '.join(k.value for k in f.dispatch)} but not CUDA"
        for f in _log1p_entries()
        if f.structured_delegate is None and DispatchKey.CUDA not in f.dispatch
    ]
    assert not missing, "\n".join(missing) + "\n(write `CPU, CUDA: <kernel>` in its dispatch)"


def test_generated_cuda_registration_has_log1p(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "torchgen_mini", "gen", "--quiet", "--out", str(tmp_path)]
    cmd += ["--yaml", str(ROOT / "native_functions.yaml"), "--tags", str(ROOT / "tags.yaml")]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # RegisterCUDA.cpp where the codegen writes it as C++, else RegisterCUDA.cu.
    names = [n for n in ("RegisterCUDA.cpp", "RegisterCUDA.cu") if (tmp_path / n).is_file()]
    assert names, f"the codegen wrote no RegisterCUDA file into {tmp_path}"
    path = tmp_path / names[0]
    generated = path.read_text(encoding="utf-8")
    for f in _log1p_entries():
        assert f'm.impl("{f.func.name}",' in generated, (
            f"the generated {path.name} registers no CUDA kernel for {f.func.name}"
        )


def _log1p_opinfo() -> Any:
    sys.path.insert(0, str(ROOT / "test"))  # the OpInfo framework, as test/conftest.py has it
    found = [op for op in importlib.import_module("opinfo.op_db").op_db if op.name == "log1p"]
    assert found, "test/opinfo/op_db.py has no OpInfo for log1p"
    return found[0]


def test_opinfo_claims_cuda_dtypes() -> None:
    op = _log1p_opinfo()
    claimed = set(op.supported_dtypes("cuda"))
    missing = [str(d) for d in FLOATING if d not in claimed]
    assert not missing, (
        f"log1p's OpInfo does not claim {', '.join(missing)} on CUDA: "
        "set its `dtypesIfCUDA` to what the CUDA kernel supports"
    )
    skips = op.decorations("test_cuda_vs_cpu", "cuda", None)
    assert not skips, f"log1p's OpInfo still skips test_cuda_vs_cpu: {skips[0].reason}"


CASES = [-1.0, -2.0, -0.5, -1e-8, 0.0, 1e-8, 3.0, 1e30, float("inf"), -float("inf"), float("nan")]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device (run on a GPU)")
@pytest.mark.parametrize("dtype", FLOATING, ids=str)
def test_cuda_matches_torch(dtype: torch.dtype) -> None:
    aten_mini: Any = importlib.import_module("aten_mini")
    x = torch.tensor(CASES * 30, device="cuda").to(dtype).reshape(11, 30).t()  # strided
    got = aten_mini.log1p(x)
    assert got.device.type == "cuda", f"aten_mini.log1p returned a tensor on {got.device}"
    torch.testing.assert_close(got, torch.log1p(x), equal_nan=True)
