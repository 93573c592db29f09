"""`./kit trace "<expression>"`: the path one call took through the dispatcher.

The expression runs in a child Python (tools/ops/tracer.py) with `torch`,
`aten_mini`, and two small float32 tensors `x` and `y` (2x3, on the CPU)
defined. The report: the call and its result; the op calls the dispatcher
made inside the kit's ops (from torch.profiler; the calls that build the
arguments are left out, Note [Only the kit's calls]); the dispatch keys each
of the kit's calls went through (the dispatcher's own table, walked for the
call's key set), with what the kit's autograd kernel did (a backward node
only for a differentiable op with an input that requires grad); the
generated wrapper and the hand-written kernel it calls (for a structured op:
which of its generated wrappers ran, functional / in-place / out= / Meta,
what that wrapper does with the output, and its TORCH_META_FUNC and
TORCH_IMPL_FUNC); where type promotion and the output allocation happened;
and the DispatchStub calls with the CPU capability that ran them (the kit's
stub trace). See Note [What ./kit trace observes] in tools/ops/tracer.py for
how each part is known and its limits.
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

from tools.common.errors import KitError
from tools.common.paths import ROOT
from tools.common.proc import checkout_env
from tools.ops import oplookup
from tools.ops.tracer import X_TEXT, Y_TEXT
from torchgen_mini import kernel_check
from torchgen_mini.derivatives import DifferentiabilityInfo, parse_derivatives_yaml
from torchgen_mini.model import DispatchKey, NativeFunction, SchemaKind

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
    cmd = [sys.executable, "-m", "tools.ops.tracer", expression]
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


# Note [Only the kit's calls]
# The profiler sees every op the expression runs, also those that build its
# arguments (`torch.ones(3)`, `x.requires_grad_()`, `.to(...)`) or use its
# result: torch's, not the kit's. Those call trees are left out of the list
# (one line names them), unless no aten_mini op ran at all. Inside a kit op's
# tree, the calls TensorIterator makes are labelled: `aten::to` under a kit op
# is an input cast to the common dtype (type promotion), an `aten::empty` or
# `aten::empty_strided` directly under it is the output being allocated.


def _roots_of(events: list[dict[str, Any]]) -> list[int]:
    """For each event, the index of the top-level call it belongs to."""
    roots: list[int] = []
    for i, e in enumerate(events):
        roots.append(i if e["parent"] is None else roots[e["parent"]])
    return roots


def _label(events: list[dict[str, Any]], i: int) -> str:
    parent = events[i]["parent"]
    if parent is None or not events[parent]["name"].startswith("aten_mini::"):
        return ""
    name, shapes = events[i]["name"], events[i]["shapes"]
    if name == "aten::to":
        if shapes and shapes[0]:
            return "   <- a cast to the common dtype (type promotion)"
        return "   <- a cast of a 0-dim value (a Python number or a 0-dim tensor)"
    if name == "aten::result_type":
        return "   <- computes the common dtype (type promotion)"
    if name in ("aten::empty", "aten::empty_strided"):
        return "   <- output allocation"
    return ""


def _show_calls(events: list[dict[str, Any]]) -> None:
    _say("\n== Op calls the dispatcher made (observed: torch.profiler)")
    roots = _roots_of(events)
    kit_roots = {r for r in roots if _in_kit_tree(events, roots, r)}
    hidden = [e["name"] for i, e in enumerate(events) if e["parent"] is None and i not in kit_roots]
    if not kit_roots:
        kit_roots, hidden = set(roots), []
        _say("  (no aten_mini op ran: all of torch's calls are shown)")
    depth: dict[int, int] = {}
    for i, e in enumerate(events):
        depth[i] = 0 if e["parent"] is None else depth[e["parent"]] + 1
        if roots[i] not in kit_roots:
            continue
        shapes = ", ".join("x".join(map(str, s)) if s else "-" for s in e["shapes"])
        _say(f"  {'  ' * depth[i]}{e['name']}({shapes}){_label(events, i)}")
    if hidden:
        names = ", ".join(dict.fromkeys(hidden))
        _say(f"  not shown: {len(hidden)} torch call(s) outside the kit's ops ({names})")


def _in_kit_tree(events: list[dict[str, Any]], roots: list[int], root: int) -> bool:
    return any(
        r == root and events[i]["name"].startswith("aten_mini::") for i, r in enumerate(roots)
    )


@dataclass(frozen=True)
class Traced:
    """One call of a kit op, with the keys it was dispatched on (if they were observed)."""

    event: int
    name: str
    keys: list[str] | None
    how: str
    call: dict[str, Any] | None = None


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
            out.append(Traced(i, name, c["keys"], "the call's tensors and TLS", c))
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
    infos: list[DifferentiabilityInfo] | None = None

    def differentiability(self, name: str) -> tuple[str, str]:
        """(kind, why) of the op's autograd kernel, decided as torchgen_mini's autograd plan does.

        kind: "differentiable" (a formula: a backward node when an input
        requires grad), "non-differentiable" (an entry without formulas), or
        "refusing" (out= variants; no entry): see torchgen_mini/dest/autograd.py.
        """
        f = self.native(name)
        if f is None:
            return "unknown", ""
        if f.func.kind() is SchemaKind.out:
            return "refusing", "out= variants have no autograd"
        if self.infos is None:
            path = self.root / oplookup.DERIVATIVES_YAML
            self.infos = parse_derivatives_yaml(path, self.fns).infos if path.is_file() else []
        own = next((i for i in self.infos if i.native is f and i.func == f.func), None)
        found = own or next(
            (
                i
                for i in self.infos
                if i.func.kind() is SchemaKind.functional
                and i.func.signature() == f.func.signature()
            ),
            None,
        )
        if found is None:
            return "refusing", f"{oplookup.DERIVATIVES_YAML.as_posix()} has no entry for it"
        where = oplookup.where(found.loc, self.root)
        formulas = found.default
        if formulas is None or not formulas.derivatives:
            marked = (
                "output_differentiability: [False]"
                if found.output_differentiability and not any(found.output_differentiability)
                else "no input has a formula"
            )
            return "non-differentiable", f"{marked} at {where}"
        return "differentiable", f"formulas at {where}"

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
        """Which structured wrapper ran and what it does, then its meta() and impl().

        The group is the one `f` belongs to: its out= entry (`structured: True`)
        and the functional entry that delegates to it, whose name is meta()'s.
        """
        out_name = f.func.name if f.structured else f.structured_delegate
        out = next((g for g in self.fns if g.func.name == out_name), None)
        delegates = [g for g in self.fns if g.structured_delegate == out_name]
        names = list(kernel_check.meta_names([*delegates, out] if out else []))
        kernel = out.dispatch.get(key) if out is not None else None
        if kernel is not None and key is not DispatchKey.Meta:
            names.append(kernel_check.IMPL + kernel)
        found = oplookup.kernel_locations(self.root, set(names))
        lines = [_STRUCTURED_VARIANT[f.func.kind()] + _STRUCTURED_ON[key is DispatchKey.Meta]]
        for name in names:
            part = "meta" if name.startswith(kernel_check.META) else "impl"
            label = oplookup.kernel_label(name)
            where = found.get(name) or "(not found in aten_mini/native)"
            lines.append(f"{part}: {label} at {where}")
        return lines


# What the generated wrapper of each variant of a structured op does (Note [How
# structured wrappers allocate outputs] in torchgen_mini/dest/structured.py).
_STRUCTURED_VARIANT = {
    SchemaKind.functional: "structured (functional): allocates the output meta() computes",
    SchemaKind.inplace: "structured (in-place): checks self against the output meta() computes",
    SchemaKind.out: "structured (out=): resizes out to the output meta() computes",
}
_STRUCTURED_ON = {False: "; impl() fills it", True: "; on Meta, no impl() runs"}
# How the functional wrapper of each backend key allocates (create_out).
_STRUCTURED_EMPTY = {
    "CPU": "create_out: at::detail::empty_cpu",
    "Meta": "create_out: at::detail::empty_meta",
    "CUDA": "create_out: at::empty",
}
_STRUCTURED_OUTPUT = {
    SchemaKind.functional: "allocated by the generated structured wrapper ({empty}, "
    "no dispatcher call)",
    SchemaKind.inplace: "self, checked by the generated structured wrapper (check_inplace)",
    SchemaKind.out: "out, resized by the generated structured wrapper (resize_out)",
}


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


def _autograd_lines(ctx: Context, name: str, call: dict[str, Any] | None) -> list[str]:
    """What the kit's autograd kernel did in this call (Context.differentiability)."""
    kind, why = ctx.differentiability(name)
    grad = None if call is None else bool(call.get("requires_grad"))
    if kind == "non-differentiable":
        return [f"non-differentiable ({why}): records no backward node, then redispatches"]
    if kind == "refusing":
        if grad:
            return [f"an input requires grad, and this op has no gradient ({why}): it raises"]
        return [f"no gradient ({why}); no input requires grad, so it redispatches"]
    if kind == "differentiable" and grad is not None:
        if grad:
            return ["an input requires grad: records a backward node, then redispatches"]
        return ["no input requires grad: records no backward node, then redispatches"]
    return ["records a backward node if an input requires grad, then redispatches"]


