"""A task's `proposal.yaml`: native_functions.yaml entries that a task's tests read."""

from __future__ import annotations

from pathlib import Path

from tools.common.paths import ROOT
from torchgen_mini.model import NativeFunction
from torchgen_mini.native_yaml import parse_native_yaml


def proposal_functions(path: Path) -> list[NativeFunction]:
    """The entries of `path`, parsed against the kit's tags.yaml; fails listing every error."""
    parsed = parse_native_yaml(path, ROOT / "tags.yaml")
    if parsed.errors:
        raise AssertionError("\n".join(str(e) for e in parsed.errors))
    return parsed.native_functions


def proposal_function(path: Path) -> NativeFunction:
    """The one entry of `path` (see proposal_functions)."""
    (f,) = proposal_functions(path)
    return f
