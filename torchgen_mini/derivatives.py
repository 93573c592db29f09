"""Parse and validate tools/autograd/derivatives.yaml.

An entry names one operator overload by its full schema and gives, per
differentiable input, a C++ expression for that input's gradient:

    - name: mul.Tensor(Tensor self, Tensor other) -> Tensor
      self: at_mini::mul(grad, other)
      other: at_mini::mul(grad, self)

This module turns each entry into a `DifferentiabilityInfo` (the schema, the
`NativeFunction` it resolves to, the backward and forward formulas, the inputs
declared `non_differentiable`) and reports every problem at its YAML line, in
the same `file:line: error:` form as native_functions.yaml.  The syntax is
PyTorch's own, so the upstream derivatives.yaml parses too.  See
Note [Derivative entry rules].
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from torchgen_mini.diagnostics import Diagnostic, Location, ParseError, did_you_mean
from torchgen_mini.model import Argument, FunctionSchema, NativeFunction, SchemaKind
from torchgen_mini.yaml_loader import YList, YMap, load_yaml, load_yaml_text

__all__ = [
    "NON_DIFFERENTIABLE",
    "Derivative",
    "DerivativeFormulas",
    "DifferentiabilityInfo",
    "ForwardDerivative",
    "ParsedDerivatives",
    "derivative_names",
    "output_names",
    "parse_derivatives_yaml",
]

# Note [Derivative entry rules]
# Every key of an entry other than `name`, `dispatch` and
# `output_differentiability` names one or more variables, comma-separated:
#   - an input of the op (`self: grad * other`): a backward formula, or the
#     word `non_differentiable`; only Tensor, Tensor? and Tensor[] inputs can
#     have a formula;
#   - an output of the op (`result: ...`, or the return's name, or `result0`,
#     `result1` when there are several unnamed returns): a forward-mode formula.
# `name` must be, character for character, the schema of an entry of
# native_functions.yaml (the rule PyTorch applies).  An input may be named
# once per entry, an op once per file.  The kit's own file must also give
# every Tensor input either a formula or `non_differentiable`, so that
# forgetting one is an error rather than a silently missing gradient;
# PyTorch's file leaves such inputs out, and is read with
# `require_every_input=False`.

NON_DIFFERENTIABLE = "non_differentiable"
_ENTRY_KEYS = ("name", "dispatch", "output_differentiability")
_DEFAULT_KEY = "Default"


@dataclass(frozen=True)
class Derivative:
    """A backward formula for one or more inputs: `self, other: formula`."""

    var_names: tuple[str, ...]
    formula: str
    loc: Location


@dataclass(frozen=True)
class ForwardDerivative:
    """A forward-mode formula for one or more outputs: `result: formula`."""

    var_names: tuple[str, ...]
    formula: str
    loc: Location


@dataclass(frozen=True)
class DerivativeFormulas:
    """The formulas of one entry (or of one key of its `dispatch:`)."""

    derivatives: tuple[Derivative, ...]
    forward_derivatives: tuple[ForwardDerivative, ...]
    non_differentiable: tuple[str, ...]

    def formula_for(self, name: str) -> Derivative | None:
        return next((d for d in self.derivatives if name in d.var_names), None)


@dataclass(frozen=True, eq=False)
class DifferentiabilityInfo:
    """One entry of derivatives.yaml, resolved against native_functions.yaml."""

    func: FunctionSchema
    native: NativeFunction
    loc: Location
    formulas: dict[str, DerivativeFormulas]
    output_differentiability: tuple[bool | str, ...] | None

    @property
    def default(self) -> DerivativeFormulas | None:
        """The formulas registered at the Autograd key (`Default:` under `dispatch`)."""
        return self.formulas.get(_DEFAULT_KEY)


@dataclass(frozen=True)
class ParsedDerivatives:
    """What `parse_derivatives_yaml` returns: the entries that parsed, and all errors."""

    infos: list[DifferentiabilityInfo]
    errors: list[Diagnostic]


def output_names(func: FunctionSchema) -> tuple[str, ...]:
    """The names a forward formula may use for the outputs of `func`."""
    n = len(func.returns)
    names = ["result"] if n == 1 else [f"result{i}" for i in range(n)]
    names += [r.name for r in func.returns if r.name is not None]
    return tuple(names)


# --------------------------------------------------------------------------
# One entry
# --------------------------------------------------------------------------


@dataclass
class _Entry:
    """The entry being converted, its op, and where its errors go."""

    file: str
    entry: YMap
    errors: list[Diagnostic]
    require_every_input: bool

    def loc(self, m: YMap, key: str | None = None) -> Location:
        line = m.key_lines.get(key, m.line) if key is not None else m.line
        return Location(self.file, line)

    def error(self, loc: Location, message: str, hint: str | None = None) -> None:
        self.errors.append(Diagnostic(loc, message, hint))


def _resolve(e: _Entry, natives: _Natives) -> tuple[FunctionSchema, NativeFunction] | None:
    name = e.entry.get("name")
    loc = e.loc(e.entry, "name")
    if not isinstance(name, str):
        e.error(loc, "entry has no 'name: <schema>' key", "each entry starts with '- name: ...'")
        return None
    try:
        func = FunctionSchema.parse(name)
    except ParseError as err:
        e.errors.append(err.at(loc))
        return None
    native = natives.by_schema.get(str(func)) or natives.autogen.get(str(func.name))
    if native is None:
        e.error(loc, f"unknown operator '{func.name}': {_unknown_detail(func, natives.by_schema)}")
        return None
    if func.kind() is SchemaKind.out:
        e.error(
            loc,
            f"'{func.name}' is an out= variant, which is never differentiable",
            "give the formula for the functional variant instead",
        )
        return None
    return func, native


@dataclass(frozen=True)
class _Natives:
    """native_functions.yaml, indexed for resolving names.  See Note [Autogen names]."""

    by_schema: dict[str, NativeFunction]
    autogen: dict[str, NativeFunction]

    @staticmethod
    def index(fns: Iterable[NativeFunction]) -> _Natives:
        # Note [Autogen names]
        # An entry's `autogen:` asks torchgen to generate more overloads (e.g.
        # `rrelu_with_noise_functional`); their schemas exist only inside
        # torchgen, so a derivatives entry naming one resolves by operator
        # name to the native function that declares it.
        fns = list(fns)
        by_schema = {str(f.func): f for f in fns}
        autogen = {str(n): f for f in fns for n in f.autogen}
        return _Natives(by_schema, autogen)


def _unknown_detail(func: FunctionSchema, by_schema: dict[str, NativeFunction]) -> str:
    same = [f for f in by_schema.values() if f.func.name == func.name]
    if same:
        return f"native_functions.yaml declares it as '{same[0].func}' ({same[0].loc})"
    names = sorted({str(f.func.name) for f in by_schema.values()})
    hint = did_you_mean(str(func.name), names)
    return "no such schema in native_functions.yaml" + (f"; {hint}" if hint else "")


def _output_differentiability(e: _Entry, func: FunctionSchema) -> tuple[bool | str, ...] | None:
    key = "output_differentiability"
    value = e.entry.get(key)
    if key not in e.entry:
        return None
    loc = e.loc(e.entry, key)
    n = len(func.returns)
    if not isinstance(value, YList) or not all(isinstance(v, bool | str) for v in value):
        e.error(loc, f"'{key}' must be a list of True/False (or C++ conditions), one per output")
        return None
    if len(value) != n:
        e.error(loc, f"'{key}' has {len(value)} entries but the op has {n} output(s)")
        return None
    return tuple(value)


def _formula_maps(e: _Entry) -> dict[str, YMap]:
    dispatch = e.entry.get("dispatch")
    if "dispatch" not in e.entry:
        return {_DEFAULT_KEY: e.entry}
    loc = e.loc(e.entry, "dispatch")
    if not isinstance(dispatch, YMap) or not all(isinstance(v, YMap) for v in dispatch.values()):
        e.error(loc, "'dispatch' must map autograd keys to formulas", "e.g. 'Default: ...'")
        return {}
    bad = [k for k in dispatch if k != _DEFAULT_KEY and not k.startswith("Autograd")]
    for k in bad:
        e.error(
            e.loc(dispatch, k),
            f"'{k}' is not an autograd dispatch key",
            "use 'Default' or an 'Autograd<Backend>' key",
        )
    extra = [k for k in e.entry if k not in _ENTRY_KEYS]
    for k in extra:
        e.error(
            e.loc(e.entry, k),
            f"formula '{k}' is outside 'dispatch'",
            "with 'dispatch', every formula goes under one of its keys",
        )
    return {k: v for k, v in dispatch.items() if k not in bad}


class _FormulaReader:
    """Reads the formula keys of one mapping, checking names and types."""

    def __init__(self, e: _Entry, func: FunctionSchema, m: YMap) -> None:
        self.e, self.func, self.m = e, func, m
        self.inputs = {a.name: a for a in func.arguments.flat_non_out}
        self.outputs = output_names(func)
        self.seen: dict[str, int] = {}
        self.derivatives: list[Derivative] = []
        self.forward: list[ForwardDerivative] = []
        self.non_differentiable: list[str] = []

    def read(self) -> DerivativeFormulas:
        for key, value in self.m.items():
            if key not in _ENTRY_KEYS:
                self.key(key, value)
        self.check_every_input()
        return DerivativeFormulas(
            tuple(self.derivatives), tuple(self.forward), tuple(self.non_differentiable)
        )

    def key(self, key: str, value: Any) -> None:
        loc = self.e.loc(self.m, key)
        names = tuple(n.strip() for n in key.split(","))
        if not all(self.known(n, loc) for n in names) or not self.once(names, loc):
            return
        formula = self.formula_text(key, value, loc)
        if formula is None:
            return
        if all(n in self.outputs for n in names):
            self.forward.append(ForwardDerivative(names, formula, loc))
        elif any(n in self.outputs for n in names):
            self.e.error(loc, f"'{key}' mixes inputs and outputs", "give them separate formulas")
        elif formula == NON_DIFFERENTIABLE:
            self.non_differentiable.extend(names)
        elif all(self.differentiable(n, loc) for n in names):
            self.derivatives.append(Derivative(names, formula, loc))

    def known(self, name: str, loc: Location) -> bool:
        if name in self.inputs or name in self.outputs:
            return True
        choices = [*self.inputs, *self.outputs]
        hint = did_you_mean(name, choices) or f"its inputs are: {', '.join(self.inputs)}"
        self.e.error(loc, f"'{self.func.name}' has no argument named '{name}'", hint)
        return False

    def once(self, names: tuple[str, ...], loc: Location) -> bool:
        for n in names:
            if n in self.seen:
                msg = f"'{n}' already has a formula (line {self.seen[n]})"
                self.e.error(loc, msg, "give each input one formula")
                return False
            self.seen[n] = loc.line
        return True

    def formula_text(self, key: str, value: Any, loc: Location) -> str | None:
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
        self.e.error(
            loc,
            f"the formula for '{key}' must be a non-empty C++ expression",
            "quote it if it contains ': ' or starts with a special character",
        )
        return None

    def differentiable(self, name: str, loc: Location) -> bool:
        a = self.inputs[name]
        if a.type.is_tensor_like():
            return True
        self.e.error(
            loc,
            f"argument '{name}' of '{self.func.name}' has type {a.type}, "
            "which is not differentiable",
            "only Tensor, Tensor? and Tensor[] inputs get gradients; delete this line",
        )
        return False

    def check_every_input(self) -> None:
        if not self.e.require_every_input:
            return
        for a in self.missing():
            self.e.error(
                self.e.loc(self.e.entry, "name"),
                f"input '{a.name}' of '{self.func.name}' has no derivative formula",
                f"add '{a.name}: <formula>', or '{a.name}: non_differentiable' "
                "if no gradient flows to it",
            )

    def missing(self) -> Iterable[Argument]:
        return (
            a for a in self.inputs.values() if a.type.is_tensor_like() and a.name not in self.seen
        )


def _info(e: _Entry, natives: _Natives) -> DifferentiabilityInfo | None:
    resolved = _resolve(e, natives)
    if resolved is None:
        return None
    func, native = resolved
    out_diff = _output_differentiability(e, func)
    maps = _formula_maps(e)
    if out_diff is not None and not any(out_diff):
        e.require_every_input = False
    formulas = {k: _FormulaReader(e, func, m).read() for k, m in maps.items()}
    return DifferentiabilityInfo(func, native, e.loc(e.entry), formulas, out_diff)


# --------------------------------------------------------------------------
# The file
# --------------------------------------------------------------------------


def _entries(doc: Any, file: str, errors: list[Diagnostic]) -> list[YMap]:
    if not isinstance(doc, YList):
        hint = "each entry is a list item: '- name: ...'"
        raise ParseError("expected a list of entries", hint, Location(file, 1))
    out: list[YMap] = []
    for item, line in zip(doc, doc.item_lines, strict=True):
        if isinstance(item, YMap):
            out.append(item)
        else:
            errors.append(Diagnostic(Location(file, line), "an entry must be a mapping"))
    return out


def _check_duplicate(
    info: DifferentiabilityInfo, seen: dict[str, Location], errors: list[Diagnostic]
) -> bool:
    key = str(info.func.name)
    first = seen.get(key)
    if first is None:
        seen[key] = info.loc
        return True
    msg = f"'{key}' is listed twice (first on line {first.line})"
    errors.append(Diagnostic(info.loc, msg, "merge the two entries into one"))
    return False


def parse_derivatives_yaml(
    path: str | Path,
    native_functions: Iterable[NativeFunction],
    *,
    require_every_input: bool = True,
) -> ParsedDerivatives:
    """Load derivatives.yaml and resolve each entry; never raises for bad input.

    See Note [Derivative entry rules] for what is checked.
    """
    file = str(path)
    errors: list[Diagnostic] = []
    natives = _Natives.index(native_functions)
    try:
        doc, yaml_errors = load_yaml(path)
        errors.extend(yaml_errors)
        entries = _entries(doc, file, errors)
    except ParseError as err:
        return ParsedDerivatives([], [*errors, err.at(Location(file, 0))])
    infos: list[DifferentiabilityInfo] = []
    seen: dict[str, Location] = {}
    for m in entries:
        info = _info(_Entry(file, m, errors, require_every_input), natives)
        if info is not None and _check_duplicate(info, seen, errors):
            infos.append(info)
    errors.sort(key=lambda d: d.loc.line)
    return ParsedDerivatives(infos, errors)


def derivative_names(
    text: str, file: str = "tools/autograd/derivatives.yaml"
) -> frozenset[str] | None:
    """The operator names (`add.Tensor`, `relu`) that the entries of a derivatives.yaml text name.

    What the linter and the reviewer need (which overloads have an entry),
    read with this module's own entry reader; an entry whose `name` does not
    parse names nothing (`parse_derivatives_yaml` reports it).  None when the
    text is not YAML or not a list of entries.
    """
    if all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        return frozenset()
    try:
        doc, _ = load_yaml_text(text, file)
        entries = _entries(doc, file, [])
    except ParseError:
        return None
    names: set[str] = set()
    for m in entries:
        name = m.get("name")
        if isinstance(name, str):
            try:
                names.add(str(FunctionSchema.parse(name).name))
            except ParseError:
                continue
    return frozenset(names)
