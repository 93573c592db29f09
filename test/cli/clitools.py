"""Helpers for the CLI tests: run a kit command in-process or in a copy of the checkout.

`kit_output(fn, ...)` captures what a command prints; `normalise()` takes out
what changes from one machine or one commit to the next (line numbers of files
others edit, the CPU capability, CUDA-only rows), so the expected text pins
down the shape and content of the output, not today's line numbers.
`checkout_copy(tmp)` copies the files of this checkout that git does not
ignore (tracked and new, as they are in the working tree) into a fresh git
repository: commands that write, like
`./kit new-op`, run there and never in the real tree.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from gitenv import GIT_ENV, git

ROOT = Path(__file__).resolve().parents[2]


def captured(fn: Callable[[], object]) -> str:
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(out):
        fn()
    return out.getvalue()


_CAPABILITY = re.compile(r"'(default|avx2|avx512)'|\b(avx2|avx512)\b")


def normalise(text: str) -> str:
    """Line numbers, capabilities and CUDA-only details out; trailing spaces gone."""
    text = _unwrap_dispatch_table(text)
    text = text.replace(str(ROOT) + "/", "")
    text = re.sub(r"[^\s(]*/site-packages/", "<site-packages>/", text)
    text = re.sub(r"(\.(?:cpp|cu|h|py|yaml)):\d+", r"\1:N", text)
    text = re.sub(r"lines [\d, ]+(?:\.\.\. \(\d+ lines\))?", "lines N", text)
    # ccache's CCACHE_BASEDIR makes __FILE__ of generated files relative to build/
    text = re.sub(r"\((?:build/)?generated/(\w+\.(?:cpp|cu):N)\)", r"(\1)", text)
    text = re.sub(r" CUDA \(RegisterCUDA\.(?:cpp|cu):N\),", "", text)
    text = re.sub(r"\n\s+REGISTER_DISPATCH at aten_mini/native/cuda/\S+", "", text)
    text = re.sub(r"kernels for [\w, ]+;", "kernels for <slots>;", text)
    text = _CAPABILITY.sub("<cap>", text)
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def _unwrap_dispatch_table(text: str) -> str:
    """One line per overload in explain's dispatch table (its wrapping depends on CUDA rows)."""
    m = re.search(r"== Dispatch table.*?\n(?=\n==|\Z)", text, re.DOTALL)
    if m is None:
        return text
    table = re.sub(r"(?<=-)\n {6}(?=\S)", "", m.group(0))  # a break after `site-`
    return text[: m.start()] + re.sub(r"\n {6}(?=\S)", " ", table) + text[m.end() :]


def checkout_copy(parent: Path) -> Path:
    """This checkout's non-ignored files, committed on `main` of a new repository."""
    copy = parent / "checkout"
    files = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for rel in filter(None, files):
        source = ROOT / rel
        if source.is_file():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / rel)
    git(copy, "init", "--quiet", "--initial-branch=main")
    git(copy, "add", "--all")
    git(copy, "commit", "--quiet", "-m", "copy")
    return copy


def kit_in(repo: Path, *argv: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """`./kit ARGV` run by this interpreter in `repo`, with `repo`'s own code first."""
    paths = os.pathsep.join([str(repo), str(repo / "python")])
    full = {**os.environ, **GIT_ENV, "PYTHONPATH": paths, "COLUMNS": "100", **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "tools.kit", *argv],
        cwd=repo, env=full, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return proc.returncode, proc.stdout + proc.stderr
