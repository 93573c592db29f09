"""Reviews of the benchmark corpus (test/review/corpus/cases.py), in memory, for the tests.

`corpus_reviews` runs the reviewer's rules on every case of the corpus;
`extra_reviews` adds variants of the corpus' controls that make the static
semantic rules' remaining templates fire (a derivative with a name out of
scope, one that drops `grad`, samples of a sign-sensitive op without -0.0).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import Any

from tools.review.benchmark import load_corpus, static_review
from tools.review.comments import Review

CORPUS = load_corpus()


def case(name: str) -> Any:
    return next(c for c in CORPUS.cases() if c.name == name)


def with_edit(base: Any, path: str, old: str, new: str, name: str) -> Any:
    """`base` with `old` replaced by `new` in its edit of `path`."""
    edits = []
    for e in base.edits:
        if e.path == path and old in e.text:
            e = replace(e, text=e.text.replace(old, new))
        edits.append(e)
    return replace(base, name=name, edits=tuple(edits))


@cache
def corpus_reviews() -> dict[str, Review]:
    return {c.name: static_review(c) for c in CORPUS.cases()}


@cache
def extra_reviews() -> dict[str, Review]:
    abs_ok, signbit_ok = case("control-abs"), case("control-signbit")
    nan_ok = case("control-nan_to_num")
    deriv = CORPUS.DERIVS
    extra = [
        with_edit(abs_ok, deriv, "self: grad * self.sgn()", "self: grad * x.sgn()", "scope"),
        with_edit(abs_ok, deriv, "self: grad * self.sgn()", "self: self.sgn()", "no-grad"),
        with_edit(signbit_ok, CORPUS.OP_DB, "-0.0, ", "", "no-negative-zero"),
        with_edit(
            nan_ok,
            "aten_mini/native/NanToNum.cpp",
            '"nan_to_num_cpu"',
            '"isnan_cpu"',
            "other-op-name",
        ),
    ]
    return {c.name: static_review(c) for c in extra}
