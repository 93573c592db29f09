"""The DispatchStub runtime: CPU capability choice, its override, stub errors.

Capability tests run in a subprocess: the capability is chosen once per
process, from ATEN_MINI_CPU_CAPABILITY at the first stub call.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import torch
import yaml
from opinfo.capabilities import why_not_run

pytestmark = pytest.mark.needs_build

ROOT = Path(__file__).resolve().parents[2]
ORDER = ["default", "avx2", "avx512"]


def _c():  # type: ignore[no-untyped-def]
    from aten_mini import _C

    if not hasattr(_C, "_cpu_capability"):
        pytest.skip(NOT_BOUND)
    return _C


NOT_BOUND = (
    "aten_mini._C lacks the stub introspection: the generated python_functions.cpp must "
    "call at_mini::native::bind_introspection(m) (aten_mini/native/IntrospectionBindings.h)"
)


def test_introspection_is_bound() -> None:
    from aten_mini import _C

    assert hasattr(_C, "_cpu_capability"), NOT_BOUND


def _best_for_this_cpu() -> str:
    torch_cap = torch.backends.cpu.get_cpu_capability().lower()
    return torch_cap if torch_cap in ORDER else "default"


def _run(code: str, capability: str | None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("ATEN_MINI_CPU_CAPABILITY", None)
    if capability is not None:
        env["ATEN_MINI_CPU_CAPABILITY"] = capability
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


TRACE_ADD = """
    import json, torch, aten_mini
    from aten_mini import _C
    _C._stub_trace(True)
    aten_mini.add(torch.ones(100), torch.ones(100))
    _C._stub_trace(False)
    print(json.dumps({"cap": _C._cpu_capability(), "events": _C._stub_trace_events()}))
"""


def _usable_capabilities() -> list[str]:
    best = ORDER.index(_best_for_this_cpu())
    compiled = _c()._compiled_cpu_capabilities()
    return [cap for cap in ORDER[: best + 1] if cap in compiled]


def _run_on(code: str, capability: str) -> dict[str, Any]:
    """The JSON that `code` prints with `capability`'s kernels forced, which
    it must report as the one in use; a skip where this CPU or build lacks them."""
    if capability not in _usable_capabilities():
        pytest.skip(why_not_run(capability))
    result = _run(code, capability=capability)
    assert result.returncode == 0, result.stderr
    out: dict[str, Any] = json.loads(result.stdout)
    assert out["cap"] == capability
    return out


def test_every_yaml_stub_is_defined() -> None:
    entries = yaml.safe_load((ROOT / "native_functions.yaml").read_text())
    declared = {name for e in entries for name in (e.get("dispatch_stub") or {})}
    assert set(_c()._dispatch_stubs()) == declared


def test_every_stub_has_a_default_cpu_kernel() -> None:
    missing = [s for s, kernels in _c()._dispatch_stubs().items() if "default" not in kernels]
    assert not missing, (
        f"stubs without a DEFAULT CPU kernel (add one in aten_mini/native/cpu/): {missing}"
    )


def test_default_choice_is_best_supported() -> None:
    _c()  # skips when the introspection is not bound
    result = _run(TRACE_ADD, capability=None)
    assert result.returncode == 0, result.stderr
    best = _best_for_this_cpu()
    compiled = _c()._compiled_cpu_capabilities()
    assert json.loads(result.stdout)["cap"] == best
    registered = _c()._dispatch_stubs()["add_stub"]
    expected = max(
        (c for c in compiled if ORDER.index(c) <= ORDER.index(best) and c in registered),
        key=ORDER.index,
    )
    assert ["add_stub", expected] in json.loads(result.stdout)["events"]


TRACE_ADD_SIGMOID = """
    import json, torch, aten_mini
    from aten_mini import _C
    _C._stub_trace(True)
    aten_mini.add(torch.ones(100), torch.ones(100))
    aten_mini.sigmoid(torch.ones(100))
    _C._stub_trace(False)
    print(json.dumps({"cap": _C._cpu_capability(), "events": _C._stub_trace_events()}))
