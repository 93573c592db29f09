"""Wrappers around the external linters: run one, turn its output into Findings.

Each `lint_<tool>(root, fix)` runs the tool from `.venv` over the repository and
returns `Finding`s with paths relative to `root`. A missing tool is a finding
too (code TOOL), so `./kit lint` never stops on a half-installed `.venv`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tools.common.errors import KitError
from tools.lint.files import cpp_files, repo_files
from tools.lint.finding import Finding

MYPY_LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): error: (?P<msg>.*?)(?:  \[(?P<code>[\w-]+)\])?$"
)
CLANG_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?:error|warning): (?P<msg>.*)$"
)


class ToolMissing(KitError):
    pass


def tool_path(name: str) -> str:
    """The tool from the running interpreter's environment (.venv), else from PATH."""
    candidate = Path(sys.executable).parent / name
    if candidate.is_file():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise ToolMissing(name)
    return found


def _run(cmd: list[str], root: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, cwd=root, capture_output=True, text=True, errors="replace", input=stdin, check=False
    )


def _rel(root: Path, path: str) -> str:
    p = Path(path)
    try:
        return (
            p.resolve().relative_to(root.resolve()).as_posix() if p.is_absolute() else p.as_posix()
        )
    except ValueError:
        return p.as_posix()


def missing(tool: str) -> list[Finding]:
    return [
        Finding(
            ".venv", 1, 1, "TOOL", f"{tool} is not installed; run ./kit to install requirements.txt"
        )
    ]


def crashed(tool: str, proc: subprocess.CompletedProcess[str]) -> list[Finding]:
    last = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
    return [Finding(".", 1, 1, "TOOL", f"{tool} failed (exit {proc.returncode}): {last[0]}")]


def _ruff_json(root: Path, proc: subprocess.CompletedProcess[str], tool: str) -> list[Finding]:
    try:
        items = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        return crashed(tool, proc)
    return [
        Finding(
            _rel(root, it["filename"]),
            int(it["location"]["row"]),
            int(it["location"]["column"]),
            str(it.get("code") or "E999"),
            str(it["message"]),
        )
        for it in items
    ]


def lint_ruff(root: Path, fix: bool) -> list[Finding]:
    cmd = [tool_path("ruff"), "check", "--output-format", "json", "--exit-zero", "."]
    proc = _run([*cmd, "--fix"] if fix else cmd, root)
    return _ruff_json(root, proc, "ruff check")


def lint_ruff_format(root: Path, fix: bool) -> list[Finding]:
    ruff = tool_path("ruff")
    if fix:
        _run([ruff, "format", "."], root)
    proc = _run([ruff, "format", "--check", "--output-format", "json", "."], root)
    if proc.returncode not in (0, 1):
        return crashed("ruff format", proc)
    found = _ruff_json(root, proc, "ruff format")
    first = {f.path: f for f in reversed(found)}
    return [
        Finding(f.path, f.line, f.col, "FMT", "not ruff-formatted; `./kit lint --fix` formats it")
        for f in sorted(first.values())
    ]


def lint_mypy(root: Path, fix: bool) -> list[Finding]:
    cmd = [tool_path("mypy"), "--show-column-numbers", "--no-error-summary", "--no-pretty"]
    proc = _run(cmd, root)
    found = []
    for line in proc.stdout.splitlines():
        m = MYPY_LINE.match(line)
        if m:
            code = f"MYPY-{m['code']}" if m["code"] else "MYPY"
            found.append(
                Finding(_rel(root, m["path"]), int(m["line"]), int(m["col"]), code, m["msg"])
            )
    if proc.returncode not in (0, 1) or (proc.returncode == 1 and not found):
        return crashed("mypy", proc)
    return found


