"""git for the tests that make throw-away repositories: a fixed identity, no user config.

`GIT_ENV` makes every commit the tests create by the same "Learner", and keeps
the user's ~/.gitconfig and /etc/gitconfig (hooks, signing, default branch)
out of it, so a test runs the same on every machine. `git(repo, ...)` runs one
git command with it and returns its stdout, raising on failure.

pytest puts test/ on sys.path (test/conftest.py), so test/cli/clitools.py and
test/tasks/taskrepo.py both import this as `gitenv`.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Learner",
    "GIT_AUTHOR_EMAIL": "learner@example.com",
    "GIT_COMMITTER_NAME": "Learner",
    "GIT_COMMITTER_EMAIL": "learner@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    """`git ARGS` in `repo` with GIT_ENV; its stdout (CalledProcessError on failure)."""
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    ).stdout
