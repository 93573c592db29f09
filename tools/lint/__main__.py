"""`python -m tools.lint [NAME ...] [--fix]`: the linters without the kit launcher."""

from __future__ import annotations

import argparse
import sys

from tools.lint import LINTERS, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.lint")
    parser.add_argument("names", nargs="*", choices=[[], *LINTERS], metavar="NAME")
    parser.add_argument("--fix", action="store_true")
    args = parser.parse_args(argv)
    return run(args.names, args.fix)


if __name__ == "__main__":
    sys.exit(main())
