"""The rules a parsed native_functions.yaml must follow, each one a Diagnostic.

Parsing (`model`, `native_yaml`) checks spelling; this module checks meaning:
how out= and in-place schemas must look, aliasing, defaults against their
types, argument names, dispatch tables, tags, structured kernels, and rules
that involve several entries (duplicates, structured delegates).  Every rule
reports at the line of the key it is about, and all rules run on every entry.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Iterator

from torchgen_mini.diagnostics import Diagnostic, did_you_mean
from torchgen_mini.model import (
    COMPOSITE_KEYS,
    Argument,
    BaseTy,
    BaseType,
    DispatchKey,
    FunctionSchema,
    ListType,
    NativeFunction,
    OptionalType,
    SchemaKind,
    Type,
    Variant,
)

_Rule = Callable[[NativeFunction], Iterator[Diagnostic]]


def _at(f: NativeFunction, key: str, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(f.key_loc(key), message, hint)


# --------------------------------------------------------------------------
# Schema rules
# --------------------------------------------------------------------------


def _out_rules(f: NativeFunction) -> Iterator[Diagnostic]:
    s = f.func
    outs = s.arguments.out
    if not outs:
        return
    if s.name.name.inplace:
        yield _at(
            f, "func", f"{s.name} is both in-place (name ends in '_') and out= (has out arguments)"
        )
    if Variant.method in f.variants:
        yield _at(
            f,
            "variants",
            f"out= op {s.name} must be 'variants: function' only",
            "an out= op is never a Tensor method",
        )
    yield from _out_returns(f)


def _out_returns(f: NativeFunction) -> Iterator[Diagnostic]:
    s = f.func
    outs = s.arguments.out
    if any(str(a.type) != "Tensor" for a in outs):
        if s.returns:
            yield _at(
                f,
                "func",
                f"out= op {s.name} with non-Tensor out arguments must return ()",
                "returning a list of tensors allows no method chaining",
            )
        return
    n = sum(1 for a in outs if not a.name.startswith("_scratch_"))
    if n != len(s.returns):
        rets = ", ".join(str(a.annotation and f"Tensor({a.annotation})") for a in outs[:n])
        yield _at(
            f,
            "func",
            f"out= op {s.name} has {n} out argument(s) but {len(s.returns)} return(s)",
            f"return the out arguments: -> {rets if n == 1 else f'({rets})'}",
        )
        return
    for i, (a, r) in enumerate(zip(outs, s.returns, strict=False)):
        if a.annotation != r.annotation:
            yield _at(
                f,
                "func",
                f"return {i} of {s.name} must alias out argument '{a.name}'",
                f"annotate both as Tensor({a.annotation})",
            )


def _inplace_rules(f: NativeFunction) -> Iterator[Diagnostic]:
    s = f.func
    if not s.name.name.inplace:
        return
    me = s.arguments.self_arg
    if me is None or not me.is_write:
        yield _at(
            f,
            "func",
            f"in-place op {s.name} needs a mutable 'self' argument",
            "write Tensor(a!) self",
        )
        return
    if str(me.type) == "Tensor":
        if len(s.returns) != 1 or s.returns[0].annotation != me.annotation:
            yield _at(
                f,
                "func",
                f"in-place op {s.name} must return self",
                f"end the schema with -> Tensor({me.annotation})",
            )
    elif s.returns:
        yield _at(f, "func", f"in-place op {s.name} with a non-Tensor self must return ()")


def _mutable_positional(f: NativeFunction) -> Iterator[Diagnostic]:
    s = f.func
    anns = {r.annotation for r in s.returns}
    for a in s.arguments.pre_self_positional:
        if a.is_write:
            yield _at(f, "func", f"mutable argument '{a.name}' must not come before self")
    for a in s.arguments.post_self_positional:
        if a.is_write and a.annotation in anns and a.name.startswith("out"):
            yield _at(
                f,
                "func",
                f"out argument '{a.name}' of {s.name} must be keyword-only",
                f"put '*, ' before {a}",
            )
        elif a.is_write and a.annotation in anns:
            yield _at(
                f,
                "func",
                f"mutable positional argument '{a.name}' of {s.name} is returned",
                "return only self or out arguments; make it an out argument after '*'",
            )


def _alias_rules(f: NativeFunction) -> Iterator[Diagnostic]:
    s = f.func
    mutable = [r for r in s.returns if r.is_write]
    if mutable and len(mutable) != len(s.returns):
        yield _at(
            f,
            "func",
            f"{s.name} mixes mutable and fresh returns",
            "return either only aliased out/self tensors or only new tensors",
        )
    yield from _write_sets(f)
    yield from _return_sets(f)


def _write_sets(f: NativeFunction) -> Iterator[Diagnostic]:
    seen: dict[str, str] = {}
    for a in f.func.arguments.flat_all:
        if a.annotation is None:
            continue
        for name in a.annotation.alias_set:
            if a.is_write and name in seen:
                yield _at(
                    f,
                    "func",
                    f"arguments '{seen[name]}' and '{a.name}' share alias set '{name}'",
                    "give each mutable argument its own letter: a!, b!, ...",
                )
            seen.setdefault(name, a.name)


def _return_sets(f: NativeFunction) -> Iterator[Diagnostic]:
    s = f.func
    args = {a.annotation: a for a in s.arguments.flat_all if a.annotation is not None}
    letters = {n for ann in args for n in ann.alias_set}
    for r in s.returns:
        if r.annotation is None:
            continue
        if not set(r.annotation.alias_set) <= letters:
            yield _at(
                f,
                "func",
                f"return {r} of {s.name} aliases no argument",
                "use the alias letter of the argument it aliases",
            )
        elif r.is_write and r.annotation not in _out_and_self(s):
            yield _at(
                f,
                "func",
                f"mutable return {r} of {s.name} must alias self or an out argument",
                "did you forget to make the out argument keyword-only with '*'?",
            )


def _out_and_self(s: FunctionSchema) -> set[object]:
    me = s.arguments.self_arg
    anns = {a.annotation for a in s.arguments.out}
    return anns | ({me.annotation} if me is not None else set())


# Names upstream PyTorch uses as positional arguments although they are
# Python keywords (`random_.from(Tensor(a!) self, int from, ...)`): they can
# still be passed positionally.  Every other keyword is rejected.
_UPSTREAM_KEYWORD_ARGS = frozenset(["from"])


def _argument_names(f: NativeFunction) -> Iterator[Diagnostic]:
    seen: set[str] = set()
    positional = set(map(id, f.func.arguments.positional))
    for a in f.func.arguments.flat_all:
        if a.name in seen:
            yield _at(f, "func", f"argument name '{a.name}' is used twice in {f.func.name}")
        seen.add(a.name)
        allowed = id(a) in positional and a.name in _UPSTREAM_KEYWORD_ARGS
        if keyword.iskeyword(a.name) and not allowed:
            yield _at(
                f,
                "func",
                f"argument name '{a.name}' is a reserved Python keyword",
                f"rename it, for example to '{a.name}_'",
            )
    if Variant.method in f.variants and f.func.arguments.self_arg is None:
        yield _at(f, "variants", f"{f.func.name} is a method but has no 'self' argument")


# --------------------------------------------------------------------------
# Defaults
# --------------------------------------------------------------------------

_INT_RE = re.compile(r"-?[0-9]+")
_FLOAT_RE = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|inf|nan)")
_STR_RE = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'")
_WORDS: dict[BaseTy, frozenset[str]] = {
    BaseTy.ScalarType: frozenset(["long", "int", "float", "double", "half", "bool", "bfloat16"]),
    BaseTy.MemoryFormat: frozenset(
        ["contiguous_format", "preserve_format", "channels_last", "channels_last_3d"]
    ),
    BaseTy.Layout: frozenset(["strided", "sparse_coo", "sparse_csr", "_mkldnn"]),
    # `int reduction=Mean`: at::Reduction values.
    BaseTy.int: frozenset(["Mean", "Sum"]),
}


def _fits_base(ty: BaseTy, text: str) -> bool:
    if text in _WORDS.get(ty, ()):
        return True
    if ty in (BaseTy.int, BaseTy.SymInt, BaseTy.DeviceIndex):
        return _INT_RE.fullmatch(text) is not None
    if ty is BaseTy.float:
        return _FLOAT_RE.fullmatch(text) is not None
    if ty in (BaseTy.bool, BaseTy.SymBool):
        return text in ("True", "False")
    if ty is BaseTy.Scalar:
        return text in ("True", "False") or _FLOAT_RE.fullmatch(text) is not None
    if ty in (BaseTy.str, BaseTy.Device):
        return _STR_RE.fullmatch(text) is not None
    return False


def _split_list(text: str) -> list[str] | None:
    if not (text.startswith("[") and text.endswith("]")):
        return None
    inner = text[1:-1]
    return [] if not inner else inner.split(",")


def default_fits(ty: Type, text: str) -> bool:
    """Whether `text` is a valid default for an argument of type `ty`."""
    if text == "None":
        return isinstance(ty, OptionalType)
    if isinstance(ty, OptionalType):
        ty = ty.elem
    if isinstance(ty, ListType):
        return _list_default_fits(ty, text)
    return isinstance(ty, BaseType) and _fits_base(ty.name, text)


def _list_default_fits(ty: ListType, text: str) -> bool:
    items = _split_list(text)
    if items is None:  # `int[2] stride=1` repeats one number
        return str(ty.elem) in ("int", "SymInt") and _fits_base(BaseTy.int, text)
    # `int[1] dim=[-2,-1]` is fine: int[1] means "one or more dims".
    if ty.size not in (None, 1) and items and len(items) != ty.size:
        return False
    return all(default_fits(ty.elem, i) for i in items)


def _defaults(f: NativeFunction) -> Iterator[Diagnostic]:
    for a in f.func.arguments.flat_all:
        if a.default is not None and not default_fits(a.type, a.default):
            yield _at(
                f,
                "func",
                f"default '{a.default}' does not fit type {a.type} of '{a.name}'",
                _default_hint(a),
            )


def _default_hint(a: Argument) -> str:
    if a.default == "None":
        return f"only optional types take None: write {a.type}? {a.name}=None"
    return "see the table of defaults in docs/native_functions.md"


# --------------------------------------------------------------------------
# Entry rules
# --------------------------------------------------------------------------


def _composites(f: NativeFunction) -> Iterator[Diagnostic]:
    keys = [k for k in f.dispatch if k in COMPOSITE_KEYS]
    nested_pair = (
        len(keys) == 2
        and DispatchKey.CompositeImplicitAutogradNestedTensor in keys
        and DispatchKey.CompositeExplicitAutogradNonFunctional not in keys
    )
    if len(keys) > 1 and not nested_pair:
        names = " and ".join(k.value for k in keys)
        yield _at(
            f,
            "dispatch",
            f"conflicting composite keys {names}",
            "each composite key subsumes the others; keep one",
        )
    if f.manual_kernel_registration and f.explicit_dispatch:
        yield _at(f, "dispatch", "manual_kernel_registration and dispatch cannot both be given")


_STRUCTURED_KEYS = frozenset(
    [DispatchKey.CPU, DispatchKey.CUDA, DispatchKey.MPS, DispatchKey.XPU, DispatchKey.MTIA]
)


def _structured(f: NativeFunction) -> Iterator[Diagnostic]:
    if f.structured and f.func.kind() is not SchemaKind.out:
        yield _at(
            f,
            "structured",
            f"only out= ops can be structured, but {f.func.name} is {f.func.kind().value}",
            "put 'structured: True' on the .out entry and 'structured_delegate' on the others",
        )
    if f.structured and f.structured_delegate is not None:
        yield _at(f, "structured_delegate", "an entry is either structured or delegates, not both")
    if f.structured_inherits is not None and not f.structured:
        yield _at(f, "structured_inherits", "structured_inherits needs 'structured: True'")
    if f.precomputed is not None and not f.structured:
        yield _at(f, "precomputed", "precomputed needs 'structured: True'")
    if f.ufunc_inner_loop and not f.structured:
        yield _at(f, "ufunc_inner_loop", "ufunc_inner_loop needs 'structured: True'")
    if f.structured_delegate is not None:
        for k in f.dispatch:
            if k in _STRUCTURED_KEYS:
                yield _at(
                    f,
                    "dispatch",
                    f"{k} kernel given although the entry has structured_delegate",
                    "the delegate's kernel is used; remove it",
                )


# The element types a precompute_out struct may hold: values, never views of the
# arguments (an IntArrayRef member would outlive the list it points into).
# See Note [precomputed] in torchgen_mini/dest/structured.py.
_PRECOMPUTED_TYPES = frozenset(
    BaseType(t)
    for t in (
        BaseTy.int,
        BaseTy.float,
        BaseTy.bool,
        BaseTy.ScalarType,
        BaseTy.MemoryFormat,
        BaseTy.Tensor,
        BaseTy.DimVector,
    )
)


def _precomputed(f: NativeFunction) -> Iterator[Diagnostic]:
    """A structured entry's `precomputed:` names its own arguments and gives value types."""
    p = f.precomputed
    if p is None or not f.structured:
        return
    inputs = [a.name for a in f.func.arguments.flat_non_out]
    outs = {a.name for a in f.func.arguments.out}
    replaced: set[str] = set()
    bad_replace = False
    for name, _ in p.replace:
        if name in outs:
            yield _at(f, "precomputed", f"precomputed cannot replace the out argument '{name}'")
        elif name not in inputs:
            yield _at(
                f,
                "precomputed",
                f"precomputed replaces '{name}', which is not an argument of {f.func.name}",
                did_you_mean(name, inputs) or f"the arguments are: {', '.join(inputs)}",
            )
        elif name in replaced:
            yield _at(f, "precomputed", f"precomputed replaces '{name}' twice")
        else:
            replaced.add(name)
            continue
        bad_replace = True
    # impl()'s parameters after the replacement must have distinct names (checked
    # once the replaced arguments are right: a misspelt one keeps its argument).
    seen = {n for n in inputs if n not in replaced} | outs
    for e in (*(e for _, elems in p.replace for e in elems), *p.add):
        if e.name in seen and not bad_replace:
            yield _at(
                f,
                "precomputed",
                f"precomputed element '{e.name}' has the name of another parameter of impl()",
                "give it a name of its own",
            )
        seen.add(e.name)
        if e.name.upper() == e.name:
            yield _at(
                f,
                "precomputed",
                f"precomputed element '{e.name}' needs a lower-case letter in its name",
                "precompute_out's template flag for an element is its name in upper case",
            )
        if e.default is not None:
            yield _at(
                f,
                "precomputed",
                f"precomputed element '{e.name}' cannot have a default",
                "meta() sets every element",
            )
        if e.type not in _PRECOMPUTED_TYPES:
            yield _at(
                f,
                "precomputed",
                f"precomputed element '{e.name}' has type {e.type}, which precompute_out"
                " cannot hold",
                "use int, float, bool, ScalarType, MemoryFormat, Tensor or DimVector",
            )


