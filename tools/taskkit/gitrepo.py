"""The git operations of the task commands, built on tools/common/git.py.

Nothing here discards work: branches are created, never deleted; a backup
commit is made from a scratch index, so the learner's index and files stay as
they were (see Note [Backups without touching the tree]).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from tools.common.errors import KitError
from tools.common.git import git, git_succeeds, run_git

MAIN = "main"
TASK_PREFIX = "task/"


def current_branch(root: Path) -> str | None:
    """The checked-out branch, or None on a detached HEAD."""
    name = git(root, "rev-parse", "--abbrev-ref", "HEAD").strip()
    return None if name == "HEAD" else name


def branch_exists(root: Path, branch: str) -> bool:
    return git_succeeds(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}")


def changed_tracked_files(root: Path) -> list[str]:
    """Tracked files with staged or unstaged changes (untracked files are not counted)."""
    out = git(root, "status", "--porcelain", "--untracked-files=no")
    return [line[3:] for line in out.splitlines() if line.strip()]


def files_differing_from(root: Path, ref: str) -> list[str]:
    """Tracked files whose working-tree content differs from `ref`."""
    return [f for f in git(root, "diff", "--name-only", ref).splitlines() if f]


def commits_between(root: Path, base: str, tip: str) -> list[str]:
    """The commits of `tip` that `base` does not have, newest first."""
    return git(root, "rev-list", f"{base}..{tip}", "--").split()


def task_branch(task_id: str) -> str:
    return TASK_PREFIX + task_id


def task_id_of_branch(branch: str | None) -> str | None:
    if branch and branch.startswith(TASK_PREFIX):
        return branch[len(TASK_PREFIX) :]
    return None


def exists_in(root: Path, ref: str, path: str) -> bool:
    return git_succeeds(root, "cat-file", "-e", f"{ref}:{path}")


def timestamp() -> str:
    return time.strftime("%Y%m%d-%H%M%S")


# Note [Backups without touching the tree]
# `./kit reset` must keep everything the learner wrote, committed or not,
# staged or not. We build a commit of the working tree as it is (tracked
# changes and untracked, non-ignored files) in a temporary index file: `git
# add -A` with GIT_INDEX_FILE pointing elsewhere leaves the real index, and so
# what the learner staged, alone. When the staged version differs from both
# HEAD and the working tree (`git add`, then more edits), it gets a commit of
# its own, made from a copy of the real index, and the working-tree commit
# sits on top of it: the backup branch is the working tree, its `~1` what
# was staged. Otherwise the commit's parent is HEAD. A branch
# `backup/task-<id>-<time>` keeps it reachable.


def snapshot_commit(root: Path, message: str) -> tuple[str, bool]:
    """A commit of the working tree, and whether its parent is a commit of the staged version.

    See Note [Backups without touching the tree].
    """
    head_tree = git(root, "rev-parse", "HEAD^{tree}").strip()
    with tempfile.TemporaryDirectory() as scratch:
        staged = _staged_tree(root, Path(scratch) / "staged") or head_tree
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        git(root, "read-tree", "HEAD", env=env)
        git(root, "add", "-A", env=env)
        tree = git(root, "write-tree", env=env).strip()
    parent, apart = "HEAD", staged not in (head_tree, tree)
    if apart:
        parent = git(root, "commit-tree", staged, "-p", "HEAD", "-m", f"{message} (staged)").strip()
    return git(root, "commit-tree", tree, "-p", parent, "-m", message).strip(), apart


def _staged_tree(root: Path, scratch_index: Path) -> str | None:
    """The tree of the real index, written from a copy of it (the real one is not touched)."""
    index = root / git(root, "rev-parse", "--git-path", "index").strip()
    if not index.is_file():
        return None
    shutil.copyfile(index, scratch_index)
    return git(root, "write-tree", env={"GIT_INDEX_FILE": str(scratch_index)}).strip()


def create_branch(root: Path, branch: str, commit: str) -> None:
    git(root, "branch", branch, commit)


# Note [A task's setup commit]
# A task may need the code in a state main must never be in: a planted bug
# to find, say. Its directory then holds `setup.patch`, and `./kit start`
# commits it on the new branch as the branch's first commit, whose message
# ends with the trailer `Kit-Task-Setup: <id>`. That commit is the task's
# base: everything that compares "the learner's work" with a reference
# (check's review and new tests, reset, solution) compares with it, not with
# main. It lives in git, so it survives a deleted progress file. The commit
# is built in a scratch index (see Note [Backups without touching the tree]):
# when the patch does not apply, nothing at all is created.
SETUP_TRAILER = "Kit-Task-Setup"
KIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "aten-mini kit",
    "GIT_AUTHOR_EMAIL": "kit@aten-mini.invalid",
    "GIT_COMMITTER_NAME": "aten-mini kit",
    "GIT_COMMITTER_EMAIL": "kit@aten-mini.invalid",
}


class PatchDoesNotApply(KitError):
    """setup.patch does not apply; the message is git's reason."""


def setup_message(task_id: str, title: str) -> str:
    return (
        f"task setup: {title} (planted by ./kit start; do not revert)\n\n"
        f"{SETUP_TRAILER}: {task_id}\n"
    )


def apply_patch(
    root: Path, patch: Path, *, cached: bool = False, env: dict[str, str] | None = None
) -> str | None:
    """`git apply` the patch (to the index only if `cached`); None, or git's reason it fails."""
    args = ["apply", *(["--cached"] if cached else []), "--whitespace=nowarn", str(patch)]
    proc = run_git(root, *args, env=env)
    if proc.returncode == 0:
        return None
    lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else f"git apply exited {proc.returncode}"


def commit_patch(root: Path, parent: str, patch: Path, message: str) -> str:
    """A new commit: `parent` with `patch` applied. See Note [A task's setup commit]."""
    with tempfile.TemporaryDirectory() as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        git(root, "read-tree", parent, env=env)
        why = apply_patch(root, patch, cached=True, env=env)
        if why is not None:
            raise PatchDoesNotApply(why)
        tree = git(root, "write-tree", env=env).strip()
    return git(root, "commit-tree", tree, "-p", parent, "-m", message, env=KIT_IDENTITY).strip()


def setup_commit(root: Path, task_id: str, ref: str = "HEAD") -> str | None:
    """The newest commit in `ref`'s history carrying the task's setup trailer, if any."""
    pattern = f"^{SETUP_TRAILER}: {task_id}$"
    out = git(root, "log", "-1", "--format=%H", f"--grep={pattern}", ref, "--")
    return out.strip() or None
