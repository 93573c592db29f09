"""`python -m tools.review check|post`: the reviewer as CI runs it.

check  review `base...head` of a clone; print the terminal view, write the
       review as JSON and Markdown; exit 1 on blocking findings, 2 on errors.
post   read a review JSON (an artifact of the check job: untrusted), check it
       (Note [Validating the review artifact] in validate.py) and post it to
       the PR whose head is --head-sha; the Markdown summary is written once
       the checks pass, before posting, so it survives an API failure; exit 1
       on a bad artifact (nothing posted) or an API error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from tools.common.git import GitError, git
from tools.common.paths import ROOT
from tools.review.comments import MAX_BYTES, Review, ReviewFormatError, load_review
from tools.review.context import git_context
from tools.review.diff import DiffError
from tools.review.engine import run_rules
from tools.review.github import Client, GitHubError, Target, post
from tools.review.render import markdown, terminal
from tools.review.validate import ArtifactError, check_words

REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
SHA = re.compile(r"^[0-9a-f]{40}$")


def fail(message: str, code: int = 2) -> int:
    print(f"review: error: {message}", file=sys.stderr)
    return code


def read_event(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8", errors="replace"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read the event payload {path}: {exc}") from None
    pr = data.get("pull_request") if isinstance(data, dict) else None
    return pr if isinstance(pr, dict) else {}


def review_branch(repo: Path, base: str, head: str, event: dict[str, Any]) -> Review:
    body = event.get("body")
    pr_body = (body if isinstance(body, str) else "") if event else None
    ctx, merge_base = git_context(repo, base, head, pr_body)
    review = run_rules(ctx)
    review.base, review.head = merge_base, head
    number = event.get("number")
    review.pr_number = number if isinstance(number, int) else None
    sha = event.get("head", {}).get("sha") if isinstance(event.get("head"), dict) else None
    review.head_sha = sha if isinstance(sha, str) and SHA.match(sha) else None
    return review


def cmd_check(args: argparse.Namespace) -> int:
    try:
        review = review_branch(Path(args.repo), args.base, args.head, read_event(args.event))
        head_sha = git(Path(args.repo), "rev-parse", f"{args.head}^{{commit}}").strip()
    except (GitError, DiffError, ValueError) as exc:
        return fail(str(exc))
    if review.base == head_sha:
        # An empty range reviews as "clean"; say instead that nothing was reviewed.
        return fail(f"nothing to review: {args.head} has no commits beyond {args.base}", 1)
    if args.json:
        Path(args.json).write_text(review.to_json(), encoding="utf-8")
    if args.markdown:
        Path(args.markdown).write_text(markdown(review), encoding="utf-8")
    if not args.quiet:
        sys.stdout.write(terminal(review))
    return 1 if review.blocking else 0


def cmd_post(args: argparse.Namespace) -> int:
    if not SHA.match(args.head_sha or ""):
        return fail("--head-sha must be the reviewed commit's 40-digit sha", 1)
    if args.head_repo is not None and not REPO.match(args.head_repo):
        return fail("--head-repo must be OWNER/NAME", 1)
    try:
        with open(args.review, "rb") as f:
            review = load_review(f.read(MAX_BYTES + 1))
        words = check_words(review)
    except OSError as exc:
        return fail(f"cannot read {args.review}: {exc.strerror}", 1)
    except (ReviewFormatError, ArtifactError) as exc:
        return fail(f"{args.review}: {exc}; nothing posted", 1)
    pr = args.pr or review.pr_number
    if not REPO.match(args.repo) or not pr or pr < 1:
        return fail("need --repo OWNER/NAME and a PR number (--pr or in the review)", 1)
    summary = args.summary_file or os.environ.get("GITHUB_STEP_SUMMARY")
    target = Target(args.repo, pr, args.head_sha, args.head_repo, args.bot_login or None)
    try:
        post(Client.from_env(), target, words, summary)
    except ArtifactError as exc:
        return fail(f"{args.review}: {exc}; nothing posted", 1)
    except GitHubError as exc:
        return fail(str(exc), 1)
    except OSError as exc:
        return fail(f"cannot write the summary {summary}: {exc.strerror}; nothing posted", 1)
    print(f"review: posted to {args.repo}#{pr}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tools.review")
    sub = parser.add_subparsers(dest="cmd", required=True)
    check = sub.add_parser("check", help="review base...head of a clone")
    check.add_argument("--repo", default=str(ROOT), help="the clone to review (default: this one)")
    check.add_argument("--base", default="main")
    check.add_argument("--head", default="HEAD")
    check.add_argument("--event", help="GitHub event payload (JSON) with the PR description")
    check.add_argument("--json", help="write the review as JSON here")
    check.add_argument("--markdown", help="write the review as Markdown here")
    check.add_argument("--quiet", action="store_true", help="no terminal view")
    check.set_defaults(func=cmd_check)
    p = sub.add_parser("post", help="post a review JSON to a pull request")
    p.add_argument("--review", required=True)
    p.add_argument("--repo", default=os.environ.get("GITHUB_REPOSITORY", ""))
    p.add_argument("--pr", type=int)
    p.add_argument(
        "--head-sha", required=True, help="the reviewed commit: post only if it is the PR's head"
    )
    p.add_argument("--head-repo", help="OWNER/NAME the PR's head must be in (the workflow's)")
    p.add_argument(
        "--bot-login",
        help="the poster's login if the token may not read GET /user (github-actions[bot])",
    )
    p.add_argument("--summary-file", help="append the Markdown here (default $GITHUB_STEP_SUMMARY)")
    p.set_defaults(func=cmd_post)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
