"""`RegisterAutograd.cpp`: backward nodes and Autograd / ADInplaceOrView kernels.

For every entry of derivatives.yaml this module writes a backward node (a
`torch::autograd::Node` subclass such as `MulBackward0`) that holds exactly
what the formulas use, and whose `apply()` evaluates the formulas.  Then, for
every overload of native_functions.yaml, the kernel registered at the
`Autograd` key: it builds the node, runs the op below autograd and attaches
the node to the result.  See Note [Autograd kernel kinds].  Mutating
overloads also get an `ADInplaceOrView` kernel that bumps version counters.
This module decides what each piece holds (what a node saves, which formula
each gradient evaluates, which kernel an overload gets); the C++ of the
pieces is in the macros of `templates/macros/autograd.cpp`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from torchgen_mini.api import dispatcher
from torchgen_mini.derivatives import Derivative, DifferentiabilityInfo
from torchgen_mini.dest import forward_ad, per_op
from torchgen_mini.dest.forward_ad import ForwardFormula
from torchgen_mini.model import (
    Argument,
    BaseTy,
    BaseType,
    ListType,
    NativeFunction,
    OptionalType,
    ParseError,
    SchemaKind,
    Type,
)
from torchgen_mini.output import Context, Output
from torchgen_mini.templating import render_macro

# Note [Autograd kernel kinds]
# Each overload gets one Autograd kernel, chosen by what the YAML says:
#   - CompositeImplicitAutograd: none; autograd sees the ops it calls.
#   - a derivatives.yaml entry (an in-place variant uses its functional
#     variant's entry, as in PyTorch): a differentiable kernel.
#   - out= variants: never differentiable; the kernel refuses inputs that
#     require grad, as PyTorch does.
#   - anything else: the kernel refuses inputs that require grad and says
#     where to add a formula.  Without it the dispatcher's fallback would
#     quietly return a result with no gradient.
# The op itself runs below autograd (`at::AutoDispatchBelowAutograd` and the
# matching key set); mutating ops pass through ADInplaceOrView on the way,
# where the version counter of each mutated tensor is bumped.

MISSING_FORMULA_HINT = "add a formula for it to tools/autograd/derivatives.yaml"
MACROS = "macros/autograd.cpp"
AG = "torch::autograd"

# Note [Saved sizes and dtypes]
# A formula that only needs `self.sizes()` or `self.scalar_type()` should not
# keep all of `self` alive until backward.  Such calls are replaced by a
# saved member (`self_sizes`, `self_scalar_type`) that the forward kernel
# fills in; `self` itself is then saved only if the formula uses it otherwise.
_ATTRS = {
    "sizes": ("std::vector<int64_t>", "{}.sizes().vec()"),
    "scalar_type": ("at::ScalarType", "{}.scalar_type()"),
}


@dataclass(frozen=True)
class Saved:
    """One member of a backward node and how the forward kernel fills it."""

    member: str
    cpp_type: str
    value: str  # the C++ expression the forward kernel stores
    unpacked: str | None  # a SavedVariable: the local that apply() unpacks it into
    after_call: bool
    needed_by: frozenset[int]
    unpack_arg: str = ""  # the argument of SavedVariable::unpack

    @property
    def condition(self) -> str:
        """When the forward kernel saves it: one of the gradients that need it is wanted."""
        return " || ".join(f"grad_fn->should_compute_output({i})" for i in sorted(self.needed_by))


@dataclass(frozen=True)
class Gradient:
    """The gradient of one differentiable input: its edge index and formula."""

    index: int
    name: str
    formula: str


@dataclass(frozen=True)
class BackwardNode:
    """A generated `torch::autograd::Node` subclass for one entry."""

    name: str
    info: DifferentiabilityInfo
    inputs: tuple[Argument, ...]
    gradients: tuple[Gradient, ...]


# --------------------------------------------------------------------------
# Formulas: which variables they use, and how those are saved
# --------------------------------------------------------------------------

_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"')


def _uses(formula: str, name: str) -> bool:
    code = _STRING_RE.sub('""', formula)
    return re.search(rf"(?<![\w.:]){re.escape(name)}(?!\w)", code) is not None


def _attr_re(var: str, attr: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w.:]){re.escape(var)}\.{attr}\(\)")


def _substitute_attrs(formula: str, var: str) -> tuple[str, list[str]]:
    used = []
    for attr in _ATTRS:
        pat = _attr_re(var, attr)
        if pat.search(formula):
            formula = pat.sub(f"{var}_{attr}", formula)
            used.append(attr)
    return formula, used


def _check_supported(d: Derivative, node: str) -> None:
    if len(d.var_names) != 1:
        raise ParseError(
            f"'{', '.join(d.var_names)}' shares one formula among several inputs, "
            f"which the kit's autograd codegen does not support yet ({node})",
            "give each input its own formula",
            d.loc,
        )
    for word in ("grads", "grad_input_mask", "wrap_opt_if", "retain_variables"):
        if _uses(d.formula, word):
            raise ParseError(f"'{word}' is not supported by the kit's autograd codegen", loc=d.loc)


def _value_cpp_type(t: Type) -> str:
    if t == BaseType(BaseTy.Scalar):
        return "at::Scalar"
    if isinstance(t, OptionalType) and isinstance(t.elem, ListType):
        return "c10::OptionalArray<int64_t>"
    if isinstance(t, ListType) and t.elem == BaseType(BaseTy.int):
        return "std::vector<int64_t>"
    if isinstance(t, OptionalType) and t.elem == BaseType(BaseTy.ScalarType):
        return "std::optional<at::ScalarType>"
    simple = {BaseTy.int: "int64_t", BaseTy.bool: "bool", BaseTy.float: "double"}
    if isinstance(t, BaseType) and t.name in simple:
        return simple[t.name]
    raise ParseError(f"a formula uses an argument of type {t}, which the kit cannot save yet")


def _saved_input(a: Argument, inplace: bool, needed: frozenset[int]) -> Saved:
    if a.type.is_tensor_like():
        if a.type.is_list_like() is not None:
            raise ParseError(f"saving the tensor list '{a.name}' is not supported yet")
        # See Note [In-place formulas]
        value = f"{a.name}.clone()" if inplace and a.name == "self" else a.name
        save = f"{AG}::SavedVariable({value}, false)"
        return Saved(f"{a.name}_", f"{AG}::SavedVariable", save, a.name, False, needed)
    cpp_type = _value_cpp_type(a.type)
    # An int[] arrives as an IntArrayRef, a view of the caller's memory: keep a copy.
    value = f"{a.name}.vec()" if cpp_type == "std::vector<int64_t>" else a.name
    return Saved(a.name, cpp_type, value, None, False, needed)


def _saved_result(inplace: bool, needed: frozenset[int]) -> Saved:
    # Note [In-place formulas]
    # An in-place variant shares the node of its functional variant.  In its
    # formulas `result` is `self` after the op, and `self` is the value before
    # it: the kernel saves `self.clone()` (only if a gradient that needs it
    # is wanted), since the op overwrites `self`.
    value = f"{AG}::SavedVariable({'self, true, self.is_view()' if inplace else 'result, true'})"
    owner = "at_mini::autograd::node_ptr(this)"
    return Saved("result_", f"{AG}::SavedVariable", value, "result", True, needed, owner)


# --------------------------------------------------------------------------
# Backward nodes
# --------------------------------------------------------------------------


def node_name(info: DifferentiabilityInfo, counts: dict[str, int]) -> str:
    """`AddBackward0` for the first entry of op `add`, `AddBackward1` for the next."""
    base = info.func.name.name.base
    camel = "".join(p[:1].upper() + p[1:] for p in base.split("_") if p)
    n = counts.get(camel, 0)
    counts[camel] = n + 1
    return f"{camel}Backward{n}"


def backward_node(info: DifferentiabilityInfo, name: str) -> BackwardNode | None:
    formulas = info.default
    if formulas is None or not formulas.derivatives:
        return None
    if info.output_differentiability is not None and not any(
        d is not False for d in info.output_differentiability
    ):
        # Every output declared non-differentiable: as upstream, no node is
        # recorded and the result does not require grad, formulas or not.
        return None
    for d in formulas.derivatives:
        _check_supported(d, name)
    if len(info.func.returns) != 1:
        raise ParseError("ops with several outputs are not supported yet", loc=info.loc)
    inputs = tuple(
        a for a in info.func.arguments.flat_non_out if formulas.formula_for(a.name) is not None
    )
    grads = []
    for i, a in enumerate(inputs):
        formula = formulas.formula_for(a.name)
        assert formula is not None
        grads.append(Gradient(i, a.name, formula.formula))
    return BackwardNode(name, info, inputs, tuple(grads))


def saved_values(node: BackwardNode, inplace: bool) -> list[Saved]:
    """What the node keeps, and which gradients need each.

    See Note [Saved sizes and dtypes].
    """
    grads = list(node.gradients)
    saved: list[Saved] = []
    for a in node.info.func.arguments.flat_non_out:
        if a.type.is_tensor_like():
            for attr in _ATTRS:
                grads, needed = _take_attr(grads, a.name, attr)
                if needed:
                    cpp, value = _ATTRS[attr]
                    saved.append(
                        Saved(f"{a.name}_{attr}", cpp, value.format(a.name), None, False, needed)
                    )
        needed = frozenset(g.index for g in grads if _uses(g.formula, a.name))
        if needed:
            saved.append(_saved_input(a, inplace, needed))
    needed = frozenset(g.index for g in grads if _uses(g.formula, "result"))
    if needed:
        saved.append(_saved_result(inplace, needed))
    return saved


def _take_attr(grads: list[Gradient], var: str, attr: str) -> tuple[list[Gradient], frozenset[int]]:
    out, needed = [], set()
    for g in grads:
        pat = _attr_re(var, attr)
        if pat.search(g.formula):
            needed.add(g.index)
            g = Gradient(g.index, g.name, pat.sub(f"{var}_{attr}", g.formula))
        out.append(g)
    return out, frozenset(needed)


def final_gradients(node: BackwardNode) -> list[Gradient]:
    """The formulas as `apply()` evaluates them (sizes and dtypes substituted)."""
    grads = list(node.gradients)
    for a in node.info.func.arguments.flat_non_out:
        if a.type.is_tensor_like():
            for attr in _ATTRS:
                grads, _ = _take_attr(grads, a.name, attr)
    return grads


def node_struct(node: BackwardNode) -> str:
    """The C++ declaration of the node, with its `apply()` inline."""
    saved = saved_values(node, inplace=False)
    return render_macro(
        MACROS,
        "node_struct",
        func=str(node.info.func.name),
        name=node.name,
        releases=[s for s in saved if s.unpacked is not None],
        members=saved,
    )


def node_apply(node: BackwardNode) -> str:
    """`<Node>::apply`: per wanted gradient, unpack what it needs and evaluate it."""
    saved = [s for s in saved_values(node, inplace=False) if s.unpacked is not None]
    gradients = [
        {
            "index": g.index,
            "name": g.name,
            "formula": g.formula,
            "unpacks": [s for s in saved if g.index in s.needed_by],
        }
        for g in final_gradients(node)
    ]
    return render_macro(
        MACROS, "node_apply", name=node.name, n_inputs=len(node.inputs), gradients=gradients
    )


# --------------------------------------------------------------------------
# Autograd kernels
# --------------------------------------------------------------------------


def kernel_name(f: NativeFunction) -> str:
    return f"autograd_{dispatcher.name(f.func)}"


def _params(f: NativeFunction) -> str:
    return ", ".join(["c10::DispatchKeySet ks", dispatcher.signature(f).params()])


def _call_below(f: NativeFunction, guard: str, keyset: str) -> str:
    sig = dispatcher.signature(f)
    return render_macro(
        MACROS,
        "call_below",
        returns=sig.returns,
        guard=guard,
        op=dispatcher.qualified_op(f),
        keyset=keyset,
        args=sig.arg_names(),
    )


def _below_autograd(f: NativeFunction) -> str:
    if f.func.is_mutable():
        return _call_below(f, "at::AutoDispatchBelowAutograd", "c10::after_autograd_keyset")
    return _call_below(
        f, "at::AutoDispatchBelowADInplaceOrView", "c10::after_ADInplaceOrView_keyset"
    )


def _tensor_args(f: NativeFunction, with_out: bool) -> list[str]:
    args = f.func.arguments.flat_all if with_out else f.func.arguments.flat_non_out
    return [a.name for a in args if a.type.is_tensor_like()]


def _head(f: NativeFunction) -> dict[str, str]:
    """The return type, name and parameters of the Autograd kernel of `f`."""
    returns = dispatcher.signature(f).returns
    return {"returns": returns, "name": kernel_name(f), "params": _params(f)}


def refusing_kernel(f: NativeFunction, message: str, fw_reason: str) -> str:
    """A kernel for an overload with no gradient: refuse inputs that require grad
    or carry a tangent (See Note [Forward-mode AD kernels])."""
    tensor_args = _tensor_args(f, with_out=True)
    tensors = ", ".join(tensor_args)
    return render_macro(
        MACROS,
        "refusing_kernel",
        **_head(f),
        check=f"{AG}::compute_requires_grad({tensors})" if tensors else "false",
        message=message,
        forbid=forward_ad.forbid(f, tensor_args, fw_reason),
        below=_below_autograd(f),
    )


def non_differentiable_kernel(f: NativeFunction) -> str:
    """An entry without backward formulas: the result simply has no gradient."""
    return render_macro(MACROS, "non_differentiable_kernel", **_head(f), below=_below_autograd(f))


def missing_formula_message(f: NativeFunction) -> str:
    where = f"{Path(f.loc.file).name}:{f.loc.line}"
    return (
        f'"aten_mini::{f.func.name}: an input requires grad, but the op has no derivative '
        f'formula: {MISSING_FORMULA_HINT} (the op is declared at {where})"'
    )


def out_message(f: NativeFunction) -> str:
    return (
        f"\"aten_mini::{f.func.name}: functions with out=... arguments don't support "
        'automatic differentiation, but one of the arguments requires grad."'
    )


def differentiable_kernel(f: NativeFunction, node: BackwardNode, fw: ForwardFormula | None) -> str:
    """The Autograd kernel that records `node` for a functional or in-place overload,
    and sets the output's tangent from `fw` (See Note [Forward-mode AD kernels])."""
    inplace = f.func.kind() is SchemaKind.inplace
    saved = saved_values(node, inplace)
    if fw is None:
        reason = forward_ad.no_formula_reason(f)
        before = forward_ad.forbid(f, [a.name for a in node.inputs], reason)
        after = []
    else:
        before, after = [forward_ad.before_call(fw)], [forward_ad.after_call(fw)]
    # Outputs are saved after their tangent is set, so that a saved result keeps it.
    after_call = [s for s in saved if s.after_call]
    return render_macro(
        MACROS,
        "differentiable_kernel",
        **_head(f),
        inputs=", ".join(a.name for a in node.inputs),
        inplace_checks=["self"] if inplace else [],
        forward_ad_before=before,
        node=node.name,
        saves=[s for s in saved if not s.after_call],
        below=_below_autograd(f),
        history="rebase_history" if inplace else "set_history",
        forward_ad_after=after,
        after_call=[after_call] if after_call else [],
    )


