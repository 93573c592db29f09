"""Rules about C++ and generated code in the diff.

Kernels are matched by file layout (aten_mini/native/...) and by the kernel
names the YAML's `dispatch:` maps to; function bodies are found by brace
matching, which is enough for kernels written in the kit's style.
"""

from __future__ import annotations

import re

from tools.lint.generated import has_generated_header
from tools.review.comments import Comment, Severity
from tools.review.context import ReviewContext
from tools.review.diff import FileChange
from tools.review.rules.common import at, code, head_entries

NATIVE = "aten_mini/native/"
KERNEL_SUFFIXES = (".cpp", ".h", ".cu", ".cuh")
TORCH_CHECK = re.compile(r"\bTORCH_CHECK\s*\(")
NATIVE_CALL = re.compile(r"\b(?:at|at_mini)::native::\w+")
GENERATED_MSG = (
    "is generated (it starts with an `@generated` line) and must not be committed or "
    "edited by hand: the next codegen run overwrites it. Change native_functions.yaml or "
    "the template in torchgen_mini/templates instead, and drop this file from the PR."
)
COMPOSITE_MSG = (
    "That skips the dispatcher, so autograd, other backends and tracing never see the "
    "inner op. Call the public op instead (`at_mini::foo(...)` or `at::foo(...)`)."
)
TODO = re.compile(r"\b(TODO|FIXME)\b(?!\s*\()")


def _live(ctx: ReviewContext) -> list[FileChange]:
    return [f for f in ctx.files if f.status != "removed" and not f.is_binary]


def generated_edit(ctx: ReviewContext) -> list[Comment]:
    found = []
    for f in _live(ctx):
        text = ctx.head(f.path) or ""
        if f.path.startswith("build/") or has_generated_header(text):
            found.append(
                at(
                    "generated-edit",
                    Severity.BLOCKING,
                    f.path,
                    f.first_changed_line(),
                    f"{code(f.path)} {GENERATED_MSG}",
                )
            )
    return found


def is_kernel(path: str) -> bool:
    return path.startswith(NATIVE) and path.endswith(KERNEL_SUFFIXES)


def kernel_without_test(ctx: ReviewContext) -> list[Comment]:
    kernels = [f for f in _live(ctx) if is_kernel(f.path) and f.added]
    if not kernels or any(f.path.startswith("test/") for f in ctx.files):
        return []
    f = kernels[0]
    return [
        at(
            "kernel-without-test",
            Severity.SUGGESTION,
            f.path,
            f.first_changed_line(),
            f"This PR changes kernels ({code(f.path)}"
            + (f" and {len(kernels) - 1} more" if len(kernels) > 1 else "")
            + ") but no test. What test would have caught the bug this fixes, or shows the new "
            "behaviour? Add a sample to the op's OpInfo in test/opinfo/op_db.py or a test "
            "under test/.",
        )
    ]


def _matching(text: str, start: int, open_ch: str, close_ch: str) -> int:
    """Index just past the bracket that closes the one at `start`, or -1."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == open_ch:
            depth += 1
        elif text[i] == close_ch:
            depth -= 1
            if depth == 0:
                return i + 1
    return -1


def definitions(text: str, name: str) -> list[tuple[int, str]]:
    """(1-based line, body) of each top-level definition of function `name`."""
    found = []
    for m in re.finditer(rf"^[A-Za-z_].*?\b{re.escape(name)}\s*\(", text, re.MULTILINE):
        close = _matching(text, m.end() - 1, "(", ")")
        rest = text[close : close + 200] if close > 0 else ""
        brace = re.match(r"\s*(?:const\s*)?(?:noexcept\s*)?\{", rest)
        if brace:
            start = close + brace.end() - 1
            end = _matching(text, start, "{", "}")
            found.append((text.count("\n", 0, m.start()) + 1, text[start:end]))
    return found


def _kernels(ctx: ReviewContext, key_prefix: str = "") -> set[str]:
    """Kernels the head YAML's `dispatch:` tables name for keys starting with `key_prefix`."""
    return {
        kernel
        for e in head_entries(ctx)
        if e.explicit_dispatch
        for key, kernel in e.dispatch.items()
        if key.value.startswith(key_prefix)
    }


