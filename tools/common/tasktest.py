"""What the tests of several tasks (tools/tasks/*/tests) share."""

from __future__ import annotations

from types import ModuleType

import pytest


def dtype_id(value: object) -> str:
    """Test ids: `int64`, not `torch.int64`."""
    return str(value).replace("torch.", "")


def aten_mini_with(name: str, todo: str) -> ModuleType:
    """aten_mini once built with `name`; until then the test fails saying `todo`, no traceback."""
    import aten_mini

    if not hasattr(aten_mini, name):
        pytest.fail(f"aten_mini.{name} does not exist yet: {todo}", pytrace=False)
    return aten_mini
