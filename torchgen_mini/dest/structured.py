"""Structured kernels: the meta and impl classes of a structured group, and
the functional / in-place / out= wrappers the codegen writes around them.

A structured group is an op whose out= entry says `structured: True` and
whose functional and in-place entries say `structured_delegate: <op>.out`.
The contributor writes two functions and no wrapper:

    TORCH_META_FUNC2(add, Tensor)(const at::Tensor& self, ...) {...}   // shapes, dtypes
    TORCH_IMPL_FUNC(add_out)(const at::Tensor& self, ..., const at::Tensor& out) {...}

(libtorch's macros from ATen/TensorMeta.h; they name the classes declared
here, `at_mini::meta::structured_add_Tensor::meta` and
`at_mini::native::structured_add_out::impl`).  This module declares the
classes (ops/<root>_meta.h and ops/<root>_native.h) and writes, for CPU,
CUDA and Meta, one wrapper class and one wrapper function per variant.  See
Note [How structured wrappers allocate outputs].
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from torchgen_mini.api import cpp
from torchgen_mini.diagnostics import Diagnostic
from torchgen_mini.model import (
    Argument,
    BaseTy,
    BaseType,
    DispatchKey,
    NativeFunction,
    NativeFunctionsGroup,
    Precompute,
    SchemaKind,
    group_native_functions,
)
from torchgen_mini.output import Context, Output
from torchgen_mini.templating import render_macro

# Note [How structured wrappers allocate outputs]
# A structured op's meta() never allocates: it computes the output's sizes,
# strides and options and reports them through
# `set_output_raw_strided(idx, sizes, strides, options)` (a TensorIteratorBase
# does that from build(); a hand-written meta calls it, or
# set_output_contiguous, itself).  What that call does depends on the
# variant, and the codegen writes one subclass of the backend's impl class
# per (backend, variant) that overrides it:
#   functional  allocates the output (create_out: at::detail::empty_cpu /
#               empty_strided_cpu on CPU, empty_meta / empty_strided_meta on
#               Meta, at::empty / at::empty_strided on CUDA: RegisterCUDA.cpp
#               is plain C++, Note [RegisterCUDA is C++]) and keeps it in
#               outputs_;
#   in-place    keeps `self` and checks it can hold the result
#               (check_inplace: same dtype, device and sizes, else upstream's
#               "Bad in-place call" error);
#   out=        keeps `out` and resizes it (resize_out: the dtype and device
#               must match, else "Expected out tensor to have dtype ...";
#               at::native::resize_output resizes, with its warning when a
#               non-empty `out` changes shape, and only a tensor that was
#               resized is restrided to the strides meta() asked for).
# Then, when the meta class has a `structured_inherits` parent, the override
# hands on to the parent's set_output_raw_strided, so a TensorIteratorBase
# borrows the tensor through maybe_get_output(); at::impl::MetaBase's own
# set_output_* only assert, so a meta class on MetaBase (a reduction such as
# sum.dim_IntList, whose meta() calls at::meta::resize_reduction) stops at the
# override, as upstream's generated classes do.  The
# `set_output_strided` override does the same and, for in-place and out=,
# makes a proxy (a fresh tensor with the requested strides) when the given
# tensor's strides differ; the impl writes into the proxy and the wrapper
# copies it back.  The wrapper function is then
#   <class> op[(out)];  op.meta(<non-out args>);  op.impl(<args>, op.maybe_get_output(0));
#   [copy the proxy back];  return the output / self / out;
# (with `precomputed:`, `auto precompute = op.meta(...)` and impl() gets
# `precompute.<name>` in place of each replaced argument: Note [precomputed])
# and the Meta key's wrapper stops after meta(): a Meta tensor's sizes and
# dtype are all there is.  This is what upstream's RegisterDispatchKey.cpp
# does (torchgen/dest/register_dispatch_key.py, StructuredRegisterDispatchKey);
# one difference: the in-place wrapper passes op.maybe_get_output(0) to
# impl(), as the out= one does, so a proxy is written and copied back there too.

# Note [precomputed]
# `precomputed:` on a structured out= entry lets meta() hand values it has
# computed (a wrapped dim, a kernel size split in two) to impl(), instead of
# impl() computing them again:
#     precomputed:
#     - dim -> int dim              # impl() gets `int64_t dim` in place of `dim`
#     - kernel_size -> int kH, int kW
#     - bool use_fast_path          # last line, no `->`: added before the out argument
# meta() is then TORCH_PRECOMPUTE_META_FUNC[2](op)(...) and returns
# TORCH_PRECOMPUTE_STRUCT[2](op)().set_dim(d).set_kH(h)...: the meta class
# declares `template <bool DIM = false, ...> struct precompute_out`, whose
# set_<name> returns a copy with that flag true (a second set_<name> is a
# static_assert), and `meta_return_ty`, the struct with every flag true, so a
# meta() that forgets a value does not compile.  impl()'s parameters are the
# out= entry's, each replaced argument swapped for its elements, the added
# elements after the inputs, then out.  The wrappers keep the struct
# (`auto precompute = op.meta(...)`) and pass `precompute.<name>`; the Meta
# wrappers, which run no impl(), only keep it.  This is upstream's scheme
# (torchgen/model.py Precompute, torchgen/api/structured.py impl_arguments).
# The elements are members of the struct, so only types that own their value
# are allowed: int, float, bool, ScalarType, MemoryFormat, Tensor and DimVector
# (upstream's index.Tensor_out precomputes `DimVector sizes, DimVector
# strides`); validate.py rejects others, with the line.

STRUCTURED_KEYS = (DispatchKey.CPU, DispatchKey.CUDA)
META_NAMESPACE = "at_mini::meta"
NATIVE_NAMESPACE = "at_mini::native"
MACROS = "macros/structured.cpp"


@dataclass(frozen=True)
class Structured:
    """One structured group and where it is used."""

    g: NativeFunctionsGroup

    @property
    def meta_name(self) -> str:
        """`add_Tensor`: the functional overload, as upstream names the meta class."""
        return self.g.functional.func.name.unambiguous_name()

    @property
    def meta_class(self) -> str:
        return f"structured_{self.meta_name}"

    @property
    def parent(self) -> str:
        """The meta class's base: `structured_inherits`, or at::impl::MetaBase."""
        inherits = self.g.out.structured_inherits
        if inherits is None:
            return "at::impl::MetaBase"
        return inherits if "::" in inherits else f"at::{inherits}"

    @property
    def has_super(self) -> bool:
        """Whether the wrappers' set_output_* hand on to the parent's (Note [How
        structured wrappers allocate outputs]): only a `structured_inherits` parent
        has one; at::impl::MetaBase's asserts."""
        return self.g.out.structured_inherits is not None

    @property
    def precomputed(self) -> Precompute | None:
        return self.g.out.precomputed

    def impl_kernels(self) -> dict[str, list[DispatchKey]]:
        """Impl kernel name (`add_out`) -> the keys that use it."""
        result: dict[str, list[DispatchKey]] = {}
        for key in STRUCTURED_KEYS:
            kernel = self.g.out.dispatch.get(key)
            if kernel is not None:
                result.setdefault(kernel, []).append(key)
        return result


