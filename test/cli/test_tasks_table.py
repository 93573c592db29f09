"""`./kit tasks` never cuts a task id at any width (Note [Task ids are never cut])."""

from __future__ import annotations

import pytest
from clitools import ROOT, kit_in

from tools.taskkit import catalog

IDS = [t.id for t in catalog.load_all(ROOT)]


@pytest.mark.parametrize("columns", ["80", "60", "40"])
def test_every_id_is_printed_whole(columns: str) -> None:
    rc, out = kit_in(ROOT, "tasks", env={"COLUMNS": columns})
    assert rc == 0, out
    assert "…" not in out  # rich's ellipsis: nothing is cut
    words = set(out.replace("│", " ").split())
    missing = [i for i in IDS if i not in words]
    assert not missing, f"ids cut or wrapped at COLUMNS={columns}: {missing}\n{out}"
    if columns != "40":  # at 40 the longest id line is wider: the terminal may wrap it, we don't
        assert all(len(line) <= int(columns) for line in out.splitlines())


def test_a_table_at_80_columns() -> None:
    out = kit_in(ROOT, "tasks", env={"COLUMNS": "80"})[1]
    assert "┃ id " in out  # still the table, not the narrow list
