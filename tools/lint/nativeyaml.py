"""The native_functions.yaml linter.

Checks, each with its own code (CONTRIBUTING.md lists them):

- NF001  an entry does not parse or validate (the schema model's diagnostics)
- NF002  the file is not a YAML list of `- func:` entries
- NF101  a `func:` schema is not in canonical form (`--fix` rewrites it)
- NF102  layout: trailing blanks, tabs, not exactly one blank line between
         entries, no final newline (`--fix` repairs all of these)
- NF103  keys of an entry out of the usual order (func, variants, dispatch, ...)
- NF104  ops out of alphabetical order, or one op's entries not together
- NF105  within one overload group: functional, then in-place, then out=
- NF200  a file that op coverage needs is missing
- NF201/NF202/NF203  an op without an OpInfo entry / docs / derivative
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tools.lint import opindex
from tools.lint.finding import Finding
from torchgen_mini.derivatives import derivative_names
from torchgen_mini.model import FunctionSchema, NativeFunction
from torchgen_mini.native_yaml import ParsedNativeYaml
from torchgen_mini.pipeline import load_and_check

YAML = "native_functions.yaml"
TAGS = "tags.yaml"
KEY_ORDER = (
    "func",
    "device_check",
    "device_guard",
    "python_module",
    "category_override",
    "variants",
    "manual_kernel_registration",
    "manual_cpp_binding",
    "structured",
    "structured_delegate",
    "structured_inherits",
    "precomputed",
    "cpp_no_default_args",
    "dispatch",
    "autogen",
    "tags",
    "dispatch_stub",
    "shape_function",
)


def lint_native_yaml(root: Path, fix: bool) -> list[Finding]:
    path = root / YAML
    if not path.is_file():
        return [Finding(YAML, 1, 1, "NF002", "native_functions.yaml is missing")]
    text = path.read_text(encoding="utf-8", errors="replace")
    if fix:
        fixed = fix_text(text)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")
            text = fixed
    parsed = _load(root)
    if isinstance(parsed, Finding):
        return [parsed]
    if not parsed.loaded:
        fatal = parsed.errors[-1]
        return [Finding(YAML, max(fatal.loc.line, 1), 1, "NF002", fatal.message)]
    entries = parsed.native_functions
    findings = model_findings(parsed)
    findings += layout_findings(text) + canonical_findings(text, entries)
    findings += key_order_findings(entries) + order_findings(entries)
    findings += coverage_findings(root, entries)
    return sorted(set(findings))


# --- validation by the schema model -------------------------------------------------


def _load(root: Path) -> ParsedNativeYaml | Finding:
    """The codegen's loader and its shape-function check, or NF001 saying why it could not run."""
    try:
        return load_and_check(root / YAML, root / TAGS)
    except Exception as exc:  # the model is another package: report, never crash
        return Finding(YAML, 1, 1, "NF001", f"schema model failed: {type(exc).__name__}: {exc}")


def model_findings(parsed: ParsedNativeYaml) -> list[Finding]:
    """The schema model's diagnostics as NF001."""
    found = []
    for diag in parsed.errors:
        hint = f" (hint: {diag.hint})" if diag.hint else ""
        found.append(Finding(YAML, max(diag.loc.line, 1), 1, "NF001", diag.message + hint))
    return found


def canonical_schema(func: str) -> str | None:
    """The model's canonical text of a schema, or None when it does not parse."""
    try:
        return str(FunctionSchema.parse(func))
    except Exception:  # parse errors are NF001's business
        return None


def canonical_findings(text: str, entries: list[NativeFunction]) -> list[Finding]:
    found = []
    lines = text.splitlines()
    for e in entries:
        canon = str(e.func)
        line = e.loc.line
        if canon != e.func_text:
            col = lines[line - 1].find("func:") + 1 if line <= len(lines) else 1
            msg = f"schema is not canonical; write it as `{canon}`"
            found.append(Finding(YAML, line, max(col, 1), "NF101", msg))
    return found


# --- layout ----------------------------------------------------------------------------