def groups(fns: list[NativeFunction]) -> list[Structured]:
    """The structured groups of `fns`, in YAML order."""
    return [
        Structured(g)
        for g in group_native_functions(fns)
        if isinstance(g, NativeFunctionsGroup) and g.structured
    ]


def group_of(f: NativeFunction, fns: list[NativeFunction]) -> Structured | None:
    for s in groups(fns):
        if any(x is f for x in s.g.functions()):
            return s
    return None


# --------------------------------------------------------------------------
# Arguments of meta() and impl()
# --------------------------------------------------------------------------


def _check_supported(s: Structured) -> list[Diagnostic]:
    """What the kit's structured codegen does not do yet, as located errors."""
    out = s.g.out
    errors: list[Diagnostic] = []
    if s.g.mutable is not None:
        errors.append(
            Diagnostic(
                s.g.mutable.loc,
                f"{s.g.mutable.func.name}: mutable (non-in-place) variants of a structured"
                " op are not supported",
            )
        )
    if len(out.func.arguments.out) != 1 or not all(
        a.type == BaseType(BaseTy.Tensor) for a in out.func.arguments.out
    ):
        errors.append(
            Diagnostic(out.loc, f"{out.func.name}: a structured op needs exactly one Tensor out")
        )
    if any(a.type.is_symint_like() for a in out.func.arguments.flat_all):
        errors.append(
            Diagnostic(
                out.loc,
                f"{out.func.name}: SymInt arguments of structured ops are not supported yet",
            )
        )
    return errors


