"""The reviewer benchmark (issue 18 item 4), static part: the corpus through the reviewer.

Each case of test/review/corpus/cases.py is applied in memory to this checkout's
HEAD and reviewed (no build, no lint; `python -m tools.review.benchmark` runs
the whole gate in worktrees). The controls must come back without a blocking
finding, and each planted defect must be named by the rule the corpus expects,
blocking where the behaviour is wrong. docs/review-benchmark.md has the table.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from semantic_testutil import CORPUS, case, corpus_reviews, extra_reviews

from tools.review.benchmark import ROOT, Result, Worktree, table
from tools.review.comments import Severity
from tools.review.engine import run_rules
from tools.review.messages import render_message
from tools.review.rules import pysource, semantics

DEFECTS = [c for c in CORPUS.cases() if c.defect]
CONTROLS = [c for c in CORPUS.cases() if not c.defect]
# Conventions and missing tests, not wrong behaviour: the reviewer suggests.
SUGGESTED = {"variants", "kink"}
DOCS_PATH = "python/aten_mini/_docs.py"


def test_corpus_has_a_case_per_defect_class_and_controls() -> None:
    assert sorted(c.defect for c in DEFECTS) == sorted(CORPUS.DEFECTS)
    assert {c.op for c in CONTROLS} == {c.op for c in DEFECTS}


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: c.name)
def test_control_is_not_blocked(control: Any) -> None:
    review = corpus_reviews()[control.name]
    assert review.errors == []
    blocking = [(c.rule, c.message) for c in review.comments if c.severity == Severity.BLOCKING]
    assert blocking == []


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda c: c.name)
def test_defect_is_named_by_its_rule(defect: Any) -> None:
    review = corpus_reviews()[defect.name]
    found = [c for c in review.comments if c.rule == defect.expect_rule]
    assert found, [c.rule for c in review.comments]
    want = Severity.SUGGESTION if defect.defect in SUGGESTED else Severity.BLOCKING
    assert {c.severity for c in found} >= {want}
    assert any(f"`{defect.op}" in c.message for c in found)
    for c in found:  # the poster accepts it (Note [Validating the review artifact])
        render_message(c.rule, c.message)


def test_defect_rule_is_silent_on_the_ops_control() -> None:
    for d in DEFECTS:
        controls = [c for c in CONTROLS if c.op == d.op]
        for control in controls:
            rules = {c.rule for c in corpus_reviews()[control.name].comments}
            assert d.expect_rule not in rules or d.expect_rule == "new-op-cuda", (d.name, control)


def test_messages_name_the_sample_and_the_line() -> None:
    promo = corpus_reviews()["promotion-heaviside"].comments
    (dtype,) = [c for c in promo if c.rule == "result-dtype"]
    assert "torch.heaviside(int64 [1, -2, 3], int64 [1, -2, 3])" in dtype.message
    assert "returns `int64`" in dtype.message and "`at::kFloat`" in dtype.message
    assert dtype.path == "aten_mini/native/Heaviside.cpp"
    ints = corpus_reviews()["integers-nan_to_num"].comments
    (claim,) = [c for c in ints if c.rule == "upstream-dtypes"]
    assert "returns `int64 [1, -2, 3]` (the input, unchanged)" in claim.message
    assert "`dtypes=FLOATING`" in claim.message and claim.path == pysource.OP_DB


def test_table_counts_recall_and_false_blocks() -> None:
    rows = [
        Result("d", "op", "promotion", "result-dtype", blocking=["result-dtype"]),
        Result("k", "op", "kink", "kink-gradient", suggestions=["kink-gradient"]),
        Result("c", "op", None, None, suggestions=["new-op-cuda"]),
    ]
    text = table(rows)
    assert "blocked by the gate (lint, review, test run): 1 of 2" in text
    assert "expected rule: 2 of 2 (1 as blocking)" in text
    assert "controls blocked: 0 of 1" in text


def test_walkthrough_kit_review_names_promotion_and_overlap(tmp_path: Path) -> None:
    """A learner's branch with both mistakes, reviewed as `./kit review` reviews it."""
    merged = CORPUS.Case(
        "walkthrough",
        "heaviside",
        "promotion",
        case("promotion-heaviside").edits + case("out-overlap-nan_to_num").edits,
    )
    base = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    with Worktree(base) as wt:
        from tools.review.benchmark import apply_case, git

        apply_case(wt, merged)
        git(wt, "add", "-A")
        git(wt, "-c", "user.name=l", "-c", "user.email=l@invalid", "commit", "-qm", "my op")
        cmd = [sys.executable, "-m", "tools.review", "check", "--repo", str(wt), "--base", base]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert "[blocking] result-dtype" in out and "aten_mini/native/Heaviside.cpp:" in out
    assert "torch.heaviside(int64 [1, -2, 3], int64 [1, -2, 3])" in out
    assert "[blocking] out-overlap" in out and "aten_mini/native/NanToNum.cpp:" in out
    assert "nan_to_num(x[:-1], out=x[1:])" in out


