"""The text `./kit new-op` writes: YAML entries, kernel stubs, OpInfo, docs, formulas.

Every function here returns text and writes nothing; `new_op` decides where it
goes. See Note [What new-op scaffolds] for the shape of the scaffold.
"""

from __future__ import annotations

from dataclasses import dataclass

from torchgen_mini.api import cpp
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
# result: the YAML entries (functional, and `foo_` / `foo.out` when asked)
# sharing one DispatchStub `foo_stub: void(at::TensorIteratorBase&)`, each
# tagged `pointwise` with a `shape_function` (its fake kernel, so
# torch.compile and opcheck work; see Note [Choosing the shape function]); a
# device-generic `native/Foo.cpp` that builds a broadcasting, type-promoting
# TensorIterator and calls the stub; loops in `native/cpu/FooKernel.cpp` and
# `native/cuda/FooKernel.cu` that fail with
# "TODO(new-op): implement foo in <that file>"; an OpInfo (upstream's
# reference and dtypes, special-value samples: see Note [The scaffolded
# OpInfo]), a docstring whose example is still to be written, and
# `not_implemented` derivative formulas.
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

    @property
    def stub(self) -> str:
        return f"{self.name}_stub"

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
        blocks.append(_entry(p, p.out, p.name + "_out", "", shape))
    return "\n".join(blocks)


def _entry(p: Plan, f: FunctionSchema, kernel: str, extra: str, shape: str) -> str:
    """One YAML entry, keys in the order the native-yaml lint wants; `extra` before the shape."""
    variants = "" if f is p.out else "  variants: function\n"
    dispatch = f"  dispatch:\n    {_keys(p)}: {kernel}\n"
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
    return "\n".join(lines) + "\n"


def _signature(fn: NativeFunction, kernel: str) -> str:
    return cpp.native_signature(fn, kernel).decl()


def generic_source(p: Plan, fns: dict[str, NativeFunction]) -> str:
    tensors = [a.name for a in p.tensor_inputs()]
    params = ", ".join(f"const at::Tensor& {t}" for t in tensors)
    inputs = "".join(f"\n      .add_const_input({t})" for t in tensors)
    body = [
        f"// {p.name}: device-generic kernels, scaffolded by ./kit new-op.",
        f"// Loops: {p.cpu_file.removeprefix('aten_mini/native/')}"
        + (f", {p.cuda_file.removeprefix('aten_mini/native/')}." if p.cuda else "."),
        "",
        '#include "DispatchStubs.h"',
        '#include "NativeFunctions.h"',
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
        *_kernel(p, fns, p.out, p.name + "_out", "out", tensors),
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
            '#include "DispatchStubs.h"',
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
    return 'lambda *args, **kwargs: torch.full_like(args[0], float("nan"))'


# Note [The scaffolded OpInfo]
# The OpInfo new-op writes is meant to catch the bugs a first kernel has, not
# to pass. Its reference is upstream's op (`torch.<name>`, else
# `torch.nn.functional.<name>`) when one exists, else a NaN placeholder that
# fails every sample until it is replaced. Its dtypes are the CPU dtypes of
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
        f"    ),\n"
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