def describe(
    ctx: Context, name: str, e: Entry, call: dict[str, Any] | None = None
) -> tuple[list[str], bool]:
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
        return [f"kit autograd kernel {wrapper}", *_autograd_lines(ctx, name, call)], False
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


def _show_path(ctx: Context, t: Traced, tables: dict[str, str]) -> str | None:
    """Print the keys the call went through; the key whose kernel ended the walk, if any."""
    _say(f"\n== Dispatch of {t.name} (key set from {t.how})")
    table = parse_table(tables.get(t.name, ""), ctx.root)
    if t.keys is None or not table:
        _say("  not observed: the overload or the key set of this call is unknown")
        return None
    for key in t.keys:
        entry = table.get(key)
        if entry is None:
            _say(f"  {key:<16} no kernel and no fallback: the dispatcher raises here")
            return None
        lines, last = describe(ctx, t.name, entry, t.call)
        _say(f"  {key:<16} {lines[0]}")
        for line in lines[1:]:
            _say(f"  {'':<16} {line}")
        if last:
            return key
    return None


def _kernel_file(ctx: Context, name: str) -> str | None:
    """The file of the op's CPU kernel (a structured op: of its meta function)."""
    f = ctx.native(name)
    kernel = f.dispatch.get(DispatchKey.CPU) if f is not None else None
    if f is not None and f.part_of_structured_group:
        group = [g for g in ctx.fns if g.root_name == f.root_name]
        kernel = next(iter(kernel_check.meta_names(group)), None)
    hit = oplookup.kernel_locations(ctx.root, {kernel}).get(kernel) if kernel else None
    return hit.path if hit is not None else None


