"""Static semantic rules: what a new op does, read from the PR's files (issue 18).

The structural rules (ops.py) ask whether a new op comes with an OpInfo, docs
and a derivative. These ask what PyTorch maintainers ask next: do the
docstring's arguments match the schema, does the `AT_DISPATCH_*` name string
name this op, does the derivative formula use only names in scope (and the
incoming `grad`), do the OpInfo samples include the special values, do
sign-sensitive tests build a real -0.0, is out= checked for overlap, is the
result dtype promoted rather than hard-coded, and, where the installed torch
has an op of the same name, does the PR accept the integer inputs upstream
accepts (Note [Asking upstream] in upstream.py).

Nothing here runs the PR's code. C++ is read the way code.py reads it (top-
level functions by brace matching, kernels named by `dispatch:`), Python with
`ast` (pysource.py). Each finding is blocking only when the behaviour it points
at is wrong for a user; a missing test or a convention is a suggestion.

Every message is built from one of TEMPLATES by `fill`, and messages.py uses
the same TEMPLATES, so the poster's validation (Note [Validating the review
artifact] in validate.py) accepts exactly what these rules say.
"""

from __future__ import annotations

import ast
import bisect
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tools.lint import opindex
from tools.review.comments import Comment, Severity
from tools.review.context import ReviewContext
from tools.review.diff import FileChange
from tools.review.rules import pysource, upstream
from tools.review.rules.code import definitions, is_kernel
from tools.review.rules.common import YAML, at, head_entries, new_ops, new_overloads
from torchgen_mini.derivatives import (
    DifferentiabilityInfo,
    output_names,
    parse_derivatives_yaml,
)
from torchgen_mini.model import NativeFunction, SchemaKind

SLOT = re.compile(r"\$\{([a-z_]+)(?::(text|int))?\}")
MAX_CODE_SLOT = 300
MAX_FINDINGS = 10  # per rule: the review artifact holds at most 200 comments in all

TEMPLATES: dict[str, tuple[str, ...]] = {
    "doc-signature": (
        "The docstring of `${op}` starts `${doc}`, but the schema is `${schema}`: "
        "${problem:text}. A user who follows the docs gets a TypeError or the wrong "
        "default. Upstream documents `self` as `input` and every other argument by its "
        "schema name and default (keyword-only ones after `*`, then `out=None`).",
    ),
    "dispatch-name": (
        "This `${macro}` in `${function}` (a kernel of `${op}`) is named `${name}`. "
        "The name string is what users see when a dtype is not supported "
        "(`\"${name}\" not implemented for 'Bool'`), so it must name this op: write "
        '`"${op}_cpu"` (or `"${op}"`), as upstream kernels do.',
        "This `${macro}` in `${function}` is named `${name}`, but `${path}` is ${device:text} "
        "code: a dtype error would send users to the wrong kernel. Name it `${want}`.",
    ),
    "derivative-scope": (
        "The formula for `${var}` of `${overload}` uses `${name}`, which is not in scope: "
        "a backward formula sees the op's arguments (`${args}`), `grad` and `result`; a "
        "forward formula also sees `<arg>_t` and `<arg>_p`. ${hint:text}",
        "The backward formula for `${var}` of `${overload}` does not use `grad`, so the "
        "gradient ignores the incoming gradient (chain rule): it should be a "
        "vector-Jacobian product, e.g. `grad * <d result / d ${var}>`.",
    ),
    "opinfo-special-values": (
        "The OpInfo samples of `${op}` (`${func}`) never write ${missing:text}. "
        "For a pointwise floating-point op, reviewers ask for 0, -0.0, NaN and +-inf "
        "in the samples (upstream's elementwise reference inputs always include them): "
        "add a sample with those literal values, e.g. "
        "`torch.tensor([0.0, -0.0, math.nan, math.inf, -math.inf], dtype=dtype)`.",
    ),
    "negative-zero": (
        "`-0` is the integer zero, so this builds +0.0 and the negative-zero case of "
        "`${op}` is never tested (its kernel distinguishes signs: `${evidence}`). "
        "Write the float literal `-0.0` (e.g. `torch.tensor([-0.0, 0.0])`).",
        "`${op}` distinguishes the sign of its input (`${evidence}`), but no sample or "
        "test of this PR builds a real -0.0. Add `-0.0` (the float literal) to the "
        "samples, so `${op}(-0.0)` is compared with the reference.",
    ),
    "out-overlap": (
        "`${function}` (the out= kernel of `${op}`) writes `out` element by element "
        "without checking it against its inputs. With `x = torch.arange(6.0)`, "
        "`${op}(x[:-1], out=x[1:])` reads elements it has already overwritten and "
        "returns wrong values. Build it on TensorIterator (which checks) or call "
        "`at::assert_no_internal_overlap(out)` and `at::assert_no_overlap(out, self)` "
        "first, as upstream's out= kernels do.",
    ),
    "result-dtype": (
        "`${function}` (a kernel of `${op}`) hard-codes the result dtype (`${match}`). "
        "${upstream:text} Let type promotion decide it: TensorIterator with "
        "`promote_inputs_to_common_dtype(true)` (or `at::result_type(self, other)`), as "
        "upstream does, so integer inputs keep an integer result and float64 stays float64.",
    ),
    "upstream-dtypes": (
        "Upstream `${op}` accepts integer inputs: `${sample}` returns `${dtype} ${values}`"
        "${unchanged:text}. This PR's OpInfo claims `dtypes=${claimed}` (no integer dtype), "
        "so its `${op}` refuses what `torch.${op}` accepts. Support integer (and bool) "
        "inputs as upstream does and claim them in `dtypes=`.",
    ),
    "kink-gradient": (
        "The formula for `${var}` of `${overload}` has a kink at 0 (`${evidence}`): the "
        "gradient at exactly 0 is a choice (upstream: abs and relu give 0 there), and "
        "gradcheck's finite differences cannot check it. Say which value you chose and add "
        "a test of the gradient at 0 (e.g. `x = torch.tensor([0.0], requires_grad=True)`, "
        "then compare `x.grad` with upstream's).",
    ),
}

