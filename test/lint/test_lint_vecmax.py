"""VEC001: at::vec::maximum on Vectorized Half/BFloat16 (tools/lint/vecmax.py).

No machine the kit is developed on runs AVX512, so the AVX512 path of a
max-fold is checked here without running it: the rule on planted kernels,
the kit's tree and task 12's solution, and the installed ATen header the
rule's reason rests on. See Note [AVX512 maximum of Half and BFloat16] in
aten_mini/native/cpu/Loops.h.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch

from tools.lint.vecmax import findings_in, lint_vec_maximum

ROOT = Path(__file__).resolve().parents[2]
VEC = Path(torch.__file__).parent / "include/ATen/cpu/vec"

DISPATCH = 'AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, t, "k", [&] {\n'


def lines_of(text: str) -> list[tuple[int, int]]:
    return [(f.line, f.col) for f in findings_in("k.cpp", text)]


def test_a_fold_on_scalar_t_is_flagged_where_the_dispatch_has_half() -> None:
    text = DISPATCH + (
        "  fold([](Vectorized<scalar_t> a, Vectorized<scalar_t> b) {\n"
        "    return at::vec::maximum(a, b);\n"
        "  });\n"
        "});\n"
    )
    [finding] = findings_in("k.cpp", text)
    assert (finding.line, finding.col, finding.code) == (3, 12, "VEC001")
    assert "Vectorized<scalar_t>" in finding.message and "vec_maximum" in finding.message


def test_scalar_t_without_half_or_bfloat16_in_the_file_passes() -> None:
    text = (
        'AT_DISPATCH_FLOATING_TYPES(t, "k", [&] {\n'
        "  fold([](Vectorized<scalar_t> a, Vectorized<scalar_t> b) {\n"
        "    return at::vec::maximum(a, b);\n"
        "  });\n"
        "});\n"
    )
    assert lines_of(text) == []


@pytest.mark.parametrize(
    "param, flagged",
    [
        ("Vectorized<c10::BFloat16>", True),
        ("const at::vec::Vectorized<at::Half>&", True),
        ("Vectorized<opmath_t>", False),
        ("Vectorized<float>", False),
        ("const Vectorized<double>&", False),
        ("Vectorized<int64_t>", False),
    ],
)
def test_element_types(param: str, flagged: bool) -> None:
    text = f"auto f = []({param} a, {param} b) {{\n  return at::vec::maximum(a, b);\n}};\n"
    assert lines_of(text) == ([(2, 10)] if flagged else [])


def test_an_alias_of_vectorized_scalar_t_is_seen_through() -> None:
    text = DISPATCH + (
        "  using Vec = Vectorized<scalar_t>;\n"
        "  fold([](Vec a, Vec b) { return vec::maximum(a, b); });\n"
        "});\n"
    )
    assert lines_of(text) == [(3, 34)]


def test_the_innermost_vectorized_scope_decides() -> None:
    # The float lambda inside a scalar_t function: its maximum is on floats.
    text = DISPATCH + (
        "  auto g = [](Vectorized<scalar_t> x) {\n"
        "    return apply([](Vectorized<float> a, Vectorized<float> b) {\n"
        "      return at::vec::maximum(a, b);\n"
        "    });\n"
        "  };\n"
        "});\n"
    )
    assert lines_of(text) == []


def test_suppression_needs_a_reason_and_comments_do_not_count() -> None:
    body = "auto f = [](Vectorized<c10::Half> a, Vectorized<c10::Half> b) {{\n{}}};\n"
    ok = body.format(
        "  // VEC001-ok: a and b are never NaN here\n  return at::vec::maximum(a, b);\n"
    )
    bare = body.format("  // VEC001-ok:\n  return at::vec::maximum(a, b);\n")
    comment = body.format('  // at::vec::maximum(a, b) would be wrong\n  puts("vec::maximum(");\n')
    assert lines_of(ok) == []
    assert lines_of(bare) == [(3, 10)]
    assert lines_of(comment) == []


def test_the_kits_kernels_are_clean() -> None:
    assert [str(f) for f in lint_vec_maximum(ROOT, False)] == []


def solution_file(task: str, path: str) -> str:
    """The text of a file that a task's solution.patch adds."""
    patch = (ROOT / "tools/tasks" / task / "solution.patch").read_text()
    section = patch.split(f"+++ b/{path}\n", 1)[1].split("\ndiff --git ", 1)[0]
    return "\n".join(line[1:] for line in section.splitlines() if line.startswith("+"))


def test_task_12_solution_is_clean_and_its_old_fold_was_not() -> None:
    kernel = solution_file("12-reduction-amax", "aten_mini/native/cpu/ReduceOpsKernel.cpp")
    assert "vec_maximum(a, b)" in kernel
    assert findings_in("ReduceOpsKernel.cpp", kernel) == []
    # The fold the solution had when task 12 failed on AVX512 CPUs.
    old = kernel.replace("return vec_maximum(a, b);", "return at::vec::maximum(a, b);")
    assert [f.code for f in findings_in("ReduceOpsKernel.cpp", old)] == ["VEC001"]


def specialization(header: str, vec_type: str, name: str) -> str:
    """The body of `Vectorized<vec_type> inline name(...)` in an installed vec header."""
    text = (VEC / header).read_text()
    m = re.search(rf"Vectorized<{vec_type}> inline {name}\(.*?\n}}\n", text, re.S)
    assert m, f"{header} has no {name} for Vectorized<{vec_type}>: re-read the Note"
    return m.group(0)


@pytest.mark.parametrize("vec_type", ["BFloat16", "Half"])
def test_the_installed_avx512_maximum_of_reduced_floats_is_the_broken_one(vec_type: str) -> None:
    # If this fails, torch's header changed: re-check Note [AVX512 maximum of
    # Half and BFloat16] (the workaround may no longer be needed).
    body = specialization("vec512/vec512_bfloat16.h", vec_type, "maximum")
    assert "_mm512_set1_epi32(nan_lo_mask)" in body and "_mm512_set1_epi32(nan_hi_mask)" in body
    assert "mask_set1" not in body
    minimum = specialization("vec512/vec512_bfloat16.h", vec_type, "minimum")
    assert "_mm512_mask_set1_epi32(zero_vec, nan_lo_mask, 0xFFFFFFFF)" in minimum


ALL_ONES_IN_NAN_LANES = {
    "float": "_mm512_mask_set1_epi32(zero_vec, isnan_mask, 0xFFFFFFFF)",
    "double": "_mm512_mask_set1_epi64(zero_vec, isnan_mask, 0xFFFFFFFFFFFFFFFF)",
}


@pytest.mark.parametrize("vec_type", ["float", "double"])
def test_the_avx512_maximum_vec_maximum_relies_on_sets_all_ones_in_nan_lanes(
    vec_type: str,
) -> None:
    body = specialization(f"vec512/vec512_{vec_type}.h", vec_type, "maximum")
    assert ALL_ONES_IN_NAN_LANES[vec_type] in body and "_CMP_UNORD_Q" in body
