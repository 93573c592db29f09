"""Questions only the built extension can answer, asked in a child process.

`./kit explain` wants the live dispatch table and the DispatchStubs' kernels;
both need `import aten_mini`, which can fail (not built, stale build) or even
crash. So a child Python (`python -m tools.ops.live OP_NAME...`) imports
it and prints one JSON document; the parent turns a failure into a one-line
reason instead of a traceback.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tools.common.proc import checkout_env

TIMEOUT_S = 120


def ask(root: Path, op_names: list[str]) -> dict[str, Any]:
    """{"dumps": {name: text}, "stubs": ..., "capability": ...}, or {"error": why}."""
    cmd = [sys.executable, "-m", "tools.ops.live", *op_names]
    try:
        proc = subprocess.run(
            cmd, cwd=root, env=checkout_env(root), capture_output=True, text=True,
            timeout=TIMEOUT_S, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"error": f"importing aten_mini took over {TIMEOUT_S}s"}
    try:
        result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        lines = proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"]
        return {"error": lines[-1]}
    return result


def _probe(names: list[str]) -> dict[str, Any]:
    try:
        import torch

        c = importlib.import_module("aten_mini._C")
    except ImportError as e:
        return {"error": str(e)}
    dumps: dict[str, str | None] = {}
    for name in names:
        try:
            dumps[name] = torch._C._dispatch_dump(name)
        except RuntimeError:
            dumps[name] = None
    stubs = c._dispatch_stubs() if hasattr(c, "_dispatch_stubs") else None
    capability = c._cpu_capability() if hasattr(c, "_cpu_capability") else None
    return {"dumps": dumps, "stubs": stubs, "capability": capability}


if __name__ == "__main__":
    print(json.dumps(_probe(sys.argv[1:])))
