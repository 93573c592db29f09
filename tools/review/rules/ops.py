"""Rules about ops added to native_functions.yaml: what a complete op comes with.

A new op in PyTorch is not done when its kernel works: reviewers ask for an
OpInfo (so every generic test covers it), docs, a derivative (or a reason it
has none), a CUDA kernel, and the in-place and out= variants users expect.
"""

from __future__ import annotations

from tools.lint import opindex
from tools.review.comments import Comment, Severity
from tools.review.context import ReviewContext
from tools.review.rules.common import YAML, at, code, head_entries, new_ops, new_overloads
from torchgen_mini.derivatives import derivative_names


def yaml_parse(ctx: ReviewContext) -> list[Comment]:
    text = ctx.head(YAML)
    if ctx.changed(YAML) is None or text is None:
        return []
    try:
        opindex.load(text)
    except opindex.YamlError as exc:
        msg = f"native_functions.yaml no longer loads ({exc}); nothing else can be checked."
        return [at("yaml-parse", Severity.BLOCKING, YAML, exc.line, msg)]
    return []


# (rule, file, reader, message): a new op the reader does not find in the file
_OPINFO = (
    "new-op-opinfo",
    opindex.OP_DB,
    opindex.opinfo_names,
    'New op {op_code} has no OpInfo entry. Please add `OpInfo("{op}", ...)` to {rel} with '
    "sample inputs and a reference (`ref=`), so the generic tests (dtypes, out=, "
    "broadcasting, CUDA parity) cover it.",
)
_DOCS = (
    "new-op-docs",
    opindex.DOCS,
    opindex.doc_names,
    'New op {op_code} is undocumented. Please add an `add_docstr("{op}", ...)` entry to {rel} '
    "with the signature, a description and a runnable example (it is run as a doctest).",
)


def _new_ops_without(
    ctx: ReviewContext, rule: str, rel: str, reader: opindex.Reader, message: str
) -> list[Comment]:
    """A blocking comment on each new op that `reader` does not find in the head's `rel`."""
    text = ctx.head(rel)
    have = (reader(text) or set()) if text is not None else set()
    return [
        at(
            rule,
            Severity.BLOCKING,
            YAML,
            e.loc.line,
            message.format(op_code=code(op), op=op, rel=code(rel)),
        )
        for op, e in sorted(new_ops(ctx).items())
        if op not in have
    ]


def new_op_opinfo(ctx: ReviewContext) -> list[Comment]:
    return _new_ops_without(ctx, *_OPINFO)


def new_op_docs(ctx: ReviewContext) -> list[Comment]:
    return _new_ops_without(ctx, *_DOCS)


def new_op_derivative(ctx: ReviewContext) -> list[Comment]:
    text = ctx.head(opindex.DERIVATIVES)
    names = derivative_names(text, opindex.DERIVATIVES) if text is not None else None
    covered = names or frozenset()
    return [
        at(
            "new-op-derivative",
            Severity.BLOCKING,
            YAML,
            e.loc.line,
            f"{code(str(e.func.name))} has no entry in {code(opindex.DERIVATIVES)}, so autograd "
            "will "
            'raise "derivative not implemented". Please add its formula(s); if the op is not '
            "differentiable, say so explicitly (`output_differentiability: [False]` or the "
            "inputs as `non_differentiable`).",
        )
        for e in new_overloads(ctx)
        if opindex.needs_derivative(e) and str(e.func.name) not in covered
    ]


def new_op_cuda(ctx: ReviewContext) -> list[Comment]:
    return [
        at(
            "new-op-cuda",
            Severity.SUGGESTION,
            YAML,
            e.loc.line,
            f"{code(str(e.func.name))} dispatches to "
            f"{code(', '.join(sorted(opindex.dispatch_keys(e))))} only. "
            "Consider a CUDA kernel too (a `CUDA:` key and `aten_mini/native/cuda/*.cu`), or "
            "write it as a composite of existing ops so every backend gets it.",
        )
        for e in new_overloads(ctx)
        if not opindex.is_composite(e) and not opindex.has_cuda(e)
    ]


def new_op_variants(ctx: ReviewContext) -> list[Comment]:
    found = []
    entries = head_entries(ctx)
    for op, first in sorted(new_ops(ctx).items()):
        mine = [e for e in entries if e.root_name == op]
        kinds = {e.func.kind().value for e in mine}
        if "functional" not in kinds or not any(opindex.returns_tensor(e) for e in mine):
            continue
        missing = [
            v for v, wanted in (("out=", "out"), ("in-place", "inplace")) if wanted not in kinds
        ]
        if "in-place" in missing and not any("pointwise" in e.tags for e in mine):
            missing.remove("in-place")
        if missing:
            found.append(
                at(
                    "new-op-variants",
                    Severity.SUGGESTION,
                    YAML,
                    first.loc.line,
                    f"{code(op)} has no {' or '.join(missing)} variant. PyTorch users expect "
                    f"`{op}(..., out=t)`"
                    + (f" and `{op}_`" if "in-place" in missing else "")
                    + "; please add them (they usually share the functional op's kernel).",
                )
            )
    return found
