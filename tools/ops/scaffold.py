"""The text `./kit new-op` writes: YAML entries, kernel stubs, OpInfo, docs, formulas.

Every function here returns text and writes nothing; `new_op` decides where it
goes. See Note [What new-op scaffolds] for the shape of the scaffold.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from torchgen_mini.api import cpp
from torchgen_mini.dest import structured as structured_dest
from torchgen_mini.model import (
    Argument,
    BaseTy,
    BaseType,
    FunctionSchema,
    NativeFunction,
    OptionalType,
)

# Note [What new-op scaffolds]
# One pointwise-shaped op `foo` with one or two Tensor inputs and one Tensor
# result, structured by default as upstream writes its pointwise ops:
# `foo.out` says `structured: True` and `structured_inherits:
# TensorIteratorBase` and carries the `dispatch:` (kernel `foo_out`); `foo`
# (and `foo_` with --inplace) say `structured_delegate: foo.out`. They share
# one DispatchStub `foo_stub: void(at::TensorIteratorBase&)`, and each is
# tagged `pointwise` with a `shape_function` (its fake kernel, so
# torch.compile and opcheck work; see Note [Choosing the shape function]).
# The device-generic `native/Foo.cpp` defines TORCH_META_FUNC(foo), which
# builds the TensorIterator (build_borrowing_unary_op / _binary_op:
# broadcasting, type promotion; upstream's builders) and so computes the
# result's shape and dtype, and TORCH_IMPL_FUNC(foo_out), which calls the
# stub; the codegen writes the functional, in-place and out= wrappers for
# CPU, CUDA and Meta around them (Note [How structured wrappers allocate
# outputs] in torchgen_mini/dest/structured.py). `--no-structured` writes
# the older form instead: a `dispatch:` on each entry and one hand-written
# kernel per variant in `native/Foo.cpp` that builds the same iterator.
# Loops in `native/cpu/FooKernel.cpp` and `native/cuda/FooKernel.cu` fail
# with "TODO(new-op): implement foo in <that file>". Every file includes
# only the op's own generated headers (ops/foo_native.h, ops/foo_stubs.h),
# so adding the op recompiles its own files. Then an OpInfo (upstream's
# reference and dtypes, special-value samples: see Note [The scaffolded
# OpInfo]), a docstring whose example is still to be written, and a
# derivatives.yaml entry with `not_implemented` gradients and a TODO for
# them and for the `result:` (forward-mode) formula.
# So the build succeeds at once, and every test of the op fails naming the
# file to edit (test_todos in test/ops/test_ops.py fails on every
# `TODO(new-op)` marker left, with its file:line). Other shapes (reductions,
# several results) are written by hand: CONTRIBUTING.md, "Adding an op
# end-to-end".

# Note [Choosing the shape function]
# The scaffolded TensorIterator promotes the Tensor inputs to their common
# dtype and nothing else, which is `pointwise` of those tensors in
# python/aten_mini/_shape_functions.py: the bare name when the schema has
# only tensors, `pointwise(self, other)` when it has other arguments too
# (ints, floats and bools are parameters of the op, like softplus's beta).
# Two kinds of argument can change the result's dtype, and only the op's
# author knows whether they do: a Scalar (an operand like add.Scalar's `other`
# takes part in type promotion; a parameter like alpha does not) and a
# ScalarType (`dtype=`). For those the entry keeps the tensors-only choice,
# which matches the scaffolded kernel, under a TODO(new-op) comment saying
# what to choose instead.


@dataclass(frozen=True)
class Plan:
    name: str
    camel: str
    functional: FunctionSchema
    inplace: FunctionSchema | None
    out: FunctionSchema | None
    cuda: bool
    # structured (Note [What new-op scaffolds]): the kernels are meta() and
    # impl() of the out= entry, which must then exist
    structured: bool = False

    def __post_init__(self) -> None:
        assert not self.structured or self.out is not None, "a structured op needs its out="

    @property
    def stub(self) -> str:
        return f"{self.name}_stub"

    @property
    def out_kernel(self) -> str:
        return f"{self.name}_out"

    @property
    def generic_file(self) -> str:
        return f"aten_mini/native/{self.camel}.cpp"

    @property
    def cpu_file(self) -> str:
        return f"aten_mini/native/cpu/{self.camel}Kernel.cpp"

    @property
    def cuda_file(self) -> str:
        return f"aten_mini/native/cuda/{self.camel}Kernel.cu"

    def tensor_inputs(self) -> list[Argument]:
        return [a for a in self.functional.arguments.flat_non_out if _is_tensor(a)]

    def kernel_files(self) -> list[str]:
        return [self.generic_file, self.cpu_file] + ([self.cuda_file] if self.cuda else [])


def _is_tensor(a: Argument) -> bool:
    return a.type == BaseType(BaseTy.Tensor)


def _args_text(f: FunctionSchema) -> str:
    text = str(f)
    return text[text.index("(") + 1 : text.rindex(") ->")]


def inplace_schema(f: FunctionSchema) -> FunctionSchema:
    """`foo(Tensor self, ...) -> Tensor` as `foo_(Tensor(a!) self, ...) -> Tensor(a!)`."""
    args = "Tensor(a!) self" + _args_text(f).removeprefix("Tensor self")
    overload = f".{f.name.overload_name}" if f.name.overload_name else ""
    return FunctionSchema.parse(f"{f.name.name.base}_{overload}({args}) -> Tensor(a!)")


def out_schema(f: FunctionSchema) -> FunctionSchema:
    """`foo(Tensor self) -> Tensor` as `foo.out(Tensor self, *, Tensor(a!) out) -> Tensor(a!)`."""
    star = ", " if f.arguments.kwarg_only else ", *, "
    return FunctionSchema.parse(
        f"{f.name.name.base}.out({_args_text(f)}{star}Tensor(a!) out) -> Tensor(a!)"
    )


def yaml_entries(p: Plan) -> str:
    shape, todo = shape_function(p)
    stub = f"  dispatch_stub:\n    {p.stub}: void(at::TensorIteratorBase&)\n"
    blocks = [_entry(p, p.functional, p.name, stub + todo, shape)]
    if p.inplace is not None:
        blocks.append(_entry(p, p.inplace, p.name + "_", "", shape))
    if p.out is not None:
        blocks.append(_entry(p, p.out, p.out_kernel, "", shape))
    return "\n".join(blocks)


def _entry(p: Plan, f: FunctionSchema, kernel: str, extra: str, shape: str) -> str:
    """One YAML entry, keys in the order the native-yaml lint wants; `extra` before the shape.

    Structured: the out= entry is the structured kernel (and the only one with a
    `dispatch:`), the others delegate to it.
    """
    variants = "" if f is p.out else "  variants: function\n"
    dispatch = f"  dispatch:\n    {_keys(p)}: {kernel}\n"
    if p.structured and f is p.out:
        dispatch = "  structured: True\n  structured_inherits: TensorIteratorBase\n" + dispatch
    elif p.structured:
        dispatch = f"  structured_delegate: {p.out.name if p.out else ''}\n"
    return f"- func: {f}\n{variants}{dispatch}  tags: pointwise\n{extra}  shape_function: {shape}\n"


def shape_function(p: Plan) -> tuple[str, str]:
    """(`shape_function` value, TODO comment or ""). See Note [Choosing the shape function]."""
    args = p.functional.arguments.flat_non_out
    tensors = [a.name for a in args if _is_tensor(a)]
    shape = "pointwise" if len(tensors) == len(args) else f"pointwise({', '.join(tensors)})"
    scalars = [a.name for a in args if _base(a) == BaseTy.Scalar]
    dtypes = [a.name for a in args if _base(a) == BaseTy.ScalarType]
    lines = _scalar_todo(p, shape, tensors, scalars) if scalars else []
    lines += _dtype_todo(dtypes) if dtypes else []
    if not lines:
        return shape, ""
    variants = [str(f.name) for f in (p.inplace, p.out) if f is not None]
    if variants:
        lines.append(f"Give {' and '.join(variants)} the same shape_function.")
    lines.append("Then delete these TODO(new-op) lines.")
    return shape, "".join(f"  # {line}\n" for line in lines)


def _base(a: Argument) -> BaseTy | None:
    t = a.type.elem if isinstance(a.type, OptionalType) else a.type
    return t.name if isinstance(t, BaseType) else None


def _scalar_todo(p: Plan, shape: str, tensors: list[str], scalars: list[str]) -> list[str]:
    names = ", ".join(f"`{n}`" for n in scalars)
    operand = f"pointwise({', '.join(tensors + scalars)})"
    return [
        f"TODO(new-op): does Scalar {names} take part in type promotion? No, it is a",
        f"parameter (like softplus's beta): keep `{shape}`. Yes, an operand",
        f"(like add.Scalar's other: int tensor + 2.5 is float): use `{operand}`",
        f"and add it to the TensorIterator in {p.generic_file} (wrapped_scalar_tensor).",
    ]


def _dtype_todo(dtypes: list[str]) -> list[str]:
    names = ", ".join(f"`{n}`" for n in dtypes)
    return [
        f"TODO(new-op): `pointwise` ignores {names}: if the result's dtype follows it, write",
        "a shape function that reads it in python/aten_mini/_shape_functions.py (as",
        "`reduction` does) and name it here.",
    ]


def _keys(p: Plan) -> str:
    return "CPU, CUDA" if p.cuda else "CPU"


def derivatives_entry(p: Plan) -> str:
    lines = [f"- name: {p.functional}"]
    lines += [f'  {a.name}: not_implemented("{p.name}")' for a in p.tensor_inputs()]
    lines += [f"  # {line}" for line in _derivatives_todo(p)]
    return "\n".join(lines) + "\n"


def _derivatives_todo(p: Plan) -> list[str]:
    """What to write for backward and forward-mode AD (the file's header comment says more)."""
    names = [a.name for a in p.tensor_inputs()]
    tangents = " and ".join(f"{n}_t" for n in names)
    values = " and ".join(f"{n}_p" for n in names)
    if len(names) == 1:
        forward = (
            f"Forward AD: add `result: auto_element_wise` (derived from the backward formula "
            f"of an elementwise op of one input) or a formula of {tangents} (the input's "
            f"tangent), {values} (its value) and result; set supports_forward_ad=True."
        )
    else:
        forward = (
            f"Forward AD: add `result: <the output's tangent>`, a formula of {tangents} "
            f"(the inputs' tangents), {values} (their values) and result (mul.Tensor has "
            "`other_t * self_p + self_t * other_p`); set supports_forward_ad=True."
        )
    text = (
        "TODO(new-op): the derivatives. Backward: replace each not_implemented with the "
        "gradient of that input (a formula of grad, the inputs and result) and set "
        f"supports_autograd=True in the op's OpInfo. {forward} Left out, they raise "
        'upstream\'s errors ("the derivative for ... is not implemented", "Trying to use '
        'forward AD with ... that does not support it"). Then delete these TODO(new-op) lines.'
    )
    return _wrap(text, width=84)


def _wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width`, never breaking inside a `code span`."""
    glued = re.sub(r"`[^`]*`", lambda m: m.group(0).replace(" ", "\0"), text)
    return [line.replace("\0", " ") for line in textwrap.wrap(glued, width=width)]


def _signature(fn: NativeFunction, kernel: str) -> str:
    return cpp.native_signature(fn, kernel).decl()


def _headers(p: Plan, native: bool) -> list[str]:
    """The op's own generated headers (Note [Per-operator headers] in torchgen_mini/dest/per_op.py).

    ops/<op>_native.h declares its kernels (and includes the meta classes), ops/<op>_stubs.h its
    DispatchStub; the loops need only the stub.
    """
    own = [f"ops/{p.name}_native.h"] if native else []
    return [f'#include "{h}"' for h in [*own, f"ops/{p.name}_stubs.h"]]


def _loops_line(p: Plan) -> str:
    cuda = f", {p.cuda_file.removeprefix('aten_mini/native/')}" if p.cuda else ""
    return f"// Loops: {p.cpu_file.removeprefix('aten_mini/native/')}{cuda}."


def generic_source(p: Plan, fns: dict[str, NativeFunction]) -> str:
    """native/Foo.cpp: meta() and impl() of a structured op, else one kernel per variant."""
    return structured_source(p, fns) if p.structured else unstructured_source(p, fns)


def structured_source(p: Plan, fns: dict[str, NativeFunction]) -> str:
    group = next(g for g in structured_dest.groups(list(fns.values())) if g.g.root_name == p.name)
    tensors = [a.name for a in p.tensor_inputs()]
    builder = "build_borrowing_unary_op" if len(tensors) == 1 else "build_borrowing_binary_op"
    # the impl reads no argument (the iterator has them); scalars go to the stub once it takes them
    impl_params = ", ".join(f"{b.type} /*{b.name}*/" for b in structured_dest.impl_args(group))
    meta_params = ", ".join(
        f"{b.type} {b.name}" if b.name in tensors else f"{b.type} /*{b.name}*/"
        for b in structured_dest.meta_args(group)
    )
    inputs = ", ".join(tensors)
    body = [
        f"// {p.name}: structured (`structured: True` on {p.out.name if p.out else ''}),"
        " scaffolded by ./kit new-op.",
        "// meta() checks the inputs and builds the TensorIterator, which computes the",
        "// result's shape and dtype; impl() runs the loop through the DispatchStub. The",
        "// codegen writes the functional, in-place and out= wrappers (CPU, CUDA, Meta)",
        "// that allocate, check or resize the output around them.",
        _loops_line(p),
        "",
        *_headers(p, native=True),
        "",
        "#include <ATen/TensorIterator.h>",
        "",
        "namespace at_mini::meta {",
        "",
        "// TODO(new-op): check the inputs (TORCH_CHECK with a message naming the op and",
        "// the argument) and pick the TensorIterator set-up the op needs. This one",
        "// broadcasts the inputs and computes in their promoted dtype, which out= must",
        "// hold safely; build_borrowing_unary_float_op and the other builders of",
        "// ATen/TensorIterator.h promote differently (see TORCH_META_FUNC(sigmoid)).",
        f"{structured_dest.meta_macro(group)}({meta_params}) {{",
        f"  {builder}(maybe_get_output(), {inputs});",
        "}",
        "",
        "} // namespace at_mini::meta",
        "",
        "namespace at_mini::native {",
        "",
        f"TORCH_IMPL_FUNC({p.out_kernel})({impl_params}) {{",
        f"  {p.stub}(device_type(), *this);",
        "}",
        "",
        "} // namespace at_mini::native",
    ]
    return "\n".join(body) + "\n"


def unstructured_source(p: Plan, fns: dict[str, NativeFunction]) -> str:
    tensors = [a.name for a in p.tensor_inputs()]
    params = ", ".join(f"const at::Tensor& {t}" for t in tensors)
    inputs = "".join(f"\n      .add_const_input({t})" for t in tensors)
    body = [
        f"// {p.name}: device-generic kernels, scaffolded by ./kit new-op (--no-structured).",
        _loops_line(p),
        "",
        *_headers(p, native=True),
        "",
        "#include <ATen/TensorIterator.h>",
        "",
        "namespace at_mini::native {",
        "",
        "namespace {",
        "",
        "// TODO(new-op): check the inputs (TORCH_CHECK with a message saying what was",
        "// expected) and pick the TensorIterator set-up the op needs. This one",
        "// broadcasts the inputs and computes in their promoted dtype.",
        f"at::TensorIterator {p.name}_iterator(const at::TensorBase& out, {params}) {{",
        f"  return at::TensorIteratorConfig()\n      .add_output(out){inputs}",
        "      .promote_inputs_to_common_dtype(true)",
        "      .cast_common_dtype_to_outputs(true)",
        "      .enforce_safe_casting_to_output(true)",
        "      .build();",
        "}",
        "",
        "} // namespace",
        "",
        *_kernel(p, fns, p.functional, p.name, "out", tensors),
        *_kernel(p, fns, p.inplace, p.name + "_", "self", tensors),
        *_kernel(p, fns, p.out, p.out_kernel, "out", tensors),
        "} // namespace at_mini::native",
    ]
    return "\n".join(body) + "\n"


def _kernel(
    p: Plan,
    fns: dict[str, NativeFunction],
    f: FunctionSchema | None,
    kernel: str,
    output: str,
    tensors: list[str],
) -> list[str]:
    """The kernel of variant `f` (none if the op lacks it): run the stub into `output`."""
    if f is None:
        return []
    functional = f is p.functional
    return [
        f"{_signature(fns[str(f.name)], kernel)} {{",
        *(["  at::Tensor out;"] if functional else []),
        f"  auto iter = {p.name}_iterator({output}, {', '.join(tensors)});",
        f"  {p.stub}(iter.device_type(), iter);",
        f"  return {'iter.output()' if functional else output};",
        "}",
        "",
    ]


def todo_message(p: Plan, file: str) -> str:
    return f"TODO(new-op): implement {p.name} in {file}"


def cpu_source(p: Plan) -> str:
    return _loop_source(p, p.cpu_file, "CPU loop", "<ATen/TensorIterator.h>", "kernel")


def cuda_source(p: Plan) -> str:
    header = "<ATen/native/TensorIterator.h>"
    return _loop_source(p, p.cuda_file, "CUDA loop", header, "kernel_cuda")


def _loop_source(p: Plan, file: str, what: str, header: str, suffix: str) -> str:
    example = "cpu/UnaryOpsKernel.cpp" if what.startswith("CPU") else "cuda/ActivationKernel.cu"
    return "\n".join(
        [
            f"// {what} of {p.name}, scaffolded by ./kit new-op.",
            "",
            *_headers(p, native=False),
            "",
            f"#include {header}",
            "",
            "namespace at_mini::native {",
            "namespace {",
            "",
            f"void {p.name}_{suffix}(at::TensorIteratorBase& iter) {{",
            f"  // TODO(new-op): dispatch on iter.common_dtype() and run the loop; see {example}.",
            "  (void)iter;",
            f'  TORCH_CHECK(false, "{todo_message(p, file)}");',
            "}",
            "",
            "} // namespace",
            "",
            f"REGISTER_DISPATCH({p.stub}, &{p.name}_{suffix});",
            "",
            "} // namespace at_mini::native",
            "",
        ]
    )


def _reference(name: str, torch_has: bool, functional_has: bool) -> str:
    if torch_has:
        return f"torch.{name}"
    if functional_has:
        return f"F.{name}"
    return 'lambda *args, **kwargs: torch.full_like(args[0], float("nan"), dtype=torch.float64)'


# Note [The scaffolded OpInfo]
# The OpInfo new-op writes is meant to catch the bugs a first kernel has, not
# to pass. Its reference is upstream's op (`torch.<name>`, else
# `torch.nn.functional.<name>`) when one exists, else a NaN placeholder that
# fails every sample until it is replaced (float64, so that it also runs on
# integer and bool inputs, where a NaN of the input's dtype would raise and
# pass for a kernel that raises too); with --inplace, the in-place
# reference is upstream's `torch.Tensor.<name>_` when it exists (else the
# checks derive it from `ref`). Its dtypes are the CPU dtypes of
# upstream's own OpInfo of that name (torch.testing._internal's op_db, read
# when new-op runs), limited to the dtypes the kit's check tries (ALL_DTYPES
# in test/opinfo/core.py); with no upstream OpInfo, every real dtype and bool,
# so test_dtypes says which of them the kernel really handles. Its samples are
# `sample_inputs_pointwise`: every layout, broadcast and type promotion, and
# zeros, -0.0, NaN, +-inf and the other special values of each dtype
# (Note [Special-value samples] in test/opinfo/samples.py).

# The dtypes test/opinfo/core.py's ALL_DTYPES tries, in its order
# (test_new_op checks the two agree).
KIT_DTYPES = (
    "float16", "bfloat16", "float32", "float64",
    "int8", "int16", "int32", "int64", "uint8", "bool", "complex64",
)  # fmt: skip
_FLOATING = KIT_DTYPES[:4]
_INTEGRAL = KIT_DTYPES[4:9]
# Spellings op_db.py has for common sets.
_NAMED_DTYPES = {
    (*_FLOATING, *_INTEGRAL, "bool"): "ALL_REAL_AND_BOOL",
    (*_FLOATING, *_INTEGRAL, "bool", "complex64"): "(*ALL_REAL_AND_BOOL, torch.complex64)",
    _FLOATING: "FLOATING",
    (*_FLOATING, *_INTEGRAL): "(*FLOATING, *INTEGRAL)",
}


@dataclass(frozen=True)
class Upstream:
    """What new-op found upstream for the op's name (see Note [The scaffolded OpInfo])."""

    torch_has: bool = False
    functional_has: bool = False
    # torch.Tensor.<name>_ exists: the in-place reference (raises where upstream's does)
    inplace_has: bool = False
    # upstream OpInfo's CPU dtypes, by name (`float32`); None: no upstream OpInfo
    dtypes: tuple[str, ...] | None = None


def dtypes_text(dtypes: tuple[str, ...] | None) -> str:
    """The `dtypes=` value for these dtype names (kit order; None: all real and bool)."""
    if dtypes is None:
        return "ALL_REAL_AND_BOOL"
    ordered = tuple(d for d in KIT_DTYPES if d in dtypes)
    named = _NAMED_DTYPES.get(ordered)
    if named is not None:
        return named
    return "(" + ", ".join(f"torch.{d}" for d in ordered) + ("," if len(ordered) == 1 else "") + ")"


def _dtypes_comment(p: Plan, up: Upstream) -> str:
    if up.dtypes is None:
        return "dtypes: no upstream OpInfo of this name, so all real and bool; test_dtypes checks"
    return f"dtypes: those of upstream's OpInfo('{p.name}') on CPU"


def opinfo_entry(p: Plan, up: Upstream) -> str:
    unary = len(p.tensor_inputs()) == 1
    ref = _reference(p.name, up.torch_has, up.functional_has)
    if up.torch_has or up.functional_has:
        todo = f"check the reference ({ref}), the samples and the dtypes."
    else:
        todo = f"torch has no `{p.name}`: replace this NaN placeholder reference."
    return (
        f"    {'UnaryOpInfo' if unary else 'BinaryOpInfo'}(\n"
        f'        "{p.name}",\n'
        f"        # TODO(new-op): {todo}\n"
        f"        ref={ref},\n"
        f"        # zeros, -0.0, NaN, inf, empty, 0-dim, broadcast, non-contiguous\n"
        f"        sample_inputs_func=sample_inputs_pointwise,\n"
        f"        # {_dtypes_comment(p, up)}\n"
        f"        dtypes={dtypes_text(up.dtypes)},\n"
        f"        supports_out={p.out is not None},\n"
        f"        supports_inplace={p.inplace is not None},\n"
        + (f"        ref_inplace=torch.Tensor.{p.name}_,\n" if p.inplace and up.inplace_has else "")
        + "    ),\n"
    )


_EXAMPLE_VALUE = {"int": "0", "float": "1.0", "bool": "False", "Scalar": "1", "int[]": "[0]"}


def _python_signature(f: FunctionSchema, has_out: bool) -> str:
    def one(a: Argument) -> str:
        name = "input" if a.name == "self" else a.name
        return f"{name}={a.default}" if a.default is not None else name

    parts = [one(a) for a in f.arguments.positional]
    kwargs = [one(a) for a in f.arguments.kwarg_only] + (["out=None"] if has_out else [])
    if kwargs:
        parts += ["*", *kwargs]
    return f"{f.name.name}({', '.join(parts)}) -> Tensor"


def _example_call(p: Plan) -> str:
    values = []
    for a in p.functional.arguments.positional:
        if _is_tensor(a):
            values.append("torch.tensor([1.0, 2.0])")
        elif a.default is None:
            values.append(_EXAMPLE_VALUE.get(str(a.type), "None"))
    return f"aten_mini.{p.name}({', '.join(values)})"


def docs_entry(p: Plan) -> str:
    return (
        f"add_docstr(\n"
        f'    "{p.name}",\n'
        f'    r"""\n'
        f"{_python_signature(p.functional, p.out is not None)}\n\n"
        f"TODO(new-op): say what {p.name} computes, how its inputs broadcast and\n"
        f"which dtype the result has.\n\n"
        f"Example::\n\n"
        f"    >>> import torch, aten_mini\n"
        f"    >>> {_example_call(p)}\n"
        f"    TODO(new-op): paste the output here\n"
        f'""",\n'
        f")\n"
    )