def unsupported(fns: list[NativeFunction]) -> list[Diagnostic]:
    return [d for s in groups(fns) for d in _check_supported(s)]


def meta_args(s: Structured) -> tuple[cpp.Binding, ...]:
    """meta()'s parameters: the functional overload's arguments, schema order."""
    return cpp.bindings(s.g.functional.func.arguments.flat_non_out, with_defaults=False)


def precomputed_elements(p: Precompute) -> tuple[Argument, ...]:
    """The members of precompute_out: each replacement in order, then the added ones."""
    return (*(e for _, elems in p.replace for e in elems), *p.add)


def impl_inputs(s: Structured) -> list[Argument | str]:
    """impl()'s inputs in order: the out= entry's non-out arguments, each replaced one
    as the names of its precomputed elements (Note [precomputed]), then the added ones."""
    p = s.precomputed
    replace = dict(p.replace) if p is not None else {}
    result: list[Argument | str] = []
    for a in s.g.out.func.arguments.flat_non_out:
        if a.name in replace:
            result.extend(e.name for e in replace[a.name])
        else:
            result.append(a)
    if p is not None:
        result.extend(e.name for e in p.add)
    return result


def element_type(e: Argument) -> str:
    """The C++ type of a precomputed element in precompute_out (a value type)."""
    if e.type == BaseType(BaseTy.DimVector):
        return "at::DimVector"  # no schema type: only precomputed elements have it
    return cpp.value_type(e.type)


def _element_binding(e: Argument) -> cpp.Binding:
    """impl()'s parameter for an element: a Tensor by const reference, others by value."""
    if e.type == BaseType(BaseTy.Tensor):
        return cpp.Binding(e.name, "const at::Tensor&")
    return cpp.Binding(e.name, element_type(e))


def impl_args(s: Structured) -> tuple[cpp.Binding, ...]:
    """impl()'s parameters: the out= overload's arguments (precomputed elements in place
    of the arguments they replace, Note [precomputed]), out as `const at::Tensor&`."""
    a = s.g.out.func.arguments
    elements = {e.name: e for e in precomputed_elements(s.precomputed)} if s.precomputed else {}
    ins = tuple(
        _element_binding(elements[x])
        if isinstance(x, str)
        else cpp.bindings((x,), with_defaults=False)[0]
        for x in impl_inputs(s)
    )
    outs = tuple(cpp.Binding(x.name, "const at::Tensor&") for x in a.out)
    return ins + outs


def _params(args: tuple[cpp.Binding, ...]) -> str:
    return ", ".join(b.decl(with_default=False) for b in args)


# --------------------------------------------------------------------------
# Declarations (ops/<root>_meta.h, ops/<root>_native.h)
# --------------------------------------------------------------------------


def meta_header(root: str) -> str:
    return f"ops/{root}_meta.h"


