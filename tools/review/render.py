"""Showing a review: a terminal listing, and Markdown for GitHub.

Note [Untrusted text in the review]
Paths, op names and schema text come from the pull request. In Markdown they
appear only inside code spans built by `rules.common.code` (no backticks, no
newlines), and every other character outside code spans is escaped here: HTML
is entity-encoded, Markdown punctuation backslash-escaped and `@` written as
an entity, so nothing in a PR can inject HTML, links, images or mentions. On
the terminal, control characters (ANSI escapes) are dropped.
"""

from __future__ import annotations

import re

from tools.review.comments import Comment, Review, Severity

MARKER = "<!-- aten-mini-review -->"
INLINE_MARKER = "<!-- aten-mini-review:inline -->"
ICON = {Severity.BLOCKING: "🛑", Severity.SUGGESTION: "💡", Severity.NIT: "🔹"}
CODE_SPAN = re.compile(r"(`[^`\n]*`)")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape_md(text: str) -> str:
    """Plain text as inert Markdown. See Note [Untrusted text in the review]."""
    text = text.replace("\r", " ").replace("\n", " ")
    text = re.sub(r"([\\*_\[\]()#|!~{}`])", r"\\\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("@", "&#64;")


def md_message(message: str) -> str:
    """A rule's message: code spans kept, everything else escaped."""
    parts = CODE_SPAN.split(message.replace("\n", " "))
    return "".join(p if CODE_SPAN.fullmatch(p) else escape_md(p) for p in parts)


def md_code(text: str) -> str:
    clean = "".join(ch if ch.isprintable() else "?" for ch in text).replace("`", "'")
    return f"`{clean[:200]}`"


def summary_line(review: Review) -> str:
    b, s, n = (review.count(x) for x in Severity)
    return f"{b} blocking, {s} suggestion(s), {n} nit(s)"


def markdown(review: Review) -> str:
    verdict = (
        "**Changes requested**: blocking findings below."
        if review.blocking
        else "**Looks good** to the mock reviewer: nothing blocking."
    )
    out = [MARKER, "## aten-mini review", "", f"{verdict} ({summary_line(review)})", ""]
    for sev in Severity:
        items = [c for c in review.comments if c.severity == sev]
        if items:
            out += [f"### {ICON[sev]} {sev.value}", ""]
            out += [_md_item(c) for c in items] + [""]
    out += [f"- internal error: {escape_md(e)}" for e in review.errors]
    out += ["", "_How to answer each rule: CONTRIBUTING.md, section Review rules._"]
    return "\n".join(out).rstrip() + "\n"


def _md_item(c: Comment) -> str:
    where = md_code(f"{c.path}:{c.line}")
    inline = " (inline)" if c.in_diff else ""
    return f"- {where}{inline} `{c.rule}`: {md_message(c.message)}"


def inline_body(c: Comment) -> str:
    icon = ICON[c.severity]
    return f"{INLINE_MARKER}\n{icon} **{c.severity.value}** `{c.rule}`\n\n{md_message(c.message)}"


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
