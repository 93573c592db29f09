"""`python -m tools.review post` against hostile review artifacts and a fake GitHub API.

In CI the artifact comes from a job a fork's PR controls (Note [Validating the
review artifact] in tools/review/validate.py). Each test hands the poster one
attack and asserts what reached the fake API: nothing at all when the artifact
is refused, and otherwise only Markdown that renders no HTML, link, image or
mention and no block the poster did not write, and no edit or deletion of a
comment the poster's identity did not write.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fake_github import BOT, FakeGitHub
from markdown_it import MarkdownIt
from review_testutil import BASE, FOO, KERNEL, YAML, complete_foo, ctx
from semantic_testutil import corpus_reviews, extra_reviews

from tools.review.comments import MAX_BYTES, Comment, Review, Severity
from tools.review.engine import run_rules
from tools.review.messages import CATALOG, _compiled, render_message
from tools.review.render import INLINE_MARKER, MARKER, MAX_BODY

ROOT = Path(__file__).resolve().parents[2]
SHA = "a" * 40
NF = "native_functions.yaml"
EVIL = (
    "x` @victim-maintainer <img src=https://evil.example/p.png> [click me](https://evil.example) `y"
)


def template(rule: str, index: int = 0, **values: str) -> str:
    """A message as the rule would write it: its template with `values` put in."""
    text = CATALOG[rule].templates[index]
    for name, value in values.items():
        for kind in ("", ":text", ":int"):
            text = text.replace(f"${{{name}{kind}}}", value)
    return text


def comment(
    rule: str = "new-op-opinfo",
    message: str | None = None,
    path: str = NF,
    line: int = 12,
    in_diff: bool = True,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "rule": rule,
        "severity": "blocking",
        "path": path,
        "line": line,
        "message": template(rule, op="foo") if message is None else message,
        "side": "RIGHT",
        "in_diff": in_diff,
        **extra,
    }


def artifact(*comments: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"comments": list(comments), "pr_number": 7, "head_sha": SHA, **extra}


def post(
    fake: FakeGitHub,
    tmp_path: Path,
    data: dict[str, Any] | bytes,
    *args: str,
    head_sha: str | None = SHA,
) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "review.json"
    path.write_bytes(data if isinstance(data, bytes) else json.dumps(data).encode())
    env = {**os.environ, "GITHUB_API_URL": fake.url, "GITHUB_TOKEN": "t0ken"}
    env.pop("GITHUB_STEP_SUMMARY", None)
    cmd = [sys.executable, "-m", "tools.review", "post", "--review", str(path), "--repo", "o/r"]
    cmd += ["--summary-file", str(tmp_path / "summary.md"), *args]
    if head_sha is not None:
        cmd += ["--head-sha", head_sha]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def refused(proc: subprocess.CompletedProcess[str], fake: FakeGitHub, why: str) -> None:
    """One clear error line, no traceback, and nothing written to the API or the summary."""
    assert proc.returncode != 0, proc.stdout
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert re.search(why, proc.stderr), proc.stderr
    assert fake.bodies == [] and fake.reviews == []


# Markdown that GitHub would render into something the poster did not write.
MENTION = re.compile(r"@[A-Za-z0-9]")
AUTOLINK = re.compile(r"(?i)(://|www\.|mailto:)")
HEADINGS = {"aten-mini review", "🛑 blocking", "💡 suggestion", "🔹 nit"}


def assert_inert(body: str) -> None:
    """Parse `body` as CommonMark and check every node is one the poster means."""
    assert len(body) < 65_536
    tokens = MarkdownIt("commonmark").parse(body)
    stack = list(tokens)
    while stack:
        tok = stack.pop()
        stack += tok.children or []
        assert tok.type not in ("html_inline", "link_open", "image", "fence", "code_block"), tok
        if tok.type == "html_block":
            assert tok.content.strip() in (MARKER, INLINE_MARKER), tok.content
        if tok.type == "heading_open":
            assert tok.tag in ("h2", "h3")
        if tok.type == "inline" and tokens[tokens.index(tok) - 1].type == "heading_open":
            assert tok.content in HEADINGS, tok.content
        if tok.type == "text":
            assert not MENTION.search(tok.content), tok.content
            assert not AUTOLINK.search(tok.content), tok.content
        if tok.type == "code_inline":
            assert "\n" not in tok.content and "\r" not in tok.content


def posted_bodies(fake: FakeGitHub) -> list[str]:
    out = []
    for _, _, body in fake.bodies:
        if isinstance(body, dict):
            out.append(body.get("body", ""))
            out += [c["body"] for c in body.get("comments", [])]
    return out


# -- the words: rule ids, templates, escaping ---------------------------------------------


def test_backtick_in_the_rule_field_is_refused(tmp_path: Path) -> None:
    with FakeGitHub(SHA) as fake:
        data = artifact(comment(rule=EVIL, message=template("new-op-opinfo", op="foo")))
        refused(post(fake, tmp_path, data), fake, "rule id")
        assert fake.requests == []  # refused before any API call


def test_backtick_breakout_inside_a_code_span_slot_is_refused(tmp_path: Path) -> None:
    msg = template("new-op-opinfo").replace("`${op}`", f"`{EVIL}`")
    with FakeGitHub(SHA) as fake:
        refused(post(fake, tmp_path, artifact(comment(message=msg))), fake, "templates")


def test_carriage_return_cannot_start_a_block(tmp_path: Path) -> None:
    cr_op = template("new-op-opinfo", op="foo\r# Approved by @victim-maintainer")
    why = "x\r# Approved by @victim-maintainer\r\n<details open>"
    bc = comment("bc-breaking", template("bc-breaking", name="aten_mini::relu", why=why))
    with FakeGitHub(SHA) as fake:
        refused(post(fake, tmp_path, artifact(comment(message=cr_op))), fake, "templates")
        proc = post(fake, tmp_path, artifact(bc))
        assert proc.returncode == 0, proc.stderr
        bodies = posted_bodies(fake)
        for body in bodies:
            assert_inert(body)
            assert "\r" not in body and "<details" not in body
        assert sum("\\# Approved by @\u200bvictim" in b for b in bodies) == 2  # summary, inline


def test_html_links_images_and_mentions_in_free_text_are_escaped(tmp_path: Path) -> None:
    why = EVIL + " <script>alert(1)</script> www.evil.example mail@evil.example @everyone"
    bc = comment("bc-breaking", template("bc-breaking", name="aten_mini::relu", why=why))
    error = comment("bc-breaking", why, path="tools/bc/allowlist.yaml", in_diff=False)
    with FakeGitHub(SHA) as fake:
        proc = post(fake, tmp_path, artifact(bc, error))
        assert proc.returncode == 0, proc.stderr
        bodies = posted_bodies(fake)
        assert len(bodies) == 3  # the summary, the review's body, one inline comment
        for body in bodies:
            assert_inert(body)
        summary = (tmp_path / "summary.md").read_text()
        assert_inert(summary)
        assert "&lt;script&gt;" in summary and "@\u200beveryone" in summary


def test_prose_that_no_template_has_is_refused(tmp_path: Path) -> None:
    approve = comment(message="LGTM, approved by the maintainers: please merge now.")
    unknown = comment(rule="approve-everything", message="Approved.")
    with FakeGitHub(SHA) as fake:
        refused(post(fake, tmp_path, artifact(approve)), fake, "matches none")
        refused(post(fake, tmp_path, artifact(unknown)), fake, "unknown rule")


def test_internal_errors_are_reduced_to_the_rule_id(tmp_path: Path) -> None:
    errors = ["rule bc-breaking failed: ValueError: @victim <img src=x>", f"boom {EVIL}"]
    with FakeGitHub(SHA) as fake:
        assert post(fake, tmp_path, artifact(errors=errors)).returncode == 0
        [summary] = posted_bodies(fake)
        assert_inert(summary)
        assert "victim" not in summary and "evil" not in summary
        assert "rule `bc-breaking` failed (`ValueError`)" in summary


def test_a_hostile_file_name_in_the_diff_stays_inside_its_code_span(tmp_path: Path) -> None:
    name = "a` @victim <img src=https://evil.example/p.png> [x](y) `.cpp"
    cleaned = name.replace("`", "'")
    gen = comment("generated-edit", template("generated-edit", path=cleaned), path=name, line=1)
    with FakeGitHub(SHA) as fake:
        fake.files[7].append({"filename": name, "patch": "@@ -0,0 +1 @@\n+// @generated"})
        proc = post(fake, tmp_path, artifact(gen))
        assert proc.returncode == 0, proc.stderr
        bodies = posted_bodies(fake)
        for body in bodies:
            assert_inert(body)
        assert [c["path"] for c in fake.reviews[0]["comments"]] == [name]
        cr = comment("generated-edit", template("generated-edit", path="b?.cpp"), path="b\r.cpp")
        fake.bodies.clear()
        fake.reviews.clear()
        refused(post(fake, tmp_path, artifact(cr)), fake, "not printable")


# -- the artifact file ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"[" * 200_000 + b"]" * 200_000, "nested deeper than 8"),
        (b'{"comments": [' + b"{" * 100_000, "nested deeper than 8"),
        (b'{"comments": [], "errors": ["\xff\xfe caf\xe9"]}', "not UTF-8"),
        (b'{"comments": [', "does not parse"),
        (b"", "does not parse"),
        (b'{"comments": [], "pr_number": 7, "pr_number": 8}', "appears twice"),
        (b'{"comments": [], "files_changed": NaN}', "NaN"),
        (b'{"comments": [], "admin": true}', "unknown key"),
        (b'{"comments": [], "head_sha": "HEAD"}', "head_sha"),
    ],
    ids=["deep", "deep-object", "non-utf8", "truncated", "empty", "dup", "nan", "key", "sha"],
)
def test_malformed_artifacts_end_in_one_error(tmp_path: Path, raw: bytes, why: str) -> None:
    with FakeGitHub(SHA) as fake:
        refused(post(fake, tmp_path, raw), fake, why)
        assert fake.requests == []


def test_a_huge_artifact_is_refused_before_parsing(tmp_path: Path) -> None:
    raw = json.dumps(artifact(errors=["x" * (MAX_BYTES + 1)])).encode()
    with FakeGitHub(SHA) as fake:
        refused(post(fake, tmp_path, raw), fake, "over the 4194304-byte limit")


def test_a_big_review_is_capped_below_githubs_limit(tmp_path: Path) -> None:
    why = "w" * 3000
    many = [
        comment("bc-breaking", template("bc-breaking", name=f"aten_mini::op{i}", why=why), line=10)
        for i in range(200)
    ]
    with FakeGitHub(SHA) as fake:
        proc = post(fake, tmp_path, artifact(*many))
        assert proc.returncode == 0, proc.stderr
        summary = next(b for _, p, b in fake.bodies if p.endswith("/issues/7/comments"))["body"]
        assert len(summary) <= MAX_BODY and "left out" in summary
        assert_inert(summary)
        assert len(fake.reviews[0]["comments"]) == 50  # at most 50 inline comments
        assert all(len(b) <= MAX_BODY for b in posted_bodies(fake))


# -- the target: head sha, repository, paths and lines -------------------------------------


def test_head_sha_is_mandatory(tmp_path: Path) -> None:
    with FakeGitHub(SHA) as fake:
        proc = post(fake, tmp_path, artifact(comment()), head_sha=None)
        assert proc.returncode == 2 and "--head-sha" in proc.stderr
        assert "Traceback" not in proc.stderr and fake.requests == []
        refused(post(fake, tmp_path, artifact(comment()), head_sha="HEAD"), fake, "40-digit")


def test_an_artifact_naming_another_pr_is_refused(tmp_path: Path) -> None:
    victim = "b" * 40
    with FakeGitHub(SHA) as fake:
        fake.pulls[8] = {"number": 8, "head": {"sha": victim, "repo": {"full_name": "o/r"}}}
        # The fork's artifact says PR 8 and PR 8's sha; the workflow's --head-sha is the fork's.
        data = artifact(comment(), pr_number=8, head_sha=victim)
        refused(post(fake, tmp_path, data), fake, "not the reviewed commit")
        # The same commit pushed to another repository's PR: --head-repo tells them apart.
        fake.pulls[8]["head"]["sha"] = SHA
        proc = post(fake, tmp_path, data, "--head-repo", "fork/r")
        refused(proc, fake, "another repository")
        assert not fake.issue_comments and not fake.review_comments


def test_paths_must_be_in_the_prs_diff(tmp_path: Path) -> None:
    outside = comment("todo-owner", template("todo-owner"), path="README.md", line=1)
    pr_body_on_file = comment("pr-summary", template("pr-summary"), path=NF, line=1)
    with FakeGitHub(SHA) as fake:
        refused(post(fake, tmp_path, artifact(outside)), fake, "not in the PR's diff")
        refused(post(fake, tmp_path, artifact(pr_body_on_file)), fake, "not in the PR's diff")


def test_an_inline_comment_off_the_diff_goes_to_the_summary_only(tmp_path: Path) -> None:
    off = comment(line=500)  # native_functions.yaml's hunk is lines 10-40
    left = comment(line=5, side="LEFT")  # a removed line: commentable on the left
    wrong_side = comment(line=30, side="LEFT")
    with FakeGitHub(SHA) as fake:
        assert post(fake, tmp_path, artifact(off, left, wrong_side)).returncode == 0
        assert [(c["line"], c["side"]) for c in fake.reviews[0]["comments"]] == [(5, "LEFT")]
        [summary] = [b for _, p, b in fake.bodies if p.endswith("/issues/7/comments")]
        assert "`native_functions.yaml:500`" in summary["body"]


# -- identity: only the poster's own comments are edited or deleted ------------------------


def test_foreign_comments_with_the_marker_are_never_edited_or_deleted(tmp_path: Path) -> None:
    with FakeGitHub(SHA) as fake:
        human = {"user": {"login": "victim-maintainer"}}
        fake.issue_comments[1] = {"id": 1, "body": f"{MARKER} please merge", **human}
        fake.issue_comments[2] = {"id": 2, "body": f"quoting {MARKER}", "user": {"login": BOT}}
        fake.review_comments[3] = {"id": 3, "body": f"{INLINE_MARKER} my note", **human}
        fake.review_comments[4] = {"id": 4, "body": INLINE_MARKER}  # no author at all
        fake.issue_comments[5] = {"id": 5, **fake.mine(f"{MARKER}\nold summary")}
        fake.review_comments[6] = {"id": 6, **fake.mine(f"{INLINE_MARKER}\nold inline")}
        foreign = {k: dict(v) for k, v in fake.issue_comments.items() if k != 5}
        foreign_inline = {k: dict(v) for k, v in fake.review_comments.items() if k != 6}
        assert post(fake, tmp_path, artifact(comment())).returncode == 0
        assert {k: fake.issue_comments[k] for k in foreign} == foreign
        assert {k: fake.review_comments[k] for k in foreign_inline} == foreign_inline
        assert 6 not in fake.review_comments  # the poster's own old inline comment: replaced
        assert fake.issue_comments[5]["body"].startswith(MARKER + "\n## aten-mini review")
        writes = [(m, p) for m, p, _ in fake.bodies]
        assert ("PATCH", "/repos/o/r/issues/comments/5") in writes
        assert all(
            not p.endswith(("/comments/1", "/comments/2", "/comments/3", "/comments/4"))
            for _, p in writes
        )


def test_an_actions_token_needs_the_bot_login(tmp_path: Path) -> None:
    with FakeGitHub(SHA, login=None) as fake:  # GET /user: 403, as for GITHUB_TOKEN
        fake.issue_comments[1] = {"id": 1, "body": MARKER, "user": {"login": "someone"}}
        refused(post(fake, tmp_path, artifact(comment())), fake, "403")
        proc = post(fake, tmp_path, artifact(comment()), "--bot-login", "github-actions[bot]")
        assert proc.returncode == 0, proc.stderr
        assert fake.issue_comments[1]["body"] == MARKER  # someone's comment: untouched
        assert len(fake.issue_comments) == 2


# -- the catalog: every rule's real messages match its templates ---------------------------


def _scenarios() -> list[tuple[dict[str, str], str | None]]:
    """Changes that make every rule, and every template of it, fire at least once."""
    kernel_only = dict(BASE, **{NF: YAML + FOO})
    kernel_only["aten_mini/native/Activation.cpp"] = complete_foo()[
        "aten_mini/native/Activation.cpp"
    ]
    cpu_only = complete_foo()
    cpu_only[NF] = cpu_only[NF].replace("CPU, CUDA: foo\n", "CPU: foo\n")
    functional = complete_foo()
    functional[NF] = YAML + FOO.split("\n\n- func: foo_")[0] + "\n"
    no_inplace = complete_foo()
    no_inplace[NF] = YAML + FOO.replace("- func: foo_(", "- func: foo_x(", 1)
    not_pointwise = complete_foo()
    not_pointwise[NF] = (
        YAML + "\n- func: foo(Tensor self) -> Tensor\n  dispatch:\n    CPU, CUDA: foo\n"
    )
    bc = dict(BASE, **{NF: YAML.replace("relu(Tensor self)", "relu(Tensor input)", 1)})
    bc["tools/bc/allowlist.yaml"] = "allow:\n  - name: aten_mini::relu_\n    expires: 2999-01-01\n"
    broken = dict(BASE, **{NF: YAML + "- func: [\n"})
    generated = dict(BASE, **{"aten_mini/Hand.h": "// @generated by torchgen_mini\n"})
    two_kernels = dict(BASE)
    two_kernels["aten_mini/native/Activation.cpp"] = KERNEL.replace("clamp_min(0)", "clamp_min(1)")
    two_kernels["aten_mini/native/cpu/Act.cpp"] = "int x;\n"
    checks = dict(kernel_only)
    checks["aten_mini/native/Activation.cpp"] = KERNEL + (
        "\nat::Tensor foo(const at::Tensor& self) {\n  return self;\n}\n"
        "\nat::Tensor foo_(at::Tensor& self) {\n  TORCH_CHECK(self.defined());\n  return self;\n}\n"
    )
    composite = dict(BASE)
    composite[NF] = (
        YAML
        + "\n- func: bar(Tensor self) -> Tensor\n  dispatch:\n    CompositeImplicitAutograd: bar\n"
    )
    composite["aten_mini/native/Activation.cpp"] = (
        KERNEL
        + "at::Tensor bar(const at::Tensor& self) {\n  return at_mini::native::relu(self);\n}\n"
    )
    todo = dict(BASE, **{"tools/x.py": "# TODO handle bf16\n"})
    heads = [kernel_only, cpu_only, functional, no_inplace, not_pointwise, bc, broken]
    heads += [generated, two_kernels, checks, composite, todo]
    return [(h, None) for h in heads] + [(dict(BASE), "")]


def test_every_rule_message_matches_a_template_and_renders_as_before() -> None:
    from tools.review.render import md_message

    used: set[tuple[str, int]] = set()
    reviews = [run_rules(ctx(head, body)) for head, body in _scenarios()]
    # the static semantic rules fire on the benchmark corpus (semantic_testutil.py)
    reviews += [*corpus_reviews().values(), *extra_reviews().values()]
    for review in reviews:
        for c in review.comments:
            rendered = render_message(c.rule, c.message)
            assert rendered == md_message(c.message), (c.rule, c.message)
            index = next(i for i, t in enumerate(_compiled(c.rule)) if t.regex.fullmatch(c.message))
            used.add((c.rule, index))
    every = {(rule, i) for rule, spec in CATALOG.items() for i in range(len(spec.templates))}
    assert sorted(every - used) == []


def test_a_review_of_the_kit_itself_posts_cleanly(tmp_path: Path) -> None:
    review = run_rules(ctx(dict(BASE, **{NF: YAML + FOO}), "no summary"))
    review.pr_number, review.head_sha = 7, SHA
    with FakeGitHub(SHA) as fake:
        proc = post(fake, tmp_path, review.to_json().encode())
        assert proc.returncode == 0, proc.stderr
        assert any("has no OpInfo entry" in b for b in posted_bodies(fake))
        for body in posted_bodies(fake):
            assert_inert(body)


def test_review_round_trip_keeps_every_field() -> None:
    c = Comment("todo-owner", Severity.NIT, "a.py", 3, "m", side="LEFT", in_diff=True)
    r = Review([c], base="b", head="h", files_changed=2, pr_number=7, head_sha=SHA, errors=["e"])
    assert Review.from_json(r.to_json()) == r


def test_the_inertness_check_catches_what_the_old_poster_posted() -> None:
    """assert_inert can fail: the issue's breakout, as the unvalidated poster wrote it."""
    for body in (
        f"- `native_functions.yaml:1` `{EVIL}`: m",
        "- `x\r# Approved by @victim-maintainer` m",
        "see &#64;victim-maintainer",
        "<b>hi</b>",
    ):
        with pytest.raises(AssertionError):
            assert_inert(body)


def test_an_unwritable_summary_is_one_error_and_nothing_posted(tmp_path: Path) -> None:
    (tmp_path / "summary.md").mkdir()
    with FakeGitHub(SHA) as fake:
        refused(post(fake, tmp_path, artifact(comment())), fake, "cannot write the summary")
