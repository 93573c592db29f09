"""`./kit check --json`: the results document, validated against its schema."""

from __future__ import annotations

import copy
import json
import shlex
from pathlib import Path
from typing import Any

import pytest
from taskrepo import git, kit, make_repo

from tools.taskkit import results

FIXED = '    return f"Hello, {name}!"\n'


def _check_json(repo: Path, out: Path) -> tuple[int, dict[str, Any]]:
    rc, _, _ = kit(repo, "check", "--json", str(out))
    doc = json.loads(out.read_text())
    assert results.validate(doc) == [], results.validate(doc)
    return rc, doc


def test_failed_then_passed_documents(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    assert kit(repo, "start", "1")[0] == 0
    rc, doc = _check_json(repo, tmp_path / "r1.json")
    assert rc == 1 and doc["status"] == "failed" and doc["task"] == "01-fix-greeting"
    assert doc["schema_version"] == 1
    assert doc["kit_commit"] == git(repo, "rev-parse", "HEAD").strip()
    by_name = {c["name"]: c for c in doc["checks"]}
    failed = [c for c in doc["checks"] if c["status"] == "failed"]
    assert failed, doc
    first = failed[0]
    assert first["first_failure"] and first["hint"].startswith("run it: ")
    assert first["message"]  # the last line of the check's output
    assert {c["status"] for c in doc["checks"]} <= {"passed", "failed", "not available"}
    assert by_name["./kit lint (the linters CI runs)"]["status"] == "not available"  # no ./kit
    silent = by_name['greeting ends with "!"']
    assert silent["first_failure"] == results.NO_OUTPUT
    assert shlex.split(silent["hint"].removeprefix("run it: "))[:2] == ["python", "-c"]
    assert doc["next_hint"] == "hint 1/2: Look at greet.py."
    assert doc["next_task"] == "02-shout"

    greet = repo / "greet.py"
    greet.write_text(greet.read_text().replace('    return "hello " + name\n', FIXED))
    git(repo, "commit", "--quiet", "-am", "Greet politely")
    rc, doc = _check_json(repo, tmp_path / "r2.json")
    assert rc == 0 and doc["status"] == "passed", doc
    assert all(c["first_failure"] is None and c["hint"] is None for c in doc["checks"])
    assert doc["next_hint"] is None and doc["next_task"] == "02-shout"


def test_default_path_is_under_kit(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    kit(repo, "start", "1")
    kit(repo, "check", "--json")
    doc = json.loads((repo / ".kit" / "results" / "01-fix-greeting.json").read_text())
    assert results.validate(doc) == []


GOOD: dict[str, Any] = {
    "schema_version": 1,
    "task": "01-x",
    "kit_commit": "a" * 40,
    "status": "failed",
    "checks": [
        {
            "name": "tests",
            "status": "failed",
            "seconds": 1.5,
            "message": "1 failed",
            "first_failure": "FAILED t.py::test_a",
            "hint": "run it: python -m pytest t.py",
        }
    ],
    "next_hint": "hint 1/1: look",
    "next_task": None,
}


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("schema_version",), 2, "$.schema_version: expected 1"),
        (("status",), "ok", "$.status: 'ok' is not one of ['passed', 'failed']"),
        (("checks", 0, "seconds"), -1, "$.checks[0].seconds: below 0"),
        (("checks", 0, "seconds"), True, "$.checks[0].seconds: expected number, got bool"),
        (("checks", 0, "hint"), 3, "$.checks[0].hint: expected string or null, got int"),
        (("task",), "", "$.task: shorter than 1"),
    ],
)
def test_schema_rejects_bad_values(path: tuple[Any, ...], value: Any, expected: str) -> None:
    doc = copy.deepcopy(GOOD)
    target: Any = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert results.validate(GOOD) == []
    assert results.validate(doc) == [expected]


def test_schema_rejects_missing_and_extra_keys() -> None:
    doc = copy.deepcopy(GOOD)
    del doc["checks"][0]["first_failure"]
    doc["verdict"] = "yes"
    assert results.validate(doc) == [
        "$: unexpected 'verdict'",
        "$.checks[0]: missing 'first_failure'",
    ]


def test_validator_refuses_keywords_it_does_not_implement() -> None:
    with pytest.raises(ValueError, match="'pattern' is not supported"):
        results.validate("x", {"type": "string", "pattern": "^x$"})


def test_first_failure_line() -> None:
    out = "collected 2 items\n\nt.py .F\nE   assert 1 == 2\nFAILED t.py::test_b\n1 failed"
    assert results.first_failure_line(out) == "E   assert 1 == 2"
    assert results.first_failure_line("nothing special\nlast") == "last"
    assert results.first_failure_line("") == results.NO_OUTPUT
    lint = (
        "kit: lintrunner --output json\na.py:1:8: F401 `os` imported but unused\nlint: 1 finding(s)"
    )
    assert results.first_failure_line(lint) == "a.py:1:8: F401 `os` imported but unused"
    cc = "k.cpp:3:1: warning: unused\nk.cpp:9:2: error: no member\n1 error generated."
    assert results.first_failure_line(cc) == "k.cpp:9:2: error: no member"
