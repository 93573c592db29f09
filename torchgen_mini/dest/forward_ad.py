"""Forward-mode AD in the Autograd kernels, from the `result:` formulas.

derivatives.yaml gives, next to the backward formulas of an entry, a formula
for the tangent of its output (a Jacobian-vector product): `result: self_t +
maybe_multiply(other_t, alpha)`.  This module turns that formula into the code
the Autograd kernel of each overload runs after the op itself: read the
inputs' tangents and primals, evaluate the formula, `_set_fw_grad` the result.
It expands `auto_element_wise` and `auto_linear`, rewrites the functional
formula for the in-place variant, and gives the refusals (out= variants, and
ops without a formula).  The C++ of these pieces is in the macros of
`templates/macros/forward_ad.cpp`.  See Note [Forward-mode AD kernels].
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from torchgen_mini.api import cpp
from torchgen_mini.derivatives import DifferentiabilityInfo
from torchgen_mini.diagnostics import Location
from torchgen_mini.model import NativeFunction, ParseError, SchemaKind
from torchgen_mini.templating import render_macro

# Note [Forward-mode AD kernels]
# Under `torch.autograd.forward_ad.dual_level()` and in `torch.func.jvp` /
# `jacfwd`, an input carries a tangent (its forward grad at level 0; functorch
# maps its own levels onto level 0 as it runs each kernel).  PyTorch's rule,
# which the kit follows: whenever a differentiable input has a tangent, the
# Autograd kernel computes the tangent of the output from the entry's
# `result:` formula and sets it with `_set_fw_grad`.  In the formula
#   - `self_t` is the tangent of input `self`, `self_p` its primal value (the
#     bare name `self` is ambiguous there and rejected); `result` is the
#     output; other arguments (`alpha`, `dim`) are in scope by name;
#   - an input without a tangent has a tangent of zeros
#     (`at::_efficientzerotensor`, which costs no memory; `at::zeros` for
#     `self` of an in-place op, whose tangent may be written to);
#   - `auto_element_wise` (one differentiable input, an elementwise op) is the
#     backward formula with `grad` replaced by `self_t.conj()` and each input
#     by its primal, conjugated: the Jacobian is diagonal, so J v = (v^H J)^H;
#   - `auto_linear` is the op itself called on the tangents: for a linear op
#     f, J v = f(v).
# An in-place variant reuses its functional variant's formula: `result`
# becomes `self_p` (self after the op), a use of `self_p`/`self_t` becomes
# `original_self_p`/`original_self_t` (a clone of self taken before the op,
# only when a tangent is present), and the tangent of `self` is updated in
# place (`self_t_raw.copy_(...)`), so views of it see the change.
# out= variants are not forward-differentiable, and an op with a backward
# but no forward formula is not either: both raise PyTorch's "Trying to use
# forward AD with <op> that does not support it" (NotImplementedError) when
# an input has a tangent, rather than return a result without one.  The kit
# checks before running the op, so a refused call changes nothing; PyTorch
# checks after it.
AG = "torch::autograd"
AUTO_ELEMENT_WISE = "auto_element_wise"
AUTO_LINEAR = "auto_linear"
NO_FORMULA_HINT = "Add a `result:` formula for it to tools/autograd/derivatives.yaml"

_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"')


def _ident(name: str) -> re.Pattern[str]:
    """`name` as a whole C++ identifier (not `x.name`, `ns::name`, `name_x`)."""
    return re.compile(rf"(?<![\w.:]){re.escape(name)}(?!\w)")


def uses(formula: str, name: str) -> bool:
    """Whether the C++ expression `formula` mentions the variable `name`."""
    return _ident(name).search(_STRING_RE.sub('""', formula)) is not None


def rename(formula: str, old: str, new: str) -> str:
    return _ident(old).sub(new, formula)


@dataclass(frozen=True)
class ForwardFormula:
    """The tangent of one overload's output, as its Autograd kernel computes it."""

    output: str  # `result`, or `self` for an in-place variant
    formula: str  # the final C++ expression
    tangents: tuple[str, ...]  # inputs whose tangent it reads (`<name>_t`)
    primals: tuple[str, ...]  # inputs whose primal it reads (`<name>_p`)
    original_self: bool = False  # in-place: reads a clone of self from before the op
    inplace: bool = False  # sets the tangent of `self`, the output of an in-place op
    reuses_functional: bool = False  # an in-place variant on its functional variant's formula