def meta_declaration(s: Structured) -> str:
    p = s.precomputed
    return render_macro(
        MACROS,
        "meta_declaration",
        func=str(s.g.out.func.name),
        meta_macro=meta_macro(s),
        namespace=META_NAMESPACE,
        name=s.meta_class,
        parent=s.parent,
        precomputes=[precompute_struct(p)] if p is not None else [],
        returns="meta_return_ty" if p is not None else "void",
        params=_params(meta_args(s)),
    )


def meta_macro(s: Structured) -> str:
    """`TORCH_META_FUNC(sigmoid)`, `TORCH_META_FUNC2(add, Tensor)`, or with
    `precomputed:` `TORCH_PRECOMPUTE_META_FUNC[2](...)` (Note [precomputed])."""
    name = s.g.functional.func.name
    base = str(name.name)
    prefix = "TORCH_PRECOMPUTE_META_FUNC" if s.precomputed is not None else "TORCH_META_FUNC"
    if name.overload_name:
        return f"{prefix}2({base}, {name.overload_name})"
    return f"{prefix}({base})"


def precompute_struct(p: Precompute) -> str:
    """The `precompute_out` template and `meta_return_ty` of a meta class (Note [precomputed])."""
    elements = precomputed_elements(p)
    flags = [e.name.upper() for e in elements]
    setters = []
    for i, e in enumerate(elements):
        ret = ", ".join("true" if j == i else flag for j, flag in enumerate(flags))
        assigns = [
            f"{other.name} = value" if j == i else f"{other.name} = this->{other.name}"
            for j, other in enumerate(elements)
        ]
        setters.append(
            {
                "name": e.name,
                "type": element_type(e),
                "flag": flags[i],
                "ret": ret,
                "assigns": assigns,
            }
        )
    return render_macro(
        MACROS,
        "precompute_struct",
        params=", ".join(f"bool {flag} = false" for flag in flags),
        setters=setters,
        fields=[f"{element_type(e)} {e.name}" for e in elements],
        complete=", ".join("true" for _ in flags),
    )


def impl_declarations(s: Structured) -> list[str]:
    return [
        render_macro(
            MACROS,
            "impl_declaration",
            func=str(s.g.out.func.name),
            keys=", ".join(map(str, keys)),
            kernel=kernel,
            parent=f"{META_NAMESPACE}::{s.meta_class}",
            params=_params(impl_args(s)),
        )
        for kernel, keys in s.impl_kernels().items()
    ]


def compute_meta_header(root: str, structs: list[Structured]) -> dict[str, object]:
    includes = ["#include <ATen/TensorMeta.h>"]
    if any(s.parent == "at::TensorIteratorBase" for s in structs):
        includes.append("#include <ATen/TensorIterator.h>")
    return {
        "root": root,
        "includes": includes,
        "declarations": [meta_declaration(s) for s in structs],
    }


# --------------------------------------------------------------------------
# Wrappers (Register<Key>.cpp)
# --------------------------------------------------------------------------


def _create_out(key: DispatchKey) -> tuple[str, str, str]:
    """(empty, empty_strided, options expression) for the functional variant."""
    if key is DispatchKey.CPU:
        return "at::detail::empty_cpu", "at::detail::empty_strided_cpu", "options"
    if key is DispatchKey.Meta:
        return (
            "at::detail::empty_meta",
            "at::detail::empty_strided_meta",
            "options.device(at::kMeta)",
        )
    return "at::empty", "at::empty_strided", "options"


def helpers(key: DispatchKey) -> str:
    """The output helpers of one Register<Key>.cpp (templates/macros/structured.cpp).

    See Note [How structured wrappers allocate outputs].
    """
    empty, empty_strided, options = _create_out(key)
    return render_macro(
        MACROS, "helpers", empty=empty, empty_strided=empty_strided, options=options
    )


