"""`./kit review [--base main]`: the mock reviewer on your branch, before you push.

Reviews the commits between the base branch and HEAD (commit first: the
working tree is not reviewed) with the same rules CI uses on a PR.
Exit 0: nothing blocking; 1: blocking findings, or nothing committed to
review (Note [Nothing to review]); 2: the review could not run.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tools.common.errors import KitError
from tools.common.git import git, run_git
from tools.common.paths import ROOT

NAME = "review"
HELP = "run the mock code reviewer on HEAD against a base branch"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", default="main", help="branch to compare with (default: main)")
    parser.add_argument("--head", default="HEAD", help="commit to review (default: HEAD)")
    parser.add_argument("--markdown", help="also write the review as Markdown to this file")


# Note [Nothing to review]
# The reviewer reads commits, never the working tree. With no commit between
# the base and HEAD its rules see an empty diff and find nothing, which used to
# print "clean ... ready for a human reviewer" over work that was not even
# committed, and `./kit check` counted that as a passed review step. So an
# empty range is an error (exit 1, which fails check's review step too), and
# the message says whether there is uncommitted work, i.e. what to do next.


def nothing_to_review(repo: Path, base: str, head: str) -> str | None:
    """Why `base...head` has nothing to review (one line), or None when it has commits."""
    if run_git(repo, "rev-parse", "--verify", "--quiet", f"{head}^{{commit}}").returncode:
        return None  # no such head: the reviewer reports it (exit 2)
    if run_git(repo, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}").returncode:
        return None
    count = git(repo, "rev-list", "--count", f"{base}..{head}").strip()
    if count != "0":
        return None
    where = f"{head} has no commits beyond {base}"
    dirty = git(repo, "status", "--porcelain", "--untracked-files=normal").strip()
    if dirty and head == "HEAD":
        n = len(dirty.splitlines())
        return (
            f"nothing to review: {where}, and your {n} changed file(s) are not committed;"
            " the reviewer reads commits only: commit them (git add <files> && git commit)"
            " and run ./kit review again"
        )
    return (
        f"nothing to review: {where} and there are no uncommitted changes either;"
        " make your change, commit it, then run ./kit review"
    )


def run(args: argparse.Namespace) -> int:
    from tools.review.__main__ import main

    why = nothing_to_review(ROOT, args.base, args.head)
    if why is not None:
        raise KitError(why)
    argv = ["check", "--repo", str(ROOT), "--base", args.base, "--head", args.head]
    code = main(argv + (["--markdown", args.markdown] if args.markdown else []))
    if code == 2:
        raise KitError(f"could not review {args.head} against {args.base} (see above)", 2)
    return code
