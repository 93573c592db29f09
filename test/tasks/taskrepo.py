"""Helpers for the task-framework tests: a throw-away git repository, and `./kit`.

`make_repo()` copies fixtures/repo into a temporary directory and commits it on
`main`; `kit(repo, ...)` runs one task command in-process, as `./kit` would
(same KitError handling), and returns (exit code, stdout, stderr) with
timestamps and durations normalised. The real checkout is never touched.
"""

from __future__ import annotations

import argparse
import difflib
import io
import os
import re
import shutil
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from unittest import mock

from expecttest import TestCase
from gitenv import GIT_ENV, git

from tools.common.console import error
from tools.common.errors import KitError
from tools.kit.commands import COMMANDS, add_command

FIXTURE = Path(__file__).parent / "fixtures" / "repo"
# The task commands are the run of `./kit --help`'s list from `tasks` to `dev`.
TASK_COMMANDS = tuple(COMMANDS[COMMANDS.index("tasks") : COMMANDS.index("dev") + 1])

KIT_ENV = {**GIT_ENV, "COLUMNS": "100"}  # a fixed width, so rich's tables wrap the same


def make_repo(parent: Path) -> Path:
    repo = parent / "clone"
    shutil.copytree(FIXTURE, repo, ignore=shutil.ignore_patterns("__pycache__"))
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "initial")
    return repo


class RepoTestCase(TestCase):
    """A test case with `self.repo`: a fresh clone of the fixture repo per test."""

    def setUp(self) -> None:
        super().setUp()
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.repo = make_repo(Path(tmp.name))

    def commit_and_leave(self, message: str) -> str:
        """Commit the changes of the task branch as `message` and switch to main;
        the commit made."""
        git(self.repo, "commit", "--quiet", "-am", message)
        tip = git(self.repo, "rev-parse", "HEAD")
        git(self.repo, "switch", "--quiet", "main")
        return tip


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="./kit")
    sub = parser.add_subparsers(dest="command")
    for name in TASK_COMMANDS:
        add_command(sub, name)
    return parser


def _run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args._run(args))
    except KitError as exc:
        error(str(exc))
        return exc.exit_code


def kit(repo: Path, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    try:
        os.chdir(repo)
        environ = mock.patch.dict(os.environ, {**env, **KIT_ENV}, clear=True)
        with environ, redirect_stdout(out), redirect_stderr(err):
            rc = _run(list(argv))
    finally:
        os.chdir(old)
    return rc, normalise(out.getvalue()), normalise(err.getvalue())


_BOX_ONLY = re.compile(r"^[\s━─┏┓┗┛┃│┡┩└┘┳┻╇┴┬┼├┤]*$")


def normalise(text: str) -> str:
    """Timestamps and durations out, table borders simplified, trailing spaces gone."""
    text = re.sub(r"\d{8}-\d{6}", "<time>", text)
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", "<time>", text)
    text = re.sub(r"\d+\.\d+s\b", "<t>", text)
    lines = []
    for line in text.splitlines():
        if line.strip() and _BOX_ONLY.match(line):
            continue
        line = re.sub(r"─{2,}", "--", line.replace("┃", "|").replace("│", "|"))
        line = line.replace("─", "-").replace("…", "...")
        lines.append(re.sub(r" {2,}", " ", line).rstrip())
    return "\n".join(lines) + ("\n" if lines else "")


def changed(before: str, after: str) -> str:
    """The lines of `after` that differ from `before`: `-old` then `+new`, as in a diff."""
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return "\n".join(x for x in lines if x[:1] in "+-" and x[:3] not in ("---", "+++")) + "\n"


def show(result: tuple[int, str, str]) -> str:
    """A kit run as text: exit code, stdout, stderr."""
    rc, out, err = result
    return f"exit {rc}\n{out}{err}"