def _cpp_no_default_args(f: NativeFunction) -> Iterator[Diagnostic]:
    args = {a.name: a for a in f.func.arguments.flat_all}
    for name in sorted(f.cpp_no_default_args):
        if name not in args:
            yield _at(
                f,
                "cpp_no_default_args",
                f"cpp_no_default_args names '{name}', which is not an argument of {f.func.name}",
                did_you_mean(name, list(args)),
            )
        elif args[name].default is None:
            yield _at(
                f,
                "cpp_no_default_args",
                f"cpp_no_default_args names '{name}', which has no default",
                "list only arguments that have a default",
            )


_RULES: tuple[_Rule, ...] = (
    _out_rules,
    _inplace_rules,
    _mutable_positional,
    _alias_rules,
    _argument_names,
    _defaults,
    _composites,
    _structured,
    _precomputed,
    _cpp_no_default_args,
)


def _tags(f: NativeFunction, tags: set[str]) -> Iterator[Diagnostic]:
    for t in sorted(f.tags - tags):
        hint = did_you_mean(t, sorted(tags)) or "declare it in tags.yaml first"
        yield _at(f, "tags", f"unknown tag '{t}'", hint)


# --------------------------------------------------------------------------
# Rules across entries
# --------------------------------------------------------------------------


def _duplicates(fns: list[NativeFunction]) -> Iterator[Diagnostic]:
    names: dict[str, NativeFunction] = {}
    cpp: dict[str, NativeFunction] = {}
    for f in fns:
        name, uname = str(f.func.name), f.func.name.unambiguous_name()
        if name in names:
            yield _at(
                f,
                "func",
                f"operator {name} is declared twice (first on line {names[name].loc.line})",
                "give it a new overload name",
            )
        elif uname in cpp:
            yield _at(
                f,
                "func",
                f"overload names of {name} and {cpp[uname].func.name} clash: both "
                f"become {uname} in C++",
                "choose a different overload name",
            )
        names.setdefault(name, f)
        cpp.setdefault(uname, f)


