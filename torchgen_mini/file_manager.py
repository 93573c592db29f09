"""Renders the Jinja templates and writes the generated files.

`FileManager` is the only code that touches the output directory.  `gen`
hands it each `Output` of the dest modules (Note [One output protocol] in
output.py); it renders the template with the values computed in Python (Note
[Logic-free templates] in templating.py), stamps the `@generated` header and
writes the file only when its bytes changed (Note [Write only what changed]),
swapping the whole new tree in at once (Note [Atomic output]) and dropping
what it generated last time and no longer does (Note [Stale outputs]).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import signal
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from torchgen_mini.templating import TEMPLATE_DIR, make_environment

# Note [Write only what changed]
# CMake and Ninja decide what to recompile from file modification times.  If
# codegen rewrote every output on every run, editing one YAML entry (or just
# re-running the build) would recompile every generated file.  So a file is
# written only when its new content differs from what is on disk (an
# unchanged one goes into the new tree as a hard link to the old, keeping its
# mtime: Note [Atomic output]); a second run with the same input touches
# nothing at all.


def comment_prefix(filename: str) -> str:
    """The line-comment marker of the language of `filename`."""
    return "#" if filename.endswith((".py", ".pyi", ".txt")) else "//"


def generated_header(filename: str, template: str) -> str:
    """The first line of every generated file."""
    return f"{comment_prefix(filename)} @generated from torchgen_mini/templates/{template}\n"


class FileManager:
    """Renders templates into memory, then swaps in a tree with what changed.

    Rendering everything before writing anything means that an error in any
    template leaves the output directory untouched.
    """

    def __init__(self, out_dir: Path, *, template_dir: Path = TEMPLATE_DIR):
        self.out_dir = out_dir
        self.env = make_environment(template_dir)
        self.pending: dict[str, str] = {}
        self.written: list[Path] = []
        self.removed: list[Path] = []

    def render(self, template: str, values: Mapping[str, object]) -> str:
        """The text of `template` filled with `values`, without the header."""
        return self.env.get_template(template).render(**values)

    def add(self, filename: str, template: str, values: Mapping[str, object]) -> None:
        """Render `template` as the future content of `out_dir/filename`."""
        if filename in self.pending:
            raise ValueError(f"codegen bug: {filename} is generated twice")
        self.pending[filename] = generated_header(filename, template) + self.render(
            template, values
        )

    def outputs(self) -> list[Path]:
        """Every file this run produces, in the order they were added."""
        return [self.out_dir / name for name in self.pending]

    def flush(self) -> list[Path]:
        """Swap in the new tree if anything changed; returns the paths written.

        See Note [Atomic output] and Note [Stale outputs].
        """
        out = self.out_dir.resolve()
        if not out.name:
            raise ValueError(f"codegen output directory {self.out_dir} has no name")
        out.parent.mkdir(parents=True, exist_ok=True)
        with _locked(_sibling(out, "lock")):
            _recover(out)
            plan = self._plan(out)
            if plan.is_noop():
                return []
            staging = _sibling(out, "staging")
            self._stage(out, staging, plan)
            _swap(staging, out)
            _remove_tree(staging)  # it holds the old tree now
        self.written = [self.out_dir / name for name in plan.changed]
        self.removed = [self.out_dir / name for name in sorted(plan.stale)]
        return self.written

    def _plan(self, out: Path) -> _Plan:
        changed = [n for n, t in self.pending.items() if not _same(out / n, t.encode("utf-8"))]
        last = _read_manifest(out)
        stale = {n for n in last - self.pending.keys() if (out / n).is_file()}
        # Leftovers `<output>.tmp` of the FileManager before Note [Atomic output].
        stale |= {n + ".tmp" for n in self.pending if (out / (n + ".tmp")).is_file()}
        manifest = _manifest_text(self.pending)
        old = out / MANIFEST
        same_manifest = old.is_file() and old.read_text(encoding="utf-8") == manifest
        return _Plan(changed, stale, manifest, same_manifest)

    def _stage(self, out: Path, staging: Path, plan: _Plan) -> None:
        staging.mkdir()
        drop = {*plan.changed, *plan.stale} | (set() if plan.same_manifest else {MANIFEST})
        if out.is_dir():
            _carry_over(out, staging, Path(), drop)
        for name in plan.changed:
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(self.pending[name].encode("utf-8"))
            _checkpoint("written")
        if not plan.same_manifest:
            (staging / MANIFEST).write_text(plan.manifest, encoding="utf-8")
            _checkpoint("manifest")


@dataclass(frozen=True)
class _Plan:
    changed: list[str]  # outputs whose bytes differ from out_dir's
    stale: set[str]  # files of an earlier run that this one does not generate
    manifest: str
    same_manifest: bool

    def is_noop(self) -> bool:
        return not self.changed and not self.stale and self.same_manifest


# Note [Atomic output]
# A build killed during codegen (^C, an OOM kill, a closed laptop) must leave
# build/generated either as it was or as the new run wants it, never half of
# each: a mix of old and new headers compiles into an ODR mess or errors that
# point at no mistake of the learner's. So flush() never writes into out_dir.
# It builds the whole new tree in the sibling `.<name>.staging`: files whose
# bytes did not change, and files that are not ours, are hard links to the
# old ones (same inode, same mtime, so Note [Write only what changed] holds);
# changed files are written there. Then one renameat2(RENAME_EXCHANGE) swaps
# the two directories, an atomic step: before it out_dir is the old tree,
# after it the new one. The old tree, now at the staging path, is removed.
# The next run removes any staging directory it finds (an unfinished stage,
# or an old tree a kill left there) before it starts, under a lock file
# `.<name>.lock` that keeps two runs from staging at once.
# Without renameat2 (not Linux, or a file system that refuses it) the swap is
# two renames through `.<name>.old`; a kill between them leaves out_dir
# missing, and the next run puts the old tree back before anything else.
# TORCHGEN_MINI_FAULT_AT=<n> kills the process with SIGKILL at the n-th
# checkpoint of a flush, for the tests that check all of this
# (test/codegen/test_atomic_output.py).
FAULT_ENV = "TORCHGEN_MINI_FAULT_AT"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


_steps = [0]  # checkpoints passed by this process


def _checkpoint(what: str) -> None:
    """A point where a test may kill the flush (`what` names it). See Note [Atomic output]."""
    _steps[0] += 1
    if os.environ.get(FAULT_ENV) == str(_steps[0]):
        os.kill(os.getpid(), signal.SIGKILL)


def _sibling(out: Path, kind: str) -> Path:
    return out.with_name(f".{out.name}.{kind}")


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield


def _recover(out: Path) -> None:
    """Undo what a killed flush left behind. See Note [Atomic output]."""
    old = _sibling(out, "old")
    if old.is_dir() and not out.exists():
        os.rename(old, out)
    for leftover in (old, _sibling(out, "staging")):
        if leftover.is_dir():
            _remove_tree(leftover)


def _same(path: Path, data: bytes) -> bool:
    return path.is_file() and path.read_bytes() == data


def _carry_over(src_root: Path, dst_root: Path, rel: Path, drop: set[str]) -> None:
    """Link into dst_root every entry of src_root/rel except `drop` (relative posix names)."""
    for entry in sorted(os.scandir(src_root / rel), key=lambda e: e.name):
        name = rel / entry.name
        if name.as_posix() in drop:
            continue
        dst = dst_root / name
        if entry.is_dir(follow_symlinks=False):
            dst.mkdir()
            _carry_over(src_root, dst_root, name, drop)
        elif entry.is_symlink():
            os.symlink(os.readlink(entry.path), dst)
        else:
            _link_or_copy(Path(entry.path), dst)
        _checkpoint("carried")


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:  # a file system without hard links: a copy with the same mtime
        shutil.copy2(src, dst)


def _swap(staging: Path, out: Path) -> None:
    """Make `staging` out_dir in one step; the old tree ends up at `staging`."""
    if not out.exists():
        os.rename(staging, out)
    elif not _exchange(staging, out):
        old = _sibling(out, "old")
        os.rename(out, old)
        _checkpoint("half-swapped")
        os.rename(staging, out)
        os.rename(old, staging)
    _checkpoint("swapped")


def _exchange(a: Path, b: Path) -> bool:
    """renameat2(a, b, RENAME_EXCHANGE); False where the system lacks it."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None or os.environ.get(NO_EXCHANGE_ENV):
        return False
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


