"""Turns the OpInfo database into pytest parameters with readable ids.

`op_params("test_reference")` gives one parameter per op x device x claimed
dtype, with ids like `add-cpu-float32`, so `./kit test -k "add and float32"`
selects them. Devices are the ones this machine has: CUDA parameters exist
only with a GPU, as in PyTorch's instantiate_device_type_tests. Each entry's
`DecorateInfo`s become skip / strict-xfail marks carrying their reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal

import pytest
import torch

from opinfo.core import OpInfo, dtype_name
from opinfo.op_db import op_db

DEVICES: tuple[str, ...] = ("cpu", "cuda") if torch.cuda.is_available() else ("cpu",)

# "all" claimed dtypes, "one" of them, "none" (no dtype in the id), or exactly
# one given dtype (gradcheck runs in torch.float64 only).
DtypeChoice = Literal["all", "one", "none"] | torch.dtype


def one_dtype(op: OpInfo, device: str) -> torch.dtype:
    """float32 if the op claims it, else its first claimed dtype."""
    claimed = op.supported_dtypes(device)
    return torch.float32 if torch.float32 in claimed else claimed[0]


def _dtypes(op: OpInfo, device: str, choice: DtypeChoice) -> list[torch.dtype | None]:
    if isinstance(choice, torch.dtype):
        return [choice]
    if choice == "all":
        return list(op.supported_dtypes(device))
    return [one_dtype(op, device)] if choice == "one" else [None]


def _marks(op: OpInfo, test: str, device: str, dtype: torch.dtype | None) -> list[Any]:
    marks: list[Any] = [pytest.mark.cuda] if device == "cuda" else []
    for d in op.decorations(test, device, dtype):
        if d.kind == "skip":
            marks.append(pytest.mark.skip(reason=d.reason))
        else:
            marks.append(pytest.mark.xfail(reason=d.reason, strict=True))
    return marks


def op_params(
    test: str,
    *,
    dtypes: DtypeChoice | Callable[[OpInfo], DtypeChoice] = "all",
    devices: Iterable[str] = DEVICES,
    ops: Iterable[OpInfo] = op_db,
    only: Callable[[OpInfo], bool] = lambda op: True,
) -> list[Any]:
    """pytest.param(op, device, dtype) for every selected op, device and dtype."""
    params = []
    for op in ops:
        if not only(op):
            continue
        choice = dtypes(op) if callable(dtypes) else dtypes
        for device in devices:
            for dtype in _dtypes(op, device, choice):
                parts = [op.name, device] + ([dtype_name(dtype)] if dtype else [])
                marks = _marks(op, test, device, dtype)
                params.append(pytest.param(op, device, dtype, id="-".join(parts), marks=marks))
    return params
