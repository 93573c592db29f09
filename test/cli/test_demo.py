"""`./kit demo`'s codegen step (the whole demo builds and runs tests: too slow here)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.kit.commands import demo
from torchgen_mini.file_manager import MANIFEST, _manifest_text


@pytest.fixture
def scratch(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A scratch directory inside the checkout (the demo names it relative to the root)."""
    (demo.ROOT / ".kit").mkdir(exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="test-demo-", dir=demo.ROOT / ".kit"))
    monkeypatch.setattr(demo, "SCRATCH", path)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_generated_files_in_subdirectories_are_shown(
    scratch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = scratch / "generated" / "RegisterOld.cu"
    stale.parent.mkdir(parents=True)
    stale.write_text("// @generated from torchgen_mini/templates/Old.cu\nsoftplus\n")
    # An earlier run wrote it: its manifest lists it (Note [Stale outputs]).
    (stale.parent / MANIFEST).write_text(_manifest_text({"RegisterOld.cu": ""}))
    demo._generate("softplus")
    out = capsys.readouterr().out
    assert "ops/softplus_native.h" in out  # the per-op headers live in ops/
    assert "RegisterCPU.cpp" in out
    assert "RegisterOld.cu" not in out  # an older codegen's output is gone (Note [Stale outputs])
