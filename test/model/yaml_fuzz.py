"""A seeded mutation fuzzer for the YAML loader, and the runner that executes it.

`make_inputs` writes mutated copies of the kit's and upstream's YAML files
(deletions, duplications, line swaps, bit flips, unicode, huge lines, deep
nesting, alias bombs, binary, stray YAML syntax); `run_jobs` feeds them to a
runner process (this file run as a script) that forks one child per input,
so each input gets its own resource limits and its own exit status, without
paying Python's start-up for every input; `classify` sorts the outcomes.

# Note [Fuzz outcome classes]
# An input may end in exactly two ways: exit 0, or exit 1 with every error
# located (`file:line[:col]: error: ...`; only whole-file problems such as
# "file is empty" may name the file alone).  Everything else is a failure:
# a signal (SIGSEGV, or SIGXCPU/SIGKILL from the limits), a traceback, any
# other exit status, more than CPU_LIMIT_S of CPU time, more than
# MEMORY_LIMIT_MB of resident memory above the runner's own.  Time is CPU
# time (user + system, from wait4): on a shared 2-core machine wall time
# measures the neighbours, not the input; wall time is reported beside it,
# and a child still running after WALL_KILL_S is killed.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model_testutil import REPO, UPSTREAM_DIR, UPSTREAM_TAGS
from model_testutil import UPSTREAM_YAML as UPSTREAM_NATIVE

UPSTREAM_DERIVATIVES = UPSTREAM_DIR.parents[1] / "autograd/derivatives.yaml"
SHAPE_FUNCTIONS = Path("python/aten_mini/_shape_functions.py")

CPU_LIMIT_S = 2.0
MEMORY_LIMIT_MB = 200
WALL_KILL_S = 30.0
WHOLE_FILE_ERRORS = ("file is empty", "file is larger than")


@dataclass(frozen=True)
class Job:
    """One input: which loader reads it (`kind`) and the files it needs."""

    id: int
    seed: str  # e.g. "kit-native"
    ops: tuple[str, ...]  # the mutations applied, for the failure message
    kind: str  # native | tags | derivatives
    path: str  # the mutated file
    other: str  # native: its tags.yaml; tags: a clean native_functions.yaml; derivatives: natives


@dataclass(frozen=True)
class Result:
    job: Job
    status: int  # exit status, or -signal
    cpu_s: float
    wall_s: float
    rss_mb: float  # peak resident memory above the runner's at fork time
    stderr: str


# --- mutations: each takes (rng, data) and returns new data -------------------------------


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _span(rng: random.Random, n: int, most: int) -> tuple[int, int]:
    start = rng.randrange(max(n, 1))
    return start, min(n, start + rng.randint(1, most))


def delete_lines(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    a, b = _span(rng, len(lines), 20)
    return b"\n".join(lines[:a] + lines[b:])


def duplicate_lines(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    a, b = _span(rng, len(lines), 20)
    return b"\n".join(lines[:b] + lines[a:b] + lines[b:])


def swap_lines(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def flip_bits(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if out:
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


_UNICODE = [
    "é", "中", "\U0001f600", "\u2028", "\u2029", "\x85", "\ufeff", "\u200b", "\u0301",
    "\x00", "\x07", "\x1b", "\x7f", "\x0c", "\ufffe", "\U0010ffff", "\r", "\t", "\xa0",
]  # fmt: skip


def insert_unicode(rng: random.Random, data: bytes) -> bytes:
    out = data
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(out) + 1)
        out = out[:at] + rng.choice(_UNICODE).encode("utf-8") + out[at:]
    return out


_TOKENS = [
    "&", "*", "!", "!!python/object:os.system", "!!int", "? ", ": ", "---", "...", "%YAML 1.1",
    "|", ">", '"', "'", "#", "{", "}", "[", "]", ",", "- ", "<<: ", "\n", "\n  ", "~", "@", "`",
]  # fmt: skip


def insert_tokens(rng: random.Random, data: bytes) -> bytes:
    out = data
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(out) + 1)
        out = out[:at] + rng.choice(_TOKENS).encode() + out[at:]
    return out


def _insert_line(rng: random.Random, data: bytes, line: bytes) -> bytes:
    lines = _lines(data)
    at = rng.randrange(len(lines) + 1)
    return b"\n".join([*lines[:at], line, *lines[at:]])


def huge_line(rng: random.Random, data: bytes) -> bytes:
    n = rng.choice([10_000, 100_000, 1_000_000, 5_000_000])
    k = max(n // 10, 1)
    line = rng.choice(
        [
            "- func: " + "a" * n,
            "# " + "x" * n,
            "  variants: " + "function, " * k,
            '- func: "' + "y" * n + '"',
            "- func: f(" + "Tensor a, " * min(k, 20_000) + ") -> ()",
            "- func: f() -> ()\n  " + "k" * n + ": 1",
            "  tags: [" + "core, " * k + "]",
        ]
    )
    return _insert_line(rng, data, line.encode())


def deep_nesting(rng: random.Random, data: bytes) -> bytes:
    n = rng.choice([50, 65, 500, 5_000, 50_000])
    line = rng.choice(
        [
            "- func: " + "[" * n + "]" * n,
            "- func: " + "[" * n,
            "- func: " + "{a: " * n + "1" + "}" * n,
            "- " * n + "x",
            "".join("  " * i + f"k{i}:\n" for i in range(min(n, 700))),
            "  dispatch: " + "{" * n,
        ]
    )
    return _insert_line(rng, data, line.encode())


def alias_bomb(rng: random.Random, data: bytes) -> bytes:
    levels, width = rng.randint(2, 9), rng.randint(2, 9)
    indent = rng.choice(["", "  "])
    lines = [f"{indent}a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"{indent}a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    head = rng.choice(["- func: f() -> ()\n", "", "- "])
    return _insert_line(rng, data, (head + "\n".join(lines)).encode())


_SCHEMA_TOKENS = [
    "[]", "?", "(", ")", "(a!)", "[", "]", ",", "*", "=", "->", "Tensor", "Tensor(a) ", " ", "[1]",
    "-> (", "!", "|", ".", "int[]? x=", "Scalar s=1, ", "__torch__.torch.classes.",
]  # fmt: skip


_TYPE_WORD = re.compile(rb"\b(?:Tensor|int|Scalar|bool|float|SymInt|ScalarType)\b")


def schema_noise(rng: random.Random, data: bytes) -> bytes:
    """Schema syntax, repeated, inside a `func:` / `name:` line: the schema parser's input."""
    lines = _lines(data)
    schemas = [i for i, ln in enumerate(lines) if b"func:" in ln or b"name:" in ln]
    i = rng.choice(schemas) if schemas else rng.randrange(len(lines))
    types = [m.end() for m in _TYPE_WORD.finditer(lines[i])]
    at = rng.choice(types) if types and rng.random() < 0.5 else rng.randrange(len(lines[i]) + 1)
    token = rng.choice(_SCHEMA_TOKENS if rng.random() < 0.5 else ["[]", "?", "[1]", "?[]"])
    noise = token.encode() * rng.choice([1, 2, 5, 100, 3_000])
    lines[i] = lines[i][:at] + noise + lines[i][at:]
    return b"\n".join(lines)


