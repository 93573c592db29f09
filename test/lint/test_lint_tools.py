"""The external linters' output becomes `path:line:col: CODE message` findings."""

from __future__ import annotations

from pathlib import Path

from lint_testutil import git_repo

from tools.lint import run
from tools.lint.external import lint_actionlint, lint_clang_format, lint_ruff, lint_ruff_format

ROOT = Path(__file__).resolve().parents[2]


def test_ruff_findings_and_fix(tmp_path: Path) -> None:
    root = git_repo(tmp_path, {"a.py": "import os\nx=1\n"})
    assert "a.py:1:8: F401 `os` imported but unused" in [str(f) for f in lint_ruff(root, False)]
    assert [(f.path, f.code) for f in lint_ruff_format(root, False)] == [("a.py", "FMT")]
    lint_ruff(root, True)
    assert lint_ruff_format(root, True) == [] and (root / "a.py").read_text() == "x = 1\n"


def test_clang_format_uses_the_repo_style(tmp_path: Path) -> None:
    style = (ROOT / ".clang-format").read_text()
    root = git_repo(tmp_path, {".clang-format": style, "k.cpp": "int  f( ){return 1;}\n"})
    assert [(f.path, f.line, f.code) for f in lint_clang_format(root, False)] == [
        ("k.cpp", 1, "CLANG-FORMAT")
    ]
    assert lint_clang_format(root, True) == []


def test_actionlint_reports_workflow_errors(tmp_path: Path) -> None:
    bad = (
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.nope }}\n"
    )
    root = git_repo(tmp_path, {".github/workflows/x.yml": bad})
    found = lint_actionlint(root, False)
    assert found and found[0].path == ".github/workflows/x.yml" and found[0].line == 6
    assert found[0].code.startswith("ACTIONLINT-")


def test_the_repository_workflows_and_hooks_are_clean() -> None:
    assert run(["actionlint", "generated"]) == 0
