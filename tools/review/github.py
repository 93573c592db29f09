"""Posting a review to a pull request through the GitHub REST API (stdlib urllib).

The base URL comes from GITHUB_API_URL (set by Actions; tests point it at a
local fake server), the token from GITHUB_TOKEN. What gets posted:

1. one sticky summary comment (an issue comment holding `render.MARKER`),
   edited in place on every run, created only the first time;
2. a review (event COMMENT) with one inline comment per finding on a diff line;
3. the inline comments of earlier runs (holding `render.INLINE_MARKER`) are
   deleted, after the new review is up, so a failure never leaves a PR with none.

Any HTTP error is a `GitHubError` naming the request and GitHub's message.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from tools.review.comments import Review
from tools.review.render import INLINE_MARKER, MARKER, inline_body, markdown

PER_PAGE = 100
MAX_PAGES = 30


class GitHubError(Exception):
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
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base_url + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self.token}")
        req.add_header("Accept", "application/vnd.github+json")
        req.add_header("X-GitHub-Api-Version", "2022-11-28")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            raise GitHubError(method, path, exc.code, _message(exc.read())) from None
        except (urllib.error.URLError, OSError) as exc:
            raise GitHubError(method, path, 0, f"cannot reach the API: {exc}") from None
        return json.loads(raw) if raw.strip() else None

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


def _mine(comment: Any, marker: str) -> bool:
    return isinstance(comment, dict) and marker in str(comment.get("body", ""))


def check_head(client: Client, repo: str, pr: int, head_sha: str | None) -> None:
    """Refuse to post on a PR whose head is not the commit that was reviewed."""
    if head_sha is None:
        return
    data = client.request("GET", f"/repos/{repo}/pulls/{pr}")
    actual = data.get("head", {}).get("sha") if isinstance(data, dict) else None
    if actual != head_sha:
        raise GitHubError("GET", f"/repos/{repo}/pulls/{pr}", 409, "PR head moved; not posting")


def upsert_summary(client: Client, repo: str, pr: int, body: str) -> None:
    mine = [c for c in client.paged(f"/repos/{repo}/issues/{pr}/comments") if _mine(c, MARKER)]
    if mine:
        client.request("PATCH", f"/repos/{repo}/issues/comments/{mine[0]['id']}", {"body": body})
    else:
        client.request("POST", f"/repos/{repo}/issues/{pr}/comments", {"body": body})


def post_inline(client: Client, repo: str, pr: int, review: Review, commit: str | None) -> None:
    old = [
        c["id"]
        for c in client.paged(f"/repos/{repo}/pulls/{pr}/comments")
        if _mine(c, INLINE_MARKER)
    ]
    inline = [c for c in review.comments if c.in_diff]
    if inline:
        payload: dict[str, Any] = {
            "event": "COMMENT",
            "body": f"{INLINE_MARKER}\nThe mock reviewer left {len(inline)} inline comment(s).",
            "comments": [
                {"path": c.path, "line": c.line, "side": c.side, "body": inline_body(c)}
                for c in inline
            ],
        }
        if commit:
            payload["commit_id"] = commit
        client.request("POST", f"/repos/{repo}/pulls/{pr}/reviews", payload)
    for comment_id in old:
        client.request("DELETE", f"/repos/{repo}/pulls/comments/{comment_id}")


def post(client: Client, repo: str, pr: int, review: Review, head_sha: str | None) -> None:
    check_head(client, repo, pr, head_sha)
    upsert_summary(client, repo, pr, markdown(review))
    post_inline(client, repo, pr, review, head_sha)
