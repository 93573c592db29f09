"""vmap batching rules for every aten_mini operator, derived from its schema and tags.

# Note [Batching rules from the schema]
# torch.vmap runs an operator on a BatchedTensor by calling the kernel
# registered for the FuncTorchBatched dispatch key; without one, functorch
# falls back to a loop over the batch, one call per example, and warns "There
# is a performance drop because we have not yet implemented the batching rule
# for aten_mini::<op>". Upstream writes these rules in C++ (functorch's
# BatchRules*.cpp, by op family: pointwise, reductions, ...); an operator
# library outside PyTorch registers them with `torch.library.register_vmap`,
# which is what this module does, at `import aten_mini`, for every overload of
# the namespace. No rule is written per op: each is derived from what the
# registered schema and tags say (the same facts native_functions.yaml
# states), so a new op in the YAML gets its rule without an edit here:
#
#   - out= overloads (a kwarg-only `Tensor(a!)`) get no rule. Upstream vmap
#     does not batch out= variants either: functorch's fallback refuses them
#     with "Batching rule not implemented for aten_mini::add.out; the fallback
#     path doesn't work on out= or view ops", the error a learner gets upstream.
#   - `pointwise` (tag): every Tensor argument's batch dim moves to the front;
#     batched tensors of lower logical rank get size-1 dims after it, so that
#     broadcasting lines up the logical dims as it would for one example; the
#     op runs once; the result's batch dim is 0. See Note [A batched 0-dim
#     tensor and type promotion] for the one case where that alone is wrong.
#   - `reduction` (tag) with an `int[1]? dim` (or `int[]`): each logical dim is
#     wrapped against the logical rank (so negative dims and the range error
#     are those of one example) and shifted past the batch dim; `dim=None` or
#     an empty list means every logical dim. An overload with no `dim` at all
#     (`sum(self, *, dtype)`) reduces every logical dim through the packet's
#     overload that has one (`sum.dim_IntList`).
#   - no tag, self the only Tensor, an `int dim`, and a result of self's shape
#     (checked once on meta tensors at registration): a scan such as cumsum;
#     `dim` is wrapped and shifted like a reduction's.
#   - in-place overloads (`Tensor(a!) self` returned) of the kinds above write
#     into the batched self through a view of it and return self, keeping its
#     batch dim. If self is not batched but another argument is, the results
#     of the examples cannot all go into the one self: refused, as upstream.
#
# An overload that fits none of these, or has an argument the rules do not
# batch (`Tensor?`, `Tensor[]`, a kwarg-only Tensor, several results), gets
# no rule, so it falls back (slow, with functorch's warning, but correct)
# rather than running a guessed rule;
# UNDERIVED lists them with the reason, and test/ops/test_vmap.py requires
# that list to be empty for the kit's ops. A 0-dim logical tensor is batched
# as shape (B,), so rules that index dims treat it as rank 1 and squeeze back.
#
# Nested vmap works because register_vmap's wrapper unwraps one level, runs
# the rule with that level's key excluded, and wraps the result again; an
# outer level's BatchedTensors reach the rule as plain-looking tensors and hit
# the same rule one level out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

NAMESPACE = "aten_mini"

# qualified overload name -> why no batching rule could be derived for it.
UNDERIVED: dict[str, str] = {}
# out= overloads: no rule by design (functorch refuses them, as upstream).
OUT_VARIANTS: list[str] = []
# qualified overload name -> the kind of rule registered ("pointwise", ...).
KINDS: dict[str, str] = {}

_LIB: torch.library.Library | None = None

Rule = Callable[..., tuple[Any, Any]]


# --------------------------------------------------------------------------- schema facts


def _is_tensor(arg: torch._C.Argument) -> bool:
    return isinstance(arg.type, torch.TensorType)


def _writes(arg: torch._C.Argument) -> bool:
    return arg.alias_info is not None and arg.alias_info.is_write


def is_out_variant(schema: torch._C.FunctionSchema) -> bool:
    return any(a.kwarg_only and _writes(a) and _is_tensor(a) for a in schema.arguments)


def is_inplace(schema: torch._C.FunctionSchema) -> bool:
    args = schema.arguments
    return bool(args) and _writes(args[0]) and not is_out_variant(schema)


def _dim_arg(schema: torch._C.FunctionSchema) -> torch._C.Argument | None:
    return next((a for a in schema.arguments if a.name == "dim"), None)


class Signature:
    """What the rules read of a schema, read once: pybind11 schema objects are slow to walk."""

    def __init__(self, schema: torch._C.FunctionSchema) -> None:
        self.schema = schema
        self.name = qualified_name(schema)
        args = schema.arguments
        self.names = [a.name for a in args]
        self.kwarg_only = [a.kwarg_only for a in args]
        self.defaults = [a.default_value if a.has_default_value() else None for a in args]
        self.tensors = [a.name for a in args if _is_tensor(a)]
        self.positional = [a.name for a in args if not a.kwarg_only]
        self.keywords = [a.name for a in args if a.kwarg_only]


class _Call:
    """One call's arguments, bound to the schema by name, with defaults filled in."""

    def __init__(
        self,
        sig: Signature,
        in_dims: tuple[Any, ...],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        self.sig = sig
        self.values: dict[str, Any] = {}
        self.bdims: dict[str, int | None] = {}
        for i, name in enumerate(sig.names):
            bdim = None
            if not sig.kwarg_only[i] and i < len(args):
                value = args[i]
                bdim = in_dims[i] if i < len(in_dims) else None
            elif name in kwargs:
                value = kwargs[name]
            else:
                value = sig.defaults[i]
            self.values[name] = value
            self.bdims[name] = bdim

    def tensor_names(self) -> list[str]:
        return [n for n in self.sig.tensors if isinstance(self.values[n], torch.Tensor)]

    def logical_rank(self, name: str) -> int:
        t = self.values[name]
        return int(t.dim()) - (self.bdims[name] is not None)

    def call(self, op: Any, /, **override: Any) -> Any:
        values = {**self.values, **override}
        positional = [values[n] for n in self.sig.positional]
        return op(*positional, **{n: values[n] for n in self.sig.keywords})


def wrap_dim(dim: int, rank: int) -> int:
    """`dim` wrapped against a logical rank, with torch's error (a 0-dim tensor counts as 1-d)."""
    n = max(rank, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    return dim + n if dim < 0 else dim


def _front(t: torch.Tensor, bdim: int | None) -> torch.Tensor:
    return t if bdim is None else t.movedim(bdim, 0)


def qualified_name(schema: torch._C.FunctionSchema) -> str:
    """`aten_mini::add.Tensor`, `aten_mini::relu` (no `.default`)."""
    return schema.name + (f".{schema.overload_name}" if schema.overload_name else "")


def _unbatched_self_error(name: str, other: str) -> RuntimeError:
    return RuntimeError(
        f"vmap: {name}(self, *extra_args) is not possible because there exists a Tensor "
        f"`{other}` in extra_args that is vmapped over while `self` is not: the in-place op "
        "would have to write one result per example into the same unbatched `self`. Use the "
        "out-of-place operator instead, or vmap over `self` too."
    )


def _check_self_batched(call: _Call) -> None:
    """In-place ops: refuse a batched argument when self is not batched (see the Note)."""
    self_name = call.sig.names[0]
    if call.bdims[self_name] is not None:
        return
    for name in call.tensor_names():
        if call.bdims[name] is not None:
            raise _unbatched_self_error(call.sig.name, name)


# --------------------------------------------------------------------------- pointwise

# Note [A batched 0-dim tensor and type promotion]
# Type promotion treats a 0-dim tensor as a number: float32 (4, 7) + float64
# 0-dim is float32, complex64 (4, 7) + float64 0-dim is complex64. Batched,
# that 0-dim tensor is physically (B,), a tensor with dims, so the same call
# on the physical tensors would give float64 and complex128. (torch's own
# where.self batching rule has this bug in 2.14: vmap gives float64 where the
# loop gives float32; test/ops/test_vmap.py compares with the loop.) So when
# a batched logical 0-dim tensor meets other tensors, the rule asks the op for
# one example's result dtype (a call on meta tensors of the logical shapes,
# which also raises torch's own error where one example would, e.g. an int
# self and a float 0-dim other in place) and casts each such 0-dim tensor to
# it, as TensorIterator casts a 0-dim operand to the common dtype. Bool ones
# are left alone: bool never raises a result dtype, and where's condition must
# stay bool. A result that is bool (a comparison) is no common dtype, so no
# cast is made; if the physical result's dtype still differs from one
# example's, the rule computes the batch one example at a time rather than
# return the wrong dtype.


def _logical_meta(t: torch.Tensor, bdim: int | None) -> torch.Tensor:
    shape = list(t.shape)
    if bdim is not None:
        del shape[bdim]
    return torch.empty(shape, dtype=t.dtype, device="meta")


def _promotion_fixes(op: Any, call: _Call) -> tuple[dict[str, torch.Tensor], torch.dtype | None]:
    """(casts, one example's result dtype); see Note [A batched 0-dim tensor and type promotion]."""
    names = call.tensor_names()
    scalars = [n for n in names if call.bdims[n] is not None and call.logical_rank(n) == 0]
    if not scalars or len(names) < 2:
        return {}, None
    metas = {n: _logical_meta(call.values[n], call.bdims[n]) for n in names}
    want = call.call(op, **metas).dtype
    fixes = {}
    for n in scalars:
        t = call.values[n]
        if want != torch.bool and t.dtype not in (want, torch.bool):
            fixes[n] = t.to(want)
    return fixes, want


def _one_at_a_time(op: Any, call: _Call, size: int) -> torch.Tensor:
    """The batch computed example by example (the last resort of the Note above)."""
    results = []
    for b in range(size):
        one = {
            n: call.values[n].select(call.bdims[n] or 0, b)
            for n in call.tensor_names()
            if call.bdims[n] is not None
        }
        results.append(call.call(op, **one))
    return torch.stack(results)


def pointwise_rule(op: Any, schema: torch._C.FunctionSchema) -> Rule:
    inplace = is_inplace(schema)
    sig = Signature(schema)

    def rule(info: Any, in_dims: tuple[Any, ...], *args: Any, **kwargs: Any) -> tuple[Any, Any]:
        call = _Call(sig, in_dims, args, kwargs)
        if inplace:
            _check_self_batched(call)
        fixes, want = _promotion_fixes(op, call)
        call.values.update(fixes)
        names = call.tensor_names()
        rank = max(call.logical_rank(n) for n in names)
        physical = {}
        for n in names:
            bdim = call.bdims[n]
            if bdim is None:
                continue
            t = _front(call.values[n], bdim)
            pad = rank - call.logical_rank(n)
            physical[n] = t[(slice(None),) + (None,) * pad] if pad else t
        result = call.call(op, **physical)
        if want is not None and not inplace and result.dtype != want:
            return _one_at_a_time(op, call, info.batch_size), 0
        if inplace:
            self_name = sig.names[0]
            return call.values[self_name], call.bdims[self_name]
        return result, 0

    return rule


# --------------------------------------------------------------------------- dims


def _logical_dims(call: _Call, dims: Any, rank: int) -> list[int]:
    """The logical dims a reduction's `dim` names, wrapped, in the order given."""
    if dims is None or (isinstance(dims, (list, tuple)) and len(dims) == 0):
        return list(range(rank))
    dims = [dims] if isinstance(dims, int) else list(dims)
    wrapped = [wrap_dim(d, rank) for d in dims]
    seen: set[int] = set()
    for d in wrapped:
        if d in seen:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        seen.add(d)
    return wrapped


def reduction_rule(op: Any, schema: torch._C.FunctionSchema, with_dim: Any) -> Rule:
    """`with_dim` is the overload called on the physical tensor (op itself if it has `dim`)."""
    has_dim = _dim_arg(schema) is not None
    sig = Signature(schema)

    def rule(info: Any, in_dims: tuple[Any, ...], *args: Any, **kwargs: Any) -> tuple[Any, Any]:
        call = _Call(sig, in_dims, args, kwargs)
        self_name = sig.names[0]
        x = _front(call.values[self_name], call.bdims[self_name])
        rank = x.dim() - 1
        dims = _logical_dims(call, call.values["dim"] if has_dim else None, rank)
        keepdim = bool(call.values.get("keepdim", False))
        if rank == 0:  # one example is 0-dim: so is its sum, keepdim or not
            x, physical_dims, keepdim = x.unsqueeze(1), [1], False
        else:
            physical_dims = [d + 1 for d in dims]
        rest = {n: call.values[n] for n in sig.keywords}
        return with_dim(x, physical_dims, keepdim, **rest), 0

    return rule


def scan_rule(op: Any, schema: torch._C.FunctionSchema) -> Rule:
    inplace = is_inplace(schema)
    sig = Signature(schema)

    def rule(info: Any, in_dims: tuple[Any, ...], *args: Any, **kwargs: Any) -> tuple[Any, Any]:
        call = _Call(sig, in_dims, args, kwargs)
        self_name = sig.names[0]
        original = call.values[self_name]
        x = _front(original, call.bdims[self_name])
        rank = x.dim() - 1
        dim = wrap_dim(call.values["dim"], rank)
        if rank == 0:
            x = x.unsqueeze(1)
        result = call.call(op, **{self_name: x, "dim": dim + 1})
        if inplace:
            return original, call.bdims[self_name]
        return (result.squeeze(1) if rank == 0 else result), 0

    return rule


# --------------------------------------------------------------------------- derivation


def _is_scan(op: Any, schema: torch._C.FunctionSchema) -> bool:
    """Self the only Tensor, an `int dim`, and a result of self's shape on meta tensors."""
    dim = _dim_arg(schema)
    tensors = [a for a in schema.arguments if _is_tensor(a)]
    if dim is None or not isinstance(dim.type, torch.IntType) or len(tensors) != 1:
        return False
    if tensors[0] is not schema.arguments[0]:
        return False
    try:
        probe = torch.empty(2, 3, 5, device="meta")
        out = op(probe, 1)
    except Exception:
        return False
    return isinstance(out, torch.Tensor) and out.shape == probe.shape


def _with_dim_overload(packet: Any) -> Any:
    """The overload of a reduction's packet that takes `dim` as a list, or None."""
    for name in packet.overloads():
        candidate = getattr(packet, name)
        schema = candidate._schema
        dim = _dim_arg(schema)
        if dim is None or is_out_variant(schema) or is_inplace(schema):
            continue
        if "List[int]" in str(dim.type):
            return candidate
    return None


def derive(op: Any) -> tuple[str, Rule] | str:
    """(kind, rule) for one overload, or why no rule can be derived."""
    schema = op._schema
    tags = set(op.tags)
    if not schema.returns or any(not _is_tensor(r) for r in schema.returns):
        return "returns something other than Tensors"
    if len(schema.returns) != 1:
        return "more than one result"
    if any(_is_tensor(a) and a.kwarg_only for a in schema.arguments):
        return "a kwarg-only Tensor argument"
    # A `Tensor?` or `Tensor[]` argument could carry a batch dim the rules do not
    # move; rather no rule (the fallback loop) than a silently wrong one.
    other = [a.name for a in schema.arguments if "Tensor" in str(a.type) and not _is_tensor(a)]
    if other:
        return f"an optional Tensor or Tensor list argument ({', '.join(other)})"
    if torch.Tag.pointwise in tags:
        return "pointwise", pointwise_rule(op, schema)
    if torch.Tag.reduction in tags:
        dim = _dim_arg(schema)
        if dim is not None and "List[int]" in str(dim.type):
            return "reduction", reduction_rule(op, schema, op)
        if dim is None:
            packet = getattr(getattr(torch.ops, NAMESPACE), schema.name.split("::")[1])
            with_dim = _with_dim_overload(packet)
            if with_dim is not None:
                return "reduction", reduction_rule(op, schema, with_dim)
        return "a reduction whose `dim` is neither absent nor a list of ints"
    if _is_scan(op, schema):
        return "scan", scan_rule(op, schema)
    return "no pointwise or reduction tag, and not a scan over `int dim`"


def _overloads() -> list[Any]:
    ops = []
    for qualname in sorted(torch._C._dispatch_get_all_op_names()):
        ns, _, rest = qualname.partition("::")
        if ns != NAMESPACE:
            continue
        name, _, overload = rest.partition(".")
        packet = getattr(getattr(torch.ops, NAMESPACE), name)
        ops.append(getattr(packet, overload or "default"))
    return ops


def register() -> None:
    """register_vmap for every overload a rule can be derived for (once per process)."""
    global _LIB
    if _LIB is not None:
        return
    _LIB = torch.library.Library(NAMESPACE, "FRAGMENT")  # type: ignore[no-untyped-call]
    for op in _overloads():
        qualname = qualified_name(op._schema)
        if is_out_variant(op._schema):
            OUT_VARIANTS.append(qualname)
            continue
        derived = derive(op)
        if isinstance(derived, str):
            UNDERIVED[qualname] = derived
            continue
        kind, rule = derived
        KINDS[qualname] = kind
        torch.library.register_vmap(op, rule, lib=_LIB)
