"""What torch.compile needs of aten_mini: fake kernels and dynamo polyfills.

# Note [torch.compile support]
# torch.compile needs two things from an operator library, and codegen makes
# both from native_functions.yaml, so an op added to the YAML gets them too:
#
# 1. A fake kernel per overload: the result's shape, dtype, device and
#    strides, computed on fake tensors whose sizes may be symbolic (SymInts,
#    under dynamic=True). An entry with `shape_function: pointwise(self,
#    other)` gets one in the generated `_C_fakes.py`: the function of
#    `_shape_functions.py` bound to the overload's schema, plus the out= and
#    in-place rules. `register()` hands each to `torch.library.register_fake`.
#    Such entries get no C++ Meta kernel (torch would refuse a second fake
#    kernel), except the members of a structured group: see Note [Structured
#    ops keep a Python fake]. An entry without the key keeps the C++ Meta kernel codegen
#    registers from its device-generic kernel (see Note [Meta kernels for
#    free] in torchgen_mini/dest/register_dispatch_key.py): correct, but it
#    runs TensorIterator, which rejects symbolic sizes, so such an op compiles
#    with static shapes only.
#
# 2. A polyfill per public callable. `aten_mini.add` is a pybind11 function:
#    dynamo cannot look inside it and refuses to call it in a graph ("Attempted
#    to call function marked as skipped"). The generated `_C_polyfills.py` has,
#    for each Python name, a plain Python function with the same signature that
#    picks the overload as the binding does (Tensor or Scalar `other`, `out=`)
#    and calls `torch.ops.aten_mini.<op>.<overload>`, which dynamo puts into
#    the graph. `torch.compiler.substitute_in_graph` tells dynamo to trace the
#    polyfill wherever it meets the pybind11 function; eager calls still go
#    straight to the pybind11 function, so they cost nothing more.
#
#    Importing torch._dynamo takes seconds, so the polyfills are registered
#    when something imports it (torch.compile does), not at `import aten_mini`.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import torch

# --------------------------------------------------------------------------- fakes


# Note [Structured ops keep a Python fake]
# A structured op (add, mul, sigmoid, softplus) gets its Meta kernel from
# generated C++: the meta() function, run by the Meta wrapper of
# RegisterMeta.cpp, so `aten_mini.add(meta_tensor, ...)` is shaped by the
# very code the CPU kernel runs. That meta() builds a TensorIterator, which
# reads concrete sizes: under torch.compile(dynamic=True) or opcheck's
# test_aot_dispatch_dynamic the sizes are SymInts and it raises "TensorIterator
# does not support symbolic shapes; please implement this operator in
# torch/_refs ...". Upstream has the same gap and fills it in Python: its
# structured pointwise ops get their fake results from torch/_refs and
# torch/_meta_registrations.py, registered as Python kernels for the Meta key
# (OpOverload.py_impl(DispatchKey.Meta)), which the Python dispatcher that
# torch.compile and AOTAutograd trace under runs instead of the C++ Meta
# kernel. The kit does the same with the generated fake of `shape_function:`,
# for an overload that has a C++ Meta kernel:
#   - py_impl(Meta): also a call made from C++ (add.Scalar's composite kernel
#     calling add.Tensor on fake tensors) reaches the SymInt-aware fake;
#   - torch's fake-kernel registry (torch._library.simple_registry), which
#     FakeTensorMode asks before it dispatches to Meta at all.
# torch.library.register_fake would refuse an op with a C++ Meta kernel (or,
# with allow_override, replace it). So the dispatcher's Meta kernel stays the
# generated C++ one, which eager Meta tensors run (torch._C._dispatch_dump
# shows RegisterMeta.cpp). test/build/test_structured_runtime.py checks the
# Meta registration, test_meta (test/ops) the C++ meta() against the real
# kernel, and test_compile / test_opcheck_dynamic the Python fake.


def register_fakes() -> None:
    """`torch.library.register_fake` for every generated fake kernel.

    See Note [Structured ops keep a Python fake] for overloads with a C++ Meta kernel.
    """
    from torch._library.simple_registry import singleton
    from torch._library.utils import Kernel

    from aten_mini import _C_fakes

    for qualname, fake in _C_fakes.FAKES.items():
        if torch._C._dispatch_has_kernel_for_dispatch_key(qualname, "Meta"):
            holder = singleton.find(qualname).fake_impl
            holder.kernels.append(Kernel(fake, f"{_C_fakes.__file__} ({qualname})"))
            _overload(qualname).py_impl(torch._C.DispatchKey.Meta)(fake)
        else:
            torch.library.register_fake(qualname, fake)


def _overload(qualname: str) -> Any:
    """`aten_mini::add.Tensor` -> torch.ops.aten_mini.add.Tensor."""
    namespace, _, rest = qualname.partition("::")
    name, _, overload = rest.partition(".")
    return getattr(getattr(getattr(torch.ops, namespace), name), overload or "default")


# --------------------------------------------------------------------------- polyfills


class Param(NamedTuple):
    """One parameter of one binding overload, as the generated polyfills describe it."""

    name: str
    type: str  # "Tensor", "Scalar", "int", "int[]", "float", "bool", "ScalarType", "any"
    kw_only: bool = False
    has_default: bool = False
    optional: bool = False


def _fits(value: Any, p: Param) -> bool:
    """Whether the binding would accept `value` for `p` (mirrors the pybind11 casters)."""
    if value is None:
        return p.optional
    if p.type == "Tensor":
        return isinstance(value, torch.Tensor)
    if p.type == "Scalar":
        return isinstance(value, (bool, int, float, complex)) or (
            isinstance(value, torch.Tensor) and value.dim() == 0
        )
    if p.type == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if p.type == "int[]":
        items = value if isinstance(value, (list, tuple)) else (value,)
        return all(isinstance(i, int) and not isinstance(i, bool) for i in items)
    if p.type == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if p.type == "bool":
        return isinstance(value, bool)
    if p.type == "ScalarType":
        return isinstance(value, torch.dtype)
    return True


def accepts(params: Sequence[Param], args: Sequence[Any], kwargs: dict[str, Any]) -> bool:
    """Whether a call with `args`/`kwargs` binds to `params` with fitting types."""
    positional = [p for p in params if not p.kw_only]
    if len(args) > len(positional):
        return False
    names = {p.name for p in params}
    if any(k not in names for k in kwargs):
        return False
    for i, p in enumerate(params):
        given = i < len(args) and not p.kw_only
        if given and p.name in kwargs:
            return False
        if not given and p.name not in kwargs:
            if not p.has_default:
                return False
            continue
        if not _fits(args[i] if given else kwargs[p.name], p):
            return False
    return True


Overloads = Sequence[tuple[Sequence[Param], Callable[..., Any]]]


def pick(name: str, overloads: Overloads, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    """Calls the first overload that accepts the arguments, as pybind11 does."""
    for params, fn in overloads:
        if accepts(params, args, kwargs):
            return fn(*args, **kwargs)
    raise TypeError(f"{name}(): incompatible function arguments")


def register_polyfills() -> None:
    """Tell dynamo to trace each generated polyfill in place of its pybind11 function."""
    from aten_mini import _C, _C_polyfills

    for name, polyfill in _C_polyfills.POLYFILLS.items():
        original = getattr(_C, name)
        torch.compiler.substitute_in_graph(original, skip_signature_check=True)(polyfill)


class _RunAfterImport(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Runs `callback` right after module `name` has been imported (once).

    It finds the module's spec with the other finders and stands in as its
    loader for one `exec_module`, handing the module back to the real loader.
    """

    def __init__(self, name: str, callback: Callable[[], None]) -> None:
        self.name, self.callback = name, callback
        self.loader: importlib.abc.Loader | None = None

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            self.loader, spec.loader = spec.loader, self
        return spec

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        assert self.loader is not None
        return self.loader.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        assert self.loader is not None
        module.__loader__ = module.__spec__.loader = self.loader  # type: ignore[union-attr]
        self.loader.exec_module(module)
        self.callback()


