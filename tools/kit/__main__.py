"""Entry point of `./kit`: parses the command line and runs one command.

Every command is a module in `tools.kit.commands` listed in `COMMANDS` there;
each module has `NAME`, `HELP`, `add_arguments(parser)` and `run(args) -> int`.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from tools.common.console import error
from tools.common.errors import KitError
from tools.kit import interrupt
from tools.kit.commands import COMMANDS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="./kit",
        description="aten-mini: practise contributing to PyTorch on a scaled-down ATen.",
    )
    sub = parser.add_subparsers(dest="command", metavar="<command>")
    for module_name in COMMANDS:
        module = importlib.import_module(f"tools.kit.commands.{module_name}")
        cmd = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(cmd)
        cmd.set_defaults(_run=module.run)
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
