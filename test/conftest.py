"""Shared pytest options and markers.

- `--slow` enables the tests marked `slow`.
- `--upstream-full` makes test/upstream check every upstream sample.
- `needs_build` tests skip, saying how to build, while aten_mini._C is missing.
- `cuda` tests skip without a CUDA device.

pytest puts this directory on sys.path (there is no test/__init__.py), so
tests import the OpInfo framework as `opinfo`.
"""

from __future__ import annotations

import importlib
import importlib.util
import warnings

import pytest
import torch

NOT_BUILT = "aten_mini._C not built: run ./kit build"
NO_CUDA = "no CUDA device"


def extension_built() -> bool:
    try:
        return importlib.util.find_spec("aten_mini._C") is not None
    except ImportError:
        return False


def pytest_configure(config: pytest.Config) -> None:
    # The first torch.autograd.forward_ad.make_dual (torch.func.jvp, gradcheck
    # with check_forward_ad) imports torch._decomp.decompositions_for_jvp,
    # which calls torch.jit.script: a FutureWarning in torch 2.14, an error
    # under this suite's filterwarnings=error, wherever a test first makes a
    # dual tensor. Import it here once, with that one warning silenced (of any
    # category: torch 2.11, which the GPU machine has, makes it a
    # DeprecationWarning).
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "`torch.jit.script` is deprecated")
        importlib.import_module("torch._decomp.decompositions_for_jvp")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", default=False, help="run tests marked slow")
    parser.addoption(
        "--upstream-full",
        action="store_true",
        default=False,
        help="test/upstream: check every upstream OpInfo sample, not the first few per dtype",
    )


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
