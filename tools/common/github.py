"""One request to the GitHub REST API (stdlib urllib), for the review poster
(tools/review/github.py) and the task-check comment (tools/taskkit/comment.py).

Each caller turns an `ApiFailure` into its own error, worded its own way.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from tools.common.errors import KitError


class ApiFailure(KitError):
    """A request that got no usable answer.

    `status` is the HTTP status (0: the API was not reached; 200: the answer
    is not JSON); `detail` says what went wrong when there is no HTTP error
    body to read, `body` is that body when there is.
    """

    def __init__(self, status: int, detail: str = "", body: bytes = b"") -> None:
        super().__init__(detail or f"HTTP {status}")
        self.status, self.detail, self.body = status, detail, body


def request(
    base_url: str, token: str, method: str, path: str, body: Any = None, *, timeout: float
) -> Any:
    """The decoded JSON answer to `method path` (None for an empty one)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base_url + path, data=data, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    req.add_header("Accept", "application/vnd.github+json")
    req.add_header("X-GitHub-Api-Version", "2022-11-28")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
    except urllib.error.HTTPError as exc:
        raise ApiFailure(exc.code, body=exc.read()) from None
    except (urllib.error.URLError, OSError) as exc:
        raise ApiFailure(0, f"cannot reach the API: {exc}") from None
    try:
        return json.loads(raw) if raw.strip() else None
    except ValueError:  # not JSON, or not UTF-8
        raise ApiFailure(200, "the answer is not JSON") from None
