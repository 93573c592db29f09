"""Runs the example in every op's docstring (python/aten_mini/_docs.py).

The examples are executed against the built extension, so a docstring whose
example no longer matches what the op returns fails here, naming the op.
"""

from __future__ import annotations

import doctest
import importlib.util
from pathlib import Path

import pytest
from aten_mini._docs import DOCS

needs_build = pytest.mark.skipif(
    importlib.util.find_spec("aten_mini._C") is None,
    reason="aten_mini._C not built: run ./kit build",
)


@needs_build
@pytest.mark.needs_build
@pytest.mark.parametrize("name", sorted(DOCS))
def test_docstring_example(name: str) -> None:
    parser = doctest.DocTestParser()
    test = parser.get_doctest(DOCS[name], {}, f"aten_mini.{name}", "python/aten_mini/_docs.py", 0)
    assert test.examples, f"the docstring of {name} in python/aten_mini/_docs.py has no example"
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"the example in the docstring of {name} failed (output above)"


@needs_build
@pytest.mark.needs_build
@pytest.mark.parametrize("name", sorted(DOCS))
def test_binding_carries_docstring(name: str) -> None:
    import aten_mini

    doc = getattr(aten_mini, name).__doc__ or ""
    first_line = DOCS[name].splitlines()[0]
    assert first_line in doc, f"aten_mini.{name}.__doc__ does not carry its text from _docs.py"


def test_every_documented_op_is_in_the_yaml() -> None:
    import yaml

    with open(Path(__file__).parents[2] / "native_functions.yaml") as f:
        names = {e["func"].split("(")[0].split(".")[0].rstrip("_") for e in yaml.safe_load(f)}
    assert set(DOCS) <= names, f"documented but not in native_functions.yaml: {set(DOCS) - names}"