"""


@pytest.mark.parametrize("capability", ORDER)
def test_override_runs_the_named_kernel(capability: str) -> None:
    # Like torch, add's kernel is registered with REGISTER_DISPATCH, which
    # fills no AVX512 slot, and sigmoid's with ALSO_REGISTER_AVX512_DISPATCH
    # (Note [CPU capabilities] in aten_mini/native/DispatchStub.h).
    out = _run_on(TRACE_ADD_SIGMOID, capability)
    add = "avx2" if capability == "avx512" else capability
    assert out["events"] == [["add_stub", add], ["sigmoid_stub", capability]]


def test_no_avx512_slot_without_also_register() -> None:
    stubs = _c()._dispatch_stubs()
    also = {"sigmoid_stub", "log1p_stub"}  # ALSO_REGISTER_AVX512_DISPATCH, as in torch
    with_avx512 = {name for name, kernels in stubs.items() if "avx512" in kernels}
    if "avx512" not in _c()._compiled_cpu_capabilities():
        pytest.skip(why_not_run("avx512"))
    assert with_avx512 == also


def test_bad_override_is_an_error() -> None:
    _c()  # skips when the introspection is not bound
    result = _run(TRACE_ADD, capability="avx3")
    assert result.returncode != 0
    assert "ATEN_MINI_CPU_CAPABILITY=avx3 is not a CPU capability" in result.stderr


def test_override_beyond_the_cpu_warns_and_falls_back() -> None:
    _c()  # skips when the introspection is not bound
    if _best_for_this_cpu() == "avx512":
        pytest.skip("this CPU runs avx512: nothing to fall back from")
    result = _run(TRACE_ADD, capability="avx512")
    assert result.returncode == 0, result.stderr
    assert "asks for instructions this CPU lacks" in result.stderr
    assert json.loads(result.stdout)["cap"] == _best_for_this_cpu()


SAME_RESULTS = """
    import sys, torch, aten_mini
    torch.manual_seed(0)
    x = torch.randn(1037, 33) * 4
    y = torch.randn(33)
    h = x.half()
    results = [
        aten_mini.add(x, y, alpha=0.5), aten_mini.mul(x, y), aten_mini.sigmoid(x),
        aten_mini.relu(x), aten_mini.softplus(x, 2, 3), aten_mini.where(x > 0, x, y),
        aten_mini.sum(x, [0]), aten_mini.sum(x, [1]), aten_mini.sum(x),
        aten_mini.cumsum(x, 0), aten_mini.cumsum(x, 1), aten_mini.sigmoid(h),
        aten_mini.add(h, h.t().contiguous().t()), aten_mini.sum(h, [0]),
    ]
    torch.save(results, sys.argv[-1] if len(sys.argv) > 1 else "{path}")
"""


@pytest.mark.parametrize("capability", ORDER[1:])
def test_capabilities_give_the_same_results(tmp_path: Path, capability: str) -> None:
    if capability not in _usable_capabilities():
        pytest.skip(f"not compared with default: {why_not_run(capability)}")
    results = {}
    for cap in ("default", capability):
        path = tmp_path / f"{cap}.pt"
        result = _run(SAME_RESULTS.format(path=path), capability=cap)
        assert result.returncode == 0, result.stderr
        results[cap] = torch.load(path)
    for i, (a, b) in enumerate(zip(results["default"], results[capability], strict=True)):
        torch.testing.assert_close(a, b, msg=lambda m, i=i: f"result {i}, {capability}: {m}")


# A NaN in each lane of the vector body and in the tail: ATen's vector
# max/min/clamp differ per capability in how they treat NaN (Note [AVX512
# maximum of Half and BFloat16] in aten_mini/native/cpu/Loops.h), so each
# capability's kernels must give NaN exactly where torch does.
NAN_LANES = """
    import json, torch, aten_mini
    F = torch.nn.functional
    wrong = []
    for dtype in (torch.float32, torch.float64, torch.float16, torch.bfloat16):
        for lane in range(67):
            x = torch.linspace(-3, 3, 67, dtype=dtype)
            x[lane] = float("nan")
            y = x.flip(0)
            pairs = {
                "relu": (aten_mini.relu(x), torch.relu(x)),
                "sigmoid": (aten_mini.sigmoid(x), torch.sigmoid(x)),
                "softplus": (aten_mini.softplus(x, 2, 3), F.softplus(x, 2, 3)),
                "add": (aten_mini.add(x, y, alpha=2), torch.add(x, y, alpha=2)),
                "mul": (aten_mini.mul(x, y), torch.mul(x, y)),
                "sum": (aten_mini.sum(x), torch.sum(x)),
                "cumsum": (aten_mini.cumsum(x, 0), torch.cumsum(x, 0)),
            }
            for name, (ours, theirs) in pairs.items():
                if not torch.equal(ours.isnan(), theirs.isnan()):
                    wrong.append(f"{name} {dtype} with NaN at {lane}")
    print(json.dumps({"cap": aten_mini._C._cpu_capability(), "wrong": wrong}))
"""


@pytest.mark.parametrize("capability", ORDER)
def test_nan_in_every_lane_like_torch(capability: str) -> None:
    out = _run_on(NAN_LANES, capability)
    wrong = out["wrong"]
    assert not wrong, (
        f"{capability} kernels: NaN where torch has none, or none where it has: {wrong[:8]}"
    )


def test_stub_without_kernel_names_stub_and_device() -> None:
    with pytest.raises(RuntimeError, match=r"DispatchStub 'add_stub' has no kernel for device XPU"):
        _c()._dispatch_stub_kernel("add_stub", "xpu")


def test_unknown_stub_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="no DispatchStub named 'nope_stub'"):
        _c()._dispatch_stub_kernel("nope_stub")


def test_meta_tensors_skip_the_stub() -> None:
    import aten_mini

    a = torch.empty(2, 1, 3, device="meta")
    b = torch.empty(4, 1, device="meta", dtype=torch.float64)
    out = aten_mini.add(a, b)
    assert out.device.type == "meta"
    assert out.shape == (2, 4, 3)
    assert out.dtype == torch.float64
    assert aten_mini.sum(a, [2], keepdim=True).shape == (2, 1, 1)


def test_dispatch_dump_shows_backends() -> None:

    from aten_mini import _C

    dump = torch._C._dispatch_dump("aten_mini::add.Tensor")
    assert "CPU: registered" in dump
    if hasattr(_C, "_dispatch_stubs") and "cuda" in _C._dispatch_stubs()["add_stub"]:
        assert "CUDA: registered" in dump