def inplace_or_view_kernel(f: NativeFunction) -> str:
    """Below autograd, a mutating overload bumps the version of what it writes."""
    return render_macro(
        MACROS,
        "inplace_or_view_kernel",
        returns=dispatcher.signature(f).returns,
        name=inplace_or_view_name(f),
        params=_params(f),
        below=_call_below(
            f, "at::AutoDispatchBelowADInplaceOrView", "c10::after_ADInplaceOrView_keyset"
        ),
        written=[a.name for a in f.func.arguments.flat_all if a.is_write],
    )


def inplace_or_view_name(f: NativeFunction) -> str:
    return f"inplace_or_view_{dispatcher.name(f.func)}"


# --------------------------------------------------------------------------
# The file
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class AutogradPlan:
    """Nodes from derivatives.yaml and, per overload, its Autograd kernel."""

    nodes: list[BackwardNode]
    kernels: list[tuple[NativeFunction, str]]
    inplace_or_view: list[NativeFunction]


def plan(fns: list[NativeFunction], infos: list[DifferentiabilityInfo]) -> AutogradPlan:
    counts: dict[str, int] = {}
    nodes: dict[DifferentiabilityInfo, BackwardNode | None] = {}
    for info in infos:
        nodes[info] = backward_node(info, node_name(info, counts))
    own = {info.native: info for info in infos if info.native.func == info.func}
    functional = {
        i.func.signature(): i for i in own.values() if i.func.kind() is SchemaKind.functional
    }
    kernels = []
    for f in fns:
        found = own.get(f) or functional.get(f.func.signature())
        node = None if found is None else nodes[found]
        fw = None if found is None or node is None else _forward_formula(f, found)
        kernel = _kernel_for(f, found, node, fw)
        if kernel is not None:
            kernels.append((f, kernel))
    mutating = [
        f for f in fns if f.func.is_mutable() and not f.has_composite_implicit_autograd_kernel
    ]
    return AutogradPlan([n for n in nodes.values() if n is not None], kernels, mutating)


