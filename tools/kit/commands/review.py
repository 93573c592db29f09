"""`./kit review [--base main]`: the mock reviewer on your branch, before you push.

Reviews the commits between the base branch and HEAD (commit first: the
working tree is not reviewed) with the same rules CI uses on a PR.
Exit 0: nothing blocking; 1: blocking findings.
"""

from __future__ import annotations

import argparse

from tools.common.errors import KitError
from tools.common.paths import ROOT

NAME = "review"
HELP = "run the mock code reviewer on HEAD against a base branch"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", default="main", help="branch to compare with (default: main)")
    parser.add_argument("--head", default="HEAD", help="commit to review (default: HEAD)")
    parser.add_argument("--markdown", help="also write the review as Markdown to this file")


def run(args: argparse.Namespace) -> int:
    from tools.review.__main__ import main

    argv = ["check", "--repo", str(ROOT), "--base", args.base, "--head", args.head]
    code = main(argv + (["--markdown", args.markdown] if args.markdown else []))
    if code == 2:
        raise KitError(f"could not review {args.head} against {args.base} (see above)", 2)
    return code