def binary(rng: random.Random, data: bytes) -> bytes:
    noise = rng.randbytes(rng.choice([1, 16, 4096]))
    if rng.random() < 0.2:
        return noise
    at = rng.randrange(len(data) + 1)
    return data[:at] + noise + data[at + len(noise) :]


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def reindent(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    lines[i] = b" " * rng.randint(0, 9) + lines[i].lstrip(b" ")
    return b"\n".join(lines)


MUTATIONS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    f.__name__: f
    for f in (
        delete_lines, duplicate_lines, swap_lines, flip_bits, insert_unicode, insert_tokens,
        huge_line, deep_nesting, alias_bomb, binary, truncate, reindent, schema_noise,
    )
}  # fmt: skip


# --- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    name: str
    kind: str
    text: bytes
    other: str


def _upstream_window(rng: random.Random, text: bytes) -> bytes:
    """A run of whole entries of upstream's native_functions.yaml (the whole file now and then)."""
    if rng.random() < 0.05:
        return text
    lines = _lines(text)
    starts = [i for i, ln in enumerate(lines) if ln.startswith(b"- func:")]
    a = rng.randrange(len(starts))
    b = min(len(starts) - 1, a + rng.randint(20, 300))
    return b"\n".join(lines[starts[a] : starts[b]]) + b"\n"


