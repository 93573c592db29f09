"""Codegen killed at any moment leaves build/generated old or new, never a mix.

See Note [Atomic output] and Note [Stale outputs] in torchgen_mini/file_manager.py.
Each case copies an "old" generated tree (with a file of the learner's and
CMake's stamp in it), runs `python -m torchgen_mini gen` on a changed YAML in
a subprocess that SIGKILLs itself at one checkpoint of its flush
(TORCHGEN_MINI_FAULT_AT) or is SIGKILLed from outside after a random delay,
and compares the tree with the old and the new one byte for byte. A rerun
must then give the new tree and leave nothing beside it.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from codegen_testutil import REPO, YAML, gen_args, make_tree

from torchgen_mini import file_manager, gen

SQUARE = """
- func: square(Tensor self) -> Tensor
  dispatch:
    CompositeImplicitAutograd: square
"""
CUBE = SQUARE.replace("square", "cube")
KERNELS = (
    "namespace at_mini::native {\n"
    "at::Tensor square(const at::Tensor& self) { return self; }\n"
    "at::Tensor cube(const at::Tensor& self) { return self; }\n"
    "}  // namespace at_mini::native\n"
)
OLD_YAML = YAML + SQUARE
# Changes files (a tag, a new op), adds files (cube's headers) and drops some (square's).
NEW_YAML = YAML.replace("tags: [core, reduction]", "tags: [reduction]") + CUBE

Tree = dict[str, bytes]


def contents(out: Path) -> Tree:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


class Fixture:
    """The old tree, the new tree, and the checkpoints a flush from one to the other passes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.copies = 0
        self.yaml = make_tree(root, OLD_YAML)
        (root / "aten_mini" / "native" / "Unary.cpp").write_text(KERNELS)
        self.master = root / "old"
        assert gen.main(gen_args(self.yaml, self.master)) == 0
        (self.master / "ops" / "mine.h").write_text(
            "// @generated from torchgen_mini/templates/ops_native.h\nint mine;\n"
        )
        (self.master / ".codegen.stamp").write_text("")
        self.old = contents(self.master)
        self.yaml.write_text(NEW_YAML)
        self.labels: list[str] = []
        out = self.fresh("counted")
        real = file_manager._checkpoint
        file_manager._checkpoint = self.labels.append  # type: ignore[assignment]
        try:
            assert gen.main(gen_args(self.yaml, out)) == 0
        finally:
            file_manager._checkpoint = real
        self.new = contents(out)
        assert self.new != self.old
        assert "ops/square.h" in self.old and "ops/square.h" not in self.new
        assert self.new["ops/mine.h"] == self.old["ops/mine.h"]

    def fresh(self, name: str) -> Path:
        """A copy of the old tree in a directory of its own."""
        self.copies += 1
        out = self.root / f"{name}-{self.copies}"
        shutil.copytree(self.master, out)
        return out

    def command(self, out: Path) -> list[str]:
        return [sys.executable, "-m", "torchgen_mini", "gen", *gen_args(self.yaml, out)]

    def check_after_kill(self, out: Path, *, fallback: bool) -> str:
        """old, new, or (fallback swap only) `missing`; then a rerun must end at new."""
        if out.exists():
            now = contents(out)
            assert now in (self.old, self.new), sorted(set(now.items()) ^ set(self.new.items()))
            state = "old" if now == self.old else "new"
        else:
            assert fallback, "out_dir is gone after a kill during the exchange swap"
            assert (out.parent / f".{out.name}.old").is_dir()
            state = "missing"
        rerun = subprocess.run(self.command(out), cwd=REPO, env=_env(fallback), check=False)
        assert rerun.returncode == 0
        assert contents(out) == self.new
        siblings = sorted(
            p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")
        )
        assert siblings == [f".{out.name}.lock"]
        return state