def differentiable_inputs(info: DifferentiabilityInfo) -> tuple[str, ...]:
    """The inputs with a backward formula, in schema order (PyTorch's args_with_derivatives)."""
    formulas = info.default
    if formulas is None:
        return ()
    return tuple(
        a.name
        for a in info.func.arguments.flat_non_out
        if a.type.is_tensor_like() and formulas.formula_for(a.name) is not None
    )


def _found(formula: str, inputs: tuple[str, ...], suffix: str) -> tuple[str, ...]:
    return tuple(n for n in inputs if uses(formula, n + suffix))


def functional_formula(info: DifferentiabilityInfo) -> ForwardFormula | None:
    """The `result:` formula of an entry, expanded and checked; None if it has none."""
    formulas = info.default
    if formulas is None or not formulas.forward_derivatives:
        return None
    fw = formulas.forward_derivatives[0]
    if len(formulas.forward_derivatives) > 1 or len(fw.var_names) > 1:
        raise ParseError("forward formulas for several outputs are not supported yet", loc=fw.loc)
    inputs = differentiable_inputs(info)
    if fw.formula == AUTO_ELEMENT_WISE:
        formula = _element_wise(info, inputs, fw.loc)
    elif fw.formula == AUTO_LINEAR:
        formula = _linear(info, inputs, fw.loc)
    else:
        formula = fw.formula
        _check_names(info, inputs, formula, fw.loc)
    tangents = _found(formula, inputs, "_t")
    if not tangents:
        raise ParseError(
            f"the forward formula of '{info.func.name}' uses no input tangent",
            f"use the tangents of its differentiable inputs: {', '.join(n + '_t' for n in inputs)}",
            fw.loc,
        )
    ff = ForwardFormula("result", formula, tangents, _found(formula, inputs, "_p"))
    if info.func.kind() is SchemaKind.inplace:
        return _own_inplace(info, ff, fw.loc)
    return ff


def _check_names(
    info: DifferentiabilityInfo, inputs: tuple[str, ...], formula: str, loc: Location
) -> None:
    for name in inputs:
        if uses(formula, name):
            raise ParseError(
                f"the forward formula of '{info.func.name}' uses the bare name '{name}', "
                "which is ambiguous there",
                f"use {name}_p for its primal value and {name}_t for its tangent",
                loc,
            )
    if uses(formula, "grad"):
        raise ParseError(
            f"the forward formula of '{info.func.name}' uses 'grad', which only backward "
            "formulas have",
            "a forward formula combines the input tangents (self_t, ...) instead",
            loc,
        )


def _element_wise(info: DifferentiabilityInfo, inputs: tuple[str, ...], loc: Location) -> str:
    formulas = info.default
    assert formulas is not None
    if info.func.kind() is SchemaKind.inplace:
        raise ParseError(
            f"'{AUTO_ELEMENT_WISE}' cannot be used for the in-place variant '{info.func.name}'",
            "give it for the functional variant; the in-place one reuses it",
            loc,
        )
    if len(inputs) != 1 or len(formulas.derivatives) != 1:
        raise ParseError(
            f"'{AUTO_ELEMENT_WISE}' needs exactly one differentiable input with a backward "
            f"formula, but '{info.func.name}' has {len(inputs)}",
            "write the forward formula out (e.g. 'self_t * other_p + other_t * self_p')",
            loc,
        )
    name = inputs[0]
    formula = rename(formulas.derivatives[0].formula, "grad", f"{name}_t.conj()")
    return f"({rename(formula, name, name + '_p')}).conj()"


def _linear(info: DifferentiabilityInfo, inputs: tuple[str, ...], loc: Location) -> str:
    if not inputs:
        raise ParseError(
            f"'{AUTO_LINEAR}' needs a differentiable input, and '{info.func.name}' has none",
            loc=loc,
        )
    args = [a.name + "_t" if a.name in inputs else a.name for a in info.func.arguments.flat_non_out]
    return f"at_mini::{cpp.cpp_api_name(info.native)}({', '.join(args)})"


