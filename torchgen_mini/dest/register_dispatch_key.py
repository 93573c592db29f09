"""`Register<Key>.cpp`: kernels for one dispatch key.

For every overload with a kernel for the key: a typed wrapper with the
dispatcher signature that calls `at_mini::native::<kernel>` (after device
checks and a device guard for CUDA), and one `m.impl` line in
`TORCH_LIBRARY_IMPL(aten_mini, <Key>, m)`.  See Note [Meta kernels for free]
for the Meta file.  The members of a structured group get the wrappers of
torchgen_mini/dest/structured.py instead, for CPU, CUDA and Meta.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from torchgen_mini.api import dispatcher
from torchgen_mini.dest import per_op, structured
from torchgen_mini.model import (
    DeviceCheckType,
    DispatchKey,
    NativeFunction,
)
from torchgen_mini.output import Context, Output
from torchgen_mini.templating import render_macro

# Note [Meta kernels for free]
# torch.compile traces with Meta tensors (shapes and dtypes, no data).  A
# device-generic kernel (checks, TensorIterator set-up, a stub call) already
# computes the output's shape and dtype, and the kit's DispatchStub does
# nothing for a Meta tensor.  So an op whose CPU and CUDA kernels are the same
# function, and that has no `Meta:` entry of its own, gets that function
# registered for Meta as well.  Composite ops need nothing: implicit ones
# decompose, and CompositeExplicitAutograd already covers Meta.
#
# The catch: TensorIterator rejects symbolic sizes, so such a Meta kernel
# works for static shapes only, and torch.compile(dynamic=True) or opcheck's
# test_aot_dispatch_dynamic fail on the op.  An entry that names a
# `shape_function` gets no C++ Meta kernel: its fake kernel is the generated
# Python one (`_C_fakes.py`), which handles SymInt sizes, and torch accepts
# only one of the two.  See Note [torch.compile support] in
# python/aten_mini/_compile.py.

# Note [RegisterCUDA is C++]
# RegisterCUDA.cpp only takes the addresses of the CUDA kernels and puts a
# device guard around the call: no device code.  So g++ compiles it, with the
# precompiled headers, instead of nvcc (28 s of nvcc for each new op before).
# The kernels it calls are declared in ops/<op>_native.h and defined in the
# .cu files that nvcc compiles; both compilers use the same C++ ABI, so the
# linker joins them.  CMake compiles it only when CUDA is built.

_MACROS = "macros/register_dispatch_key.cpp"
DEVICE_KEYS = (DispatchKey.CPU, DispatchKey.CUDA)
KEY_ORDER = (
    DispatchKey.CPU,
    DispatchKey.CUDA,
    DispatchKey.Meta,
    DispatchKey.CompositeExplicitAutograd,
    DispatchKey.CompositeExplicitAutogradNonFunctional,
    DispatchKey.CompositeImplicitAutograd,
)


@dataclass(frozen=True)
class Registration:
    """One overload's kernel for one key."""

    f: NativeFunction
    key: DispatchKey
    kernel: str
    group: structured.Structured | None = None

    @property
    def wrapper_name(self) -> str:
        return f"wrapper_{self.key}_{dispatcher.name(self.f.func)}"


def meta_kernel(f: NativeFunction) -> str | None:
    """The kernel to register for Meta.  See Note [Meta kernels for free]."""
    if f.part_of_structured_group:
        return None  # the generated structured Meta wrapper
    if f.shape_function is not None:
        return None
    if DispatchKey.Meta in f.dispatch:
        return f.dispatch[DispatchKey.Meta]
    kernels = {f.dispatch.get(k) for k in DEVICE_KEYS}
    if len(kernels) == 1 and None not in kernels and not f.has_composite_kernel:
        return kernels.pop()
    return None


def key_kernels(f: NativeFunction) -> dict[DispatchKey, str]:
    """Every key `f` registers a kernel for, Meta included."""
    result = dict(f.dispatch)
    meta = meta_kernel(f)
    if meta is not None:
        result[DispatchKey.Meta] = meta
    return result