def layout_findings(text: str) -> list[Finding]:
    found = []
    lines = text.split("\n")
    for i, line in enumerate(lines, start=1):
        if line != line.rstrip():
            found.append(Finding(YAML, i, len(line.rstrip()) + 1, "NF102", "trailing whitespace"))
        if "\t" in line:
            found.append(Finding(YAML, i, line.index("\t") + 1, "NF102", "tab; indent with spaces"))
    for i, line in enumerate(lines[1:], start=2):
        if line.startswith("- ") and lines[i - 2].strip() != "" and not _is_comment(lines[i - 2]):
            found.append(Finding(YAML, i, 1, "NF102", "put one blank line before each entry"))
        if line.strip() == "" and lines[i - 2].strip() == "" and i < len(lines):
            found.append(Finding(YAML, i, 1, "NF102", "more than one blank line"))
    if text and not text.endswith("\n"):
        found.append(Finding(YAML, len(lines), 1, "NF102", "no newline at end of file"))
    return found


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def fix_text(text: str) -> str:
    """Repair NF101 and NF102 findings; leave everything else as written."""
    lines = [line.rstrip().replace("\t", "  ") for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line.startswith("- ") and out and out[-1] != "" and not _is_comment(out[-1]):
            out.append("")
        if line == "" and out and out[-1] == "":
            continue
        out.append(_fix_func_line(line))
    return "\n".join(out).rstrip("\n") + "\n"


def _fix_func_line(line: str) -> str:
    prefix, sep, func = line.partition("func: ")
    if not sep or prefix.strip("- ") != "":
        return line
    canon = canonical_schema(func)
    return prefix + sep + canon if canon is not None else line


# --- order -----------------------------------------------------------------------------


def key_order_findings(entries: list[NativeFunction]) -> list[Finding]:
    found = []
    for e in entries:
        known = [k for k in e.key_lines if k in KEY_ORDER]
        if known != sorted(known, key=KEY_ORDER.index):
            want = ", ".join(sorted(known, key=KEY_ORDER.index))
            found.append(Finding(YAML, e.loc.line, 1, "NF103", f"keys out of order; use: {want}"))
    return found


def order_findings(entries: list[NativeFunction]) -> list[Finding]:
    found = []
    seen: list[str] = []
    for e in entries:
        op = e.root_name
        if seen and op != seen[-1] and op in seen:
            msg = f"entries of `{op}` are split; keep all overloads of an op together"
            found.append(Finding(YAML, e.loc.line, 1, "NF104", msg))
        elif seen and op != seen[-1] and op < seen[-1]:
            msg = f"`{op}` should come before `{seen[-1]}`: ops are in alphabetical order"
            found.append(Finding(YAML, e.loc.line, 1, "NF104", msg))
        if not seen or seen[-1] != op:
            seen.append(op)
    return found + group_order_findings(entries)


def group_order_findings(entries: list[NativeFunction]) -> list[Finding]:
    """NF105: in each overload group (one functional signature), functional, in-place, out=."""
    found = []
    last_rank: dict[str, int] = {}
    for e in entries:
        group = str(e.func.signature(strip_default=True))
        kind = e.func.kind()
        rank = opindex.KIND_RANK.get(kind, 0)
        if rank < last_rank.get(group, -1):
            msg = f"`{e.func.name}` ({kind.value}) goes before the other variants of its group"
            msg += ": functional, in-place, out="
            found.append(Finding(YAML, e.loc.line, 1, "NF105", msg))
        last_rank[group] = max(rank, last_rank.get(group, -1))
    return found


# --- coverage --------------------------------------------------------------------------


def coverage_findings(root: Path, entries: list[NativeFunction]) -> list[Finding]:
    found = _named_coverage(root, entries, OPINFO_CHECK)
    found += _named_coverage(root, entries, DOCS_CHECK)
    return found + derivative_findings(root, entries)


def _read(root: Path, rel: str) -> str | None:
    path = root / rel
    return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None


@dataclass(frozen=True)
class NamedCheck:
    rel: str
    reader: opindex.Reader
    code: str
    what: str
    fix: str


OPINFO_CHECK = NamedCheck(
    opindex.OP_DB, opindex.opinfo_names, "NF201", "an OpInfo entry", 'add `OpInfo("{op}", ...)`'
)
DOCS_CHECK = NamedCheck(
    opindex.DOCS, opindex.doc_names, "NF202", "docs", 'add `add_docstr("{op}", ...)`'
)


def _named_coverage(root: Path, entries: list[NativeFunction], check: NamedCheck) -> list[Finding]:
    rel, code = check.rel, check.code
    text = _read(root, rel)
    if text is None:
        return [Finding(YAML, 1, 1, "NF200", f"{rel} does not exist, so no op has {check.what}")]
    names = check.reader(text)
    if names is None:
        return [Finding(rel, 1, 1, "NF200", f"{rel} is not valid Python")]
    firsts = {e.root_name: e for e in reversed(entries)}
    return [
        Finding(
            YAML,
            e.loc.line,
            1,
            code,
            f"op `{op}` has no {check.what} in {rel}: " + check.fix.format(op=op),
        )
        for op, e in sorted(firsts.items())
        if op not in names
    ]


def derivative_findings(root: Path, entries: list[NativeFunction]) -> list[Finding]:
    text = _read(root, opindex.DERIVATIVES)
    if text is None:
        return [
            Finding(
                YAML,
                1,
                1,
                "NF200",
                f"{opindex.DERIVATIVES} does not exist, so no op has a derivative",
            )
        ]
    covered = derivative_names(text, opindex.DERIVATIVES)
    if covered is None:
        return [Finding(opindex.DERIVATIVES, 1, 1, "NF200", "not a YAML list of `- name:` entries")]
    return [
        Finding(
            YAML,
            e.loc.line,
            1,
            "NF203",
            f"`{e.func.name}` has no entry in {opindex.DERIVATIVES}: add its formulas, or "
            "declare it non-differentiable (`output_differentiability: [False]`)",
        )
        for e in entries
        if opindex.needs_derivative(e) and str(e.func.name) not in covered
    ]
