"""The `TODO(new-op)` markers left in one op's parts, each with its file and line.

`./kit new-op` writes every part of a new op with a `TODO(new-op)` where the
learner has code to write or a choice to make (see Note [What new-op
scaffolds] in tools/ops/scaffold.py). The kernels' TODOs also fail at run
time, naming their file; the others are comments (which shape function, the
docstring's example, the OpInfo's reference) that nothing would notice.
`todos(root, op)` finds them all, so test_todos in test/ops/test_ops.py fails
until each is done and deleted, pointing at the file and line to edit.

The op's parts: its entries in the files every op shares (an entry runs from
its header line to the next header), and the whole of each file that defines
one of its kernels or registers one of its DispatchStubs.
"""

from __future__ import annotations

import re
from pathlib import Path

from tools.ops import oplookup
from tools.ops.oplookup import Hit
from torchgen_mini import kernel_check

ROOT = Path(__file__).resolve().parents[2]
MARKER = "TODO(new-op)"

# Each shared file, and the start of an entry in it with the op it is for (group 1;
# None for a line that ends the entries, like the `]` closing op_db).
ENTRY_STARTS: dict[str, re.Pattern[str]] = {
    oplookup.NATIVE_YAML: re.compile(r"^- func: (\w+?)_?(?:\.\w+)?\(", re.MULTILINE),
    oplookup.DERIVATIVES_YAML.as_posix(): re.compile(
        r"^- name: (\w+?)_?(?:\.\w+)?\(", re.MULTILINE
    ),
    oplookup.OP_DB.as_posix(): re.compile(r'^    \w*OpInfo\(\s*"(\w+)"|^\]', re.MULTILINE),
    oplookup.DOCS_PY.as_posix(): re.compile(r'^add_docstr\(\s*"(\w+)"', re.MULTILINE),
}


def marked_lines(root: Path, rel: str, lines: range | None = None) -> list[Hit]:
    """The lines of `rel` (1-based; all if `lines` is None) that carry the marker."""
    path = root / rel
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return [
        Hit(rel, i, line.strip())
        for i, line in enumerate(text, 1)
        if MARKER in line and (lines is None or i in lines)
    ]


def entry_lines(text: str, starts: re.Pattern[str], op: str) -> list[range]:
    """The 1-based line ranges of the entries of `op` in a shared file's `text`."""
    heads = [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in starts.finditer(text)]
    ends = [line for line, _ in heads[1:]] + [text.count("\n") + 2]
    return [range(line, end) for (line, name), end in zip(heads, ends, strict=True) if name == op]


def kernel_files(root: Path, op: str) -> list[str]:
    """The files that define a kernel of `op` or register one of its DispatchStubs."""
    group = [f for f in oplookup.load_functions(root) if f.root_name == op]
    # as torchgen_mini's kernel check names them: a structured op's `impl:` and `meta:` too
    kernels = {k for f in group for k in kernel_check.kernel_keys(f)}
    kernels |= set(kernel_check.meta_names(group))
    files = [hit.path for hit in oplookup.kernel_locations(root, kernels).values()]
    for stub in {s.name for f in group for s in f.dispatch_stubs}:
        files += [hit.path for hit in oplookup.stub_registrations(root, stub)]
    return sorted(set(files))


def todos(root: Path, op: str) -> list[Hit]:
    """Every `TODO(new-op)` line in the parts of `op`, in file order."""
    found = []
    for rel, starts in ENTRY_STARTS.items():
        path = root / rel
        text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        for lines in entry_lines(text, starts, op):
            found += marked_lines(root, rel, lines)
    for rel in kernel_files(root, op):
        found += marked_lines(root, rel)
    return found
