"""Shared pytest options and markers.

- `--slow` enables the tests marked `slow`.
- `needs_build` tests skip, saying how to build, while aten_mini._C is missing.
- `cuda` tests skip without a CUDA device.

pytest puts this directory on sys.path (there is no test/__init__.py), so
tests import the OpInfo framework as `opinfo`.
"""

from __future__ import annotations

import importlib.util

import pytest
import torch

NOT_BUILT = "aten_mini._C not built: run ./kit build"
NO_CUDA = "no CUDA device"


def extension_built() -> bool:
    try:
        return importlib.util.find_spec("aten_mini._C") is not None
    except ImportError:
        return False


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", default=False, help="run tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _skip_marked(items, "needs_build", NOT_BUILT, when=not extension_built())
    _skip_marked(items, "cuda", NO_CUDA, when=not torch.cuda.is_available())
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="needs --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def _skip_marked(items: list[pytest.Item], marker: str, reason: str, *, when: bool) -> None:
    if not when:
        return
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if item.get_closest_marker(marker) is not None:
            item.add_marker(skip)
