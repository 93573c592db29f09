"""The task-check workflow's sticky PR comment, rendered from `./kit check --json`.

`render(doc)` turns a results document (tools/taskkit/results.py) into the
comment: the checks table, what failed first, how to reproduce it, the next
hint and the next task. `post(...)` puts it on the PR through the GitHub REST
API: the one comment of this poster that starts with `MARKER` is edited in
place (PATCH), else one is created (POST), so a PR carries one task-check
comment however often it is pushed.

    python -m tools.taskkit.comment render --results results.json
    python -m tools.taskkit.comment post --results results.json --repo o/r --pr 7 \\
        --task 01-unary-op [--bot-login 'github-actions[bot]']

GITHUB_TOKEN and GITHUB_API_URL (Actions sets it; tests point it at a fake
server) configure the API. tools/review/github.py has the review poster's
client; this package sits below tools.review (test/model/test_import_graph.py),
so both send their requests through tools/common/github.py.

# Note [The results document is data]
# The document was written by a run of the PR's code, so the poster trusts
# none of it: it must match results.schema.json (results.validate) and name
# the task the workflow checked, every string is capped and rendered inert
# (table cells: Markdown punctuation backslash-escaped, @mentions broken; the
# first failure: a fenced code block whose fence is longer than any backtick
# run in it), and only a comment of this poster's own login that starts with
# the marker is ever edited.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from tools.common import github
from tools.common.errors import KitError
from tools.taskkit import results
from tools.taskkit.spec import ID_PATTERN

MARKER = "<!-- aten-mini:task-check -->"
MAX_CHECKS = 40
MAX_TEXT = 300
MAX_HINT = 1000  # a task hint is a short paragraph
STATUS_MARK = {"passed": "✅ passed", "failed": "❌ failed", "not available": "⚪ not available"}
PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def _text(value: object, limit: int = MAX_TEXT) -> str:
    """One line, at most `limit` characters, control characters dropped."""
    s = "".join(ch if ch.isprintable() else " " for ch in str(value)).strip()
    return s if len(s) <= limit else s[: limit - 3] + "..."


def inert(value: object, limit: int = MAX_TEXT) -> str:
    """Text that renders as itself in a GitHub comment (no link, HTML, mention, table cell)."""
    s = PUNCTUATION.sub(r"\\\1", _text(value, limit)).replace("@", "@\u200b")
    # GitHub links bare URLs too: a zero-width space breaks `://` and `www.`.
    return re.sub(r"(?i)(:\\/)|(www)(\\\.)", lambda m: f"{m[0][:1]}\u200b{m[0][1:]}", s)


def code_block(value: object, limit: int = MAX_TEXT) -> str:
    s = _text(value, limit)
    longest = max((len(m) for m in re.findall(r"`+", s)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{s}\n{fence}"


def _task_id(value: object) -> str:
    """A task id in a code span as is (the id pattern has no Markdown); else inert, no span."""
    s = str(value)
    return f"`{s}`" if ID_PATTERN.fullmatch(s) else inert(s, 80)


def render(doc: dict[str, Any]) -> str:
    """The comment body for a document that `results.validate` accepts."""
    task, status = doc["task"], doc["status"]
    head = "passed ✅" if status == "passed" else "failed ❌"
    lines = [MARKER, f"### ./kit check {_task_id(task)}: {head}", ""]
    lines += ["| check | result | time |", "| --- | --- | --- |"]
    checks = doc["checks"][:MAX_CHECKS]
    for c in checks:
        took = "" if c["status"] == "not available" else f"{float(c['seconds']):.1f}s"
        lines.append(f"| {inert(c['name'], 120)} | {STATUS_MARK[c['status']]} | {took} |")
    if len(doc["checks"]) > MAX_CHECKS:
        lines.append(f"| ... {len(doc['checks']) - MAX_CHECKS} more | | |")
    failed = next((c for c in doc["checks"] if c["status"] == "failed"), None)
    if failed is not None:
        lines += ["", f"**What failed first:** {inert(failed['name'], 120)}", ""]
        lines.append(code_block(failed["first_failure"] or failed["message"]))
        if failed["hint"]:
            lines += ["", f"**Reproduce it locally:** {inert(failed['hint'])}"]
    if doc["next_hint"]:
        lines += ["", f"**Next hint:** {inert(doc['next_hint'], MAX_HINT)}"]
    if status == "passed":
        lines += ["", "Task passed: compare with the reference, `./kit solution`."]
    if doc["next_task"]:
        lines += ["", f"**Next task:** {_task_id(doc['next_task'])} (`./kit start <id>`)"]
    commit = doc["kit_commit"]
    short = inert(commit[:12], 12) if isinstance(commit, str) else "unknown"
    lines += [
        "",
        f"_kit commit {short}; results schema v{results.SCHEMA_VERSION}; "
        "the same document `./kit check --json` writes locally, so this verdict is the "
        "local one._",
    ]
    return "\n".join(lines) + "\n"


class PostError(KitError):
    pass


def load(path: Path, task: str | None = None) -> dict[str, Any]:
    """The document at `path`, validated (Note [The results document is data])."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PostError(f"{path}: not a results document: {exc}") from None
    problems = results.validate(doc)
    if problems:
        raise PostError(f"{path}: does not match results.schema.json: {problems[0]}")
    if task is not None and doc["task"] != task:
        raise PostError(f"{path}: the document is for task {doc['task']!r}, not {task!r}")
    assert isinstance(doc, dict)
    return doc


