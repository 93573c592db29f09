"""Showing a review: a terminal listing, and Markdown for GitHub.

Note [Untrusted text in the review]
Paths, op names and schema text come from the pull request, and in CI the whole
review JSON does (a fork's PR runs its own review.yml). In Markdown such text
is either inside a code span or escaped:
- a code span holds no backtick, CR, LF or other non-printable character (they
  become `'` and `?`), so it cannot end early or start a new block; inside it
  GitHub renders no HTML, link, image, emphasis or mention;
- outside code spans, CR/LF become spaces, control and format characters
  (bidi overrides, zero-width) are dropped, Markdown punctuation is
  backslash-escaped, `&`, `<`, `>` are entities, and a zero-width space
  (U+200B) follows every `@` and breaks `://` and `www.`: no mention, e-mail
  or bare-URL autolink survives (an `&#64;` entity alone would not do: GitHub
  finds mentions after entities are decoded; U+200B is how its own bots quote
  a handle without pinging it).
On the terminal, control characters (ANSI escapes) are dropped. What the
poster posts is also re-rendered from the base branch's message templates;
see Note [Validating the review artifact] in tools/review/validate.py.
"""

from __future__ import annotations

import re

from tools.review.comments import Comment, Review, Severity

MARKER = "<!-- aten-mini-review -->"
INLINE_MARKER = "<!-- aten-mini-review:inline -->"
ICON = {Severity.BLOCKING: "🛑", Severity.SUGGESTION: "💡", Severity.NIT: "🔹"}
CODE_SPAN = re.compile(r"(`[^`\r\n]*`)")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
ZWSP = "\u200b"
AUTOLINK = re.compile(r"(://|www\.)", re.IGNORECASE)
MAX_CODE = 200
# GitHub refuses a comment body over 65,536 characters; stay well below it.
MAX_BODY = 60_000


def escape_md(text: str) -> str:
    """Plain text as inert Markdown. See Note [Untrusted text in the review]."""
    text = text.replace("\r", " ").replace("\n", " ")
    text = "".join(ch for ch in text if ch == " " or ch.isprintable())
    text = re.sub(r"([\\*_\[\]()#|!~{}`])", r"\\\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = AUTOLINK.sub(lambda m: m[0][0] + ZWSP + m[0][1:], text)
    return text.replace("@", "@" + ZWSP)


def code_text(text: str, limit: int = MAX_CODE) -> str:
    """Text safe inside a code span: no backtick, no CR/LF, nothing non-printable."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in text).replace("`", "'")
    return clean if len(clean) <= limit else clean[: limit - 3] + "..."


def md_code(text: str) -> str:
    """`text` as one code span that cannot break out of itself."""
    return f"`{code_text(text) or ' '}`"


def md_message(message: str) -> str:
    """A message: its code spans kept (cleaned), everything else escaped."""
    parts = CODE_SPAN.split(message)
    return "".join(md_code(p[1:-1]) if CODE_SPAN.fullmatch(p) else escape_md(p) for p in parts)


def summary_line(review: Review) -> str:
    b, s, n = (review.count(x) for x in Severity)
    return f"{b} blocking, {s} suggestion(s), {n} nit(s)"


def markdown(
    review: Review, messages: list[str] | None = None, errors: list[str] | None = None
) -> str:
    """The summary comment. `messages` (one per comment) and `errors` are Markdown the
    caller rendered already (the poster's, from templates); by default each comes
    from the review itself through `md_message`/`escape_md`. Capped at MAX_BODY."""
    if messages is None:
        messages = [md_message(c.message) for c in review.comments]
    if errors is None:
        errors = [escape_md(e) for e in review.errors]
    verdict = (
        "**Changes requested**: blocking findings below."
        if review.blocking
        else "**Looks good** to the mock reviewer: nothing blocking."
    )
    head = [MARKER, "## aten-mini review", "", f"{verdict} ({summary_line(review)})", ""]
    body: list[str] = []
    items = list(zip(review.comments, messages, strict=True))
    for sev in Severity:
        mine = [_md_item(c, m) for c, m in items if c.severity == sev]
        if mine:
            body += [f"### {ICON[sev]} {sev.value}", "", *mine, ""]
    body += [f"- internal error: {e}" for e in errors]
    tail = ["", "_How to answer each rule: CONTRIBUTING.md, section Review rules._"]
    return _capped(head, body, tail)


def _capped(head: list[str], body: list[str], tail: list[str]) -> str:
    """head + body + tail, dropping body lines from the end to stay under MAX_BODY."""
    size = sum(len(x) + 1 for x in head + tail) + 200  # room for the note
    kept: list[str] = []
    for line in body:
        if size + len(line) + 1 > MAX_BODY:
            dropped = sum(1 for x in body[len(kept) :] if x.startswith("- "))
            kept += [
                "",
                f"_{dropped} more item(s) left out: the comment would pass GitHub's "
                "65,536-character limit. The check job's summary has the full review._",
            ]
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(head + kept + tail).rstrip() + "\n"


def _md_item(c: Comment, message: str) -> str:
    where = md_code(f"{c.path}:{c.line}")
    inline = " (inline)" if c.in_diff else ""
    return f"- {where}{inline} {md_code(c.rule)}: {message}"


def inline_body(c: Comment, message: str | None = None) -> str:
    icon = ICON[c.severity]
    text = md_message(c.message) if message is None else message
    body = f"{INLINE_MARKER}\n{icon} **{c.severity.value}** {md_code(c.rule)}\n\n{text}"
    return body if len(body) <= MAX_BODY else body[:MAX_BODY]


def terminal(review: Review) -> str:
    """The local view of `./kit review`."""
    out = []
    for c in review.comments:
        path = CONTROL.sub("?", c.path)
        side = " (removed line)" if c.side == "LEFT" else ""
        out.append(f"{path}:{c.line}{side}: [{c.severity.value}] {c.rule}")
        out.append(f"    {CONTROL.sub('?', c.message)}")
    out += [f"error: {CONTROL.sub('?', e)}" for e in review.errors]
    if not review.comments and not review.errors:
        out.append("review: clean, nothing to say: ready for a human reviewer")
    else:
        status = "blocking findings" if review.blocking else "nothing blocking"
        out.append(f"review: {summary_line(review)}: {status}")
    return "\n".join(out) + "\n"
