"""A fake GitHub REST API on 127.0.0.1: a real http.server in a thread.

It keeps issue comments, review comments and reviews in memory, records every
request, and can be told to fail one endpoint with a status code.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeGitHub:
    def __init__(self, head_sha: str = "a" * 40) -> None:
        self.head_sha = head_sha
        self.issue_comments: dict[int, dict[str, Any]] = {}
        self.review_comments: dict[int, dict[str, Any]] = {}
        self.reviews: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str]] = []
        self.fail: dict[tuple[str, str], int] = {}  # (method, path regex) -> status
        self.next_id = 100
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeGitHub:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _reply(self, status: int, body: Any) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _serve(self, method: str) -> None:
                path = self.path.split("?")[0]
                fake.requests.append((method, path))
                if self.headers.get("Authorization") != "Bearer t0ken":
                    return self._reply(401, {"message": "Bad credentials"})
                for (m, pattern), status in fake.fail.items():
                    if m == method and re.fullmatch(pattern, path):
                        return self._reply(status, {"message": f"injected {status}"})
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                status, out = fake.route(method, path, body, self.path)
                self._reply(status, out)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def do_PATCH(self) -> None:
                self._serve("PATCH")

            def do_DELETE(self) -> None:
                self._serve("DELETE")

        return Handler

    def route(self, method: str, path: str, body: Any, full: str) -> tuple[int, Any]:
        page = int(re.search(r"[?&]page=(\d+)", full).group(1)) if "page=" in full else 1  # type: ignore[union-attr]
        if method == "GET" and re.fullmatch(r"/repos/o/r/pulls/7", path):
            return 200, {"number": 7, "head": {"sha": self.head_sha}}
        if method == "GET" and path.endswith("/issues/7/comments"):
            return 200, list(self.issue_comments.values())[(page - 1) * 100 : page * 100]
        if method == "POST" and path.endswith("/issues/7/comments"):
            cid = self.new_id()
            self.issue_comments[cid] = {"id": cid, "body": body["body"]}
            return 201, self.issue_comments[cid]
        if method == "PATCH" and (m := re.fullmatch(r"/repos/o/r/issues/comments/(\d+)", path)):
            self.issue_comments[int(m[1])]["body"] = body["body"]
            return 200, self.issue_comments[int(m[1])]
        if method == "GET" and path.endswith("/pulls/7/comments"):
            return 200, list(self.review_comments.values())[(page - 1) * 100 : page * 100]
        if method == "POST" and path.endswith("/pulls/7/reviews"):
            self.reviews.append(body)
            for c in body.get("comments", []):
                cid = self.new_id()
                self.review_comments[cid] = {"id": cid, **c}
            return 200, {"id": self.new_id()}
        if method == "DELETE" and (m := re.fullmatch(r"/repos/o/r/pulls/comments/(\d+)", path)):
            del self.review_comments[int(m[1])]
            return 204, None
        return 404, {"message": "Not Found"}