# --------------------------------------------------------------------------- the readers


def _tree(src: str) -> ast.Module:
    return ast.parse(src)


def test_integer_minus_zero_is_not_a_negative_zero() -> None:
    tree = _tree("a = torch.tensor([-0, 1.0])\nb = torch.tensor([-0.0])\nc = 0.0 * -1\n")
    assert pysource.integer_negative_zeros(tree) == [1]
    assert pysource.has_negative_zero(tree)
    assert not pysource.has_negative_zero(_tree("torch.tensor([-0, 1.0])\n"))
    assert pysource.has_negative_zero(_tree("float('-0.0')\n"))


def test_special_values_follow_helpers_and_spellings() -> None:
    src = (
        "def helper():\n    return [0.0, float('nan'), -math.inf]\n"
        "def samples(op, device, dtype):\n    yield helper()\n    yield -0.0\n"
        "def plain(op, device, dtype):\n    yield from sample_inputs_unary(op, device, dtype)\n"
    )
    defs = pysource.functions(_tree(src))
    assert pysource.special_values(pysource.reachable("samples", defs)) == {
        "0",
        "-0.0",
        "nan",
        "inf",
    }
    assert pysource.special_values(pysource.reachable("plain", defs)) == set()
    shape = _tree("def s(op, device, dtype):\n    yield make((0, 3), device, dtype)\n")
    assert pysource.special_values(list(pysource.functions(shape).values())) == set()


def test_dtype_names_resolve_module_tuples() -> None:
    db = _tree("ALL = (*FLOATING, *INTEGRAL, torch.bool)\n")
    core = _tree("FLOATING = (torch.float32, torch.float64)\nINTEGRAL = (torch.int64,)\n")
    expr = ast.parse("ALL", mode="eval").body
    assert pysource.dtype_names(expr, db, core) == {"float32", "float64", "int64", "bool"}
    assert pysource.dtype_names(ast.parse("make()", mode="eval").body, db, core) is None


def test_dispatch_name_of_another_op() -> None:
    review = extra_reviews()["other-op-name"]
    (c,) = [c for c in review.comments if c.rule == "dispatch-name"]
    assert "is named `isnan_cpu`" in c.message and '`"nan_to_num_cpu"`' in c.message
    assert c.severity == Severity.BLOCKING


def test_dispatch_name_helpers() -> None:
    assert semantics.strip_suffixes("nan_to_num_cpu") == "nan_to_num"
    assert semantics.op_of("nan_to_num_out", ["nan", "nan_to_num"]) == "nan_to_num"
    assert semantics.op_of("relu_kernel", ["nan_to_num"]) is None
    text = "void a() {\n  int x;\n}\n\nat::Tensor& b_out(\n    const at::Tensor& s) {\n  X\n}\n"
    assert semantics.enclosing_function(text, text.index("X")) == "b_out"


def test_findings_are_capped_per_rule() -> None:
    """A kernel with 500 wrong name strings gives 10 comments, not 500 (the artifact
    holds at most 200 in all)."""
    from review_testutil import BASE, FOO, YAML, ctx

    line = '  AT_DISPATCH_FLOATING_TYPES(t, "bar_cpu", [&] { o.dtype(at::kFloat); });\n'
    kernel = "at::Tensor foo(const at::Tensor& self) {\n" + line * 500 + "}\n"
    head = dict(BASE, **{"native_functions.yaml": YAML + FOO, "aten_mini/native/Foo.cpp": kernel})
    review = run_rules(ctx(head))
    rules = [c.rule for c in review.comments]
    assert rules.count("dispatch-name") == semantics.MAX_FINDINGS
    assert rules.count("result-dtype") == semantics.MAX_FINDINGS
    assert review.errors == []


def test_doc_signature_checks_an_existing_op_whose_signature_line_changes() -> None:
    from review_testutil import BASE, DOCS, ctx

    head = dict(BASE, **{DOCS_PATH: DOCS.replace("relu(self)", "relu(x, *, out=None)")})
    (c,) = [c for c in run_rules(ctx(head)).comments if c.rule == "doc-signature"]
    assert "`x` is not an argument of the op; `input` is missing" in c.message
    fixed = dict(BASE, **{DOCS_PATH: DOCS.replace("relu(self)", "relu(input, *, out=None)")})
    assert [c for c in run_rules(ctx(fixed)).comments if c.rule == "doc-signature"] == []
