"""The generic operator tests: every OpInfo in test/opinfo/op_db.py, each check.

Test ids read `test_<check>[<op>-<device>-<dtype>]`, so `./kit test -k add`
runs everything about `add` and `-k "test_out and float16"` one slice. The
checks themselves live in test/opinfo/checks.py, where test/framework/ proves
each one catches the bug it is for.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import torch
from opinfo import capabilities, checks
from opinfo.core import OpInfo
from opinfo.params import op_params

pytestmark = pytest.mark.needs_build


@pytest.mark.parametrize("op, device, dtype", op_params("test_reference"))
def test_reference(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    checks.check_reference(op, device, dtype)


@pytest.mark.parametrize("op, device, dtype", op_params("test_dtypes", dtypes="none"))
def test_dtypes(op: OpInfo, device: str, dtype: None) -> None:
    checks.check_dtypes(op, device)


def _all_if(flag: str) -> Any:
    """Every dtype for ops that have the variant; one, to check it is absent, otherwise."""
    return lambda op: "all" if getattr(op, flag) else "one"


@pytest.mark.parametrize("op, device, dtype", op_params("test_out", dtypes=_all_if("supports_out")))
def test_out(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    checks.check_out(op, device, dtype)


@pytest.mark.parametrize(
    "op, device, dtype", op_params("test_inplace", dtypes=_all_if("supports_inplace"))
)
def test_inplace(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    checks.check_inplace(op, device, dtype)


@pytest.mark.parametrize("op, device, dtype", op_params("test_layouts"))
def test_layouts(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    checks.check_layouts(op, device, dtype)


@pytest.mark.parametrize("op, device, dtype", op_params("test_meta", devices=["cpu"]))
def test_meta(op: OpInfo, device: str, dtype: torch.dtype) -> None:
    checks.check_meta(op, device, dtype)


@pytest.mark.parametrize(
    "op, device, dtype",
    op_params("test_errors", dtypes="none", only=lambda op: op.error_inputs_func is not None),
)
def test_errors(op: OpInfo, device: str, dtype: None) -> None:
    checks.check_error_inputs(op, device)


# Reads files only; in this module so that `-k <op>` on it (as task checks run it)
# includes it. See test/opinfo/todos.py.
@pytest.mark.parametrize(
    "op, device, dtype", op_params("test_todos", dtypes="none", devices=["cpu"])
)
def test_todos(op: OpInfo, device: str, dtype: None) -> None:
    checks.check_todos(op)


@pytest.fixture(scope="session")
def capability_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What every sample gives under each CPU capability this machine runs."""
    root = tmp_path_factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        root = root.parent  # shared by the xdist workers of this run
    return capabilities.results_per_capability(root / "capabilities")


# One test per wider capability, so the report says which ran here and which
# skipped (and why: a CPU without AVX512 still compiles the AVX512 kernels).
@pytest.mark.parametrize("capability", capabilities.ORDER[1:])
@pytest.mark.parametrize("op, device, dtype", op_params("test_cpu_capabilities", devices=["cpu"]))
def test_cpu_capabilities(
    op: OpInfo, device: str, dtype: torch.dtype, capability: str, capability_results: dict[str, Any]
) -> None:
    if capability not in capability_results:
        pytest.skip(f"not compared with default: {capabilities.why_not_run(capability)}")
    pair = {cap: capability_results[cap] for cap in ("default", capability)}
    checks.check_capabilities(op, dtype, pair)


@pytest.mark.cuda
@pytest.mark.parametrize(
    "op, device, dtype", op_params("test_cuda_vs_cpu", dtypes="none", devices=["cuda"])
)
def test_cuda_vs_cpu(op: OpInfo, device: str, dtype: None) -> None:
    for claimed in op.supported_dtypes("cuda"):
        checks.check_cuda_vs_cpu(op, claimed)


@pytest.mark.parametrize("op, device, dtype", op_params("test_opcheck", dtypes="none"))
def test_opcheck(op: OpInfo, device: str, dtype: None) -> None:
    checks.check_opcheck(op, device)


@pytest.mark.parametrize("op, device, dtype", op_params("test_opcheck_dynamic", dtypes="none"))
def test_opcheck_dynamic(op: OpInfo, device: str, dtype: None) -> None:
    checks.check_opcheck(op, device, utils=checks.DYNAMIC_OPCHECK_UTILS)


@pytest.mark.parametrize("op, device, dtype", op_params("test_compile", dtypes="none"))
def test_compile(op: OpInfo, device: str, dtype: None) -> None:
    checks.check_compile(op, device)


# See Note [torch.compile backend]: one inductor run (38 s cold, 7.6 s warm, on 2 cores).
@pytest.mark.slow
@pytest.mark.parametrize(
    "op, device, dtype",
    op_params("test_compile_inductor", dtypes="none", only=lambda op: op.name == "add"),
)
def test_compile_inductor(op: OpInfo, device: str, dtype: None) -> None:
    checks.check_compile(op, device, backend="inductor", samples=1)
