"""PyTorch's own OpInfo database against the kit's operators (issue 14 item 1).

One test per (op, variant, dtype), id `add-out_noncontig-float16`, so that
`./kit test -k add` runs add's share; a known gap (upstream_opinfo.GAPS) gets
its own strict-xfail test, id `...-gap_<key>`, holding exactly the samples it
covers. By default each test checks the first FAST_SAMPLES samples it owns;
`--upstream-full` checks all of them. What each variant compares is in
upstream_opinfo's docstring; docs/conformance.md has the measured table.
"""

from __future__ import annotations

import pytest
import upstream_opinfo as up

pytestmark = pytest.mark.needs_build


class GapReproduced(AssertionError):
    """A gap's samples still fail the way GAPS says (the expected outcome)."""


def _param(case: up.Case) -> object:
    marks = []
    if case.gap is not None:
        reason = f"{case.gap.cause}: {case.gap.reason}"
        marks.append(pytest.mark.xfail(strict=True, raises=GapReproduced, reason=reason))
    return pytest.param(case, id=case.id, marks=marks)


def _report(outcome: up.Outcome, most: int = 5) -> str:
    lines = [f"{len(outcome.failures)} of {outcome.checked} upstream samples fail:"]
    lines += [f"  {s.describe()}: {msg}" for s, msg in outcome.failures[:most]]
    if len(outcome.failures) > most:
        lines.append(f"  ... and {len(outcome.failures) - most} more")
    return "\n".join(lines)


@pytest.mark.parametrize("case", [_param(c) for c in up.cases()])
def test_upstream_opinfo(case: up.Case, request: pytest.FixtureRequest) -> None:
    full = bool(request.config.getoption("--upstream-full"))
    outcome = up.run_case(case, None if full else up.FAST_SAMPLES)
    if case.gap is None:
        if outcome.failures:
            pytest.fail(_report(outcome), pytrace=False)
        if outcome.checked == 0:
            # e.g. out_noncontig where every result is 0-dim, or grad where no
            # sample input requires grad: nothing of upstream's to compare.
            pytest.skip(f"no upstream sample of {case.op} applies to {case.variant}")
        return
    if outcome.failures:
        raise GapReproduced(_report(outcome))
    if outcome.checked == 0:
        pytest.fail(
            f"gap {case.gap.key!r} covers no upstream sample here: narrow or remove it",
            pytrace=False,
        )
    pytest.fail(
        f"gap {case.gap.key!r}: all {outcome.checked} samples it covers now pass: "
        "remove it from upstream_opinfo.GAPS",
        pytrace=False,
    )
