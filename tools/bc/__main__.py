"""`python -m tools.bc [--base REF]`: the schema BC check of HEAD against a base branch."""

from __future__ import annotations

import argparse
import sys

from tools.bc.check import check
from tools.common.git import GitError, git
from tools.common.paths import ROOT
from torchgen_mini.diagnostics import ParseError

ALLOWLIST = "tools/bc/allowlist.yaml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bc")
    parser.add_argument("--base", default="main", help="branch or commit to compare against")
    args = parser.parse_args(argv)
    try:
        base = git(ROOT, "show", f"{args.base}:native_functions.yaml")
    except GitError as exc:
        print(
            f"bc: error: cannot read native_functions.yaml at {args.base}: {exc}", file=sys.stderr
        )
        return 2
    head = (ROOT / "native_functions.yaml").read_text(encoding="utf-8", errors="replace")
    allow = (ROOT / ALLOWLIST).read_text(encoding="utf-8") if (ROOT / ALLOWLIST).is_file() else ""
    try:
        result = check(base, head, allow or "allow: []")
    except ParseError as exc:
        print(f"bc: error: {exc}", file=sys.stderr)
        return 2
    for b in result.breaks:
        line = b.head_line or b.base_line
        print(f"native_functions.yaml:{line}: BC-breaking: {b.qualified}: {b.message}")
    for b in result.allowed:
        print(f"native_functions.yaml:{b.head_line or b.base_line}: allowed: {b.qualified}")
    for e in result.errors:
        print(e)
    return 1 if result.breaks or result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
