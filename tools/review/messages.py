"""The base branch's message templates: what each rule may say, and nothing else.

The poster (`python -m tools.review post`) runs with a write token on the
default branch, but the review JSON it posts was written by a job the PR
controls. So it never posts a message as the artifact words it: each
comment's message must match one of its rule's templates below, and the
poster renders the template itself, with only the slot values taken from the
artifact, each rendered as an unbreakable code span or as escaped text. See
Note [Validating the review artifact] in tools/review/validate.py.

A template is the message exactly as the rule writes it, with `${name}` where
the rule interpolates a value. A slot inside one of the template's code spans
(`` `${op}` ``) takes any text without a backtick or line break; `${name:text}`
outside code spans takes free text (rendered like any message: its code spans
kept, the rest escaped); `${name:int}` takes a number. A name used twice must
have the same value both times. test/review/test_poster_hostile.py runs every
rule and checks that its messages match, so a rule's wording cannot drift from
its template unnoticed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from tools.common.errors import KitError
from tools.lint import opindex
from tools.review.render import CODE_SPAN, code_text, escape_md, md_message
from tools.review.rules import RULES
from tools.review.rules.bc import ALLOWLIST
from tools.review.rules.code import COMPOSITE_MSG, GENERATED_MSG
from tools.review.rules.common import YAML
from tools.review.rules.pr import PR
from tools.review.rules.semantics import TEMPLATES as SEMANTIC_TEMPLATES

SLOT = re.compile(r"\$\{([a-z_]+)(?::(text|int))?\}")
MAX_SLOT = 500


class TemplateError(KitError):
    pass


@dataclass(frozen=True)
class RuleSpec:
    """What a rule may say, and where: `diff_paths` allows any file of the PR's diff,
    `paths` lists fixed paths allowed besides (the PR description, the BC allow-list)."""

    templates: tuple[str, ...]
    diff_paths: bool = True
    paths: tuple[str, ...] = ()


def _variants(missing: str, inplace: bool) -> str:
    tail = " and `${op}_`" if inplace else ""
    return (
        f"`${{op}}` has no {missing} variant. PyTorch users expect `${{op}}(..., out=t)`"
        f"{tail}; please add them (they usually share the functional op's kernel)."
    )


_KERNELS = (
    "but no test. What test would have caught the bug this fixes, or shows the new "
    "behaviour? Add a sample to the op's OpInfo in test/opinfo/op_db.py or a test under test/."
)

CATALOG: dict[str, RuleSpec] = {
    "yaml-parse": RuleSpec(
        ("native_functions.yaml no longer loads (${error:text}); nothing else can be checked.",)
    ),
    "new-op-opinfo": RuleSpec(
        (
            'New op `${op}` has no OpInfo entry. Please add `OpInfo("${op}", ...)` to '
            f"`{opindex.OP_DB}` with sample inputs and a reference (`ref=`), so the generic "
            "tests (dtypes, out=, broadcasting, CUDA parity) cover it.",
        )
    ),
    "new-op-docs": RuleSpec(
        (
            'New op `${op}` is undocumented. Please add an `add_docstr("${op}", ...)` entry '
            f"to `{opindex.DOCS}` with the signature, a description and a runnable example "
            "(it is run as a doctest).",
        )
    ),
    "new-op-derivative": RuleSpec(
        (
            f"`${{overload}}` has no entry in `{opindex.DERIVATIVES}`, so autograd will "
            'raise "derivative not implemented". Please add its formula(s); if the op is not '
            "differentiable, say so explicitly (`output_differentiability: [False]` or the "
            "inputs as `non_differentiable`).",
        )
    ),
    "new-op-cuda": RuleSpec(
        (
            "`${overload}` dispatches to `${keys}` only. Consider a CUDA kernel too (a `CUDA:` "
            "key and `aten_mini/native/cuda/*.cu`), or write it as a composite of existing ops "
            "so every backend gets it.",
        )
    ),
    "new-op-variants": RuleSpec(
        (
            _variants("out=", False),
            _variants("in-place", True),
            _variants("out= or in-place", True),
        )
    ),
    "bc-breaking": RuleSpec(
        (
            "This breaks backward compatibility of `${name}`: ${why:text}. Existing callers "
            "(and serialized models) would stop working. Keep the old schema working (add new "
            "arguments with a default, keep names and types), or, if the break is intended, add "
            f"an entry with a reason and an expiry date to `{ALLOWLIST}`.",
            "${error:text}",
        ),
        paths=(YAML, ALLOWLIST),
    ),
    "generated-edit": RuleSpec((f"`${{path}}` {GENERATED_MSG}",)),
    "kernel-without-test": RuleSpec(
        (
            f"This PR changes kernels (`${{path}}`) {_KERNELS}",
            f"This PR changes kernels (`${{path}}` and ${{more:int}} more) {_KERNELS}",
        )
    ),
    "torch-check-message": RuleSpec(
        (
            'This TORCH_CHECK has no message, so a user gets "Expected ... to be true". '
            "Say what was expected and what was passed, e.g. "
            '`TORCH_CHECK(self.dim() == 2, "foo: expected a 2-D tensor, got ", self.dim(), '
            '"-D")`.',
            "New kernel entry point `${name}` validates nothing. Bad input must raise a "
            "Python exception with a clear message, not crash or return garbage: add "
            "`TORCH_CHECK`s for dtype, shape and device, each with a message.",
        )
    ),
    "composite-calls-native": RuleSpec(
        (
            "`${name}` is CompositeImplicitAutograd but calls `${call}` directly. "
            f"{COMPOSITE_MSG}",
        )
    ),
    "todo-owner": RuleSpec(
        (
            "nit: give this TODO an owner or an issue, e.g. `TODO(#123)`, so it does "
            "not outlive everyone who remembers it.",
        )
    ),
    "pr-summary": RuleSpec(
        (
            "The PR description has no `## Summary` (or it is empty). Say what this changes "
            "and why, and how you tested it: reviewers read that before the diff.",
        ),
        diff_paths=False,
        paths=(PR,),
    ),
    "pr-task-id": RuleSpec(
        (
            "If this PR solves a kit task, add a line `Task: <id>` (e.g. `Task: 01-unary-op`) "
            "to the description, so CI runs that task's checks.",
        ),
        diff_paths=False,
        paths=(PR,),
    ),
    # the static semantic rules keep their templates beside their code (semantics.py)
    **{rule: RuleSpec(templates) for rule, templates in SEMANTIC_TEMPLATES.items()},
}

if set(CATALOG) != set(RULES):  # pragma: no cover - caught by every test run
    raise TemplateError(f"message catalog and rules differ: {sorted(set(CATALOG) ^ set(RULES))}")


@dataclass(frozen=True)
class _Compiled:
    template: str
    regex: re.Pattern[str]
    kinds: dict[str, str]  # slot name -> code | text | int


def _slot_kinds(template: str) -> dict[str, str]:
    """Each slot's kind: `code` inside one of the template's code spans, else as declared."""
    kinds: dict[str, str] = {}
    for part in CODE_SPAN.split(template):
        inside = bool(CODE_SPAN.fullmatch(part))
        for m in SLOT.finditer(part):
            kind = "code" if inside else m[2]
            if kind is None or (inside and m[2]):
                raise TemplateError(f"slot {m[0]} in {template!r}: code-span slots take no kind")
            kinds.setdefault(m[1], kind)
    return kinds


# A free-text slot may span lines (a YAML error); it is shortened when rendered.
PATTERN = {"code": r"[^`\r\n]{0,300}?", "text": r".{1,4000}?", "int": r"[0-9]{1,9}"}


def _compile(template: str) -> _Compiled:
    kinds = _slot_kinds(template)
    out, seen, pos = [], set(), 0
    for m in SLOT.finditer(template):
        out.append(re.escape(template[pos : m.start()]))
        name = m[1]
        out.append(f"(?P={name})" if name in seen else f"(?P<{name}>{PATTERN[kinds[name]]})")
        seen.add(name)
        pos = m.end()
    out.append(re.escape(template[pos:]))
    return _Compiled(template, re.compile("".join(out), re.DOTALL), kinds)


@cache
def _compiled(rule: str) -> tuple[_Compiled, ...]:
    return tuple(_compile(t) for t in CATALOG[rule].templates)


def _render(c: _Compiled, values: dict[str, str]) -> str:
    """The template as Markdown: its own prose escaped, each slot value made inert."""
    out = []
    for part in CODE_SPAN.split(c.template):
        if CODE_SPAN.fullmatch(part):  # the template's code span; slots cleaned inside it
            inner = SLOT.sub(lambda m: code_text(values[m[1]], MAX_SLOT), part[1:-1])
            out.append(f"`{inner or ' '}`")
            continue
        pos = 0
        for m in SLOT.finditer(part):
            out.append(escape_md(part[pos : m.start()]))
            value = values[m[1]]
            short = value if len(value) <= MAX_SLOT else value[: MAX_SLOT - 3] + "..."
            out.append(value if c.kinds[m[1]] == "int" else md_message(short))
            pos = m.end()
        out.append(escape_md(part[pos:]))
    return "".join(out)


def render_message(rule: str, message: str) -> str:
    """`message` re-rendered from `rule`'s template; TemplateError if none matches."""
    if rule not in CATALOG:
        raise TemplateError(f"unknown rule {code_text(rule, 60)!r}")
    for c in _compiled(rule):
        m = c.regex.fullmatch(message)
        if m:
            return _render(c, m.groupdict())
    raise TemplateError(f"a {rule} message matches none of the rule's templates")
