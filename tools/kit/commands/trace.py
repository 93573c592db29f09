"""`./kit trace "<expression>"`: the path one call took through the dispatcher.

The expression runs in a child Python (tools/taskkit/tracer.py) with `torch`,
`aten_mini`, and two small float32 tensors `x` and `y` (2x3, on the CPU)
defined. The report has four parts: the op calls the dispatcher made (from
torch.profiler), the dispatch keys each of the kit's calls went through (the
dispatcher's own table, walked for the call's key set), the generated wrapper
and the hand-written kernel it calls, and the DispatchStub calls with the CPU
capability that ran them (the kit's stub trace). See Note [What ./kit trace
observes] in tools/taskkit/tracer.py for how each part is known and its limits.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.kit.ui import ROOT, KitError
from tools.taskkit import oplookup
from tools.taskkit.checks import checkout_env
from tools.taskkit.tracer import X_TEXT, Y_TEXT
from torchgen_mini import kernel_check
from torchgen_mini.model import DispatchKey, NativeFunction

NAME = "trace"
HELP = f"run a Python expression and show its path through the dispatcher (x = {X_TEXT}, y = ...)"

CAPABILITIES = ("default", "avx2", "avx512")
TIMEOUT_S = 300
BACKEND_KEYS = frozenset({"CPU", "CUDA", "Meta", "QuantizedCPU", "SparseCPU", "MkldnnCPU"})
_ENTRY = re.compile(r"^(\w+): (fallthrough )?registered at (\S+) \[([^\]]+)\]")
_TORCH_SOURCE = re.compile(r"^.*?/pytorch/pytorch/")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "expression",
        help=f"a Python expression; defined: torch, aten_mini, x = {X_TEXT}, y = {Y_TEXT}",
    )
    parser.add_argument(
        "--capability",
        choices=CAPABILITIES,
        help="run the CPU kernels of this capability (sets ATEN_MINI_CPU_CAPABILITY)",
    )


def run_child(root: Path, expression: str, capability: str | None) -> dict[str, Any]:
    env = checkout_env(root)
    env.pop("ATEN_MINI_CPU_CAPABILITY", None)
    if capability:
        env["ATEN_MINI_CPU_CAPABILITY"] = capability
    cmd = [sys.executable, "-m", "tools.taskkit.tracer", expression]
    try:
        proc = subprocess.run(
            cmd, cwd=root, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        raise KitError(f"the expression did not finish within {TIMEOUT_S}s") from None
    try:
        result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        why = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        raise KitError(f"the traced process died ({why}); run the expression in python") from None
    return result


def shorten(path: str, root: Path) -> str:
    """A kit path relative to the checkout; a torch path as `pytorch/<path in its repo>`."""
    path = path.replace(str(root) + "/", "")
    return _TORCH_SOURCE.sub("pytorch/", path)


@dataclass(frozen=True)
class Entry:
    key: str
    fallthrough: bool
    where: str
    kind: str


def parse_table(text: str, root: Path) -> dict[str, Entry]:
    table = {}
    for line in text.splitlines():
        m = _ENTRY.match(line)
        if m:
            table[m.group(1)] = Entry(
                m.group(1), bool(m.group(2)), shorten(m.group(3), root), m.group(4)
            )
    return table


def _say(text: str = "") -> None:
    print(text)


def _show_calls(events: list[dict[str, Any]]) -> None:
    _say("\n== Op calls the dispatcher made (observed: torch.profiler)")
    depth: dict[int, int] = {}
    for i, e in enumerate(events):
        depth[i] = 0 if e["parent"] is None else depth[e["parent"]] + 1
        shapes = ", ".join("x".join(map(str, s)) if s else "-" for s in e["shapes"])
        _say(f"  {'  ' * depth[i]}{e['name']}({shapes})")


@dataclass(frozen=True)
class Traced:
    """One call of a kit op, with the keys it was dispatched on (if they were observed)."""

    event: int
    name: str
    keys: list[str] | None
    how: str


def match_calls(data: dict[str, Any]) -> list[Traced]:
    """Pair the kit's profiler events with the calls the probe saw reach the Python key."""
    calls = [c for c in data["calls"] if c["op"].startswith("aten_mini::")]
    events = data["events"]
    out: list[Traced] = []
    for i, e in enumerate(events):
        if not e["name"].startswith("aten_mini::"):
            continue
        if calls and calls[0]["op"] == e["name"]:
            c = calls.pop(0)
            name = e["name"] + ("" if c["overload"] == "default" else f".{c['overload']}")
            out.append(Traced(i, name, c["keys"], "the call's tensors and TLS"))
        elif e["parent"] is None:
            out.append(Traced(i, e["name"], None, "pending"))
    return _fill_composites(out, events)