# TensorIteratorBase's builders that promote to a common dtype (what a
# structured meta function calls; ATen/TensorIterator.h).
_PROMOTING_BUILDERS = re.compile(r"\bbuild_(?:borrowing_)?(?:binary|unary_float|binary_float)_op\(")


def _show_types(
    ctx: Context, traced: list[Traced], events: list[dict[str, Any]], ended: dict[int, str | None]
) -> None:
    """Per kit call: input dtypes vs the result's, where the cast and the output came from."""
    _say("\n== Type promotion and output (observed: the dtypes each call saw and returned)")
    shown = False
    for t in traced:
        if t.call is None or t.call.get("result") is None:
            continue
        shown = True
        inputs, result = t.call["inputs"], t.call["result"]
        _say(f"  {t.name}: inputs {', '.join(inputs) or '-'} -> result {result}")
        dtypes = {k.split(" ")[0] for k in inputs if not k.startswith("Python")}
        children = [(e["name"], e["shapes"]) for e in events if e["parent"] == t.event]
        casts = sum(1 for n, shapes in children if n == "aten::to" and shapes and shapes[0])
        names = {n for n, _ in children}
        file = _kernel_file(ctx, t.name)
        text = (ctx.root / file).read_text(encoding="utf-8", errors="replace") if file else ""
        if "aten::result_type" in names:
            who = f"torch's result_type, called by the kernel ({file})"
        elif "promote_inputs_to_common_dtype(true)" in text:
            who = f"TensorIterator's common dtype (promote_inputs_to_common_dtype, {file})"
        elif m := _PROMOTING_BUILDERS.search(text):
            who = f"TensorIterator's common dtype ({m.group(0)[:-1]} in the meta function, {file})"
        else:
            who = f"the kernel ({file})" if file else "the kernel"
        if dtypes <= {result} and not casts:
            _say(f"    no promotion: every tensor input is {result}")
        else:
            cast = f"; {casts} cast(s) (the aten::to above)" if casts else ""
            _say(f"    type promotion: result dtype {result}, from {who}{cast}")
        f = ctx.native(t.name)
        if {"aten::empty", "aten::empty_strided"} & names:
            _say("    output: allocated inside the call (the aten::empty above)")
        elif f is not None and f.part_of_structured_group and f.func.kind() in _STRUCTURED_OUTPUT:
            empty = _STRUCTURED_EMPTY.get(ended.get(t.event) or "", "create_out")
            _say(f"    output: {_STRUCTURED_OUTPUT[f.func.kind()].format(empty=empty)}")
        else:
            _say("    output: written into a tensor that was passed in (in-place or out=)")
    if not shown:
        _say("  not observed: no call of a kit op returned a tensor to the probe")


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
    "How this was observed (see Note [What ./kit trace observes] in tools/ops/tracer.py):\n"
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
    traced = match_calls(data)
    ended: dict[int, str | None] = {}
    for t in traced:
        ended[t.event] = _show_path(ctx, t, data["tables"])
    _show_types(ctx, traced, data["events"], ended)
    _show_stubs(root, data)
    _say("\n" + LIMITS)
    return 0


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("PYTHONHASHSEED", "0")
    return trace(ROOT, args.expression, args.capability)