def _same_signature(fns: list[NativeFunction]) -> Iterator[Diagnostic]:
    # signature() is costly; only entries sharing a base name and kind can clash.
    buckets: dict[tuple[str, SchemaKind], list[NativeFunction]] = {}
    for f in fns:
        buckets.setdefault((f.root_name, f.func.kind()), []).append(f)
    for bucket in buckets.values():
        if len(bucket) > 1:
            yield from _same_signature_in(bucket)


def _same_signature_in(fns: list[NativeFunction]) -> Iterator[Diagnostic]:
    seen: dict[tuple[object, SchemaKind], NativeFunction] = {}
    for f in fns:
        key = (f.func.signature(), f.func.kind())
        other = seen.setdefault(key, f)
        if other is not f and str(other.func.name) != str(f.func.name):
            yield _at(
                f,
                "func",
                f"{f.func.name} has the same signature and kind as "
                f"{other.func.name} (line {other.loc.line})",
                "overloads must differ in their argument types",
            )


def _delegates(fns: list[NativeFunction]) -> Iterator[Diagnostic]:
    by_name = {str(f.func.name): f for f in fns}
    for f in fns:
        if f.structured_delegate is None:
            continue
        target = by_name.get(str(f.structured_delegate))
        if target is None:
            yield _at(
                f,
                "structured_delegate",
                f"structured_delegate {f.structured_delegate} is not declared in this file",
                did_you_mean(str(f.structured_delegate), list(by_name)),
            )
        elif target.func.kind() is not SchemaKind.out:
            yield _at(
                f,
                "structured_delegate",
                f"structured_delegate {target.func.name} is not an out= op",
                "delegate to the .out overload",
            )
        elif not target.structured:
            yield _at(
                f,
                "structured_delegate",
                f"structured_delegate {target.func.name} is not structured",
                f"add 'structured: True' to line {target.loc.line}",
            )