def _seeds(work: Path) -> list[tuple[Seed, float]]:
    """(seed, weight): which files are mutated, and how often."""
    kit_native, kit_tags = work / "kit/native_functions.yaml", work / "kit/tags.yaml"
    kit_derivatives = (REPO / "tools/autograd/derivatives.yaml").read_bytes()
    return [
        (Seed("kit-native", "native", kit_native.read_bytes(), str(kit_tags)), 0.35),
        (Seed("kit-tags", "tags", kit_tags.read_bytes(), str(kit_native)), 0.1),
        (Seed("kit-derivatives", "derivatives", kit_derivatives, "kit"), 0.1),
        (Seed("upstream-native", "native", UPSTREAM_NATIVE.read_bytes(), str(UPSTREAM_TAGS)), 0.3),
        (Seed("upstream-tags", "tags", UPSTREAM_TAGS.read_bytes(), str(kit_native)), 0.05),
        (
            Seed(
                "upstream-derivatives", "derivatives", UPSTREAM_DERIVATIVES.read_bytes(), "upstream"
            ),
            0.1,
        ),
    ]


def prepare(work: Path) -> None:
    """Clean copies of the kit's files, and the shape functions a copy of the kit's YAML needs."""
    (work / "kit").mkdir(parents=True, exist_ok=True)
    for name in ("native_functions.yaml", "tags.yaml"):
        (work / "kit" / name).write_bytes((REPO / name).read_bytes())
    (work / SHAPE_FUNCTIONS).parent.mkdir(parents=True, exist_ok=True)
    (work / SHAPE_FUNCTIONS).write_bytes((REPO / SHAPE_FUNCTIONS).read_bytes())
    (work / "in").mkdir(exist_ok=True)


def make_inputs(work: Path, ids: Iterable[int]) -> list[Job]:
    """Mutated inputs, one per id; input `i` is the same on every run (seeded by `i`)."""
    prepare(work)
    seeds = _seeds(work)
    names = sorted(MUTATIONS)
    jobs = []
    for i in ids:
        rng = random.Random(i)
        seed = rng.choices([s for s, _ in seeds], weights=[w for _, w in seeds])[0]
        data = _upstream_window(rng, seed.text) if seed.name == "upstream-native" else seed.text
        ops = [names[i % len(names)], *rng.sample(names, rng.randint(0, 2))]
        for op in ops:
            data = MUTATIONS[op](rng, data)
        path = work / "in" / f"{i:05d}-{seed.name}.yaml"
        path.write_bytes(data)
        jobs.append(Job(i, seed.name, tuple(ops), seed.kind, str(path), seed.other))
    return jobs


# --- classification ---------------------------------------------------------------------------

_ERROR_LINE = re.compile(r"(?P<file>.+?)(?P<where>:\d+(?::\d+)?)?: error: (?P<msg>.*)")
_SUMMARY = re.compile(r"\d+ errors?")


def classify(r: Result) -> str:
    """The outcome class of one result; see Note [Fuzz outcome classes]."""
    if r.status < 0:
        return f"signal {signal.Signals(-r.status).name}"
    if "Traceback" in r.stderr:
        return "traceback"
    if r.cpu_s > CPU_LIMIT_S:
        return "over time"
    if r.rss_mb > MEMORY_LIMIT_MB:
        return "over memory"
    if r.status == 0:
        return "exit 0"
    if r.status != 1:
        return f"exit {r.status}"
    return "exit 1, located" if _all_located(r) else "exit 1, NOT located"


def _all_located(r: Result) -> bool:
    files = {r.job.path, r.job.other}
    seen = 0
    for line in r.stderr.splitlines():
        if line.startswith("  hint: ") or _SUMMARY.fullmatch(line):
            continue
        m = _ERROR_LINE.fullmatch(line)
        if m is None or m["file"] not in files:
            return False
        if m["where"] is None and not m["msg"].startswith(WHOLE_FILE_ERRORS):
            return False
        seen += 1
    return seen > 0


GOOD = frozenset(["exit 0", "exit 1, located"])


# --- running ----------------------------------------------------------------------------------