RULE_NAMES = tuple(TEMPLATES)


def fill(rule: str, index: int, **values: str) -> str:
    """TEMPLATES[rule][index] with its slots filled: code-span slots cleaned so the
    message matches its template (no backtick, no line break, at most 300 characters)."""

    def value(m: re.Match[str]) -> str:
        v = values[m[1]]
        if m[2] == "text":
            return v
        clean = "".join(ch if ch.isprintable() else "?" for ch in v).replace("`", "'")
        return clean[: MAX_CODE_SLOT - 3] + "..." if len(clean) > MAX_CODE_SLOT else clean

    return SLOT.sub(value, TEMPLATES[rule][index])


# --------------------------------------------------------------------------- shared


def _live_kernels(ctx: ReviewContext) -> list[tuple[FileChange, str]]:
    return [
        (f, ctx.head(f.path) or "")
        for f in ctx.files
        if f.status != "removed" and not f.is_binary and is_kernel(f.path) and f.added
    ]


def _added_matches(
    ctx: ReviewContext, pattern: re.Pattern[str], found: list[Comment]
) -> Iterator[tuple[FileChange, str, int, re.Match[str]]]:
    """(file, its head text, line, match) for each added kernel line that `pattern`
    matches, until `found` holds MAX_FINDINGS comments."""
    for f, text in _live_kernels(ctx):
        for ln in sorted(f.added):
            if len(found) >= MAX_FINDINGS:
                return
            m = pattern.search(f.added[ln])
            if m:
                yield f, text, ln, m


def _by_op(ctx: ReviewContext) -> dict[str, list[NativeFunction]]:
    mine: dict[str, list[NativeFunction]] = {op: [] for op in new_ops(ctx)}
    for e in head_entries(ctx):
        if e.root_name in mine:
            mine[e.root_name].append(e)
    return mine


def _functional(entries: list[NativeFunction]) -> NativeFunction:
    return next((e for e in entries if e.func.kind() is SchemaKind.functional), entries[0])


def _kernel_names(entries: list[NativeFunction]) -> set[str]:
    return {k for e in entries if e.explicit_dispatch for k in e.dispatch.values()}


FUNC_START = re.compile(
    r"^(?:[A-Za-z_][\w:<>,*& \t]*?[ \t*&])?([A-Za-z_]\w*)[ \t]*\(", re.MULTILINE
)
CONTROL = frozenset({"if", "for", "while", "switch", "return", "namespace", "TORCH_CHECK"})