def _native_sources(ctx: ReviewContext) -> list[tuple[FileChange, str]]:
    files = [f for f in _live(ctx) if is_kernel(f.path) and f.added]
    return [(f, ctx.head(f.path) or "") for f in files]


def torch_check_message(ctx: ReviewContext) -> list[Comment]:
    found = []
    for f, text in _native_sources(ctx):
        found += _checks_without_message(f, text)
        if "/cpu/" in f.path or "/cuda/" in f.path:
            continue
        for name in sorted(_kernels(ctx)):
            found += _entry_points_without_check(f, text, name)
    return found


def _checks_without_message(f: FileChange, text: str) -> list[Comment]:
    found = []
    lines = text.split("\n")
    for ln in sorted(f.added):
        m = TORCH_CHECK.search(f.added[ln])
        if not m or ln > len(lines):
            continue
        offset = sum(len(x) + 1 for x in lines[: ln - 1]) + lines[ln - 1].find("TORCH_CHECK")
        start = text.find("(", offset)
        args = text[start + 1 : _matching(text, start, "(", ")") - 1]
        if _top_level_commas(args) == 0:
            found.append(
                at(
                    "torch-check-message",
                    Severity.SUGGESTION,
                    f.path,
                    ln,
                    'This TORCH_CHECK has no message, so a user gets "Expected ... to be true". '
                    "Say what was expected and what was passed, e.g. "
                    '`TORCH_CHECK(self.dim() == 2, "foo: expected a 2-D tensor, got ", self.dim(), '
                    '"-D")`.',
                )
            )
    return found


def _top_level_commas(args: str) -> int:
    depth, commas, quoted = 0, 0, False
    for i, ch in enumerate(args):
        if ch == '"' and (i == 0 or args[i - 1] != "\\"):
            quoted = not quoted
        elif not quoted and ch in "([{":
            depth += 1
        elif not quoted and ch in ")]}":
            depth -= 1
        elif not quoted and ch == "," and depth == 0:
            commas += 1
    return commas


def _entry_points_without_check(f: FileChange, text: str, name: str) -> list[Comment]:
    found = []
    for line, body in definitions(text, name):
        if (
            line not in f.added
            or "TORCH_CHECK" in body
            or re.search(r"\w+_(?:out|stub)\b|at_mini::", body)
        ):
            continue
        found.append(
            at(
                "torch-check-message",
                Severity.SUGGESTION,
                f.path,
                line,
                f"New kernel entry point {code(name)} validates nothing. Bad input must raise a "
                "Python exception with a clear message, not crash or return garbage: add "
                "`TORCH_CHECK`s for dtype, shape and device, each with a message.",
            )
        )
    return found


def composite_calls_native(ctx: ReviewContext) -> list[Comment]:
    found = []
    composite = _kernels(ctx, "CompositeImplicitAutograd")
    for f, text in _native_sources(ctx):
        for name in sorted(composite):
            for line, body in definitions(text, name):
                call = NATIVE_CALL.search(body)
                if not call:
                    continue
                call_line = line + body[: call.start()].count("\n")
                place = call_line if call_line in f.added else line
                if place not in f.added:
                    continue
                found.append(
                    at(
                        "composite-calls-native",
                        Severity.BLOCKING,
                        f.path,
                        place,
                        f"{code(name)} is CompositeImplicitAutograd but calls "
                        f"{code(call.group(0))} directly. {COMPOSITE_MSG}",
                    )
                )
    return found


def todo_owner(ctx: ReviewContext) -> list[Comment]:
    found = []
    for f in _live(ctx):
        for ln in sorted(f.added):
            if TODO.search(f.added[ln]):
                found.append(
                    at(
                        "todo-owner",
                        Severity.NIT,
                        f.path,
                        ln,
                        "nit: give this TODO an owner or an issue, e.g. `TODO(#123)`, so it does "
                        "not outlive everyone who remembers it.",
                    )
                )
    return found[:10]
