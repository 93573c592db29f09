"""Posting a review to a pull request through the GitHub REST API (stdlib urllib).

The base URL comes from GITHUB_API_URL (set by Actions; tests point it at a
local fake server), the token from GITHUB_TOKEN. What gets posted:

1. one sticky summary comment (an issue comment starting with `render.MARKER`),
   edited in place on every run, created only the first time;
2. a review (event COMMENT) with one inline comment per finding on a diff line;
3. the inline comments of earlier runs (starting with `render.INLINE_MARKER`)
   are deleted, after the new review is up, so a failure never leaves a PR with none.

Only comments written by the poster's own identity are edited or deleted: the
login of the token (GET /user), or, for the Actions token, which may not read
/user, the bot login the workflow names (`--bot-login`); the marker alone
proves nothing, anyone can type it. Before any of it: the PR's head must be
the reviewed commit, and the review is checked against the PR's diff; see
Note [Validating the review artifact] in tools/review/validate.py.

Any HTTP error is a `GitHubError` naming the request and GitHub's message.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from tools.common import github
from tools.common.errors import KitError
from tools.review.render import INLINE_MARKER, MARKER, inline_body, markdown
from tools.review.validate import DiffFile, SafeReview, check_places, parse_patch

PER_PAGE = 100
MAX_PAGES = 30


class GitHubError(KitError):
    def __init__(self, method: str, path: str, status: int, message: str) -> None:
        super().__init__(f"GitHub API {method} {path} returned {status}: {message}")
        self.status = status


@dataclass(frozen=True)
class Client:
    base_url: str
    token: str
    timeout: float = 30.0

    @staticmethod
    def from_env() -> Client:
        token = os.environ.get("GITHUB_TOKEN", "")
        if not token:
            raise GitHubError("-", "-", 0, "GITHUB_TOKEN is not set")
        base = os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
        return Client(base, token)

    def request(self, method: str, path: str, body: Any = None) -> Any:
        try:
            return github.request(
                self.base_url, self.token, method, path, body, timeout=self.timeout
            )
        except github.ApiFailure as exc:
            message = exc.detail or _message(exc.body)
            raise GitHubError(method, path, exc.status, message) from None

    def paged(self, path: str) -> list[Any]:
        items: list[Any] = []
        for page in range(1, MAX_PAGES + 1):
            batch = self.request("GET", f"{path}?per_page={PER_PAGE}&page={page}")
            if not isinstance(batch, list):
                raise GitHubError("GET", path, 200, "expected a JSON list")
            items += batch
            if len(batch) < PER_PAGE:
                break
        return items


def _message(raw: bytes) -> str:
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return raw.decode("utf-8", "replace")[:200] or "no message"
    msg = str(data.get("message", "")) if isinstance(data, dict) else ""
    errors = data.get("errors") if isinstance(data, dict) else None
    return (msg + (f" ({errors})" if errors else ""))[:500] or "no message"


def identity(client: Client, bot_login: str | None) -> str:
    """The login the poster's comments carry. See the module docstring."""
    try:
        me = client.request("GET", "/user")
    except GitHubError as exc:
        if exc.status == 403 and bot_login:  # an installation token: GET /user is refused
            return bot_login
        raise
    login = me.get("login") if isinstance(me, dict) else None
    if not isinstance(login, str) or not login:
        raise GitHubError("GET", "/user", 200, "no login in the answer")
    return login


def _mine(comment: Any, marker: str, me: str) -> bool:
    if not isinstance(comment, dict):
        return False
    user = comment.get("user")
    login = user.get("login") if isinstance(user, dict) else None
    return login == me and str(comment.get("body", "")).startswith(marker)


def check_head(client: Client, repo: str, pr: int, head_sha: str, head_repo: str | None) -> None:
    """Refuse to post on a PR whose head is not the commit (and repository) reviewed."""
    path = f"/repos/{repo}/pulls/{pr}"
    data = client.request("GET", path)
    head = data.get("head") if isinstance(data, dict) else None
    head = head if isinstance(head, dict) else {}
    if head.get("sha") != head_sha:
        raise GitHubError("GET", path, 409, "the PR's head is not the reviewed commit; not posting")
    where = head.get("repo")
    actual = where.get("full_name") if isinstance(where, dict) else None
    if head_repo is not None and actual != head_repo:
        raise GitHubError("GET", path, 409, "the PR's head is in another repository; not posting")


def diff_files(client: Client, repo: str, pr: int) -> dict[str, DiffFile]:
    """The PR's files and their commentable lines, as GitHub has the diff."""
    files = {}
    for item in client.paged(f"/repos/{repo}/pulls/{pr}/files"):
        name = item.get("filename") if isinstance(item, dict) else None
        if isinstance(name, str):
            patch = item.get("patch")
            files[name] = parse_patch(name, patch if isinstance(patch, str) else None)
    return files


def upsert_summary(client: Client, repo: str, pr: int, body: str, me: str) -> None:
    comments = client.paged(f"/repos/{repo}/issues/{pr}/comments")
    mine = [c for c in comments if _mine(c, MARKER, me)]
    if mine:
        client.request("PATCH", f"/repos/{repo}/issues/comments/{mine[0]['id']}", {"body": body})
    else:
        client.request("POST", f"/repos/{repo}/issues/{pr}/comments", {"body": body})


def post_inline(client: Client, repo: str, pr: int, safe: SafeReview, commit: str, me: str) -> None:
    old = [
        c["id"]
        for c in client.paged(f"/repos/{repo}/pulls/{pr}/comments")
        if _mine(c, INLINE_MARKER, me)
    ]
    inline = [s for s in safe.comments if s.comment.in_diff]
    if inline:
        payload: dict[str, Any] = {
            "event": "COMMENT",
            "commit_id": commit,
            "body": f"{INLINE_MARKER}\nThe mock reviewer left {len(inline)} inline comment(s).",
            "comments": [
                {
                    "path": s.comment.path,
                    "line": s.comment.line,
                    "side": s.comment.side,
                    "body": inline_body(s.comment, s.markdown),
                }
                for s in inline
            ],
        }
        client.request("POST", f"/repos/{repo}/pulls/{pr}/reviews", payload)
    for comment_id in old:
        client.request("DELETE", f"/repos/{repo}/pulls/comments/{comment_id}")


@dataclass(frozen=True)
class Target:
    """Where to post, as the (trusted) workflow names it."""

    repo: str
    pr: int
    head_sha: str
    head_repo: str | None = None
    bot_login: str | None = None


def post(client: Client, target: Target, words: SafeReview, summary_file: str | None) -> None:
    """Check the target and the places, then post. `words` is validate.check_words' result."""
    me = identity(client, target.bot_login)
    check_head(client, target.repo, target.pr, target.head_sha, target.head_repo)
    safe = check_places(words, diff_files(client, target.repo, target.pr))
    body = markdown(safe.review, safe.messages, safe.errors)
    if summary_file:
        with open(summary_file, "a", encoding="utf-8") as f:
            f.write(body)
    upsert_summary(client, target.repo, target.pr, body, me)
    post_inline(client, target.repo, target.pr, safe, target.head_sha, me)