NO_EXCHANGE_ENV = "TORCHGEN_MINI_NO_RENAME_EXCHANGE"  # tests: take the fallback swap


def _remove_tree(root: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            os.unlink(os.path.join(dirpath, name))
            _checkpoint("removed")
        os.rmdir(dirpath)


# Note [Stale outputs]
# A file an earlier run generated and this run does not (an op taken out of
# the YAML, an output renamed or sharded by a newer codegen) would linger in
# out_dir, where a learner browsing build/generated takes it for current.
# Each flush writes the list of what it generated to out_dir/.manifest (part
# of the swapped tree, so it always describes the tree beside it); the next
# flush leaves out of its tree the files that list names and it no longer
# generates. Nothing else is removed: a file of the learner's in out_dir
# stays, even one that carries our `@generated` header text, and so does
# CMake's `.codegen.stamp`. A tree written before the manifest existed has
# none; its stale files stay until `./kit build --clean`.
MANIFEST = ".manifest"
_MANIFEST_HEADER = "# written by torchgen_mini gen: the files it generated (Note [Stale outputs])\n"


def _manifest_text(pending: Mapping[str, str]) -> str:
    return _MANIFEST_HEADER + "".join(f"{name}\n" for name in sorted(pending))


def _read_manifest(out: Path) -> set[str]:
    """The names the last flush generated; only plain relative paths inside out_dir."""
    path = out / MANIFEST
    if not path.is_file():
        return set()
    names = set()
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = PurePosixPath(line).parts
        if line and not line.startswith("#") and ".." not in parts and not line.startswith("/"):
            names.add(line)
    return names
