"""`python -m tools.review check` (what `./kit review` runs) on real git branches,
and hostile input: binary files, renames, huge hunks, bad bytes, injection."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from review_testutil import BASE, complete_foo

from tools.review.comments import Comment, Review, Severity
from tools.review.render import CODE_SPAN, markdown, md_message, terminal

ROOT = Path(__file__).resolve().parents[2]


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def write(repo: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())


def make_repo(tmp_path: Path, head: dict[str, str | bytes]) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "t@example.com")
    git(repo, "config", "user.name", "t")
    write(repo, dict(BASE))
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "feature")
    write(repo, head)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "feature")
    return repo


def check(repo: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "tools.review", "check", "--repo", str(repo), "--base", "main"]
    return subprocess.run([*cmd, *extra], cwd=ROOT, capture_output=True, text=True, check=False)


def test_kernel_only_branch_lists_what_is_missing(tmp_path: Path) -> None:
    full = complete_foo()
    head = {k: full[k] for k in ("native_functions.yaml", "aten_mini/native/Activation.cpp")}
    proc = check(make_repo(tmp_path, dict(head)))
    assert proc.returncode == 1, proc.stderr
    for rule in ("new-op-opinfo", "new-op-docs", "new-op-derivative"):
        assert f"[blocking] {rule}" in proc.stdout
    assert "blocking findings" in proc.stdout


def test_complete_branch_is_clean(tmp_path: Path) -> None:
    head = complete_foo()
    head["test/opinfo/op_db.py"] += "# foo is sampled above\n"
    proc = check(make_repo(tmp_path, dict(head)))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "review: clean" in proc.stdout


def test_hostile_diff_does_not_crash(tmp_path: Path) -> None:
    head: dict[str, str | bytes] = {
        "blob.bin": bytes(range(256)) * 64,
        "latin1.cpp": b"// caf\xe9 \xff\xfe\n// TODO fix\n",
        "huge.txt": "x\n" * 50_000,
    }
    repo = make_repo(tmp_path, head)
    git(repo, "mv", "aten_mini/native/Activation.cpp", "aten_mini/native/Renamed.cpp")
    git(repo, "commit", "-qm", "rename")
    event = tmp_path / "event.json"
    body = "<img src=x onerror=alert(1)> @everyone [click](http://evil) ## Summary"
    event.write_text(json.dumps({"pull_request": {"number": 3, "body": body}}))
    out = tmp_path / "r.json"
    md = tmp_path / "r.md"
    proc = check(repo, "--event", str(event), "--json", str(out), "--markdown", str(md))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    text = md.read_text()
    assert "<img" not in text and "@everyone" not in text and "](http" not in text
    assert "evil" not in out.read_text()  # the body is never echoed
    rules = {c.rule for c in Review.from_json(out.read_text()).comments}
    assert {"pr-summary", "todo-owner"} <= rules


def test_markdown_escapes_untrusted_paths_and_mentions() -> None:
    c = Comment("x", Severity.NIT, "a`b<script>@me](x).cpp", 1, "see `<b>` and <i>@team</i> [l](u)")
    review = Review(comments=[c])
    md = markdown(review)
    assert "`a'b<script>@me](x).cpp:1`" in md  # inert inside a code span
    outside = CODE_SPAN.sub("", md)
    assert "<script>" not in outside and "<i>" not in outside
    assert "@" not in outside.replace("@\u200b", "")  # a zero-width space after each @
    assert "[l](u)" not in outside and "@\u200bteam" in outside
    assert "`<b>`" in md_message(c.message)  # code spans stay literal
    tc = Comment("x", Severity.NIT, "evil\x1b[31m.cpp", 1, "m\x1b]0;t\x07")
    assert "\x1b" not in terminal(Review(comments=[tc]))
