"""What the tests of several tasks (tools/tasks/*/tests) share, and test/ with them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import torch


def dtype_id(value: object) -> str:
    """Test ids: `int64`, not `torch.int64`."""
    return str(value).replace("torch.", "")


def aten_mini_with(name: str, todo: str) -> ModuleType:
    """aten_mini once built with `name`; until then the test fails saying `todo`, no traceback."""
    import aten_mini

    if not hasattr(aten_mini, name):
        pytest.fail(f"aten_mini.{name} does not exist yet: {todo}", pytrace=False)
    return aten_mini


@contextmanager
def default_dtype(dtype: torch.dtype) -> Iterator[None]:
    """`torch.set_default_dtype(dtype)` for the block, the old default restored after."""
    import torch

    old = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(old)


def raises_like_torch(
    calls: Mapping[str, Callable[[ModuleType], object]], ours: ModuleType
) -> None:
    """Each of `calls` (name -> call on a module) raises a RuntimeError on `torch`,
    and on `ours` one whose message starts with the same line."""
    import torch

    for name, call in calls.items():
        with pytest.raises(RuntimeError) as theirs:
            call(torch)
        message = re.escape(str(theirs.value).splitlines()[0])
        with pytest.raises(RuntimeError, match=message):
            call(ours)
            pytest.fail(f"{name}: no error")


def registered_at(qualname: str, key: str) -> str:
    """Where `key`'s kernel of `qualname` was registered (`file:line`), from the dispatcher."""
    import torch

    import aten_mini  # noqa: F401  (registers the ops)

    dump = torch._C._dispatch_dump(qualname)
    m = re.search(rf"^{key}: registered at (\S+)", dump, flags=re.MULTILINE)
    assert m, f"no {key} kernel for {qualname}:\n{dump}"
    return m.group(1)
