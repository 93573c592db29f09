"""`RegisterSchema.cpp`: one `m.def(schema, tags)` per YAML entry.

Tags that torch's `at::Tag` enum knows are passed to `torch::Library::def`
(visible to torch.compile as `torch.Tag.pointwise`, ...); kit-only tags
(declared in tags.yaml but unknown to torch) are recorded in a comment.
"""

from __future__ import annotations

from collections.abc import Iterator

from torchgen_mini.model import NativeFunction
from torchgen_mini.output import Context, Output
from torchgen_mini.templating import render_macro

# Tags present in `at::Tag` (ATen/core/enum_tag.h) in every torch the kit
# supports (2.11 to 2.14).
TORCH_TAGS = frozenset(
    [
        "core",
        "data_dependent_output",
        "dynamic_output_shape",
        "flexible_layout",
        "generated",
        "inplace_view",
        "maybe_aliasing_or_mutating",
        "needs_fixed_stride_order",
        "nondeterministic_bitwise",
        "nondeterministic_seeded",
        "pointwise",
        "pt2_compliant_tag",
        "reduction",
        "view_copy",
    ]
)


def cpp_string(text: str) -> str:
    """A C++ string literal holding `text`."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def schema_def(f: NativeFunction) -> str:
    """`m.def("add.Tensor(...) -> Tensor", {at::Tag::core, at::Tag::pointwise});`"""
    torch_tags = sorted(t for t in f.tags if t in TORCH_TAGS)
    kit_tags = sorted(t for t in f.tags if t not in TORCH_TAGS)
    return render_macro(
        "macros/register_schema.cpp",
        "schema_def",
        schema=cpp_string(str(f.func)),
        tags="{" + ", ".join(f"at::Tag::{t}" for t in torch_tags) + "}",
        kit_tags=[", ".join(kit_tags)] if kit_tags else [],
    )


def compute(fns: list[NativeFunction]) -> dict[str, object]:
    return {"defs": [schema_def(f) for f in fns]}


def outputs(ctx: Context) -> Iterator[Output]:
    yield Output("RegisterSchema.cpp", "RegisterSchema.cpp", compute(ctx.native_functions))
