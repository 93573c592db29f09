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
from tools.lint.nfentries import EntriesError, YamlEntry, load_entries

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
    try:
        entries = load_entries(text)
    except EntriesError as exc:
        return [Finding(YAML, exc.line, 1, "NF002", str(exc))]
    findings = model_findings(root)
    findings += layout_findings(text) + canonical_findings(text, entries)
    findings += key_order_findings(entries) + order_findings(entries)
    findings += coverage_findings(root, entries)
    return sorted(set(findings))


# --- validation by the schema model -------------------------------------------------


def model_findings(root: Path) -> list[Finding]:
    """The schema model's diagnostics, or one NF001 saying why it could not run."""
    try:
        from torchgen_mini.model import parse_native_yaml

        parsed = parse_native_yaml(str(root / YAML), str(root / TAGS))
    except Exception as exc:  # the model is another package: report, never crash
        return [Finding(YAML, 1, 1, "NF001", f"schema model failed: {type(exc).__name__}: {exc}")]
    found = []
    for diag in parsed.errors:
        hint = f" (hint: {diag.hint})" if diag.hint else ""
        found.append(Finding(YAML, max(diag.loc.line, 1), 1, "NF001", diag.message + hint))
    return found


def canonical_schema(func: str) -> str | None:
    """The model's canonical text of a schema, or None when it does not parse."""
    try:
        from torchgen_mini.model import FunctionSchema

        return str(FunctionSchema.parse(func))
    except Exception:  # parse errors are NF001's business
        return None


def canonical_findings(text: str, entries: list[YamlEntry]) -> list[Finding]:
    found = []
    lines = text.splitlines()
    for e in entries:
        canon = canonical_schema(e.func)
        if canon is not None and canon != e.func:
            col = lines[e.line - 1].find("func:") + 1 if e.line <= len(lines) else 1
            msg = f"schema is not canonical; write it as `{canon}`"
            found.append(Finding(YAML, e.line, max(col, 1), "NF101", msg))
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


def key_order_findings(entries: list[YamlEntry]) -> list[Finding]:
    found = []
    for e in entries:
        known = [k for k in e.data if k in KEY_ORDER]
        if known != sorted(known, key=KEY_ORDER.index):
            want = ", ".join(sorted(known, key=KEY_ORDER.index))
            found.append(Finding(YAML, e.line, 1, "NF103", f"keys out of order; use: {want}"))
    return found


KIND_RANK = {"functional": 0, "inplace": 1, "out": 2}


def order_findings(entries: list[YamlEntry]) -> list[Finding]:
    found = []
    seen: list[str] = []
    for e in entries:
        if seen and e.base != seen[-1] and e.base in seen:
            msg = f"entries of `{e.base}` are split; keep all overloads of an op together"
            found.append(Finding(YAML, e.line, 1, "NF104", msg))
        elif seen and e.base != seen[-1] and e.base < seen[-1]:
            msg = f"`{e.base}` should come before `{seen[-1]}`: ops are in alphabetical order"
            found.append(Finding(YAML, e.line, 1, "NF104", msg))
        if not seen or seen[-1] != e.base:
            seen.append(e.base)
    return found + group_order_findings(entries)


def group_order_findings(entries: list[YamlEntry]) -> list[Finding]:
    """NF105: in each overload group, functional before in-place before out=."""
    found = []
    last_rank: dict[str, int] = {}
    for e in entries:
        group = _group_key(e)
        rank = KIND_RANK.get(e.kind, 0)
        if rank < last_rank.get(group, -1):
            msg = f"`{e.overload}` ({e.kind}) goes before the other variants of its group"
            found.append(Finding(YAML, e.line, 1, "NF105", f"{msg}: functional, in-place, out="))
        last_rank[group] = max(rank, last_rank.get(group, -1))
    return found


def _group_key(e: YamlEntry) -> str:
    """Entries sharing a functional signature, via the model; the base name otherwise."""
    try:
        from torchgen_mini.model import FunctionSchema

        return str(FunctionSchema.parse(e.func).signature(strip_default=True))
    except Exception:  # unparsable entries are NF001's business
        return e.base


# --- coverage --------------------------------------------------------------------------


def coverage_findings(root: Path, entries: list[YamlEntry]) -> list[Finding]:
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


def _named_coverage(root: Path, entries: list[YamlEntry], check: NamedCheck) -> list[Finding]:
    rel, code = check.rel, check.code
    text = _read(root, rel)
    if text is None:
        return [Finding(YAML, 1, 1, "NF200", f"{rel} does not exist, so no op has {check.what}")]
    names = check.reader(text)
    if names is None:
        return [Finding(rel, 1, 1, "NF200", f"{rel} is not valid Python")]
    firsts = {e.base: e for e in reversed(entries)}
    return [
        Finding(
            YAML,
            e.line,
            1,
            code,
            f"op `{op}` has no {check.what} in {rel}: " + check.fix.format(op=op),
        )
        for op, e in sorted(firsts.items())
        if op not in names
    ]


def needs_derivative(e: YamlEntry) -> bool:
    """Functional overloads with a kernel of their own that return a Tensor."""
    return e.kind == "functional" and e.returns_tensor and not e.is_composite_implicit


def derivative_findings(root: Path, entries: list[YamlEntry]) -> list[Finding]:
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
    derivs = opindex.derivative_entries(text)
    if derivs is None:
        return [Finding(opindex.DERIVATIVES, 1, 1, "NF200", "not a YAML list of `- name:` entries")]
    return [
        Finding(
            YAML,
            e.line,
            1,
            "NF203",
            f"`{e.overload}` has no entry in {opindex.DERIVATIVES}: add its formulas, or "
            "declare it non-differentiable (`output_differentiability: [False]`)",
        )
        for e in entries
        if needs_derivative(e) and e.overload not in derivs.covered
    ]