def _own_inplace(info: DifferentiabilityInfo, ff: ForwardFormula, loc: Location) -> ForwardFormula:
    # An entry written for the in-place variant itself: `result` is self after the op.
    if uses(ff.formula, "self_p"):
        raise ParseError(
            f"the forward formula of '{info.func.name}' uses self_p, the value of self that "
            "the op overwrites",
            "use 'result' (self after the op) instead",
            loc,
        )
    formula = rename(ff.formula, "result", "self_p")
    primals = ff.primals + (("self",) if uses(formula, "self_p") else ())
    return replace(ff, output="self", formula=formula, primals=primals, inplace=True)


def inplace_formula(ff: ForwardFormula) -> ForwardFormula:
    """The functional variant's formula, rewritten for its in-place variant.

    See Note [Forward-mode AD kernels].
    """
    formula = ff.formula
    original = uses(formula, "self_p")
    if original:
        formula = rename(rename(formula, "self_p", "original_self_p"), "self_t", "original_self_t")
    formula = rename(formula, "result", "self_p")
    formula = f"self_t_raw.defined() ? self_t_raw.copy_({formula}) : {formula}"
    tangents = ff.tangents if "self" in ff.tangents else ("self", *ff.tangents)
    primals = tuple(p for p in ff.primals if p != "self")
    if uses(formula, "self_p"):
        primals = ("self", *primals)
    return ForwardFormula("self", formula, tangents, primals, original, True, True)


# --------------------------------------------------------------------------
# C++ for the Autograd kernels: pieces rendered from templates/macros/forward_ad.cpp
# --------------------------------------------------------------------------


MACROS = "macros/forward_ad.cpp"


def any_name(ff: ForwardFormula) -> str:
    return f"_any_has_forward_grad_{ff.output}"


def _defined(names: list[str]) -> str:
    return "(" + " || ".join(f"{AG}::isFwGradDefined({n})" for n in names) + ")"


@dataclass(frozen=True)
class Tangent:
    """A tangent that the formula reads, as `after_call` unpacks it."""

    name: str  # `self` for `self_t`, `original_self` for `original_self_t`
    zeros: str  # the ATen function making a zero tangent when there is none
    wrapped_numbers: tuple[str, ...]  # (name,) if a wrapped-number flag is carried over


def before_call(ff: ForwardFormula) -> str:
    """Whether a tangent is present (and the clone of self an in-place formula reads)."""
    flag, defined = any_name(ff), _defined(list(ff.tangents))
    originals = ["self"] if ff.original_self else []
    return render_macro(MACROS, "before_call", flag=flag, defined=defined, originals=originals)


def after_call(ff: ForwardFormula) -> str:
    """Evaluate the formula and set the output's tangent (after the op has run)."""
    tangents = []
    for name in ff.tangents:
        inplace_self = ff.inplace and name == "self"
        zeros = "zeros_symint" if inplace_self else "_efficientzerotensor_symint"
        tangents.append(Tangent(name, zeros, () if inplace_self else (name,)))
    originals = [Tangent("original_self", "zeros_symint", ())] if ff.original_self else []
    # An in-place variant on its functional variant's formula (without a clone of
    # self) reads self's tangent after the op updates it in place: read a copy.
    cloned = ["self"] if ff.reuses_functional and not ff.original_self else []
    return render_macro(
        MACROS,
        "after_call",
        out=ff.output,
        flag=any_name(ff),
        formula=ff.formula,
        inplace_op="true" if ff.inplace else "false",
        tangents=tangents,
        primals=list(ff.primals),
        originals=originals,
        cloned=cloned,
    )


def forbid(f: NativeFunction, inputs: list[str], reason: str) -> list[str]:
    """PyTorch's refusal when an input has a tangent the op cannot propagate:
    one piece of C++, or none when `inputs` is empty."""
    if not inputs:
        return []
    op = cpp.cpp_api_name(f)
    return [render_macro(MACROS, "forbid", defined=_defined(inputs), op=op, reason=reason)]


def out_reason() -> str:
    return "because it is an out= function"


def no_formula_reason(f: NativeFunction) -> str:
    where = f"{Path(f.loc.file).name}:{f.loc.line}"
    return (
        f"because it has not been implemented yet.\\n{NO_FORMULA_HINT} "
        f"(the op is declared at {where})"
    )
