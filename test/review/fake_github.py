"""A fake GitHub REST API on 127.0.0.1: a real http.server in a thread.

It keeps pull requests (head sha and repository, changed files with their
patches), issue comments, review comments and reviews in memory, answers
GET /user with the token's login (or 403, as GitHub does for an Actions
token), records every request with its body, and can be told to fail one
endpoint with a status code. Comments it creates carry `user.login`.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BOT = "aten-mini-bot"
# native_functions.yaml of PR 7: lines 10-40 added (RIGHT), base lines 5-6 removed (LEFT).
PATCH = "@@ -5,2 +5,0 @@\n-old\n-old\n@@ -20,0 +10,31 @@\n" + "+new\n" * 31


class FakeGitHub:
    def __init__(self, head_sha: str = "a" * 40, login: str | None = BOT) -> None:
        self.head_sha = head_sha
        self.login = login  # None: GET /user answers 403 (an installation token)
        self.pulls: dict[int, dict[str, Any]] = {
            7: {"number": 7, "head": {"sha": head_sha, "repo": {"full_name": "fork/r"}}}
        }
        self.files: dict[int, list[dict[str, Any]]] = {
            7: [
                {"filename": "native_functions.yaml", "patch": PATCH},
                {"filename": "aten_mini/native/Foo.cpp", "patch": "@@ -0,0 +1,3 @@\n+a\n+b\n+c"},
            ]
        }
        self.issue_comments: dict[int, dict[str, Any]] = {}
        self.review_comments: dict[int, dict[str, Any]] = {}
        self.reviews: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str]] = []
        self.bodies: list[tuple[str, str, Any]] = []  # (method, path, JSON body) of writes
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
                if method != "GET":
                    fake.bodies.append((method, path, body))
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

    def mine(self, body: str) -> dict[str, Any]:
        return {"body": body, "user": {"login": self.login or "github-actions[bot]"}}

    def route(self, method: str, path: str, body: Any, full: str) -> tuple[int, Any]:
        m = re.search(r"[?&]page=(\d+)", full)
        page = int(m[1]) if m else 1
        window = slice((page - 1) * 100, page * 100)
        pr = re.fullmatch(r"/repos/o/r/(?:pulls|issues)/(\d+)(/.*)?", path)
        number, rest = (int(pr[1]), pr[2] or "") if pr else (0, "")
        if pr and number not in self.pulls:
            return 404, {"message": "Not Found"}
        if method == "GET" and path == "/user":
            if self.login is None:
                return 403, {"message": "Resource not accessible by integration"}
            return 200, {"login": self.login}
        if method == "GET" and pr and path.startswith("/repos/o/r/pulls/") and rest == "":
            return 200, self.pulls[number]
        if method == "GET" and pr and rest == "/files":
            return 200, self.files.get(number, [])[window]
        if method == "GET" and rest == "/comments" and "/issues/" in path:
            return 200, list(self.issue_comments.values())[window]
        if method == "POST" and rest == "/comments" and "/issues/" in path:
            cid = self.new_id()
            self.issue_comments[cid] = {"id": cid, **self.mine(body["body"])}
            return 201, self.issue_comments[cid]
        if method == "PATCH" and (m := re.fullmatch(r"/repos/o/r/issues/comments/(\d+)", path)):
            self.issue_comments[int(m[1])]["body"] = body["body"]
            return 200, self.issue_comments[int(m[1])]
        if method == "GET" and rest == "/comments" and "/pulls/" in path:
            return 200, list(self.review_comments.values())[window]
        if method == "POST" and rest == "/reviews":
            self.reviews.append(body)
            for c in body.get("comments", []):
                cid = self.new_id()
                self.review_comments[cid] = {"id": cid, **c, **self.mine(c["body"])}
            return 200, {"id": self.new_id()}
        if method == "DELETE" and (m := re.fullmatch(r"/repos/o/r/pulls/comments/(\d+)", path)):
            del self.review_comments[int(m[1])]
            return 204, None
        return 404, {"message": "Not Found"}