@lru_cache(maxsize=32)
def _function_starts(text: str) -> tuple[tuple[int, str], ...]:
    """(offset, name) of every top-level (column 0) function-like line start of `text`."""
    return tuple(
        (m.start(), m[1])
        for m in FUNC_START.finditer(text)
        if m[1] not in CONTROL and not m[0].startswith(("#", "//", " ", "}"))
    )


def enclosing_function(text: str, offset: int) -> str | None:
    """The top-level function whose definition starts last before `offset`."""
    starts = _function_starts(text)
    i = bisect.bisect_right(starts, (offset, "")) - 1
    while i >= 0 and starts[i][0] >= offset:
        i -= 1
    return starts[i][1] if i >= 0 else None


SUFFIXES = ("_kernel", "_cpu", "_cuda", "_impl", "_out", "_stub", "_")


def strip_suffixes(name: str) -> str:
    changed = True
    while changed:
        changed = False
        for s in SUFFIXES:
            if name.endswith(s) and len(name) > len(s):
                name, changed = name[: -len(s)], True
    return name


def op_of(function: str, ops: list[str]) -> str | None:
    """The longest op name that `function` starts with (`nan_to_num_kernel` -> nan_to_num)."""
    matches = [op for op in ops if function == op or function.startswith(op + "_")]
    return max(matches, key=len) if matches else None


@lru_cache(maxsize=32)
def _line_starts(text: str) -> tuple[int, ...]:
    return (0, *(m.end() for m in re.finditer("\n", text)))


def _offset(text: str, line: int) -> int:
    """Offset of the start of 1-based `line` (the end of the text past its last line)."""
    starts = _line_starts(text)
    return starts[line - 1] if 0 < line <= len(starts) else len(text)


# --------------------------------------------------------------------------- docs