def _structured_groups(fns: list[NativeFunction]) -> Iterator[Diagnostic]:
    """A structured out= entry needs its functional variant to delegate to it."""
    # A root whose functional delegates anywhere is left to _delegates' errors.
    delegating = {
        f.root_name
        for f in fns
        if f.structured_delegate is not None and f.func.kind() is SchemaKind.functional
    }
    for f in fns:
        lone = f.root_name not in delegating and f.structured_delegate is None
        if f.structured and f.func.kind() is SchemaKind.out and lone:
            yield _at(
                f,
                "structured",
                f"structured {f.func.name} has no functional variant that delegates to it",
                f"declare the functional overload with 'structured_delegate: {f.func.name}'",
            )


def _stubs(fns: list[NativeFunction]) -> Iterator[Diagnostic]:
    seen: dict[str, int] = {}
    for f in fns:
        for stub in f.dispatch_stubs:
            if stub.name in seen:
                yield Diagnostic(
                    stub.loc,
                    f"dispatch stub '{stub.name}' is declared twice "
                    f"(first on line {seen[stub.name]})",
                )
            seen.setdefault(stub.name, stub.loc.line)


def validate(fns: list[NativeFunction], tags: set[str] | None) -> list[Diagnostic]:
    """Every rule on every entry; `tags=None` skips the tag check."""
    out: list[Diagnostic] = []
    for f in fns:
        for rule in _RULES:
            out.extend(rule(f))
        if tags is not None:
            out.extend(_tags(f, tags))
    for cross in (_duplicates, _same_signature, _delegates, _structured_groups, _stubs):
        out.extend(cross(fns))
    return out