def _forward_formula(f: NativeFunction, info: DifferentiabilityInfo) -> ForwardFormula | None:
    """`f`'s tangent formula: its entry's, or its functional variant's rewritten in place."""
    if f.func.kind() not in (SchemaKind.functional, SchemaKind.inplace):
        return None
    fw = forward_ad.functional_formula(info)
    if fw is None or info.func == f.func:
        return fw
    return forward_ad.inplace_formula(fw)


def _kernel_for(
    f: NativeFunction,
    info: DifferentiabilityInfo | None,
    node: BackwardNode | None,
    fw: ForwardFormula | None,
) -> str | None:
    if f.has_composite_implicit_autograd_kernel:
        return None
    kind = f.func.kind()
    if kind is SchemaKind.out:
        return refusing_kernel(f, out_message(f), forward_ad.out_reason())
    if node is not None and kind in (SchemaKind.functional, SchemaKind.inplace):
        return differentiable_kernel(f, node, fw)
    if info is not None:
        return non_differentiable_kernel(f)
    return refusing_kernel(f, missing_formula_message(f), forward_ad.no_formula_reason(f))


def includes(fns: list[NativeFunction], p: AutogradPlan, code: list[str]) -> list[str]:
    """The per-op headers of the ops it registers or calls (Note [Per-operator headers])."""
    registered = [f for f, _ in p.kernels] + p.inplace_or_view
    return per_op.include_lines(
        [per_op.ops_header(f.root_name) for f in registered]
        + [per_op.api_header(root) for root in per_op.called_roots(code, fns)]
    )


