"""zizmor (the GitHub Actions security linter) in `./kit lint`: offline, findings located.

See Note [zizmor in ./kit lint] in tools/lint/external.py.
"""

from __future__ import annotations

from pathlib import Path

from lint_testutil import git_repo

from tools.lint import run
from tools.lint.external import ZIZMOR, lint_zizmor

# A pull_request_target job that checks out the PR and pastes its title into a
# script: the two classic Actions injections, and an unpinned action.
UNSAFE = """\
name: unsafe
on: pull_request_target
permissions: {}
jobs:
  build:
    name: build
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}"
"""


def test_zizmor_reports_injection_and_dangerous_triggers(tmp_path: Path) -> None:
    root = git_repo(tmp_path, {".github/workflows/x.yml": UNSAFE})
    found = lint_zizmor(root, False)
    codes = {f.code for f in found}
    assert {"ZIZMOR-template-injection", "ZIZMOR-dangerous-triggers"} <= codes, found
    assert "ZIZMOR-unpinned-uses" in codes and "ZIZMOR-artipacked" in codes
    injection = next(f for f in found if f.code == "ZIZMOR-template-injection")
    assert (injection.path, injection.line) == (".github/workflows/x.yml", 14)
    assert "(high)" in injection.message


def test_zizmor_ignore_comment_needs_the_audit_name(tmp_path: Path) -> None:
    ignored = UNSAFE.replace(
        "on: pull_request_target", "on: pull_request_target # zizmor: ignore[dangerous-triggers]"
    )
    root = git_repo(tmp_path, {".github/workflows/x.yml": ignored})
    codes = {f.code for f in lint_zizmor(root, False)}
    assert "ZIZMOR-dangerous-triggers" not in codes and "ZIZMOR-template-injection" in codes


def test_zizmor_runs_offline() -> None:
    assert "--offline" in ZIZMOR and "--no-config" in ZIZMOR


def test_the_repository_workflows_have_no_zizmor_findings() -> None:
    assert run(["zizmor"]) == 0
