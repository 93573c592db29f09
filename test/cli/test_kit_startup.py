"""`./kit` builds its parser from every command module; none may import torch there.

Importing torch costs about 1.5 s, which every command (a no-op `./kit build`
included) would pay. Commands that need torch import it where they use it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
from tools.kit.__main__ import build_parser
build_parser()
heavy = sorted(m for m in ("torch", "numpy") if m in sys.modules)
print(",".join(heavy))
"""


def test_building_the_parser_imports_no_torch() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "", (
        f"building ./kit's parser imported {out.stdout.strip()}: move that import from a "
        "tools/kit/commands module's top level into the function that needs it"
    )
