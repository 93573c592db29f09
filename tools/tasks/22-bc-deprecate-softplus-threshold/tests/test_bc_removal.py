"""Task 22: remove a deprecated argument the way PyTorch does, through the BC check.

The base is main's schemas of the ops the proposal touches (read from
native_functions.yaml); the head is those schemas with the proposal's entries
in place of the ones they name. The verdict is the kit's own BC check
(tools/bc, torch's FunctionSchema.is_backward_compatible_with), run with the
PR's allow-list on the PR's date, so the result does not depend on when the
test runs.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tools.bc.check import check, load_allowlist, parse_schema

ROOT = Path(__file__).resolve().parents[4]
TASK = ROOT / "tools" / "tasks" / "22-bc-deprecate-softplus-threshold"
PROPOSAL = TASK / "proposal.yaml"
ALLOWLIST = TASK / "allowlist.yaml"
PR_DATE = dt.date(2026, 12, 15)  # the day PR #355 is merged (issue.md)
MAX_DAYS = 90  # how long an entry may stay: until the next release's branch cut
REMOVED = "threshold"
FUNC = re.compile(r"^- func: (\S+?)\(")


def _entries(text: str) -> dict[str, str]:
    """overload name -> `- func:` schema, in file order."""
    found = {}
    for line in text.splitlines():
        m = FUNC.match(line)
        if m:
            found[m.group(1)] = line[len("- func: ") :].strip()
    return found


def _ops(entries: dict[str, str]) -> set[str]:
    return {name.split(".")[0] for name in entries}


def _base() -> dict[str, str]:
    proposal = _entries(PROPOSAL.read_text(encoding="utf-8"))
    main = _entries((ROOT / "native_functions.yaml").read_text(encoding="utf-8"))
    return {n: f for n, f in main.items() if n.split(".")[0] in _ops(proposal)}


def _head() -> dict[str, str]:
    return {**_base(), **_entries(PROPOSAL.read_text(encoding="utf-8"))}


def _as_yaml(entries: dict[str, str]) -> str:
    return "".join(f"- func: {f}\n\n" for f in entries.values())


def _verdict(allowlist: str) -> tuple[list[str], list[str], list[str]]:
    result = check(_as_yaml(_base()), _as_yaml(_head()), allowlist, today=PR_DATE)
    return (
        [f"{b.qualified}: {b.message}" for b in result.breaks],
        [b.qualified for b in result.allowed],
        result.errors,
    )


def _arg_names(func: str) -> list[str]:
    return [a.name for a in parse_schema(func).arguments]


def test_the_pr_still_removes_threshold() -> None:
    head = _head()
    for name in ("softplus", "softplus.out"):
        assert name in head, f"the proposal no longer has {name}"
        assert REMOVED not in _arg_names(head[name]), (
            f"{name} still has `{REMOVED}`: the PR's purpose is to remove it (its deprecation "
            "period is over); make the removal pass the BC check instead of undoing it"
        )
    assert "out" in _arg_names(head["softplus.out"]), "softplus.out lost its `out` argument"


def test_every_other_schema_is_unchanged() -> None:
    # Only the deprecated argument goes; nothing else may break or change.
    base, head = _base(), _head()
    changed = [
        f"{name}:\n    main: {base[name]}\n    now:  {head[name]}"
        for name in base
        if not name.startswith("softplus") and head.get(name) != base[name]
    ]
    assert not changed, (
        "the PR changes schemas that are not part of the deprecation it completes; "
        "those changes break callers without any deprecation period:\n  " + "\n  ".join(changed)
    )


def test_the_bc_check_passes_with_the_allow_list() -> None:
    breaks, _, errors = _verdict(ALLOWLIST.read_text(encoding="utf-8"))
    assert not errors, "the allow-list has problems:\n" + "\n".join(errors)
    assert not breaks, (
        "the BC check still fails (python -m tools.bc would print these):\n" + "\n".join(breaks)
    )


def test_each_removal_has_its_own_entry() -> None:
    # An entry per broken overload, and none for an overload that does not break.
    _, allowed, _ = _verdict(ALLOWLIST.read_text(encoding="utf-8"))
    entries, errors = load_allowlist(ALLOWLIST.read_text(encoding="utf-8"))
    assert not errors, errors
    names = [e.name for e in entries]
    assert sorted(names) == sorted(set(names)), f"an overload is listed twice: {names}"
    unused = sorted(set(names) - set(allowed))
    assert not unused, (
        f"allow-list entries that excuse no break: {unused}. An entry that matches nothing "
        "would silently excuse a later, unintended break of that overload; list only the "
        "overloads this PR breaks, each by its full name"
    )
    assert sorted(allowed) == ["aten_mini::softplus", "aten_mini::softplus.out"], allowed


@pytest.mark.parametrize("name", ["aten_mini::softplus", "aten_mini::softplus.out"])
def test_entries_are_dated_and_explained(name: str) -> None:
    entries, _ = load_allowlist(ALLOWLIST.read_text(encoding="utf-8"))
    found = [e for e in entries if e.name == name]
    assert found, f"no allow-list entry for {name}"
    entry = found[0]
    days = (entry.expires - PR_DATE).days
    assert 0 < days <= MAX_DAYS, (
        f"{name} expires {entry.expires}, {days} days after the PR's date {PR_DATE}: an entry "
        f"lives until the next release's BC check has seen the change, at most {MAX_DAYS} days"
    )
    reason = entry.reason.lower()
    assert REMOVED in reason and "deprecat" in reason, (
        f"{name}'s reason '{entry.reason}' must say what was removed (`{REMOVED}`) and that "
        "it was deprecated first (a reviewer reads it without the PR at hand)"
    )
