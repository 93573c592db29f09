"""The output protocol between `gen` and the `dest/` modules.

Each module of `torchgen_mini/dest/` that produces files has a function

    def outputs(ctx: Context) -> Iterable[Output]: ...

that says, for the checked inputs in `ctx`, which files it produces: for each,
its name under the output directory, the template that renders it and the
values the template places.  `gen` calls it on every module of its
`DESTINATIONS` list and hands each `Output` to the FileManager.  No dest
module touches the FileManager or the output directory.  See Note [One output
protocol].
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from torchgen_mini.derivatives import DifferentiabilityInfo
from torchgen_mini.model import NativeFunction

# Note [One output protocol]
# The generator is a pipeline: load and check the inputs (native_functions.yaml
# with its cross-checks, then derivatives.yaml; torchgen_mini/pipeline.py),
# put what they hold into a `Context`, ask every dest module for its
# `Output`s, render them all in memory, write what changed (file_manager.py).
# Rendering comes after every check, so a bad input writes nothing.  A dest
# module is a function of the `Context` only: it computes values (lists of
# names, types, expressions, or C++ pieces rendered from template macros) and
# names its template, and `gen` does the rest.  Adding an output file kind is
# one new module with an `outputs()` and its template, plus one line in
# `gen.DESTINATIONS`; `--list-outputs` (CMake's list of what to expect) then
# includes it, since it lists exactly the `Output`s of a run.


@dataclass(frozen=True)
class Context:
    """The checked inputs of one generator run."""

    native_functions: list[NativeFunction]
    # derivatives.yaml, parsed against native_functions; None when the run has
    # none (a YAML tree without tools/autograd/derivatives.yaml), and then no
    # RegisterAutograd.cpp is generated.
    derivatives: list[DifferentiabilityInfo] | None = None
    # The torch compiled against still has named tensors (`--torch-dimnames`;
    # Note [torch with named tensors] in torchgen_mini/dest/structured.py).
    torch_dimnames: bool = False


@dataclass(frozen=True)
class Output:
    """One generated file: `filename` (relative to the output directory), rendered
    from `template` (a file in torchgen_mini/templates/) with `values`."""

    filename: str
    template: str
    values: Mapping[str, object] = field(default_factory=dict)


class Destination(Protocol):
    """A dest module (its `outputs` function), as `gen.DESTINATIONS` lists them."""

    def outputs(self, ctx: Context) -> Iterable[Output]: ...
