"""log1p in `./kit bench`: measured like the other unary ops, with no target.

Its CPU loop is scalar on purpose (practice task 14 vectorizes it), so its
cases carry no target, `--check` ignores them, and the table says why.
"""

from __future__ import annotations

from rich.console import Console

from tools.bench import cases, report


def test_log1p_cases_have_no_target() -> None:
    log1p = cases.all_cases(["log1p"])
    assert [c.name for c in log1p] == [
        "log1p contiguous 16M",
        "log1p strided 4Kx4K",
        "log1p small 8",
    ]
    assert all(c.target is None for c in log1p)


def test_log1p_inputs_are_in_its_domain() -> None:
    tiny = cases.Sizes(large=64, square=4, small=2, cuda=64)
    for case in cases.all_cases(["log1p"], tiny):
        (x,) = cases._inputs(case)
        assert bool((x >= 0).all()), f"{case.name}: log1p of values below -1 is NaN"


def test_the_table_says_why_log1p_has_no_target() -> None:
    timing = {"median": 2e-3, "q1": 2e-3, "q3": 2e-3, "min": 2e-3, "max": 2e-3, "n": 1}
    row = {"case": "log1p contiguous 16M", "op": "log1p", "target": None, "meets": None}
    row |= {"ours": timing, "torch": timing, "ratio": {"median": 1.0, "q1": 1.0, "q3": 1.0}}
    doc = report.new_document({})
    worker_output = {"capability": "avx2", "results": [{**row, "threads": 1}], "numeric": []}
    report.add_worker_output(doc, worker_output)
    console = Console(record=True, width=200)
    report.print_document(doc, console)
    assert "none: task 14" in console.export_text()
    assert report.missed(doc) == []
