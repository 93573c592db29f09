"""`./kit check --json`: the verdict of a check as a versioned document.

`document(...)` turns the results of the check plan (tools/taskkit/plan.py)
into the document `results.schema.json` describes; `./kit check` decides its
exit status from the document's `status`, and the task-check workflow posts
the same document on the PR (tools/taskkit/comment.py), so the local verdict
and CI's cannot disagree. `validate(doc)` checks a document against the schema
file with the small part of JSON Schema the schema uses (jsonschema is not a
dependency of the kit); it is what the poster runs on a document before
trusting it, and what the tests run on real output.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tools.common.git import GitError, git
from tools.taskkit import checks as checks_mod
from tools.taskkit.checks import CheckResult
from tools.taskkit.spec import Task

SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("results.schema.json")
MAX_LINE = 300

# The line of a check's output that says what failed first: pytest's FAILED
# summary or an `E ` assertion line, a compiler's or tool's `error:`, a
# lintrunner message, a Python exception.
FAILURE_LINE = re.compile(
    r"^(FAILED |ERROR |E {3}|\s*Error \(|.*\berror\b:|.*\b[A-Z]\w*(Error|Exception)\b)",
    re.IGNORECASE,
)


def _cap(line: str) -> str:
    line = line.strip()
    return line if len(line) <= MAX_LINE else line[: MAX_LINE - 3] + "..."


def last_line(output: str) -> str:
    lines = [ln for ln in output.splitlines() if ln.strip()]
    return _cap(lines[-1]) if lines else ""


# Else the first `path:line:col: ...` line: a lint finding of `./kit lint`.
LOCATED_LINE = re.compile(r"^[^\s:]+:\d+:\d+: \S")


def first_failure_line(output: str) -> str:
    """The first line reporting a failure, else the first finding, else the last line."""
    lines = [ln for ln in output.splitlines() if ln.strip()]
    for pattern in (FAILURE_LINE, LOCATED_LINE):
        found = next((ln for ln in lines if pattern.match(ln)), None)
        if found is not None:
            return _cap(found)
    return last_line(output) or NO_OUTPUT


NO_OUTPUT = "(it failed without printing anything)"


def check_hint(result: CheckResult) -> str:
    """How to see this check fail again locally, by what kind of check it is."""
    check = result.check
    if check.kind == "lint":
        return "`./kit lint` lists the problems; `./kit lint --fix` (lintrunner -a) fixes some"
    if check.kind == "review":
        return "`./kit review` shows the mock reviewer's comments"
    if check.name.startswith("build"):
        return "`./kit build` shows the first compiler error with its file:line"
    if check.kind == "pytest":
        return f"run it: {shlex.join(['python', '-m', 'pytest', *check.argv])}"
    if check.kind == "mutants":
        cmd = ["python", "-m", "tools.taskkit.mutants", str(check.mutants), *check.argv]
        return f"run it: {shlex.join(cmd)} (every mutant it lists as survived needs a test)"
    return f"run it: {shlex.join(check.argv)}"


def check_entry(result: CheckResult) -> dict[str, Any]:
    failed = result.status == "failed"
    return {
        "name": result.check.name,
        "status": result.status,
        "seconds": round(max(result.seconds, 0.0), 2),
        "message": last_line(result.output),
        "first_failure": first_failure_line(result.output) if failed else None,
        "hint": check_hint(result) if failed else None,
    }


def kit_commit(root: Path) -> str | None:
    try:
        return git(root, "rev-parse", "HEAD").strip() or None
    except GitError:
        return None


def next_task(tasks: Sequence[Task], task: Task, passed: set[str]) -> str | None:
    """The first task after `task`, in catalog order, that has not passed."""
    ids = [t.id for t in tasks]
    later = ids[ids.index(task.id) + 1 :] if task.id in ids else ids
    return next((t for t in later if t not in passed), None)


def document(
    task: Task,
    results: Sequence[CheckResult],
    *,
    commit: str | None,
    next_hint: str | None,
    next_task_id: str | None,
) -> dict[str, Any]:
    """The results document of one check run (see results.schema.json)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "task": task.id,
        "kit_commit": commit,
        "status": "passed" if checks_mod.passed(results) else "failed",
        "checks": [check_entry(r) for r in results],
        "next_hint": next_hint,
        "next_task": next_task_id,
    }


def write(path: Path, doc: dict[str, Any]) -> None:
    problems = validate(doc)
    if problems:  # a bug of this module, never the learner's
        raise AssertionError(f"results document does not match its schema: {problems[0]}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def load_schema() -> dict[str, Any]:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert isinstance(schema, dict)
    return schema


# Note [A small JSON Schema validator]
# The schema uses type (one or a list), const, enum, required, properties,
# additionalProperties: false, items, minLength and minimum, nothing else;
# `validate` implements exactly those keywords and refuses a schema that uses
# another one, so the schema file cannot grow a rule this code silently skips.
KNOWN_KEYWORDS = {
    "$schema", "$id", "title", "description", "type", "const", "enum", "required",
    "properties", "additionalProperties", "items", "minLength", "minimum",
}  # fmt: skip
TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "null": (type(None),),
}


def _is(value: Any, name: str) -> bool:
    if isinstance(value, bool) and name in ("number", "integer"):
        return False
    return isinstance(value, TYPES[name])


def validate(doc: Any, schema: dict[str, Any] | None = None, where: str = "$") -> list[str]:
    """Every way `doc` breaks `schema` (default: results.schema.json), `where: what` each."""
    schema = load_schema() if schema is None else schema
    unknown = set(schema) - KNOWN_KEYWORDS
    if unknown:
        raise ValueError(f"schema keyword {sorted(unknown)[0]!r} is not supported at {where}")
    out: list[str] = []
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is(doc, n) for n in names):
            return [f"{where}: expected {' or '.join(names)}, got {type(doc).__name__}"]
    if "const" in schema and doc != schema["const"]:
        out.append(f"{where}: expected {schema['const']!r}")
    if "enum" in schema and doc not in schema["enum"]:
        out.append(f"{where}: {doc!r} is not one of {schema['enum']}")
    if isinstance(doc, str) and len(doc) < schema.get("minLength", 0):
        out.append(f"{where}: shorter than {schema['minLength']}")
    if _is(doc, "number") and "minimum" in schema and doc < schema["minimum"]:
        out.append(f"{where}: below {schema['minimum']}")
    if isinstance(doc, dict):
        props = schema.get("properties", {})
        out += [f"{where}: missing {k!r}" for k in schema.get("required", []) if k not in doc]
        if schema.get("additionalProperties") is False:
            out += [f"{where}: unexpected {k!r}" for k in doc if k not in props]
        for k, sub in props.items():
            if k in doc:
                out += validate(doc[k], sub, f"{where}.{k}")
    if isinstance(doc, list) and "items" in schema:
        for i, item in enumerate(doc):
            out += validate(item, schema["items"], f"{where}[{i}]")
    return out
