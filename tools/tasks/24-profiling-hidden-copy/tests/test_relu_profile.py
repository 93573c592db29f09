"""Task 24: relu on a non-dense input runs without a hidden copy of the input.

The check reads torch.profiler's event tree, not a clock: a copy shows up as
`aten::contiguous` / `aten::clone` / `aten::copy_` events *inside* the
`aten_mini::relu` event (the dispatcher records every op call, the kit's
included), whatever the machine's speed. The speed itself is for
`./kit bench relu` to show (its `relu strided` case), side by side with torch.
Results must stay torch's, values and strides, on the same layouts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import torch
from torch.profiler import ProfilerActivity, profile, record_function

COPIES = ("aten::contiguous", "aten::clone", "aten::copy_", "aten::_to_copy", "aten::to")
RELU_EVENTS = ("aten_mini::relu", "aten_mini::relu_", "aten_mini::relu.out")


def _aten_mini() -> Any:
    import aten_mini

    return aten_mini


def _channels_last_slice() -> torch.Tensor:
    return torch.randn(2, 8, 6, 6).contiguous(memory_format=torch.channels_last)[:, :, ::2]


# name -> a non-dense input (TensorIterator runs these with strides, copying nothing)
LAYOUTS: dict[str, Callable[[], torch.Tensor]] = {
    "every other column": lambda: torch.randn(64, 256)[:, ::2],
    "every other row": lambda: torch.randn(128, 64)[::2],
    "expanded row": lambda: torch.randn(64).expand(32, 64),
    "slice of a transpose": lambda: torch.randn(256, 64).t()[:, ::2],
    "slice of channels-last": _channels_last_slice,
}


def _descendants(event: Any) -> list[Any]:
    found = []
    for child in event.cpu_children:
        found.append(child)
        found.extend(_descendants(child))
    return found


def _copies_inside_relu(fn: Callable[[], Any], label: str) -> tuple[list[str], int]:
    """(names of the copy events inside the relu call, number of relu events seen)."""
    # record_function labels a range of your own in the profile.
    with profile(activities=[ProfilerActivity.CPU]) as prof, record_function(label):
        fn()
    relus = [e for e in prof.events() if e.name in RELU_EVENTS]
    copies = [d.name for e in relus for d in _descendants(e) if d.name in COPIES]
    return copies, len(relus)


def _assert_no_copy(fn: Callable[[], Any], what: str) -> None:
    copies, seen = _copies_inside_relu(fn, what)
    assert seen, f"{what}: the profile has no {' / '.join(RELU_EVENTS)} event"
    assert not copies, (
        f"{what}: the profile shows {', '.join(sorted(set(copies)))} inside the relu call: "
        "the kernel copies its input before it runs. TensorIterator takes strided inputs as "
        "they are; find where the copy is made (read the profile's event tree: "
        "prof.key_averages(group_by_input_shape=True), or prof.events() and cpu_children)"
    )


@pytest.mark.parametrize("layout", LAYOUTS)
def test_functional_relu_copies_nothing(layout: str) -> None:
    relu = _aten_mini().relu
    x = LAYOUTS[layout]()
    _assert_no_copy(lambda: relu(x), f"aten_mini.relu of {layout}")


@pytest.mark.parametrize("layout", ["every other column", "slice of a transpose"])
def test_out_and_inplace_copy_nothing(layout: str) -> None:
    am = _aten_mini()
    x = LAYOUTS[layout]()
    out = torch.empty(x.shape)
    _assert_no_copy(lambda: am.relu(x, out=out), f"aten_mini.relu(x, out=...) of {layout}")
    y = LAYOUTS[layout]()
    _assert_no_copy(lambda: am.relu_(y), f"aten_mini.relu_ of {layout}")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_results_are_torchs(layout: str) -> None:
    am = _aten_mini()
    torch.manual_seed(0)
    x = LAYOUTS[layout]()
    got, want = am.relu(x), torch.relu(x)
    torch.testing.assert_close(got, want, msg=lambda m: f"relu of {layout}: {m}")
    assert got.stride() == want.stride(), (
        f"relu of {layout}: the result has strides {got.stride()}, torch's {want.stride()}"
    )
    if layout != "expanded row":  # in place on an expanded tensor is an error, as in torch
        torch.manual_seed(1)
        y = LAYOUTS[layout]()
        torch.manual_seed(1)
        z = LAYOUTS[layout]()
        am.relu_(y)
        torch.relu_(z)
        torch.testing.assert_close(y, z, msg=lambda m: f"relu_ of {layout}: {m}")


def test_a_copy_would_be_seen() -> None:
    # The check itself: a copy inside the op's call is found in the event tree.
    relu = _aten_mini().relu
    x = LAYOUTS["every other column"]()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        relu(x.contiguous())
    names = {e.name for e in prof.events()}
    assert {"aten::contiguous", "aten::copy_"} <= names, sorted(names)
    # ... but outside the relu event, so it is not relu's copy:
    copies, seen = _copies_inside_relu(lambda: relu(x.contiguous()), "caller copies")
    assert seen == 1 and copies == []
