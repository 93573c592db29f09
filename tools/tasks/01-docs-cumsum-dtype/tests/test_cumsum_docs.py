"""Task 01: the cumsum docstring has a runnable `dtype=` example.

The examples are run against torch itself (`aten_mini.cumsum` is made an alias
of `torch.cumsum`, which it mirrors), so this check needs no C++ build;
test/docs/test_doctests.py runs the same examples against the built extension.
"""

from __future__ import annotations

import doctest
import importlib.util
import sys
import types
from pathlib import Path

import torch

DOCS_FILE = Path(__file__).resolve().parents[4] / "python" / "aten_mini" / "_docs.py"


def _cumsum_doc() -> str:
    spec = importlib.util.spec_from_file_location("_task01_docs", DOCS_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.DOCS["cumsum"])


def _examples() -> list[doctest.Example]:
    return doctest.DocTestParser().get_examples(_cumsum_doc())


def test_an_example_passes_dtype() -> None:
    with_dtype = [e for e in _examples() if "dtype=" in e.source]
    assert with_dtype, "no `>>>` line of cumsum's example in _docs.py passes dtype="
    assert any("dtype=" in e.want for e in with_dtype), (
        "the expected output of the dtype= example should show the result's dtype"
    )


def test_every_example_runs() -> None:
    shim = types.ModuleType("aten_mini")
    shim.cumsum = torch.cumsum  # type: ignore[attr-defined]
    saved = sys.modules.get("aten_mini")
    sys.modules["aten_mini"] = shim
    try:
        test = doctest.DocTestParser().get_doctest(_cumsum_doc(), {}, "cumsum", str(DOCS_FILE), 0)
        runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
        runner.run(test)
    finally:
        if saved is not None:
            sys.modules["aten_mini"] = saved
        else:
            del sys.modules["aten_mini"]
    assert runner.summarize(verbose=False).failed == 0, "an example failed (output above)"