def run_jobs(jobs: list[Job]) -> list[Result]:
    """Run every job in one runner process (this file as a script), each in its own child."""
    by_id = {j.id: j for j in jobs}
    lines = "".join(json.dumps(j.__dict__) + "\n" for j in jobs)
    proc = subprocess.run(
        [sys.executable, __file__],
        input=lines,
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"the fuzz runner failed ({proc.returncode}):\n{proc.stderr}")
    out = []
    for line in proc.stdout.splitlines():
        d = json.loads(line)
        job = by_id[d.pop("id")]
        out.append(Result(job=job, **d))
    return out


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _vm_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


class _Runner:
    """Forks one child per job; the parent has imported and preloaded everything once."""

    def __init__(self) -> None:
        from torchgen_mini.native_yaml import parse_native_yaml

        self.natives: dict[str, Any] = {}
        self.parse_native_yaml = parse_native_yaml

    def natives_for(self, which: str) -> Any:
        if which not in self.natives:
            path, tags = (
                (REPO / "native_functions.yaml", REPO / "tags.yaml")
                if which == "kit"
                else (UPSTREAM_NATIVE, UPSTREAM_TAGS)
            )
            self.natives[which] = self.parse_native_yaml(path, tags).native_functions
        return self.natives[which]

    def job(self, job: dict[str, Any]) -> int:
        from torchgen_mini.__main__ import main

        if job["kind"] == "native":
            return main(["check", job["path"], "--tags", job["other"]])
        if job["kind"] == "tags":
            return main(["check", job["other"], "--tags", job["path"]])
        if job["kind"] == "derivatives":
            return self.derivatives(job)
        return _self_test(job["kind"])

    def derivatives(self, job: dict[str, Any]) -> int:
        from torchgen_mini.derivatives import parse_derivatives_yaml

        natives = self.natives[job["other"]]
        parsed = parse_derivatives_yaml(job["path"], natives, require_every_input=False)
        for d in parsed.errors:
            print(d, file=sys.stderr)
        return 1 if parsed.errors else 0

    def run(self, job: dict[str, Any], err_path: str) -> dict[str, Any]:
        if job["kind"] == "derivatives":
            self.natives_for(job["other"])
        sys.stdout.flush()
        base = _rss_mb()
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            self.child(job, err_path)
        status, usage, wall = self.wait(pid, start)
        return {
            "id": job["id"],
            "status": status,
            "cpu_s": usage.ru_utime + usage.ru_stime,
            "wall_s": wall,
            "rss_mb": usage.ru_maxrss / 1024 - base,
            "stderr": Path(err_path).read_text(encoding="utf-8", errors="replace")[:1_000_000],
        }

    def child(self, job: dict[str, Any], err_path: str) -> None:
        code = 1
        try:
            os.dup2(os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2)
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
            limit = _vm_bytes() + MEMORY_LIMIT_MB * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            resource.setrlimit(resource.RLIMIT_CPU, (3, 5))
            code = self.job(job)
        except BaseException:
            traceback.print_exc()  # what Python prints for an uncaught exception
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)

    def wait(self, pid: int, start: float) -> tuple[int, Any, float]:
        fd = os.pidfd_open(pid)
        try:
            ready, _, _ = select.select([fd], [], [], WALL_KILL_S)
            if not ready:
                os.kill(pid, signal.SIGKILL)
        finally:
            os.close(fd)
        _, raw, usage = os.wait4(pid, 0)
        wall = time.monotonic() - start
        status = -os.WTERMSIG(raw) if os.WIFSIGNALED(raw) else os.WEXITSTATUS(raw)
        return status, usage, wall


def _self_test(kind: str) -> int:
    """Misbehave on purpose, so that a test can see the runner notice."""
    if kind == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    if kind == "grow":  # 64 MB, touched
        grow = bytearray(64 * 1024 * 1024)
        return 1 if grow[-1] == 0 else 0
    if kind == "hog":
        hog = bytearray(2 * MEMORY_LIMIT_MB * 1024 * 1024)
        return len(hog)
    raise RuntimeError(f"runner self-test: {kind}")


def _serve() -> None:
    runner = _Runner()
    with tempfile.TemporaryDirectory() as d:
        err_path = str(Path(d) / "stderr")
        for line in sys.stdin:
            result = runner.run(json.loads(line), err_path)
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    _serve()