@dataclass(frozen=True)
class Impl:
    """One `m.impl(<op>, TORCH_FN(<kernel>))` line of a TORCH_LIBRARY_IMPL block."""

    op: str
    kernel: str


def compute(fns: list[NativeFunction], infos: list[DifferentiabilityInfo]) -> dict[str, object]:
    p = plan(fns, infos)
    applies = [node_apply(n) for n in p.nodes]
    kernels = [k for _, k in p.kernels]
    return {
        "includes": includes(fns, p, applies + kernels),
        "node_structs": [node_struct(n) for n in p.nodes],
        "node_applies": applies,
        "kernels": kernels,
        "autograd_impls": [Impl(str(f.func.name), kernel_name(f)) for f, _ in p.kernels],
        "inplace_or_view_kernels": [inplace_or_view_kernel(f) for f in p.inplace_or_view],
        "inplace_or_view_impls": [
            Impl(str(f.func.name), inplace_or_view_name(f)) for f in p.inplace_or_view
        ],
    }


OUTPUT = "RegisterAutograd.cpp"


def outputs(ctx: Context) -> Iterator[Output]:
    """RegisterAutograd.cpp, when the run has a derivatives.yaml (`ctx.derivatives`)."""
    if ctx.derivatives is not None:
        yield Output(OUTPUT, OUTPUT, compute(ctx.native_functions, ctx.derivatives))
