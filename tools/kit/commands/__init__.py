"""The `./kit` commands, one module each, in the order `./kit --help` lists them.

Each module has `NAME`, `HELP` and `run(args) -> int`, and `add_arguments(parser)`
when the command takes options; `add_command` adds one to a `./kit` parser.
"""

from __future__ import annotations

import argparse
import importlib

COMMANDS: list[str] = [
    "build",
    "test",
    "demo",
    "lint",
    "review",
    "tasks",
    "start",
    "next",
    "check",
    "hint",
    "solution",
    "status",
    "reset",
    "watch",
    "dev",
    "bench",
    "new_op",
    "explain",
    "trace",
    "doctor",
]


Flag = tuple[str | tuple[str, ...], str]


def add_flags(parser: argparse._ActionsContainer, *flags: Flag) -> None:
    """On/off options: each `(name, help)` or `((short, long), help)` is a store_true flag."""
    for names, help_text in flags:
        spelled = (names,) if isinstance(names, str) else names
        parser.add_argument(*spelled, action="store_true", help=help_text)


def add_command(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str) -> None:
    """Add the command of module `name` to `sub`: its NAME, HELP, options and `run`."""
    module = importlib.import_module(f"{__name__}.{name}")
    cmd = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
    add_arguments = getattr(module, "add_arguments", None)
    if add_arguments is not None:  # a command without options has none
        add_arguments(cmd)
    cmd.set_defaults(_run=module.run)
