"""The build's codegen step depends on the YAML, the templates and torchgen_mini only.

A kernel edit must recompile that kernel and not re-run the codegen (Note
[Where the kernel check runs] in torchgen_mini/pipeline.py).  Asked of the
configured build itself: `ninja -t query` lists the inputs of the codegen's
build edge.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"
STAMP = "generated/.codegen.stamp"


def _ninja() -> str:
    here = Path(sys.executable).parent / "ninja"
    found = str(here) if here.is_file() else shutil.which("ninja")
    if found is None:
        pytest.skip("ninja is not installed (./kit build installs it into .venv)")
    return found


def test_kernel_sources_are_no_codegen_input() -> None:
    if not (BUILD / "build.ninja").is_file():
        pytest.skip("no configured build in build/: run ./kit build first")
    out = subprocess.run(
        [_ninja(), "-C", str(BUILD), "-t", "query", STAMP],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    inputs: list[str] = []
    section = ""
    for line in out.splitlines():
        if line.startswith("  ") and not line.startswith("    "):
            section = line.split(":")[0].strip()  # "input" or "outputs"
        elif line.startswith("    ") and section == "input":
            inputs.append(line.strip())
    assert any(p.endswith("native_functions.yaml") for p in inputs), out
    assert [p for p in inputs if "/aten_mini/native/" in p] == []