def _descends(events: list[dict[str, Any]], j: int, i: int) -> bool:
    parent = events[j]["parent"]
    while parent is not None:
        if parent == i:
            return True
        parent = events[parent]["parent"]
    return False


def _fill_composites(found: list[Traced], events: list[dict[str, Any]]) -> list[Traced]:
    """A call that never reached the Python key takes the key set of its first child call."""
    out = []
    for t in found:
        if t.keys is None:
            child = next((c for c in found if c.keys and _descends(events, c.event, t.event)), None)
            how = f"the tensors of its call to {child.name}" if child else "not observed"
            t = Traced(t.event, t.name, child.keys if child else None, how)
        out.append(t)
    return out


_GENERATED_KEY = {
    "RegisterCPU.cpp": DispatchKey.CPU,
    "RegisterCUDA.cpp": DispatchKey.CUDA,
    "RegisterMeta.cpp": DispatchKey.Meta,
    "RegisterCompositeExplicitAutograd.cpp": DispatchKey.CompositeExplicitAutograd,
    "RegisterCompositeImplicitAutograd.cpp": DispatchKey.CompositeImplicitAutograd,
}


@dataclass
class Context:
    root: Path
    fns: list[NativeFunction]

    def native(self, name: str) -> NativeFunction | None:
        op = name.split("::", 1)[1]
        return next((f for f in self.fns if str(f.func.name) == op), None)

    def kernel_of(self, name: str, entry: Entry) -> list[str]:
        """`calls at_mini::native::add at aten_mini/native/BinaryOps.cpp:61`, if known."""
        f = self.native(name)
        key = _GENERATED_KEY.get(Path(entry.where.split(":")[0]).name)
        if f is not None and key is not None and f.part_of_structured_group:
            return self.structured_calls(f, key)
        kernel = f.dispatch.get(key) if f is not None and key is not None else None
        if kernel is None:
            return []
        hit = oplookup.kernel_locations(self.root, {kernel}).get(kernel)
        return [f"calls at_mini::native::{kernel} at {hit or '(not found in aten_mini/native)'}"]

    def structured_calls(self, f: NativeFunction, key: DispatchKey) -> list[str]:
        """`calls TORCH_META_FUNC2(add, Tensor) at ...`, then the impl, for a structured op."""
        group = [g for g in self.fns if g.root_name == f.root_name]
        names = list(kernel_check.meta_names(group))
        out = next(iter(kernel_check.meta_names(group).values()), None)
        kernel = out.dispatch.get(key) if out is not None else None
        if kernel is not None:
            names.append(kernel_check.IMPL + kernel)
        found = oplookup.kernel_locations(self.root, set(names))
        lines = []
        for name in names:
            label = oplookup.kernel_label(name)
            lines.append(f"calls {label} at {found.get(name) or '(not found in aten_mini/native)'}")
        return lines


def wrapper_of(root: Path, e: Entry, name: str) -> str:
    """`wrapper_CPU_add_Tensor at build/generated/RegisterCPU.cpp:12`, from the file's m.impl."""
    path_text, _, line = e.where.rpartition(":")
    path = root / path_text
    if path_text.startswith("pytorch/") or not path.is_file():
        return f"at {e.where}"
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    op = re.escape(name.split("::", 1)[1])
    impl = re.compile(rf'm\.impl\("{op}",\s*TORCH_FN\((\w+)\)')
    found = next((m.group(1) for ln in lines[int(line or 1) - 1 :] if (m := impl.search(ln))), None)
    if found is None:
        return f"at {e.where}"
    start = re.compile(rf"^\S.*\b{found}\(")
    at = next((i for i, ln in enumerate(lines, 1) if start.search(ln)), 0)
    return f"{found} at {path_text}:{at}"