def _env(fallback: bool, fault: int | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORCHGEN_MINI_")}
    if fallback:
        env[file_manager.NO_EXCHANGE_ENV] = "1"
    if fault is not None:
        env[file_manager.FAULT_ENV] = str(fault)
    return env


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> Fixture:
    return Fixture(tmp_path_factory.mktemp("atomic"))


def _fault_points(labels: list[str], every: bool) -> list[int]:
    """1-based checkpoints to kill at: all, or the first, last, swap and a few between."""
    if every:
        return list(range(1, len(labels) + 1))
    swap = [i + 1 for i, what in enumerate(labels) if what in ("half-swapped", "swapped")]
    rng = random.Random(15)
    return sorted({1, len(labels), *swap, *rng.sample(range(1, len(labels) + 1), 4)})


def _kill_at_checkpoints(trees: Fixture, *, fallback: bool, every: bool) -> set[str]:
    labels = trees.labels if not fallback else _fallback_labels(trees)
    states = set()
    for k in _fault_points(labels, every):
        out = trees.fresh(f"fault-{int(fallback)}-{k}")
        proc = subprocess.run(
            trees.command(out), cwd=REPO, env=_env(fallback, k), check=False, capture_output=True
        )
        assert proc.returncode == -signal.SIGKILL, (k, labels[k - 1], proc.stderr)
        states.add(trees.check_after_kill(out, fallback=fallback))
        shutil.rmtree(out)
    return states


def _fallback_labels(trees: Fixture) -> list[str]:
    """The checkpoints of the two-rename swap: one more than the exchange's."""
    swapped = trees.labels.index("swapped")
    return [*trees.labels[:swapped], "half-swapped", *trees.labels[swapped:]]


def test_flush_checkpoints_cover_every_step(trees: Fixture) -> None:
    assert set(trees.labels) == {"carried", "written", "manifest", "swapped", "removed"}
    assert trees.labels.index("swapped") > max(
        i for i, w in enumerate(trees.labels) if w in ("carried", "written", "manifest")
    )


def test_kill_at_checkpoints_leaves_old_or_new(trees: Fixture) -> None:
    assert _kill_at_checkpoints(trees, fallback=False, every=False) == {"old", "new"}


def test_kill_during_fallback_swap_recovers(trees: Fixture) -> None:
    states = _kill_at_checkpoints(trees, fallback=True, every=False)
    assert states == {"old", "missing", "new"}


@pytest.mark.slow
def test_kill_at_every_checkpoint(trees: Fixture) -> None:
    assert _kill_at_checkpoints(trees, fallback=False, every=True) == {"old", "new"}
    assert _kill_at_checkpoints(trees, fallback=True, every=True) == {"old", "missing", "new"}


def _kill_after_random_delays(trees: Fixture, runs: int) -> None:
    rng = random.Random(1515)
    start = time.monotonic()
    subprocess.run(trees.command(trees.fresh("timing")), cwd=REPO, env=_env(False), check=True)
    duration = time.monotonic() - start
    for i in range(runs):
        out = trees.fresh(f"random-{i}")
        proc = subprocess.Popen(trees.command(out), cwd=REPO, env=_env(False))
        time.sleep(rng.uniform(0.5, 1.0) * duration)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        trees.check_after_kill(out, fallback=False)
        shutil.rmtree(out)


def test_kill_after_random_delays_leaves_old_or_new(trees: Fixture) -> None:
    _kill_after_random_delays(trees, 3)


@pytest.mark.slow
def test_kill_after_many_random_delays_leaves_old_or_new(trees: Fixture) -> None:
    _kill_after_random_delays(trees, 40)


def test_leftover_staging_and_tmp_are_cleaned(trees: Fixture) -> None:
    out = trees.fresh("leftover")
    staging = out.parent / f".{out.name}.staging"
    (staging / "ops").mkdir(parents=True)
    (staging / "ops" / "half.h").write_text("int half")
    (out / "Functions.h.tmp").write_text("half a file")  # what the FileManager before left
    assert gen.main(gen_args(trees.yaml, out)) == 0
    assert not staging.exists() and not (out / "Functions.h.tmp").exists()
    assert contents(out) == trees.new
