"""A smoke test that runs in seconds: `./kit test test/smoke` before anything else.

It answers "is my checkout usable?": the OpInfo database loads, the extension
imports, one op runs through its Python binding and through the dispatcher,
and the generic reference check passes on one op.
"""

from __future__ import annotations

import pytest
import torch
from opinfo import checks
from opinfo.op_db import op_db


def test_op_db_loads() -> None:
    assert {"add", "sum"} <= {op.name for op in op_db}


@pytest.mark.needs_build
def test_extension_runs_an_op() -> None:
    import aten_mini

    x, y = torch.tensor([1.0, 2.0]), torch.tensor([10.0, 20.0])
    torch.testing.assert_close(aten_mini.add(x, y, alpha=2), torch.tensor([21.0, 42.0]))
    torch.testing.assert_close(torch.ops.aten_mini.add.Tensor(x, y), x + y)


@pytest.mark.needs_build
def test_reference_check_passes_on_add() -> None:
    add = next(op for op in op_db if op.name == "add")
    checks.check_reference(add, "cpu", torch.float32)