def helper_includes(key: DispatchKey) -> list[str]:
    base = [
        "#include <ATen/EmptyTensor.h>",
        "#include <ATen/native/Resize.h>",
        "#include <c10/core/DeviceGuard.h>",
        "#include <c10/util/Exception.h>",
        "#include <array>",
        "#include <functional>",
        "#include <optional>",
    ]
    if key is DispatchKey.CUDA:
        base.append("#include <ATen/ops/empty.h>")
        base.append("#include <ATen/ops/empty_strided.h>")
    return base


def class_name(s: Structured, key: DispatchKey, kind: SchemaKind) -> str:
    if key is DispatchKey.Meta:
        return f"structured_{s.meta_name}_meta_{kind.value}"
    return f"structured_{s.g.out.dispatch[key]}_{kind.value}"


def parent_class(s: Structured, key: DispatchKey) -> str:
    if key is DispatchKey.Meta:
        return f"{META_NAMESPACE}::{s.meta_class}"
    return f"{NATIVE_NAMESPACE}::structured_{s.g.out.dispatch[key]}"


# Note [torch with named tensors]
# torch removed named tensors after 2.11 (the kit pins 2.14): since then
# at::impl::MetaBase's set_output_strided / set_output_raw_strided take
# (output_idx, sizes, strides, options), before that also a DimnameList.  The
# wrapper classes override them, so their signature must match the torch they
# are compiled against.  CMakeLists.txt passes `--torch-dimnames` when torch's
# headers still have ATen/core/Dimname.h (torch 2.11, which the GPU machine
# has), and then the overrides take `at::DimnameList names` and hand it on to
# the parent.  Against the pinned torch the output is upstream's 2.14 form.


def wrapper_class(s: Structured, key: DispatchKey, kind: SchemaKind, dimnames: bool = False) -> str:
    """The subclass of the backend's impl class (or the meta class) for one variant;
    `dimnames`: see Note [torch with named tensors]."""
    name = class_name(s, key, kind)
    names = ["names"] if dimnames else []
    parent = parent_class(s, key)
    guards = ["guard_"] if key is DispatchKey.CUDA else []
    supers = [parent] if s.has_super else []
    if kind is SchemaKind.functional:
        return render_macro(
            MACROS,
            "functional_class",
            name=name,
            parent=parent,
            guards=guards,
            supers=supers,
            names=names,
        )
    return render_macro(
        MACROS,
        "borrowing_class",
        name=name,
        parent=parent,
        guards=guards,
        supers=supers,
        inplace_checks=["out"] if kind is SchemaKind.inplace else [],
        resizes=["out"] if kind is SchemaKind.out else [],
        proxies=["out"],
        names=names,
    )


def wrapper_body(s: Structured, f: NativeFunction, key: DispatchKey) -> str:
    """The statements of wrapper_<Key>_<op> for a member `f` of the group."""
    kind = f.func.kind()
    name = class_name(s, key, kind)
    meta_call = ", ".join(b.name for b in meta_args(s))
    # Note [precomputed]: the struct meta() returns, or a plain call.
    precomputes = [meta_call] if s.precomputed is not None else []
    metas = [] if s.precomputed is not None else [meta_call]
    ins = [f"precompute.{x}" if isinstance(x, str) else x.name for x in impl_inputs(s)]
    impls = [] if key is DispatchKey.Meta else [ins]
    values = {"name": name, "metas": metas, "precomputes": precomputes, "impls": impls}
    if kind is SchemaKind.functional:
        return render_macro(MACROS, "functional_body", **values)
    out = "self" if kind is SchemaKind.inplace else f.func.arguments.out[0].name
    return render_macro(MACROS, "borrowing_body", out=out, **values)


def outputs(ctx: Context) -> Iterator[Output]:
    """ops/<root>_meta.h for every root with a structured group."""
    by_root: dict[str, list[Structured]] = {}
    for s in groups(ctx.native_functions):
        by_root.setdefault(s.g.root_name, []).append(s)
    for root, structs in by_root.items():
        yield Output(meta_header(root), "ops_meta.h", compute_meta_header(root, structs))
