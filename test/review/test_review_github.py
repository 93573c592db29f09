"""Posting a review, end to end, against a fake GitHub API server on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fake_github import FakeGitHub

from tools.review.comments import Comment, Review, Severity
from tools.review.messages import CATALOG
from tools.review.render import INLINE_MARKER, MARKER

ROOT = Path(__file__).resolve().parents[2]
SHA = "a" * 40


def message(rule: str, index: int = 0, **values: str) -> str:
    """A message as the rule writes it: its template with `values` put in."""
    text = CATALOG[rule].templates[index]
    for name, value in values.items():
        text = text.replace(f"${{{name}}}", value).replace(f"${{{name}:text}}", value)
    return text


def review(*lines: int) -> Review:
    comments = [
        Comment(
            "new-op-opinfo",
            Severity.BLOCKING,
            "native_functions.yaml",
            n,
            message("new-op-opinfo", op=f"op{n}"),
            in_diff=True,
        )
        for n in lines
    ]
    summary = message("pr-summary")
    comments.append(
        Comment("pr-summary", Severity.BLOCKING, "(pull request description)", 1, summary)
    )
    return Review(comments=comments, pr_number=7, head_sha=SHA)


def post(
    fake: FakeGitHub,
    tmp_path: Path,
    r: Review | bytes,
    token: str = "t0ken",
    extra: tuple[str, ...] = ("--head-sha", SHA),
) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "review.json"
    path.write_bytes(r if isinstance(r, bytes) else r.to_json().encode())
    env = {**os.environ, "GITHUB_API_URL": fake.url, "GITHUB_TOKEN": token}
    cmd = [sys.executable, "-m", "tools.review", "post", "--review", str(path), "--repo", "o/r"]
    cmd += ["--summary-file", str(tmp_path / "summary.md"), *extra]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_posts_inline_comments_and_one_sticky_summary(tmp_path: Path) -> None:
    with FakeGitHub(SHA) as fake:
        fake.issue_comments[1] = {"id": 1, "body": "a human's comment"}
        assert post(fake, tmp_path, review(12, 20)).returncode == 0
        [posted] = fake.reviews
        assert posted["commit_id"] == SHA and posted["event"] == "COMMENT"
        assert [(c["path"], c["line"], c["side"]) for c in posted["comments"]] == [
            ("native_functions.yaml", 12, "RIGHT"),
            ("native_functions.yaml", 20, "RIGHT"),
        ]
        first_ids = set(fake.review_comments)
        proc = post(fake, tmp_path, review(30))
        assert proc.returncode == 0, proc.stderr
        mine = [c for c in fake.issue_comments.values() if MARKER in c["body"]]
        assert len(mine) == 1 and len(fake.issue_comments) == 2  # updated, not duplicated
        assert ("PATCH", f"/repos/o/r/issues/comments/{max(fake.issue_comments)}") in fake.requests
        assert not first_ids & set(fake.review_comments)  # stale inline comments removed
        assert [c["line"] for c in fake.review_comments.values()] == [30]
        assert all(INLINE_MARKER in c["body"] for c in fake.review_comments.values())


@pytest.mark.parametrize(
    ("method", "pattern", "status"),
    [
        ("POST", r".*/reviews", 422),
        ("GET", r".*/issues/7/comments", 403),
        ("PATCH", r".*/issues/comments/\d+", 500),
    ],
)
def test_api_errors_are_clear_and_keep_the_summary(
    tmp_path: Path, method: str, pattern: str, status: int
) -> None:
    with FakeGitHub(SHA) as fake:
        fake.issue_comments[5] = {"id": 5, **fake.mine(f"{MARKER} old")}
        fake.fail[(method, pattern)] = status
        proc = post(fake, tmp_path, review(12))
    assert proc.returncode == 1
    assert f"returned {status}: injected {status}" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert MARKER in (tmp_path / "summary.md").read_text()


def test_refuses_to_post_when_the_head_moved(tmp_path: Path) -> None:
    with FakeGitHub("b" * 40) as fake:
        proc = post(fake, tmp_path, review(12))
        assert proc.returncode == 1 and "not the reviewed commit" in proc.stderr
        assert fake.reviews == [] and fake.issue_comments == {}


def test_bad_token_and_tampered_artifact(tmp_path: Path) -> None:
    with FakeGitHub(SHA) as fake:
        proc = post(fake, tmp_path, review(12), token="wrong")
        assert proc.returncode == 1 and "401" in proc.stderr
        bad = tmp_path / "bad.json"
        bad.write_text('{"comments": [{"severity": "blocking", "line": "1; rm -rf"}]}')
        cmd = [sys.executable, "-m", "tools.review", "post", "--review", str(bad), "--repo", "o/r"]
        cmd += ["--head-sha", SHA]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
        assert proc.returncode == 1 and "is not an integer" in proc.stderr