def run_after_import(name: str, callback: Callable[[], None]) -> None:
    """`callback()` now if module `name` is loaded, else right after it is."""
    if name in sys.modules:
        callback()
    else:
        sys.meta_path.insert(0, _RunAfterImport(name, callback))


def register() -> None:
    """Called once by `import aten_mini`. See Note [torch.compile support]."""
    register_fakes()
    run_after_import("torch._dynamo", register_polyfills)


# --------------------------------------------------------------------------- polyfill helpers
# See Note [Polyfills of out= and in-place variants] in torchgen_mini/dest/polyfills.py.


def copy_inplace(self: torch.Tensor, result: torch.Tensor) -> torch.Tensor:
    """`self` holding `result`, with the checks of an in-place kernel.

    Plain `if`s rather than torch._check: dynamo traces them (on static dtypes,
    and on sizes as guards) but not torch._check's message closures.
    """
    if self.shape != result.shape:
        raise RuntimeError(
            f"output with shape {list(self.shape)} doesn't match the broadcast "
            f"shape {list(result.shape)}"
        )
    if _kind(result.dtype) > _kind(self.dtype):
        raise RuntimeError(
            f"result type {result.dtype} can't be cast to the desired output type {self.dtype}"
        )
    return self.copy_(result)


def _kind(dtype: torch.dtype) -> int:
    """bool < integers < floating < complex: torch.can_cast(a, b) is kind(a) <= kind(b).

    (torch.can_cast itself is a graph op to dynamo, whose bool it cannot branch on.)
    """
    if dtype.is_complex:
        return 3
    if dtype.is_floating_point:
        return 2
    return 0 if dtype == torch.bool else 1


def can_copy_out(out: torch.Tensor, result: torch.Tensor) -> bool:
    """Whether out= may be written as `out.copy_(result)`: same dtype, shape and device."""
    same = out.dtype == result.dtype and out.device == result.device
    return same and out.shape == result.shape