def _split_top(args: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in args:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def _norm_default(value: str) -> str:
    v = value.strip().strip("'\"")
    try:
        return repr(float(v))
    except ValueError:
        return {"true": "True", "false": "False", "none": "None"}.get(v.lower(), v)


def _doc_entries(text: str) -> dict[str, tuple[int, str]]:
    """op -> (line of its signature line, the signature line) for each add_docstr."""
    tree = pysource.parse(text)
    found: dict[str, tuple[int, str]] = {}
    for node in ast.walk(tree) if tree else []:
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "add_docstr"
            and len(node.args) >= 2
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            op, doc = str(node.args[0].value), node.args[1].value
            lines = doc.split("\n")
            for i, ln in enumerate(lines):
                if ln.strip():
                    found[op] = (node.args[1].lineno + i, ln.strip())
                    break
    return found


def _schema_args(entries: list[NativeFunction]) -> dict[str, str | None]:
    """Python-visible argument name -> default, over every overload (`self` is `input`)."""
    args: dict[str, str | None] = {}
    for e in entries:
        for a in e.func.arguments.flat_non_out:
            args.setdefault("input" if a.name == "self" else a.name, a.default)
    if any(e.func.kind() is SchemaKind.out for e in entries):
        args.setdefault("out", "None")
    return args


def _doc_problems(op: str, sig: str, entries: list[NativeFunction]) -> list[str]:
    m = re.match(rf"{re.escape(op)}\s*\((.*)\)", sig)
    if not m:
        return []
    documented: dict[str, str | None] = {}
    for part in _split_top(m[1]):
        if part in ("*", "/"):
            continue
        name, _, given = part.partition("=")
        documented[name.strip()] = given.strip() or None
    schema = _schema_args(entries)
    first = _functional(entries)
    problems = []
    for name, default in documented.items():
        if name not in schema:
            problems.append(f"`{name}` is not an argument of the op")
        elif (
            default is not None
            and schema[name] is not None
            and _norm_default(default) != _norm_default(schema[name] or "")
        ):
            problems.append(f"`{name}` defaults to `{schema[name]}` in the schema, not `{default}`")
    for a in first.func.arguments.flat_non_out:
        name = "input" if a.name == "self" else a.name
        if name not in documented:
            problems.append(f"`{name}` is missing")
    return problems


def doc_signature(ctx: ReviewContext) -> list[Comment]:
    text = ctx.head(opindex.DOCS)
    if text is None:
        return []
    docs = _doc_entries(text)
    change = ctx.changed(opindex.DOCS)
    edited = {op for op, (ln, _) in docs.items() if change is not None and ln in change.added}
    ops = _by_op(ctx)
    for e in head_entries(ctx):  # an existing op whose signature line the PR edits
        if e.root_name in edited:
            ops.setdefault(e.root_name, []).append(e)
    found: list[Comment] = []
    for op, entries in sorted(ops.items()):
        if op not in docs or not entries:
            continue
        line, sig = docs[op]
        problems = _doc_problems(op, sig, entries)
        if problems:
            msg = fill(
                "doc-signature",
                0,
                op=op,
                doc=sig,
                schema=str(_functional(entries).func),
                problem="; ".join(problems),
            )
            found.append(at("doc-signature", Severity.BLOCKING, opindex.DOCS, line, msg))
    return found[:MAX_FINDINGS]


# --------------------------------------------------------------------------- AT_DISPATCH

DISPATCH = re.compile(r"\b(AT_DISPATCH_\w+)\s*\(")
STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')


def dispatch_name(ctx: ReviewContext) -> list[Comment]:
    ops = sorted({e.root_name for e in head_entries(ctx)})
    found: list[Comment] = []
    for f, text, ln, m in _added_matches(ctx, DISPATCH, found):
        start = _offset(text, ln) + m.start()
        s = STRING.search(text, start, start + 400)
        function = enclosing_function(text, start)
        if s is None or function is None:
            continue
        op = op_of(function, ops)
        name = s[1]
        base = strip_suffixes(name)
        if op is None:
            continue
        if not (base == op or base.startswith(op + "_")):
            msg = fill("dispatch-name", 0, macro=m[1], function=function, op=op, name=name)
            found.append(at("dispatch-name", Severity.BLOCKING, f.path, ln, msg))
            continue
        cuda = f.path.endswith((".cu", ".cuh")) or "/cuda/" in f.path
        wrong = name.endswith("_cpu") if cuda else name.endswith("_cuda")
        if wrong:
            want = f"{base}_cuda" if cuda else f"{base}_cpu"
            device = "CUDA" if cuda else "CPU"
            msg = fill(
                "dispatch-name",
                1,
                macro=m[1],
                function=function,
                name=name,
                path=f.path,
                device=device,
                want=want,
            )
            found.append(at("dispatch-name", Severity.BLOCKING, f.path, ln, msg))
    return found[:MAX_FINDINGS]


# --------------------------------------------------------------------------- derivatives

IDENT = re.compile(r"(?<![\w.:>])([A-Za-z_]\w*)\b(?!\s*(?:\(|::|<))")
CXX_WORDS = frozenset(
    {
        "true", "false", "nullptr", "int", "int64_t", "double", "float", "bool", "auto",
        "const", "long", "unsigned", "grad", "grads", "result", "std", "at", "c10",
        "at_mini", "self_t", "self_p", "static_cast", "sizeof", "dtype", "options",
    }
)  # fmt: skip
KINK = re.compile(
    r"\b(sgn|sign|signbit|abs|threshold_backward|relu_backward|copysign)\s*\(|"
    r"[<>]=?\s*0(?:\.0*)?\b|==\s*0(?:\.0*)?\b"
)


def _derivative_infos(ctx: ReviewContext) -> list[DifferentiabilityInfo]:
    """The head's derivatives.yaml entries, resolved by the codegen's own parser (it reads
    a path, so the text goes through a temporary file); none when the PR leaves it alone."""
    text = ctx.head(opindex.DERIVATIVES)
    if text is None or ctx.changed(opindex.DERIVATIVES) is None:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "derivatives.yaml"
        path.write_text(text, encoding="utf-8")
        parsed = parse_derivatives_yaml(path, head_entries(ctx))
    return parsed.infos


def _new_derivative_formulas(
    ctx: ReviewContext,
) -> Iterator[tuple[NativeFunction, str, str, int, bool]]:
    """(overload, variable, formula, line, is_backward) of each formula of a new overload."""
    new = {str(e.func.name) for e in new_overloads(ctx)}
    for info in _derivative_infos(ctx):
        native = info.native
        if str(native.func.name) not in new:
            continue
        for formulas in info.formulas.values():
            for d in formulas.derivatives:
                yield native, ", ".join(d.var_names), d.formula, d.loc.line, True
            for fd in formulas.forward_derivatives:
                yield native, ", ".join(fd.var_names), fd.formula, fd.loc.line, False


def derivative_scope(ctx: ReviewContext) -> list[Comment]:
    found: list[Comment] = []
    for native, var, formula, line, backward in _new_derivative_formulas(ctx):
        if formula.startswith(("not_implemented", "auto_")) or formula == "non_differentiable":
            continue
        args = [a.name for a in native.func.arguments.flat_all]
        scope = set(args) | set(output_names(native.func)) | CXX_WORDS
        if not backward:
            scope |= {f"{a}_t" for a in args} | {f"{a}_p" for a in args}
        stripped = STRING.sub('""', formula)
        unknown = [m[1] for m in IDENT.finditer(stripped) if m[1] not in scope]
        overload = str(native.func)
        if unknown:
            name = unknown[0]
            hint = (
                "Did you mean `self`? (The schema's first argument is `self`, even where the "
                "docs call it `input`.)"
                if name in ("input", "x") and "self" in args
                else "Use the schema's argument names."
            )
            msg = fill(
                "derivative-scope",
                0,
                var=var,
                overload=overload,
                name=name,
                args=", ".join(args),
                hint=hint,
            )
            found.append(at("derivative-scope", Severity.BLOCKING, opindex.DERIVATIVES, line, msg))
        elif backward and not re.search(r"\bgrads?\b", stripped) and "zeros" not in stripped:
            msg = fill("derivative-scope", 1, var=var, overload=overload)
            found.append(at("derivative-scope", Severity.BLOCKING, opindex.DERIVATIVES, line, msg))
    return found[:MAX_FINDINGS]


def _test_files(ctx: ReviewContext) -> list[tuple[FileChange, str]]:
    return [
        (f, ctx.head(f.path) or "")
        for f in ctx.files
        if f.status != "removed" and f.path.startswith("test/") and f.path.endswith(".py")
    ]


GRAD_CALL = re.compile(r"\.backward\(|autograd\.grad\(|\bgrad\(|gradcheck\(|\.grad\b")


def _grad_tested_at_zero(ctx: ReviewContext, op: str) -> bool:
    """A test file of the PR that names the op, computes a gradient and writes a 0 literal
    in the same function (see CONTRIBUTING's review rules)."""
    for f, text in _test_files(ctx):
        if f.path == pysource.OP_DB:
            continue
        tree = pysource.parse(text)
        for fn in ast.walk(tree) if tree else []:
            if not isinstance(fn, ast.FunctionDef):
                continue
            src = ast.get_source_segment(text, fn) or ""
            if op in src and GRAD_CALL.search(src) and "0" in pysource.special_values([fn]):
                return True
    return False


def kink_gradient(ctx: ReviewContext) -> list[Comment]:
    found: list[Comment] = []
    seen: set[str] = set()
    for native, var, formula, line, backward in _new_derivative_formulas(ctx):
        m = KINK.search(formula)
        op = native.root_name
        if not backward or m is None or op in seen or _grad_tested_at_zero(ctx, op):
            continue
        seen.add(op)
        msg = fill(
            "kink-gradient",
            0,
            var=var,
            overload=str(native.func),
            evidence=m[0].rstrip("( ").strip(),
        )
        found.append(at("kink-gradient", Severity.SUGGESTION, opindex.DERIVATIVES, line, msg))
    return found[:MAX_FINDINGS]


# --------------------------------------------------------------------------- OpInfo samples


def _opinfo_trees(ctx: ReviewContext) -> tuple[ast.Module | None, ast.Module | None]:
    return pysource.parse(ctx.head(pysource.OP_DB)), pysource.parse(ctx.head(pysource.SAMPLES))


@dataclass(frozen=True)
class _OpDb:
    """The head's op_db.py (parsed, and its OpInfo entries by name), samples.py and core.py."""

    db: ast.Module
    samples: ast.Module | None
    core: ast.Module | None
    entries: dict[str, pysource.OpInfoEntry]


def _op_db(ctx: ReviewContext) -> _OpDb | None:
    """None when the head's op_db.py does not parse."""
    db, samples = _opinfo_trees(ctx)
    if db is None:
        return None
    core = pysource.parse(ctx.head(pysource.CORE))
    return _OpDb(db, samples, core, pysource.opinfo_entries(db))


def _claims_float(entry: pysource.OpInfoEntry, db: ast.Module, core: ast.Module | None) -> bool:
    dtypes = entry.keyword("dtypes")
    if dtypes is None:
        return True  # OpInfo's default is (float32, float64)
    names = pysource.dtype_names(dtypes, db, core)
    return bool(names and names & pysource.FLOAT_DTYPES)


def opinfo_special_values(ctx: ReviewContext) -> list[Comment]:
    tree = _op_db(ctx)
    if tree is None:
        return []
    db, samples, core, entries = tree.db, tree.samples, tree.core, tree.entries
    defs = pysource.functions(db, samples)
    found: list[Comment] = []
    for op, mine in sorted(_by_op(ctx).items()):
        entry = entries.get(op)
        if entry is None or not any("pointwise" in e.tags for e in mine):
            continue
        func = entry.keyword("sample_inputs_func")
        if not isinstance(func, ast.Name) or not _claims_float(entry, db, core):
            continue
        have = pysource.special_values(pysource.reachable(func.id, defs))
        missing = [v for v in pysource.SPECIALS if v not in have]
        if missing:
            words = {"0": "0", "-0.0": "-0.0", "nan": "NaN", "inf": "+-inf"}
            msg = fill(
                "opinfo-special-values",
                0,
                op=op,
                func=func.id,
                missing=", ".join(words[v] for v in missing),
            )
            found.append(
                at("opinfo-special-values", Severity.SUGGESTION, pysource.OP_DB, entry.line, msg)
            )
    return found[:MAX_FINDINGS]


SIGN = re.compile(
    r"\b(?:std::)?(signbit|copysign)\s*\(|\b\w+\s*[<>]=?\s*(?:scalar_t|opmath_t)?\(?0(?:\.0*)?\)?"
    r"(?![\w.])"
)


def _sign_evidence(ctx: ReviewContext, op: str, kernels: set[str]) -> str | None:
    """The first sign-sensitive expression in the op's new kernels (by name or file)."""
    for _f, text in _live_kernels(ctx):
        for m in SIGN.finditer(text):
            function = enclosing_function(text, m.start()) or ""
            if function in kernels or op_of(function, [op]) == op:
                return m[0].rstrip("( ").strip()
    return None


def negative_zero(ctx: ReviewContext) -> list[Comment]:
    found: list[Comment] = []
    db, samples = _opinfo_trees(ctx)
    entries = pysource.opinfo_entries(db) if db else {}
    defs = pysource.functions(db, samples)
    for op, mine in sorted(_by_op(ctx).items()):
        evidence = _sign_evidence(ctx, op, _kernel_names(mine))
        if evidence is None:
            continue
        real = False
        bad: list[tuple[str, int]] = []
        for f, text in _test_files(ctx):
            tree = pysource.parse(text)
            if tree is None:
                continue
            bad += [(f.path, ln) for ln in pysource.integer_negative_zeros(tree) if ln in f.added]
            if f.path != pysource.OP_DB and op in text and pysource.has_negative_zero(tree):
                real = True
        entry = entries.get(op)
        func = entry.keyword("sample_inputs_func") if entry else None
        if isinstance(func, ast.Name):
            real = real or "-0.0" in pysource.special_values(pysource.reachable(func.id, defs))
        for path, ln in bad[:3]:
            msg = fill("negative-zero", 0, op=op, evidence=evidence)
            found.append(at("negative-zero", Severity.BLOCKING, path, ln, msg))
        if not real and not bad:
            line = entry.line if entry else mine[0].loc.line
            path = pysource.OP_DB if entry else YAML
            msg = fill("negative-zero", 1, op=op, evidence=evidence)
            found.append(at("negative-zero", Severity.SUGGESTION, path, line, msg))
    return found[:MAX_FINDINGS]


# --------------------------------------------------------------------------- out= and dtype

SAFE_OUT = re.compile(
    r"TensorIterator|assert_no_overlap|assert_no_internal_overlap|assert_no_partial_overlap|"
    r"\w+_out\s*\(|\w+_stub\s*\(|at_mini::\w+\s*\(|\.copy_\s*\("
)
ELEMENTWISE = re.compile(r"data_ptr|accessor\s*<|\bparallel_for\b|cpu_kernel")
CALL = re.compile(r"\b([A-Za-z_]\w*)\s*\(")


def _body_with_helpers(text: str, name: str) -> list[tuple[int, str]]:
    """Each definition of `name`, its body followed by the bodies of same-file functions it
    calls (two levels deep: `add_out` -> `binary_iter`)."""
    out = []
    for line, body in definitions(text, name):
        full, todo, seen = body, [body], {name}
        for _ in range(2):
            nxt = []
            for b in todo:
                for callee in set(CALL.findall(b)) - seen:
                    seen.add(callee)
                    for _l, helper in definitions(text, callee):
                        full += helper
                        nxt.append(helper)
            todo = nxt
        out.append((line, full))
    return out


def out_overlap(ctx: ReviewContext) -> list[Comment]:
    found: list[Comment] = []
    outs = [e for e in new_overloads(ctx) if e.func.kind() is SchemaKind.out]
    for e in outs:
        for kernel in sorted(_kernel_names([e])):
            for f, text in _live_kernels(ctx):
                for line, body in _body_with_helpers(text, kernel):
                    if SAFE_OUT.search(body) or not ELEMENTWISE.search(body):
                        continue
                    msg = fill("out-overlap", 0, function=kernel, op=e.root_name)
                    found.append(at("out-overlap", Severity.BLOCKING, f.path, line, msg))
    return found[:MAX_FINDINGS]


HARD_DTYPE = re.compile(
    r"(?:\.dtype|\.to|empty\w*|zeros\w*|ones\w*|full\w*)\s*\([^;]*?"
    r"\b((?:at|c10|torch)::(?:kFloat|kDouble|kHalf|ScalarType::Float|ScalarType::Double))\b"
)


def result_dtype(ctx: ReviewContext) -> list[Comment]:
    by_op = _by_op(ctx)
    ops = sorted(by_op)
    found: list[Comment] = []
    for f, text, ln, m in _added_matches(ctx, HARD_DTYPE, found):
        function = enclosing_function(text, _offset(text, ln))
        op = op_of(function or "", ops)
        if op is None or function is None:
            continue
        answer = upstream.ask(_functional(by_op[op]), "int64")
        said = (
            f"Upstream `{answer.sample}` returns `{answer.dtype}`, and on float64 inputs float64."
            if answer is not None and answer.dtype != "float32"
            else "A float64 input then loses precision and integer inputs change type."
        )
        msg = fill("result-dtype", 0, function=function, op=op, match=m[1], upstream=said)
        found.append(at("result-dtype", Severity.BLOCKING, f.path, ln, msg))
    return found[:MAX_FINDINGS]


# --------------------------------------------------------------------------- against upstream


def upstream_dtypes(ctx: ReviewContext) -> list[Comment]:
    tree = _op_db(ctx)
    if tree is None:
        return []
    db, core, entries = tree.db, tree.core, tree.entries
    found: list[Comment] = []
    for op, mine in sorted(_by_op(ctx).items()):
        entry = entries.get(op)
        dtypes = entry.keyword("dtypes") if entry else None
        if entry is None or dtypes is None:
            continue
        names = pysource.dtype_names(dtypes, db, core)
        if names is None or names & pysource.INT_DTYPES:
            continue
        answer = upstream.ask(_functional(mine), "int64")
        if answer is None:
            continue
        msg = fill(
            "upstream-dtypes",
            0,
            op=op,
            sample=answer.sample,
            dtype=answer.dtype,
            values=answer.values,
            unchanged=" (the input, unchanged)" if answer.unchanged else "",
            claimed=ast.get_source_segment(ctx.head(pysource.OP_DB) or "", dtypes) or "?",
        )
        found.append(at("upstream-dtypes", Severity.BLOCKING, pysource.OP_DB, dtypes.lineno, msg))
    return found[:MAX_FINDINGS]