class Api:
    def __init__(self, base_url: str, token: str, timeout: float = 30.0) -> None:
        self.base_url, self.token, self.timeout = base_url.rstrip("/"), token, timeout

    @staticmethod
    def from_env() -> Api:
        token = os.environ.get("GITHUB_TOKEN", "")
        if not token:
            raise PostError("GITHUB_TOKEN is not set")
        return Api(os.environ.get("GITHUB_API_URL", "https://api.github.com"), token)

    def request(self, method: str, path: str, body: Any = None) -> Any:
        try:
            return github.request(
                self.base_url, self.token, method, path, body, timeout=self.timeout
            )
        except github.ApiFailure as exc:
            if exc.detail:
                raise PostError(f"GitHub API {method} {path}: {exc.detail}") from None
            raise PostError(f"GitHub API {method} {path} returned {exc.status}") from None

    def login(self, bot_login: str | None) -> str:
        """The login this poster's comments carry (an Actions token may not read /user)."""
        try:
            me = self.request("GET", "/user")
        except PostError as exc:
            if bot_login and " returned 403" in str(exc):
                return bot_login
            raise
        login = me.get("login") if isinstance(me, dict) else None
        if not isinstance(login, str) or not login:
            raise PostError("GET /user: no login in the answer")
        return login

    def issue_comments(self, repo: str, pr: int) -> list[Any]:
        items: list[Any] = []
        for page in range(1, 31):
            batch = self.request(
                "GET", f"/repos/{repo}/issues/{pr}/comments?per_page=100&page={page}"
            )
            if not isinstance(batch, list):
                raise PostError("GET comments: expected a JSON list")
            items += batch
            if len(batch) < 100:
                break
        return items


def _mine(comment: Any, me: str) -> bool:
    if not isinstance(comment, dict):
        return False
    user = comment.get("user")
    login = user.get("login") if isinstance(user, dict) else None
    return login == me and str(comment.get("body", "")).startswith(MARKER)


def post(api: Api, repo: str, pr: int, body: str, me: str) -> str:
    """Edit this poster's sticky comment, or create it; says which it did."""
    mine = [c for c in api.issue_comments(repo, pr) if _mine(c, me)]
    if mine:
        api.request("PATCH", f"/repos/{repo}/issues/comments/{int(mine[0]['id'])}", {"body": body})
        return f"updated comment {mine[0]['id']}"
    made = api.request("POST", f"/repos/{repo}/issues/{pr}/comments", {"body": body})
    return f"created comment {made.get('id') if isinstance(made, dict) else '?'}"


REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.taskkit.comment")
    sub = parser.add_subparsers(dest="command", required=True)
    show = sub.add_parser("render", help="print the comment for a results document")
    show.add_argument("--results", type=Path, required=True)
    put = sub.add_parser("post", help="post or update the sticky comment on a PR")
    put.add_argument("--results", type=Path, required=True)
    put.add_argument("--repo", required=True, help="owner/name")
    put.add_argument("--pr", type=int, required=True)
    put.add_argument("--task", required=True, help="the task id the workflow checked")
    put.add_argument("--bot-login", help="the login of an Actions token's comments")
    args = parser.parse_args(argv)
    try:
        if args.command == "render":
            sys.stdout.write(render(load(args.results)))
            return 0
        if not REPO.match(args.repo):
            raise PostError(f"--repo {args.repo!r} is not owner/name")
        body = render(load(args.results, args.task))
        api = Api.from_env()
        print(
            f"task-check comment: {post(api, args.repo, args.pr, body, api.login(args.bot_login))}"
        )
        return 0
    except PostError as exc:
        print(f"task-check comment: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