def registrations(fns: list[NativeFunction]) -> dict[DispatchKey, list[Registration]]:
    """Key -> its registrations in YAML order; keys in `KEY_ORDER`, then by name."""
    by_key: dict[DispatchKey, list[Registration]] = {}
    members = {id(f): s for s in structured.groups(fns) for f in s.g.functions()}
    for f in fns:
        group = members.get(id(f))
        if group is not None:
            for key in structured_keys(group):
                kernel = group.meta_class if key is DispatchKey.Meta else group.g.out.dispatch[key]
                by_key.setdefault(key, []).append(Registration(f, key, kernel, group))
            continue
        for key, kernel in key_kernels(f).items():
            by_key.setdefault(key, []).append(Registration(f, key, kernel))
    order = {k: i for i, k in enumerate(KEY_ORDER)}
    return dict(sorted(by_key.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0].value)))


def structured_keys(group: structured.Structured) -> list[DispatchKey]:
    """The keys a structured group registers: its out= entry's backends, and Meta."""
    keys = [k for k in structured.STRUCTURED_KEYS if k in group.g.out.dispatch]
    return [*keys, DispatchKey.Meta]


def filename(key: DispatchKey) -> str:
    """`RegisterCPU.cpp`; see Note [RegisterCUDA is C++] for CUDA's."""
    return f"Register{key}.cpp"


def _device_checks(r: Registration) -> list[list[str]]:
    """The tensors whose devices a CUDA wrapper checks, as a list of zero or one list."""
    if r.key is not DispatchKey.CUDA or r.f.device_check is DeviceCheckType.NoCheck:
        return []
    tensors = [a for a in r.f.func.arguments.flat_all if a.type.is_tensor_like()]
    names = [a.name for a in tensors if a.type.is_list_like() is None]
    return [names] if names else []


def _device_guards(r: Registration) -> list[str]:
    """The tensor whose device a CUDA wrapper's guard takes, as a list of zero or one name."""
    if r.key is not DispatchKey.CUDA or not r.f.device_guard:
        return []
    a = r.f.func.arguments
    candidates = [*a.out, *a.flat_non_out]
    first = next((x for x in candidates if x.type.is_tensor_like()), None)
    return [] if first is None else [first.name]


def wrapper(r: Registration, dimnames: bool = False) -> str:
    """The typed wrapper that the dispatcher calls for this key (`dimnames`: see
    Note [torch with named tensors] in torchgen_mini/dest/structured.py)."""
    sig = dispatcher.signature(r.f)
    if r.group is not None:
        classes = [structured.wrapper_class(r.group, r.key, r.f.func.kind(), dimnames)]
        guards: list[str] = []  # the wrapper class holds the guard
        body = structured.wrapper_body(r.group, r.f, r.key)
    else:
        classes = []
        guards = _device_guards(r)
        body = render_macro(_MACROS, "call_kernel", kernel=r.kernel, args=sig.arg_names())
    return render_macro(
        _MACROS,
        "wrapper",
        classes=classes,
        decl=sig.decl(name=r.wrapper_name),
        name=r.wrapper_name,
        checks=_device_checks(r),
        guards=guards,
        body=body,
    )


def impl_line(r: Registration) -> str:
    return render_macro(_MACROS, "impl_line", op=str(r.f.func.name), wrapper=r.wrapper_name)


def includes(key: DispatchKey, regs: list[Registration]) -> list[str]:
    """The kernels' per-op headers (Note [Per-operator headers]), then torch's."""
    own = per_op.include_lines(per_op.native_header(r.f.root_name) for r in regs)
    base = [*own, "", "#include <torch/library.h>"]
    if any(r.group is not None for r in regs):
        base += structured.helper_includes(key)
    if key is DispatchKey.CUDA:
        base += [
            "#include <ATen/DeviceGuard.h>",
            "#include <ATen/core/op_registration/adaption.h>",
            "#include <c10/core/DeviceGuard.h>",
        ]
    return base


def compute(
    key: DispatchKey, regs: list[Registration], dimnames: bool = False
) -> dict[str, object]:
    return {
        "key": str(key),
        "includes": includes(key, regs),
        "wrappers": [
            *([structured.helpers(key)] if any(r.group is not None for r in regs) else []),
            *(wrapper(r, dimnames) for r in regs),
        ],
        "impls": [impl_line(r) for r in regs],
    }


def outputs(ctx: Context) -> Iterator[Output]:
    """Register<Key>.cpp for every key that some overload has a kernel for."""
    for key, regs in registrations(ctx.native_functions).items():
        yield Output(
            filename(key), "RegisterDispatchKey.cpp", compute(key, regs, ctx.torch_dimnames)
        )
