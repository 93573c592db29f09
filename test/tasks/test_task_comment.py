"""The task-check workflow's sticky comment: rendered from a real `./kit check --json`
document and posted to a fake GitHub API (test/review/fake_github.py's server)."""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from taskrepo import kit, make_repo

from tools.taskkit import comment, results

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))
from fake_github import BOT, FakeGitHub

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def failed_doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The document of a real failing `./kit check --json` on the fixture task."""
    tmp = tmp_path_factory.mktemp("check")
    repo = make_repo(tmp)
    kit(repo, "start", "1")
    rc, _, _ = kit(repo, "check", "--json", str(tmp / "results.json"))
    doc = json.loads((tmp / "results.json").read_text())
    assert rc == 1 and doc["status"] == "failed"
    return dict(doc)


def test_comment_shows_table_failure_hint_and_next_task(failed_doc: dict[str, Any]) -> None:
    body = comment.render(failed_doc)
    lines = body.splitlines()
    assert lines[0] == comment.MARKER
    assert lines[1] == "### ./kit check `01-fix-greeting`: failed ❌"
    assert "| check | result | time |" in lines
    rows = [ln for ln in lines if ln.startswith("| ") and ("passed" in ln or "failed" in ln)]
    assert len([r for r in rows if "❌ failed" in r]) == 2
    assert sum("⚪ not available" in ln for ln in lines) == 2
    fence = lines.index("```text")
    first = failed_doc["checks"][0]
    assert lines[fence + 1] == first["first_failure"] and lines[fence + 2] == "```"
    assert "AssertionError" in lines[fence + 1]
    html = MarkdownIt("commonmark").enable("table").render(body)
    assert "<strong>Reproduce it locally:</strong> run it: python -m pytest -q" in html
    assert "<strong>Next hint:</strong> hint 1/2: Look at greet.py.</p>" in html
    assert "**Next task:** `02-shout` (`./kit start <id>`)" in body
    sha = failed_doc["kit_commit"][:12]
    assert f"kit commit {sha}" in body


def test_post_creates_then_updates_one_comment(
    failed_doc: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "results.json"
    path.write_text(json.dumps(failed_doc))
    argv = ["post", "--results", str(path), "--repo", "o/r", "--pr", "7"]
    argv += ["--task", "01-fix-greeting"]
    with FakeGitHub() as fake:
        monkeypatch.setenv("GITHUB_API_URL", fake.url)
        monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
        # Someone else's comment that copies the marker is never edited.
        fake.issue_comments[1] = {"id": 1, "body": comment.MARKER + " x", "user": {"login": "eve"}}
        assert comment.main(argv) == 0
        assert comment.main(argv) == 0
        passed = {**failed_doc, "status": "passed", "next_hint": None}
        passed["checks"] = [{**c, "status": "passed", "first_failure": None, "hint": None}
                            for c in failed_doc["checks"]]  # fmt: skip
        path.write_text(json.dumps(passed))
        assert comment.main(argv) == 0
    writes = [(m, p) for m, p, _ in fake.bodies]
    assert writes == [
        ("POST", "/repos/o/r/issues/7/comments"),
        ("PATCH", "/repos/o/r/issues/comments/101"),
        ("PATCH", "/repos/o/r/issues/comments/101"),
    ]
    assert fake.issue_comments[1]["body"] == comment.MARKER + " x"
    mine = [c for c in fake.issue_comments.values() if c["user"]["login"] == BOT]
    assert len(mine) == 1 and mine[0]["body"] == comment.render(passed)
    assert "passed ✅" in mine[0]["body"] and "What failed first" not in mine[0]["body"]


def test_actions_token_posts_as_the_named_bot(
    failed_doc: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "results.json"
    path.write_text(json.dumps(failed_doc))
    argv = ["post", "--results", str(path), "--repo", "o/r", "--pr", "7", "--task"]
    argv += ["01-fix-greeting", "--bot-login", "github-actions[bot]"]
    with FakeGitHub(login=None) as fake:  # GET /user: 403, as for an Actions token
        monkeypatch.setenv("GITHUB_API_URL", fake.url)
        monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
        assert comment.main(argv) == 0 and comment.main(argv) == 0
    assert [m for m, _, _ in fake.bodies] == ["POST", "PATCH"]


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda d: d.update(task="02-shout"), "for task '02-shout', not '01-fix-greeting'"),
        (lambda d: d.update(status="green"), "does not match results.schema.json"),
        (lambda d: d.pop("checks"), "missing 'checks'"),
    ],
)
def test_a_bad_document_posts_nothing(
    failed_doc: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    change: Any,
    why: str,
) -> None:
    doc = copy.deepcopy(failed_doc)
    change(doc)
    path = tmp_path / "results.json"
    path.write_text(json.dumps(doc))
    argv = ["post", "--results", str(path), "--repo", "o/r", "--pr", "7"]
    with FakeGitHub() as fake:
        monkeypatch.setenv("GITHUB_API_URL", fake.url)
        monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
        assert comment.main([*argv, "--task", "01-fix-greeting"]) == 1
    err = capsys.readouterr().err
    assert why in err and len(err.strip().splitlines()) == 1
    assert fake.bodies == []


HOSTILE = "@org/team [click](https://evil.example) <img src=x onerror=1> | cell www.evil.com"


def test_hostile_document_renders_inert(failed_doc: dict[str, Any]) -> None:
    doc = copy.deepcopy(failed_doc)
    doc["checks"][0]["name"] = HOSTILE
    doc["checks"][0]["first_failure"] = "```\n# heading\n``` " + HOSTILE
    doc["checks"][0]["hint"] = HOSTILE
    doc["next_hint"] = HOSTILE * 20
    doc["next_task"] = "not an id <b>"
    assert results.validate(doc) == []
    body = comment.render(doc)
    tokens = MarkdownIt("commonmark").enable("table").parse(body)
    stack, fences = list(tokens), []
    while stack:
        tok = stack.pop()
        stack += tok.children or []
        assert tok.type not in ("html_inline", "link_open", "image", "code_block"), tok
        if tok.type == "html_block":
            assert tok.content.strip() == comment.MARKER
        if tok.type == "text":
            assert not re.search(r"@[A-Za-z0-9]|://|(?i:www\.)", tok.content), tok.content
        if tok.type == "fence":
            fences.append(tok.content)
        if tok.type == "heading_open":
            assert tok.tag == "h3"
    # One fence, longer than the backtick runs inside; newlines became spaces.
    assert fences == ["``` # heading ``` " + HOSTILE + "\n"]
    assert "\n````text\n" in body
    assert len(body) < 10_000
    # The table keeps three columns: the `|` in the name is escaped.
    row = next(ln for ln in body.splitlines() if ln.startswith("| \\@"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 4


def test_workflow_posts_the_document_the_check_wrote() -> None:
    import yaml

    wf = yaml.safe_load((ROOT / ".github/workflows/task-check.yml").read_text())
    task, post = wf["jobs"]["task"], wf["jobs"]["comment"]
    assert task["permissions"] == {"contents": "read"}  # the PR's code never holds a write token
    assert post["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert post["needs"] == "task" and "always()" in post["if"]
    runs = [s.get("run", "") for s in task["steps"]]
    assert './kit check "$TASK_ID" --json "$RUNNER_TEMP/task-check.json"' in runs
    uploaded = next(s for s in task["steps"] if "upload-artifact" in s.get("uses", ""))
    assert uploaded["with"]["path"] == "${{ runner.temp }}/task-check.json"
    checkout = next(s for s in post["steps"] if "checkout" in s.get("uses", ""))
    assert checkout["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    step = post["steps"][-1]
    assert step["env"]["RESULTS"] == "${{ runner.temp }}/task-check/task-check.json"
    assert step["env"]["TASK_ID"] == "${{ needs.task.outputs.id }}"
    assert step["run"].startswith("python -m tools.taskkit.comment post --results")