def lint_clang_format(root: Path, fix: bool) -> list[Finding]:
    files = cpp_files(root)
    if not files:
        return []
    tool = tool_path("clang-format")
    if fix:
        _run([tool, "-i", *files], root)
    proc = _run([tool, "--dry-run", "--Werror", *files], root)
    seen: dict[tuple[str, int], Finding] = {}
    for line in proc.stderr.splitlines():
        m = CLANG_LINE.match(line)
        if m and (m["path"], int(m["line"])) not in seen:
            f = Finding(
                _rel(root, m["path"]),
                int(m["line"]),
                int(m["col"]),
                "CLANG-FORMAT",
                "not clang-formatted; `./kit lint --fix` formats it",
            )
            seen[(m["path"], int(m["line"]))] = f
    if proc.returncode != 0 and not seen:
        return crashed("clang-format", proc)
    return list(seen.values())


ACTIONLINT_FORMAT = (
    "{{range $e := .}}"
    "{{$e.Filepath}}\t{{$e.Line}}\t{{$e.Column}}\t{{$e.Kind}}\t{{$e.Message}}\n"
    "{{end}}"
)


def lint_actionlint(root: Path, fix: bool) -> list[Finding]:
    workflows = [f for f in repo_files(root) if f.startswith(".github/workflows/")]
    workflows = [f for f in workflows if f.endswith((".yml", ".yaml"))]
    if not workflows:
        return []
    cmd = [tool_path("actionlint"), "-no-color", "-shellcheck=", "-pyflakes="]
    proc = _run([*cmd, "-format", ACTIONLINT_FORMAT, *workflows], root)
    found = []
    for line in proc.stdout.splitlines():
        parts = line.split("\t", 4)
        if len(parts) == 5:
            path, ln, col, kind, msg = parts
            found.append(Finding(_rel(root, path), int(ln), int(col), f"ACTIONLINT-{kind}", msg))
    if proc.returncode not in (0, 1) or (proc.returncode == 1 and not found):
        return crashed("actionlint", proc)
    return found


# Note [zizmor in ./kit lint]
# zizmor is the GitHub Actions security linter (template injection, dangerous
# triggers, over-broad permissions, credential persistence, ...). It runs with
# `--offline` (no audit that needs the network, no remote input: `./kit lint`
# works on a plane and in the sandboxed CI job) and the `auditor` persona, the
# strictest one that still reports only security-relevant findings, so the kit's
# workflows are held to 0 findings at that level. An ignore is a
# `# zizmor: ignore[<audit>]` comment on the flagged line, with the reason next
# to it (review-post.yml's `workflow_run`, see the note in that file).
ZIZMOR = ["--offline", "--persona", "auditor", "--format", "json", "--no-progress", "--no-config"]


def _zizmor_finding(root: Path, item: dict[str, Any]) -> Finding | None:
    locations = item.get("locations")
    if not isinstance(locations, list):
        return None
    for loc in locations:
        symbolic, concrete = loc.get("symbolic", {}), loc.get("concrete", {})
        if symbolic.get("kind") != "Primary":
            continue
        path = symbolic.get("key", {}).get("Local", {}).get("verbatim_path", ".")
        start = concrete.get("location", {}).get("start_point", {})
        severity = str(item.get("determinations", {}).get("severity", "?")).lower()
        msg = f"{item.get('desc', '')} ({severity}): {symbolic.get('annotation', '')}"
        return Finding(
            _rel(root, str(path)),
            int(start.get("row", 0)) + 1,
            int(start.get("column", 0)) + 1,
            f"ZIZMOR-{item.get('ident', 'unknown')}",
            msg,
        )
    return None


def lint_zizmor(root: Path, fix: bool) -> list[Finding]:
    """zizmor over the workflows, offline. See Note [zizmor in ./kit lint]."""
    workflows = [f for f in repo_files(root) if f.startswith(".github/workflows/")]
    workflows = [f for f in workflows if f.endswith((".yml", ".yaml"))]
    if not workflows:
        return []
    proc = _run([tool_path("zizmor"), *ZIZMOR, *workflows], root)
    try:
        items = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        return crashed("zizmor", proc)
    if not isinstance(items, list):
        return crashed("zizmor", proc)
    found = [f for it in items if isinstance(it, dict) and (f := _zizmor_finding(root, it))]
    if len(found) != len(items) or (proc.returncode != 0 and not found):
        return crashed("zizmor", proc)
    return found
