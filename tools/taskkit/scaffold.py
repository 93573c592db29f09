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
)

# Note [What new-op scaffolds]
# One pointwise-shaped op `foo` with one or two Tensor inputs and one Tensor
# result: the YAML entries (functional, and `foo_` / `foo.out` when asked)
# sharing one DispatchStub `foo_stub: void(at::TensorIteratorBase&)`; a
# device-generic `native/Foo.cpp` that builds a broadcasting, type-promoting
# TensorIterator and calls the stub; loops in `native/cpu/FooKernel.cpp` and
# `native/cuda/FooKernel.cu` that fail with
# "TODO(new-op): implement foo in <that file>"; an OpInfo, a docstring whose
# example is still to be written, and `not_implemented` derivative formulas.
# So the build succeeds at once, and every test of the op fails naming the
# file to edit. Other shapes (reductions, several results) are written by
# hand: CONTRIBUTING.md, "Adding an op end-to-end".


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
    blocks = [
        f"- func: {p.functional}\n  variants: function\n  dispatch:\n"
        f"    {_keys(p)}: {p.name}\n  dispatch_stub:\n    {p.stub}: void(at::TensorIteratorBase&)\n"
    ]
    if p.inplace is not None:
        blocks.append(
            f"- func: {p.inplace}\n  variants: function\n  dispatch:\n    {_keys(p)}: {p.name}_\n"
        )
    if p.out is not None:
        blocks.append(f"- func: {p.out}\n  dispatch:\n    {_keys(p)}: {p.name}_out\n")
    return "\n".join(blocks)


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
        *_functional_kernel(p, fns, tensors),
        *_inplace_kernel(p, fns, tensors),
        *_out_kernel(p, fns, tensors),
        "} // namespace at_mini::native",
    ]
    return "\n".join(body) + "\n"


def _functional_kernel(p: Plan, fns: dict[str, NativeFunction], tensors: list[str]) -> list[str]:
    return [
        f"{_signature(fns[str(p.functional.name)], p.name)} {{",
        "  at::Tensor out;",
        f"  auto iter = {p.name}_iterator(out, {', '.join(tensors)});",
        f"  {p.stub}(iter.device_type(), iter);",
        "  return iter.output();",
        "}",
        "",
    ]


def _inplace_kernel(p: Plan, fns: dict[str, NativeFunction], tensors: list[str]) -> list[str]:
    if p.inplace is None:
        return []
    return [
        f"{_signature(fns[str(p.inplace.name)], p.name + '_')} {{",
        f"  auto iter = {p.name}_iterator(self, {', '.join(tensors)});",
        f"  {p.stub}(iter.device_type(), iter);",
        "  return self;",
        "}",
        "",
    ]


def _out_kernel(p: Plan, fns: dict[str, NativeFunction], tensors: list[str]) -> list[str]:
    if p.out is None:
        return []
    return [
        f"{_signature(fns[str(p.out.name)], p.name + '_out')} {{",
        f"  auto iter = {p.name}_iterator(out, {', '.join(tensors)});",
        f"  {p.stub}(iter.device_type(), iter);",
        "  return out;",
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


def opinfo_entry(p: Plan, torch_has: bool, functional_has: bool) -> str:
    samples = "sample_inputs_unary" if len(p.tensor_inputs()) == 1 else "sample_inputs_binary"
    return (
        f"    OpInfo(\n"
        f'        "{p.name}",\n'
        f"        # TODO(new-op): check the reference (a NaN placeholder if torch has no\n"
        f"        # function of this name), the samples and the dtypes.\n"
        f"        ref={_reference(p.name, torch_has, functional_has)},\n"
        f"        sample_inputs_func={samples},\n"
        f"        dtypes=FLOATING,\n"
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
