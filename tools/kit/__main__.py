"""Entry point of `./kit`: parses the command line and runs one command.

Every command is a module in `tools.kit.commands` listed in `COMMANDS` there
(see that package for what a command module has).
"""

from __future__ import annotations

import argparse
import sys

from tools.common.console import error
from tools.common.errors import KitError
from tools.kit import interrupt
from tools.kit.commands import COMMANDS, add_command


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="./kit",
        description="aten-mini: practise contributing to PyTorch on a scaled-down ATen.",
    )
    sub = parser.add_subparsers(dest="command", metavar="<command>")
    for module_name in COMMANDS:
        add_command(sub, module_name)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(argv)
    except KitError as exc:
        error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt as exc:
        killed = interrupt.stop_descendants() if interrupt.installed() else []
        more = f"; {len(killed)} process(es) did not stop in time and were killed" if killed else ""
        error(f"interrupted ({interrupt.signal_name(exc)}){more}")
        return interrupt.exit_status(exc)


def _run(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    return int(args._run(args))


if __name__ == "__main__":
    interrupt.install()  # See Note [Interrupting a kit command]
    sys.exit(main())
