"""`./kit demo`: one operator, followed through the whole contribution loop.

The tour a new contributor takes once: the op's YAML entry, the code the
generator makes from it, the hand-written kernels, the build, a call from
Python compared with torch, the live dispatch table, and the op's tests. It
writes only into `build/` and `.kit/` (both ignored by git); the practice PR
at the end happens on a scratch branch in a scratch worktree under `.kit/`,
both removed afterwards. The learner's tree is left exactly as it was, which
the demo checks at the end.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from pathlib import Path

from tools.common.console import info, step
from tools.common.errors import KitError
from tools.common.git import git
from tools.common.paths import ROOT
from tools.common.proc import run_process
from tools.taskkit.gitrepo import branch_exists

NAME = "demo"
HELP = "set up, build, walk one op from its YAML entry to its tests, then a practice PR"

SCRATCH = ROOT / ".kit" / "demo"
KERNEL_DIRS = ("aten_mini/native",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--op", default="softplus", help="the op to follow (default: softplus)")
    parser.add_argument("--no-tests", action="store_true", help="skip running the op's tests")


def _say(title: str, body: str = "") -> None:
    print(f"\n=== {title}")
    if body:
        print(textwrap.indent(body.rstrip("\n"), "    "))


def _tree_state() -> str:
    return git(ROOT, "status", "--porcelain")


def _show_yaml_entries(op: str) -> None:
    from torchgen_mini.native_yaml import parse_native_yaml

    parsed = parse_native_yaml(str(ROOT / "native_functions.yaml"), str(ROOT / "tags.yaml"))
    found = [f for f in parsed.native_functions if f.root_name == op]
    if not found:
        raise KitError(f"no op named '{op}' in native_functions.yaml; try --op add")
    lines = [f"{f.loc}: {f.func}" for f in found]
    _say(
        f"1. The schema: {len(found)} entries for '{op}' in native_functions.yaml", "\n".join(lines)
    )


def _codegen(out: Path, cwd: Path = ROOT) -> None:
    """Run the generator of the checkout at `cwd` into `out`."""
    cmd = [sys.executable, "-m", "torchgen_mini", "gen", "--quiet", "--out", str(out)]
    cmd += ["--yaml", "native_functions.yaml", "--tags", "tags.yaml"]
    run_process(cmd, cwd=cwd, what=f"codegen in {cwd}")


def _generate(op: str) -> None:
    out = SCRATCH / "generated"
    _codegen(out)
    pattern = re.compile(rf"\b{re.escape(op)}(_out|_)?\b")
    shown = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        hits = [ln.rstrip() for ln in path.read_text().splitlines() if pattern.search(ln)]
        if hits:
            shown.append(f"{path.relative_to(out).as_posix()} ({len(hits)} lines), e.g.:")
            shown.extend(f"    {h.strip()[:110]}" for h in hits[:3])
    _say(
        f"2. What torchgen_mini generates for '{op}' (into {out.relative_to(ROOT)})",
        "\n".join(shown),
    )


PRACTICE_OP = "hardswish"
PRACTICE_SCHEMA = "hardswish(Tensor self) -> Tensor"


def _practice_pr() -> None:
    """Scaffold a new op on a scratch branch in a scratch worktree, then throw both away."""
    tree = SCRATCH / "worktree"
    branch = "kit-demo/practice-pr"
    if branch_exists(ROOT, branch):
        raise KitError(f"a branch named {branch} exists; the demo will not touch it (delete it)")
    if tree.exists():
        git(ROOT, "worktree", "remove", "--force", str(tree))
    git(ROOT, "worktree", "add", "-b", branch, str(tree), "HEAD")
    try:
        run_process(
            [
                sys.executable,
                "-m",
                "tools.kit",
                "new-op",
                PRACTICE_OP,
                "--schema",
                PRACTICE_SCHEMA,
                "--out",
            ],
            cwd=tree,
            what="./kit new-op in the scratch worktree",
        )
        stat = git(tree, "add", "-A") + git(tree, "diff", "--cached", "--stat")
        _say(
            f"6. A practice PR on branch {branch} (scratch worktree): "
            f"./kit new-op {PRACTICE_OP} --out",
            stat,
        )
        out = tree / "build" / "generated"
        _codegen(out, cwd=tree)
        wrapper = [
            ln for ln in (out / "RegisterCPU.cpp").read_text().splitlines() if PRACTICE_OP in ln
        ]
        _say(
            "   The generated CPU wrapper and registration for the new op",
            "\n".join(ln.strip() for ln in wrapper),
        )
        _say(
            "   Your turn in a real PR",
            "Fill in the TODO(new-op) kernels, ./kit build, ./kit test -k hardswish,\n"
            "./kit review; the scratch worktree and branch are removed now.",
        )
    finally:
        git(ROOT, "worktree", "remove", "--force", str(tree))
        git(ROOT, "branch", "-D", branch)


def _show_kernels(op: str) -> None:
    definition = re.compile(rf"^\S.*\b{re.escape(op)}(_out|_kernel|_)?\s*\(")
    hits = []
    for d in KERNEL_DIRS:
        for path in sorted((ROOT / d).rglob("*")):
            if path.suffix not in (".cpp", ".cu", ".h"):
                continue
            for no, line in enumerate(path.read_text().splitlines(), 1):
                if definition.search(line):
                    hits.append(f"{path.relative_to(ROOT)}:{no}: {line.strip()[:90]}")
    _say(f"3. The hand-written kernels for '{op}'", "\n".join(hits) or "(none: a composite op)")


CALL_SNIPPET = """
import torch, aten_mini
x = torch.randn(4, 1000, dtype=torch.float32)
ours = aten_mini.{op}(x)
theirs = getattr(torch, "{op}", None) or getattr(torch.nn.functional, "{op}")
torch.testing.assert_close(ours, theirs(x))
print("aten_mini.{op}(x) matches torch on a", tuple(x.shape), "float32 tensor")
print(torch._C._dispatch_dump("aten_mini::{op}"))
"""


def _call(op: str) -> None:
    _say(f"4. Calling aten_mini.{op} from Python, next to torch")
    run_process(
        [sys.executable, "-c", CALL_SNIPPET.format(op=op)],
        what=f"calling aten_mini.{op}",
        hint="the build is stale or the kernel is wrong; run ./kit build",
    )


def _tests(op: str) -> None:
    _say(f"5. The tests of '{op}' (./kit test -k {op})")
    run_process(
        [sys.executable, "-m", "pytest", "test", "-q", "-k", op, "-p", "no:cacheprovider"],
        what=f"the tests of {op}",
    )


def run(args: argparse.Namespace) -> int:
    from tools.kit.commands.build import ensure_built

    before = _tree_state()
    with step("set up and build (incremental after the first time)"):
        ensure_built()
    SCRATCH.mkdir(parents=True, exist_ok=True)
    with step(f"follow '{args.op}' through the kit"):
        _show_yaml_entries(args.op)
        _generate(args.op)
        _show_kernels(args.op)
        _call(args.op)
        if not args.no_tests:
            _tests(args.op)
    with step("a practice PR in a scratch worktree"):
        _practice_pr()
    if _tree_state() != before:
        raise KitError("the demo changed your working tree; please report this as a bug")
    _say(
        "Next",
        "Your tree is unchanged. Read CONTRIBUTING.md ('Adding an op end-to-end'),\n"
        "then run ./kit test for the whole suite. To practise on real-sized changes,\n"
        "./kit tasks lists the practice tasks and ./kit start <id> begins one.",
    )
    info("demo finished")
    return 0
