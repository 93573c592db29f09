"""The review rules. Each rule is a function `ReviewContext -> list[Comment]`.

A rule reads the diff and file contents, never runs code from the branch,
and words its comments the way a PyTorch maintainer would. CONTRIBUTING.md
("Review rules") lists them with how to answer each one.
"""

from __future__ import annotations

from collections.abc import Callable

from tools.review.comments import Comment
from tools.review.context import ReviewContext
from tools.review.rules import bc, code, ops, pr, semantics

Rule = Callable[[ReviewContext], list[Comment]]

RULES: dict[str, Rule] = {
    "yaml-parse": ops.yaml_parse,
    "new-op-opinfo": ops.new_op_opinfo,
    "new-op-docs": ops.new_op_docs,
    "new-op-derivative": ops.new_op_derivative,
    "new-op-cuda": ops.new_op_cuda,
    "new-op-variants": ops.new_op_variants,
    "bc-breaking": bc.bc_breaking,
    "generated-edit": code.generated_edit,
    "kernel-without-test": code.kernel_without_test,
    "torch-check-message": code.torch_check_message,
    "composite-calls-native": code.composite_calls_native,
    "todo-owner": code.todo_owner,
    "pr-summary": pr.pr_summary,
    "pr-task-id": pr.pr_task_id,
    # static semantic rules (issue 18): what the new op does, read from its files
    "doc-signature": semantics.doc_signature,
    "dispatch-name": semantics.dispatch_name,
    "derivative-scope": semantics.derivative_scope,
    "kink-gradient": semantics.kink_gradient,
    "opinfo-special-values": semantics.opinfo_special_values,
    "negative-zero": semantics.negative_zero,
    "out-overlap": semantics.out_overlap,
    "result-dtype": semantics.result_dtype,
    "upstream-dtypes": semantics.upstream_dtypes,
}