def describe(ctx: Context, name: str, e: Entry) -> tuple[list[str], bool]:
    """What the dispatcher does at this entry (lines), and whether the walk ends there."""
    file = Path(e.where.split(":")[0]).name
    wrapper = wrapper_of(ctx.root, e, name)
    if e.fallthrough:
        return ["fallthrough: skipped"], False
    if file == "RegisterAutograd.cpp" and e.key == "ADInplaceOrView":
        return [
            f"kit ADInplaceOrView kernel {wrapper}",
            "bumps the written tensor's version, then redispatches",
        ], False
    if file == "RegisterAutograd.cpp":
        return [
            f"kit autograd kernel {wrapper}",
            "records a backward node if an input requires grad, then redispatches",
        ], False
    if file == "VariableFallbackKernel.cpp":
        return [
            f"torch's autograd fallback at {e.where}",
            "(this op has no autograd kernel), then redispatches",
        ], False
    if e.kind == "math kernel":
        return [
            f"CompositeImplicitAutograd {wrapper}",
            *ctx.kernel_of(name, e),
            "the ops it calls are dispatched anew (see their paths)",
        ], True
    if e.key in BACKEND_KEYS:
        return [f"generated wrapper {wrapper}", *ctx.kernel_of(name, e)], True
    return [f"{e.kind} at {e.where}"], False


def _show_path(ctx: Context, t: Traced, tables: dict[str, str]) -> None:
    _say(f"\n== Dispatch of {t.name} (key set from {t.how})")
    table = parse_table(tables.get(t.name, ""), ctx.root)
    if t.keys is None or not table:
        _say("  not observed: the overload or the key set of this call is unknown")
        return
    for key in t.keys:
        entry = table.get(key)
        if entry is None:
            _say(f"  {key:<16} no kernel and no fallback: the dispatcher raises here")
            return
        lines, last = describe(ctx, t.name, entry)
        _say(f"  {key:<16} {lines[0]}")
        for line in lines[1:]:
            _say(f"  {'':<16} {line}")
        if last:
            return


def _show_stubs(root: Path, data: dict[str, Any]) -> None:
    _say("\n== DispatchStub calls (observed: aten_mini._C._stub_trace)")
    if data["stubs"] is None:
        _say("  not observed: this build of aten_mini._C has no stub trace (./kit build)")
        return
    if not data["stubs"]:
        _say("  none: no kernel of this call went through a DispatchStub")
    counts: dict[tuple[str, str], int] = {}
    for stub, slot in data["stubs"]:
        counts[(stub, slot)] = counts.get((stub, slot), 0) + 1
    for (stub, slot), n in counts.items():
        times = f" ({n} calls)" if n > 1 else ""
        _say(f"  {stub} -> its '{slot}' kernel{times}")
        folder = "cuda" if slot == "cuda" else "cpu"
        for hit in oplookup.stub_registrations(root, stub):
            if f"/native/{folder}/" in f"/{hit.path}":
                _say(f"      registered by REGISTER_DISPATCH at {hit}")
    cap = data["capability"]
    _say(f"  CPU capability in use: {cap} (ATEN_MINI_CPU_CAPABILITY or --capability change it)")


LIMITS = (
    "How this was observed (see Note [What ./kit trace observes] in tools/taskkit/tracer.py):\n"
    "op calls by torch.profiler; key paths by walking the call's key set down the\n"
    "dispatcher's own table (torch._C._dispatch_dump_table), since a release libtorch\n"
    "logs no per-key trace; stub calls by the kit's stub trace."
)


def trace(root: Path, expression: str, capability: str | None) -> int:
    data = run_child(root, expression, capability)
    if "error" in data:
        raise KitError(data["error"])
    _say(f">>> {expression}")
    if "raised" in data:
        _say(f"raised {data['raised']}")
        return 1
    _say(f"result: {data['result']}")
    _show_calls(data["events"])
    ctx = Context(root, oplookup.load_functions(root))
    for t in match_calls(data):
        _show_path(ctx, t, data["tables"])
    _show_stubs(root, data)
    _say("\n" + LIMITS)
    return 0


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("PYTHONHASHSEED", "0")
    return trace(ROOT, args.expression, args.capability)
