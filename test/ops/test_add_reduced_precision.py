"""add(a, b, alpha=) of Half/BFloat16 tensors, bit for bit against torch.

torch rounds alpha to the tensor's dtype, rounds once in the vectorized body
of the loop and twice (alpha * b, then the sum) in the scalar tail; which
elements fall in the tail depends on the vector width of the CPU capability
torch runs add with, AVX2 on an AVX512 CPU (Note [add of Half and BFloat16
rounds like torch] in aten_mini/native/cpu/BinaryOpsKernel.cpp, Note [CPU
capabilities] in aten_mini/native/DispatchStub.h). Each capability this CPU
runs is checked in its own process, torch and the kit set to the same one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
import torch

pytestmark = pytest.mark.needs_build

# 25: scalar loop only; 1000: the AVX2 and AVX512 bodies end at 992 and 960;
# 70000: several threads' chunks
SIZES = (25, 200, 1000, 70000)
# -3.125 is exact in both dtypes; 0.1 and 1/3 are not (alpha is rounded)
ALPHAS = (-3.125, 0.1, 1 / 3)

COMPARE = """
    import json, torch, aten_mini
    torch.manual_seed(0)
    wrong = []
    for dtype in (torch.float16, torch.bfloat16):
        for n in {sizes}:
            a, b = torch.randn(n, dtype=dtype) * 5, torch.randn(n, dtype=dtype) * 5
            cases = {{
                "contiguous": (a, b),
                "strided": (a[::2], b[::2]),
                "broadcast other": (a, b[:1]),
                "broadcast self": (a[:1], b),
                "0-dim other": (a, torch.tensor(1.7)),
                "number other": (a, 2.5),
            }}
            for alpha in {alphas}:
                for name, (x, y) in cases.items():
                    want = torch.add(x, y, alpha=alpha).view(torch.int16)
                    got = aten_mini.add(x, y, alpha=alpha).view(torch.int16)
                    if not torch.equal(got, want):
                        bad = int((got != want).sum())
                        what = f"{{dtype}} n={{n}} alpha={{alpha}} {{name}}"
                        wrong.append(f"{{what}}: {{bad}} elements")
                    if name == "contiguous":
                        mine = x.clone()
                        aten_mini.add_(mine, y, alpha=alpha)
                        out = torch.empty_like(x)
                        aten_mini.add(x, y, alpha=alpha, out=out)
                        for how, t in (("in place", mine), ("out=", out)):
                            if not torch.equal(t.view(torch.int16), want):
                                wrong.append(f"{{dtype}} n={{n}} alpha={{alpha}} {{how}}")
    print(json.dumps({{"cap": aten_mini._C._cpu_capability(),
                      "torch": torch.backends.cpu.get_cpu_capability(), "wrong": wrong}}))
"""


def runnable() -> list[str]:
    from opinfo.capabilities import ORDER, cpu_capabilities_from_flags

    import aten_mini

    compiled = set(aten_mini._C._compiled_cpu_capabilities())
    return [c for c in ORDER if c in compiled and c in cpu_capabilities_from_flags()]


@pytest.mark.parametrize("capability", ["default", "avx2", "avx512"])
def test_add_alpha_bitwise_like_torch(capability: str) -> None:
    from opinfo.capabilities import why_not_run

    if capability not in runnable():
        pytest.skip(why_not_run(capability))
    env = dict(os.environ, ATEN_MINI_CPU_CAPABILITY=capability, ATEN_CPU_CAPABILITY=capability)
    code = textwrap.dedent(COMPARE.format(sizes=SIZES, alphas=ALPHAS))
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout)
    assert out["cap"] == capability and out["torch"].lower() == capability
    assert out["wrong"] == [], "\n".join(out["wrong"][:20])


def test_alpha_that_overflows_the_dtype_raises_like_torch() -> None:
    import aten_mini

    h = torch.ones(3, dtype=torch.float16)
    with pytest.raises(RuntimeError, match="without overflow"):
        torch.add(h, h, alpha=1e6)
    with pytest.raises(RuntimeError, match="without overflow"):
        aten_mini.add(h, h, alpha=1e6)
