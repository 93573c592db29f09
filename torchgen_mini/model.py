"""The schema model: frozen dataclasses for everything native_functions.yaml says.

A `FunctionSchema` such as
`add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor` is parsed
into an `OperatorName`, `Arguments` and `Return`s built from `Type`s and alias
`Annotation`s.  Every class with a textual form has `parse(text)` and
`__str__`, and `str(X.parse(s)) == s` for canonical text; anything else raises
`ParseError` naming the canonical spelling.  A YAML entry as a whole becomes a
`NativeFunction` (built by `torchgen_mini.native_yaml`), and the functional /
in-place / out= variants of one op are gathered by `group_native_functions`.

This module is data only: it reads no file and imports no loader
(`torchgen_mini.native_yaml` imports it, never the other way; the import-graph
test, test/model/test_import_graph.py, holds that).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar

from torchgen_mini.diagnostics import Diagnostic, Location, ParseError

__all__ = [
    "Annotation",
    "Argument",
    "Arguments",
    "BaseOperatorName",
    "BaseTy",
    "BaseType",
    "CustomClassType",
    "DeviceCheckType",
    "Diagnostic",
    "DispatchKey",
    "FunctionSchema",
    "ListType",
    "Location",
    "NativeFunction",
    "NativeFunctionsGroup",
    "OperatorName",
    "OptionalType",
    "ParseError",
    "Precompute",
    "Return",
    "SchemaKind",
    "ShapeFunctionDecl",
    "StubDecl",
    "Type",
    "Variant",
    "group_native_functions",
]


# --------------------------------------------------------------------------
# Types
# --------------------------------------------------------------------------


class BaseTy(Enum):
    """The atomic types of the schema language (JIT schema spelling)."""

    Tensor = "Tensor"
    int = "int"
    SymInt = "SymInt"
    float = "float"
    bool = "bool"
    str = "str"
    Scalar = "Scalar"
    ScalarType = "ScalarType"
    Layout = "Layout"
    Device = "Device"
    DeviceIndex = "DeviceIndex"
    MemoryFormat = "MemoryFormat"
    Generator = "Generator"
    Storage = "Storage"
    Stream = "Stream"
    QScheme = "QScheme"
    Dimname = "Dimname"
    SymBool = "SymBool"
    DimVector = "DimVector"
    ConstQuantizerPtr = "ConstQuantizerPtr"
    GraphModule = "GraphModule"
    Any = "Any"


_T = TypeVar("_T")
_BASE_TYS: dict[str, BaseTy] = {t.value: t for t in BaseTy}
_CUSTOM_CLASS_PREFIX = "__torch__.torch.classes."


@dataclass(frozen=True, slots=True)
class Type:
    """Base of the type classes; `Type.parse("int[2]?")` builds the tree."""

    @staticmethod
    def parse(text: str) -> Type:
        return _parse_whole(text, "type", _SchemaParser.type_only)

    def is_base_ty_like(self, base_ty: BaseTy) -> bool:
        raise NotImplementedError

    def is_tensor_like(self) -> bool:
        return self.is_base_ty_like(BaseTy.Tensor)

    def is_symint_like(self) -> bool:
        return self.is_base_ty_like(BaseTy.SymInt)

    def is_nullable(self) -> bool:
        raise NotImplementedError

    def is_list_like(self) -> ListType | None:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class BaseType(Type):
    name: BaseTy

    def __str__(self) -> str:
        return self.name.value

    def is_base_ty_like(self, base_ty: BaseTy) -> bool:
        return self.name is base_ty

    def is_nullable(self) -> bool:
        return False

    def is_list_like(self) -> ListType | None:
        return None


@dataclass(frozen=True, slots=True)
class OptionalType(Type):
    elem: Type

    def __str__(self) -> str:
        return f"{self.elem}?"

    def is_base_ty_like(self, base_ty: BaseTy) -> bool:
        return self.elem.is_base_ty_like(base_ty)

    def is_nullable(self) -> bool:
        return True

    def is_list_like(self) -> ListType | None:
        return self.elem.is_list_like()


@dataclass(frozen=True, slots=True)
class ListType(Type):
    """`T[]` (size None) or the fixed-size `T[N]`."""

    elem: Type
    size: int | None

    def __str__(self) -> str:
        return f"{self.elem}[{self.size or ''}]"

    def is_base_ty_like(self, base_ty: BaseTy) -> bool:
        return self.elem.is_base_ty_like(base_ty)

    def is_nullable(self) -> bool:
        return self.elem.is_nullable()

    def is_list_like(self) -> ListType | None:
        return self


@dataclass(frozen=True, slots=True)
class CustomClassType(Type):
    """`__torch__.torch.classes.<class_name>`: a TorchBind class."""

    class_name: str

    def __str__(self) -> str:
        return _CUSTOM_CLASS_PREFIX + self.class_name

    def is_base_ty_like(self, base_ty: BaseTy) -> bool:
        return False

    def is_nullable(self) -> bool:
        return False

    def is_list_like(self) -> ListType | None:
        return None


# --------------------------------------------------------------------------
# Annotations, arguments, returns
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Annotation:
    """An alias annotation: `a`, `a!`, `a|b`, `a! -> a|b`, `a -> *`."""

    alias_set: tuple[str, ...]
    is_write: bool
    alias_set_after: tuple[str, ...] = ()

    @staticmethod
    def parse(text: str) -> Annotation:
        return _parse_whole(text, "alias annotation", _SchemaParser.annotation_only)

    def __str__(self) -> str:
        text = "|".join(self.alias_set) + ("!" if self.is_write else "")
        if self.alias_set_after:
            text += " -> " + "|".join(self.alias_set_after)
        return text


def _annotated_type(ty: Type, annotation: Annotation | None) -> str:
    # Note [Annotation placement]
    # An alias annotation belongs to the Tensor itself, so it is written right
    # after the word Tensor and before `?` or `[]`: `Tensor(a!)?`,
    # `Tensor(a)[]`.  `Tensor?(a!)` is read but rejected as non-canonical.
    if annotation is None:
        return str(ty)
    text = str(ty)
    return f"Tensor({annotation}){text[len('Tensor') :]}"


@dataclass(frozen=True, slots=True)
class Argument:
    """`Tensor(a!) self`, `int[1] dim=[0,1]`: `default` is schema text or None."""

    name: str
    type: Type
    default: str | None
    annotation: Annotation | None

    @staticmethod
    def parse(text: str) -> Argument:
        return _parse_whole(text, "argument", _SchemaParser.argument_only)

    @property
    def is_write(self) -> bool:
        return self.annotation is not None and self.annotation.is_write

    def __str__(self) -> str:
        text = f"{_annotated_type(self.type, self.annotation)} {self.name}"
        return text if self.default is None else f"{text}={self.default}"


@dataclass(frozen=True, slots=True)
class Return:
    """One result: a type, an optional alias annotation and an optional name."""

    name: str | None
    type: Type
    annotation: Annotation | None

    @staticmethod
    def parse(text: str) -> Return:
        return _parse_whole(text, "return", _SchemaParser.return_only)

    @property
    def is_write(self) -> bool:
        return self.annotation is not None and self.annotation.is_write

    def __str__(self) -> str:
        text = _annotated_type(self.type, self.annotation)
        return text if self.name is None else f"{text} {self.name}"


_TENSOR_OPTIONS = (
    ("dtype", BaseTy.ScalarType),
    ("layout", BaseTy.Layout),
    ("device", BaseTy.Device),
    ("pin_memory", BaseTy.bool),
)


@dataclass(frozen=True, slots=True)
class Arguments:
    """The argument list, split as the schema text splits it.

    `positional` comes before `*`; `kwarg_only` after it; `out` holds the
    mutable keyword-only arguments (which by definition make an out= op).
    See Note [Out arguments].
    """

    positional: tuple[Argument, ...]
    kwarg_only: tuple[Argument, ...]
    out: tuple[Argument, ...]

    @staticmethod
    def parse(text: str) -> Arguments:
        return _parse_whole(text, "argument list", _SchemaParser.arguments_only)

    @property
    def flat_all(self) -> tuple[Argument, ...]:
        return self.positional + self.kwarg_only + self.out

    @property
    def flat_non_out(self) -> tuple[Argument, ...]:
        return self.positional + self.kwarg_only

    @property
    def self_index(self) -> int | None:
        for i, a in enumerate(self.positional):
            if a.name == "self":
                return i
        return None

    @property
    def self_arg(self) -> Argument | None:
        i = self.self_index
        return None if i is None else self.positional[i]

    @property
    def pre_self_positional(self) -> tuple[Argument, ...]:
        i = self.self_index
        return () if i is None else self.positional[:i]

    @property
    def post_self_positional(self) -> tuple[Argument, ...]:
        i = self.self_index
        return self.positional if i is None else self.positional[i + 1 :]

    @property
    def tensor_options_index(self) -> int | None:
        """Where `dtype, layout, device, pin_memory` start in `kwarg_only`."""
        kw = self.kwarg_only
        for i in range(len(kw) - 3):
            if all(_is_option(kw[i + j], n, t) for j, (n, t) in enumerate(_TENSOR_OPTIONS)):
                return i
        return None

    def __str__(self) -> str:
        parts = [str(a) for a in self.positional]
        if self.kwarg_only or self.out:
            parts.append("*")
        parts.extend(str(a) for a in self.kwarg_only + self.out)
        return ", ".join(parts)


def _is_option(a: Argument, name: str, ty: BaseTy) -> bool:
    t = a.type
    if isinstance(t, OptionalType):
        t = t.elem
    return a.name == name and isinstance(t, BaseType) and t.name is ty


# --------------------------------------------------------------------------
# Operator names and schemas
# --------------------------------------------------------------------------

# Names for which `__iNAME__` is the in-place dunder (PEP 203).
_AUGMENTED = frozenset(
    ["add", "sub", "mul", "div", "mod", "pow", "lshift", "rshift", "and", "xor", "or"]
)
_DUNDER_RE = re.compile(r"__([^_]+)__")
_FUNCTIONAL_SUFFIX = "_functional"


@dataclass(frozen=True, slots=True)
class BaseOperatorName:
    """`add` / `add_` (inplace) / `__and__`, `__iand__` (dunder) / `x_functional`."""

    base: str
    inplace: bool
    dunder_method: bool
    functional_overload: bool = False

    @staticmethod
    def parse(text: str) -> BaseOperatorName:
        r = _base_name_from_text(text)
        if str(r) != text:
            raise ParseError(f"operator name {text!r} is not canonical", f"write {str(r)!r}")
        return r

    def __str__(self) -> str:
        if self.dunder_method:
            return f"__{'i' if self.inplace else ''}{self.base}__"
        if self.inplace:
            return f"{self.base}_"
        return self.base + (_FUNCTIONAL_SUFFIX if self.functional_overload else "")


def _base_name_from_text(text: str) -> BaseOperatorName:
    m = _DUNDER_RE.fullmatch(text)
    if m is not None:
        base = m.group(1)
        inplace = base[0] == "i" and base[1:] in _AUGMENTED
        return BaseOperatorName(base[1:] if inplace else base, inplace, True)
    if text.endswith("_out"):
        raise ParseError(
            f"operator name {text!r} ends in '_out', which is reserved",
            f"name the op {text[:-4]!r} and give the out= variant the overload name 'out'",
        )
    if text.endswith("_"):
        return BaseOperatorName(text[:-1], True, False)
    if text.endswith(_FUNCTIONAL_SUFFIX):
        return BaseOperatorName(text[: -len(_FUNCTIONAL_SUFFIX)], False, False, True)
    return BaseOperatorName(text, False, False)


@dataclass(frozen=True, slots=True)
class OperatorName:
    """A base name plus an overload name (`""` when there is none)."""

    name: BaseOperatorName
    overload_name: str

    @staticmethod
    def parse(text: str) -> OperatorName:
        return _parse_whole(text, "operator name", _SchemaParser.opname_only)

    def __str__(self) -> str:
        return f"{self.name}.{self.overload_name}" if self.overload_name else str(self.name)

    def unambiguous_name(self) -> str:
        """A C++ identifier: `add_Tensor`, `add__Tensor`, `add_out`, `relu`."""
        return f"{self.name}_{self.overload_name}" if self.overload_name else str(self.name)


class SchemaKind(Enum):
    functional = "functional"
    inplace = "inplace"
    out = "out"
    mutable = "mutable"
    scratch = "scratch"


@dataclass(frozen=True, slots=True)
class FunctionSchema:
    """A whole operator schema.  See Note [Schema kinds] for `kind()`."""

    name: OperatorName
    arguments: Arguments
    returns: tuple[Return, ...]

    @staticmethod
    def parse(text: str) -> FunctionSchema:
        return _parse_whole(text, "schema", _SchemaParser.schema_only)

    def __str__(self) -> str:
        if len(self.returns) == 1:
            rets = str(self.returns[0])
        else:
            rets = "(" + ", ".join(str(r) for r in self.returns) + ")"
        return f"{self.name}({self.arguments}) -> {rets}"

    def is_out_fn(self) -> bool:
        return bool(self.arguments.out)

    def is_mutable(self) -> bool:
        return any(a.is_write for a in self.arguments.flat_all)

    def kind(self) -> SchemaKind:
        # Note [Schema kinds]
        # inplace: the base name ends in `_` (or is `__iadd__`-like); it wins
        #   over everything else.
        # scratch: an out= op with an out argument named `_scratch_*`.
        # out: has mutable keyword-only arguments (see Note [Out arguments]).
        # mutable: some positional argument after `self` is mutable.
        # functional: none of the above.
        # These are torchgen's rules; a schema that is both inplace and out=
        # is reported by validation and classified as inplace here.
        if self.name.name.inplace:
            return SchemaKind.inplace
        if self.arguments.out:
            if any(a.name.startswith("_scratch_") for a in self.arguments.out):
                return SchemaKind.scratch
            return SchemaKind.out
        if any(a.is_write for a in self.arguments.post_self_positional):
            return SchemaKind.mutable
        return SchemaKind.functional

    def signature(self, *, strip_default: bool = False) -> FunctionSchema:
        """The schema shared by the functional, in-place and out= variants.

        Overload name, `_`, out arguments, TensorOptions, alias annotations and
        return names are dropped; mutated inputs that are not returned become
        extra returns.  Two variants of one op have equal signatures.
        """
        a = self.arguments
        kw = a.kwarg_only
        opt = a.tensor_options_index
        if opt is not None:
            kw = kw[:opt] + kw[opt + 4 :]
        strip = _strip_default if strip_default else _strip_annotation
        args = Arguments(tuple(map(strip, a.positional)), tuple(map(strip, kw)), ())
        if str(self.name) == "bernoulli.p":
            args = _bernoulli_p_quirk(args)
        name = BaseOperatorName(self.name.name.base, False, self.name.name.dunder_method)
        return FunctionSchema(OperatorName(name, ""), args, self._signature_returns())

    def _signature_returns(self) -> tuple[Return, ...]:
        rets = tuple(Return(None, r.type, None) for r in self.returns)
        ann = {r.annotation for r in self.returns}
        a = self.arguments
        selves = () if a.self_arg is None else (a.self_arg,)
        mutated = selves + a.out + a.post_self_positional
        extra = tuple(
            Return(None, m.type, None) for m in mutated if m.is_write and m.annotation not in ann
        )
        return rets + extra


def _bernoulli_p_quirk(args: Arguments) -> Arguments:
    # Note [bernoulli.p signature]
    # Upstream pairs `bernoulli.p(Tensor self, float p, ...)` with
    # `bernoulli_.float(Tensor(a!) self, float p=0.5, ...)` by pretending the
    # former has the default too; we do the same so grouping matches torchgen.
    pos = tuple(
        Argument(a.name, a.type, "0.5", None) if a.name == "p" else a for a in args.positional
    )
    return Arguments(pos, args.kwarg_only, args.out)


def _strip_annotation(a: Argument) -> Argument:
    return Argument(a.name, a.type, a.default, None)


def _strip_default(a: Argument) -> Argument:
    return Argument(a.name, a.type, None, None)


# --------------------------------------------------------------------------
# The schema parser
# --------------------------------------------------------------------------

# Note [Schema parsing]
# The text is split into tokens by one regular expression (whitespace is
# skipped, so `Tensor  self` still parses), then read by a small
# recursive-descent parser.  The parser is lenient about spelling and strict
# about structure: after parsing, the result is printed back, and if that is
# not exactly the input the schema is rejected as non-canonical with the
# canonical form in the hint.  Default values are kept as the text of their
# tokens (so without spaces: `[0,1]`); their meaning is checked by
# validation, not here.

_TOKEN_RE = re.compile(
    r"""\s*(->|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[A-Za-z_][A-Za-z0-9_]*"""
    r"""|[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\S)"""
)
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_TYPE_SUFFIXES = 4  # upstream writes two at most: `Tensor?[]`, `int[1]?`
_ALIAS_RE = re.compile(r"[a-z]")
_CLOSERS = {"(": ")", "[": "]"}


class _SchemaParser:
    """Recursive descent over the tokens of one piece of schema text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks: list[str] = _TOKEN_RE.findall(text)
        self.toks.append("")  # end marker
        self.i = 0

    # -- helpers -----------------------------------------------------------

    def peek(self) -> str:
        return self.toks[self.i]

    def next(self) -> str:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def fail(self, what: str) -> ParseError:
        tok = self.toks[self.i]
        got = "end of text" if tok == "" else repr(tok)
        return ParseError(f"expected {what} but found {got} in {self.text!r}")

    def expect(self, tok: str) -> None:
        if self.toks[self.i] != tok:
            raise self.fail(repr(tok))
        self.i += 1

    def name(self, what: str) -> str:
        tok = self.toks[self.i]
        if not _NAME_RE.fullmatch(tok):
            raise self.fail(what)
        self.i += 1
        return tok

    def end(self) -> None:
        if self.toks[self.i] != "":
            raise self.fail("end of text")

    # -- entry points (one per class) ---------------------------------------

    def schema_only(self) -> FunctionSchema:
        name = self.opname_only()
        self.expect("(")
        args = self.arguments(")")
        self.expect(")")
        self.expect("->")
        return FunctionSchema(name, args, self.returns())

    def opname_only(self) -> OperatorName:
        base = _base_name_from_text(self.name("an operator name"))
        if self.peek() != ".":
            return OperatorName(base, "")
        self.i += 1
        tok = self.next()
        if not re.fullmatch(r"[A-Za-z0-9_]+", tok):
            self.i -= 1
            raise self.fail("an overload name")
        return OperatorName(base, tok)

    def arguments_only(self) -> Arguments:
        return self.arguments("")

    def type_only(self) -> Type:
        ty, ann = self.annotated_type()
        if ann is not None:
            raise ParseError(f"a bare type cannot carry an alias annotation: {self.text!r}")
        return ty

    def annotation_only(self) -> Annotation:
        return self.annotation_body()

    def argument_only(self) -> Argument:
        return self.argument()

    def return_only(self) -> Return:
        return self.one_return()

    # -- grammar -------------------------------------------------------------

    def arguments(self, closer: str) -> Arguments:
        # Note [Out arguments]
        # After `*`, arguments are keyword-only; the first mutable one starts
        # the out arguments, and every argument after it must be mutable too.
        groups: tuple[list[Argument], list[Argument], list[Argument]] = ([], [], [])
        where = 0
        first = True
        while self.peek() != closer:
            if not first:
                self.expect(",")
            first = False
            if self.peek() == "*":
                if where:
                    raise ParseError(f"'*' appears twice in {self.text!r}")
                self.i += 1
                where = 1
                continue
            arg = self.argument()
            where = self._place(arg, where)
            groups[where].append(arg)
        return Arguments(tuple(groups[0]), tuple(groups[1]), tuple(groups[2]))

    def _place(self, arg: Argument, where: int) -> int:
        if where == 0:
            return 0
        if arg.is_write:
            return 2
        if where == 2:
            raise ParseError(
                f"argument {arg.name!r} is not mutable but follows the out arguments",
                "put out arguments (Tensor(a!) out) last",
            )
        return 1

    def argument(self) -> Argument:
        ty, ann = self.annotated_type()
        name = self.name("an argument name")
        default = None
        if self.peek() == "=":
            self.i += 1
            default = self.default()
        return Argument(name, ty, default, ann)

    def default(self) -> str:
        depth = 0
        start = self.i
        while True:
            tok = self.peek()
            if tok == "" or (depth == 0 and tok in (",", ")")):
                break
            if tok in _CLOSERS:
                depth += 1
            elif tok in (")", "]"):
                depth -= 1
            self.i += 1
        if start == self.i:
            raise self.fail("a default value")
        return "".join(self.toks[start : self.i])

    def returns(self) -> tuple[Return, ...]:
        if self.peek() != "(":
            r = self.one_return()
            self.end()
            return (r,)
        self.i += 1
        rets: list[Return] = []
        while self.peek() != ")":
            if rets:
                self.expect(",")
            rets.append(self.one_return())
        self.i += 1
        self.end()
        return tuple(rets)

    def one_return(self) -> Return:
        ty, ann = self.annotated_type()
        tok = self.peek()
        name = None
        if tok and _NAME_RE.fullmatch(tok):
            name = self.next()
        return Return(name, ty, ann)

    def annotated_type(self) -> tuple[Type, Annotation | None]:
        ty, ann = self.base_type()
        for suffixes in itertools.count():
            tok = self.peek()
            if tok in ("?", "[") and suffixes == _MAX_TYPE_SUFFIXES:
                # Types nest as deep as their suffixes, and print recursively.
                msg = f"more than {_MAX_TYPE_SUFFIXES} '?' and '[]' after one type in {self.text!r}"
                raise ParseError(msg)
            if tok == "?":
                self.i += 1
                ty = OptionalType(ty)
            elif tok == "[":
                ty = self.list_suffix(ty)
            elif tok == "(" and ann is None and isinstance(ty, OptionalType | ListType):
                ann = self.paren_annotation()  # non-canonical, See Note [Annotation placement]
            else:
                break
        if ann is not None:
            _check_annotated(ty, self.text)
        return ty, ann

    def list_suffix(self, elem: Type) -> Type:
        self.i += 1
        size = None
        if self.peek().isdigit():
            size = int(self.next())
        self.expect("]")
        return ListType(elem, size)

    def base_type(self) -> tuple[Type, Annotation | None]:
        word = self.name("a type")
        if word == "__torch__":
            return self.custom_class(), None
        ty = _BASE_TYS.get(word)
        if ty is None:
            self.i -= 1
            raise ParseError(f"unknown type {word!r} in {self.text!r}", _type_hint(word))
        ann = self.paren_annotation() if self.peek() == "(" else None
        return BaseType(ty), ann

    def custom_class(self) -> Type:
        parts = ["__torch__"]
        while self.peek() == ".":
            self.i += 1
            parts.append(self.name("a class name"))
        text = ".".join(parts)
        if not text.startswith(_CUSTOM_CLASS_PREFIX) or len(parts) < 5:
            raise ParseError(
                f"bad custom class type {text!r}", f"write {_CUSTOM_CLASS_PREFIX}NS.Name"
            )
        return CustomClassType(text[len(_CUSTOM_CLASS_PREFIX) :])

    def paren_annotation(self) -> Annotation:
        self.expect("(")
        ann = self.annotation_body()
        self.expect(")")
        return ann

    def annotation_body(self) -> Annotation:
        before = self.alias_set(allow_wildcard=False)
        is_write = self.peek() == "!"
        if is_write:
            self.i += 1
        after: tuple[str, ...] = ()
        if self.peek() == "->":
            self.i += 1
            after = self.alias_set(allow_wildcard=True)
        return _checked_annotation(Annotation(before, is_write, after), self.text)

    def alias_set(self, allow_wildcard: bool) -> tuple[str, ...]:
        names = [self.alias_name(allow_wildcard)]
        while self.peek() == "|":
            self.i += 1
            names.append(self.alias_name(allow_wildcard))
        return tuple(names)

    def alias_name(self, allow_wildcard: bool) -> str:
        tok = self.peek()
        if _ALIAS_RE.fullmatch(tok) or (allow_wildcard and tok == "*"):
            self.i += 1
            return tok
        raise self.fail("an alias set name (one lower-case letter)")


def _checked_annotation(ann: Annotation, text: str) -> Annotation:
    if ann.is_write and len(ann.alias_set) > 1:
        raise ParseError(f"a mutable alias annotation names one alias set, not {ann} in {text!r}")
    if len(ann.alias_set) > 1 and len(ann.alias_set_after) > 1:
        raise ParseError(f"alias annotation {ann} has several sets on both sides in {text!r}")
    return ann


def _check_annotated(ty: Type, text: str) -> None:
    if str(ty) not in ("Tensor", "Tensor?", "Tensor[]"):
        raise ParseError(
            f"alias annotations are only allowed on Tensor, Tensor? and Tensor[], not {ty}"
            f" in {text!r}"
        )


def _type_hint(word: str) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(_BASE_TYS), n=1)
    return f"did you mean {close[0]!r}?" if close else "see docs/native_functions.md#types"


def _parse_whole(text: str, what: str, method: Callable[[_SchemaParser], _T]) -> _T:
    if not isinstance(text, str):
        raise ParseError(f"expected a {what} string, got {type(text).__name__}")
    p = _SchemaParser(text)
    result = method(p)
    p.end()
    canonical = str(result)
    if canonical != text:
        raise ParseError(f"{what} is not in canonical form: {text!r}", f"write {canonical!r}")
    return result


# --------------------------------------------------------------------------
# Native functions
# --------------------------------------------------------------------------


class DispatchKey(Enum):
    """Dispatch keys an entry may name; the value is the YAML spelling."""

    CPU = "CPU"
    CUDA = "CUDA"
    HIP = "HIP"
    XLA = "XLA"
    MPS = "MPS"
    MTIA = "MTIA"
    XPU = "XPU"
    HPU = "HPU"
    IPU = "IPU"
    VE = "VE"
    Lazy = "Lazy"
    Meta = "Meta"
    PrivateUse1 = "PrivateUse1"
    MkldnnCPU = "MkldnnCPU"
    ZeroTensor = "ZeroTensor"
    QuantizedCPU = "QuantizedCPU"
    QuantizedCUDA = "QuantizedCUDA"
    QuantizedMeta = "QuantizedMeta"
    QuantizedXPU = "QuantizedXPU"
    SparseCPU = "SparseCPU"
    SparseCUDA = "SparseCUDA"
    SparseHIP = "SparseHIP"
    SparseMeta = "SparseMeta"
    SparseMPS = "SparseMPS"
    SparseXPU = "SparseXPU"
    SparseCsrCPU = "SparseCsrCPU"
    SparseCsrCUDA = "SparseCsrCUDA"
    SparseCsrHIP = "SparseCsrHIP"
    SparseCsrMeta = "SparseCsrMeta"
    SparseCsrMPS = "SparseCsrMPS"
    SparseCsrXPU = "SparseCsrXPU"
    NestedTensorCPU = "NestedTensorCPU"
    NestedTensorCUDA = "NestedTensorCUDA"
    NestedTensorHPU = "NestedTensorHPU"
    NestedTensorMeta = "NestedTensorMeta"
    NestedTensorXPU = "NestedTensorXPU"
    Autograd = "Autograd"
    CompositeImplicitAutograd = "CompositeImplicitAutograd"
    CompositeImplicitAutogradNestedTensor = "CompositeImplicitAutogradNestedTensor"
    CompositeExplicitAutograd = "CompositeExplicitAutograd"
    CompositeExplicitAutogradNonFunctional = "CompositeExplicitAutogradNonFunctional"

    def __str__(self) -> str:
        return self.value


COMPOSITE_KEYS = frozenset(
    [
        DispatchKey.CompositeImplicitAutograd,
        DispatchKey.CompositeImplicitAutogradNestedTensor,
        DispatchKey.CompositeExplicitAutograd,
        DispatchKey.CompositeExplicitAutogradNonFunctional,
    ]
)


class Variant(Enum):
    function = "function"
    method = "method"


class DeviceCheckType(Enum):
    NoCheck = "NoCheck"
    ExactSame = "ExactSame"


@dataclass(frozen=True, slots=True)
class StubDecl:
    """A DispatchStub an entry declares (kit key `dispatch_stub`)."""

    name: str
    fn_type: str
    loc: Location


@dataclass(frozen=True, slots=True)
class ShapeFunctionDecl:
    """The shape function an entry names (kit key `shape_function`).

    `pointwise(self, other)` has `args=("self", "other")`; the bare `pointwise`
    has `args=None`, meaning every non-out argument in schema order.  The
    function lives in python/aten_mini/_shape_functions.py.
    """

    name: str
    args: tuple[str, ...] | None
    loc: Location

    def __str__(self) -> str:
        return self.name if self.args is None else f"{self.name}({', '.join(self.args)})"

    def arg_names(self, func: FunctionSchema) -> tuple[str, ...]:
        """The schema arguments the function is called with, in order."""
        if self.args is not None:
            return self.args
        return tuple(a.name for a in func.arguments.flat_non_out)


@dataclass(frozen=True, slots=True)
class Precompute:
    """`precomputed:` of a structured op: replaced arguments, then added ones."""

    replace: tuple[tuple[str, tuple[Argument, ...]], ...]
    add: tuple[Argument, ...]


@dataclass(frozen=True, eq=False, slots=True)
class NativeFunction:
    """One entry of native_functions.yaml.

    Hashed and compared by identity: every entry is a distinct declaration.
    `dispatch` maps each key to its kernel name, with `CPU, CUDA: k` expanded;
    an entry with neither `dispatch` nor `structured_delegate` gets
    `{CompositeImplicitAutograd: cpp_name}` as torchgen does, and
    `explicit_dispatch` tells the two apart.
    """

    func: FunctionSchema
    loc: Location
    variants: frozenset[Variant]
    dispatch: dict[DispatchKey, str]
    explicit_dispatch: bool
    structured: bool
    structured_delegate: OperatorName | None
    structured_inherits: str | None
    precomputed: Precompute | None
    tags: frozenset[str]
    autogen: tuple[OperatorName, ...]
    device_check: DeviceCheckType
    device_guard: bool
    manual_kernel_registration: bool
    manual_cpp_binding: bool
    python_module: str | None
    category_override: str | None
    cpp_no_default_args: frozenset[str]
    ufunc_inner_loop: dict[str, str]
    use_const_ref_for_mutable_tensors: bool
    dispatch_stubs: tuple[StubDecl, ...]
    key_lines: dict[str, int] = field(default_factory=dict)
    shape_function: ShapeFunctionDecl | None = None
    # The `func:` string as written; the linter's canonical-form check (NF101)
    # compares it with `str(func)`.
    func_text: str = ""

    @property
    def root_name(self) -> str:
        """The op's base name without `_` or overload: `add` for `add_.Tensor`."""
        return self.func.name.name.base

    @property
    def cpp_name(self) -> str:
        """torchgen's default kernel name: `add`, `add_`, `add_out`."""
        name = str(self.func.name.name)
        return f"{name}_out" if self.func.is_out_fn() else name

    def key_loc(self, key: str) -> Location:
        """Where `key:` is written in this entry (the entry's line if absent)."""
        return Location(self.loc.file, self.key_lines.get(key, self.loc.line))

    @property
    def has_composite_implicit_autograd_kernel(self) -> bool:
        return DispatchKey.CompositeImplicitAutograd in self.dispatch

    @property
    def has_composite_implicit_autograd_nested_tensor_kernel(self) -> bool:
        return DispatchKey.CompositeImplicitAutogradNestedTensor in self.dispatch

    @property
    def has_composite_explicit_autograd_kernel(self) -> bool:
        return DispatchKey.CompositeExplicitAutograd in self.dispatch

    @property
    def has_composite_explicit_autograd_non_functional_kernel(self) -> bool:
        return DispatchKey.CompositeExplicitAutogradNonFunctional in self.dispatch

    @property
    def has_composite_kernel(self) -> bool:
        return any(k in COMPOSITE_KEYS for k in self.dispatch)

    @property
    def part_of_structured_group(self) -> bool:
        return self.structured or self.structured_delegate is not None


@dataclass(frozen=True, eq=False, slots=True)
class NativeFunctionsGroup:
    """The functional, in-place, mutable and out= variants of one op.

    `functional` and `out` are always present (torchgen's rule); ops without
    an out= variant stay single `NativeFunction`s after grouping.
    """

    functional: NativeFunction
    inplace: NativeFunction | None
    mutable: NativeFunction | None
    out: NativeFunction

    @property
    def structured(self) -> bool:
        return self.out.structured

    @property
    def root_name(self) -> str:
        return self.functional.root_name

    def signature(self) -> FunctionSchema:
        return self.out.func.signature()

    def functions(self) -> Iterator[NativeFunction]:
        yield self.functional
        yield self.out
        if self.inplace is not None:
            yield self.inplace
        if self.mutable is not None:
            yield self.mutable


def group_native_functions(
    fns: Sequence[NativeFunction],
) -> list[NativeFunction | NativeFunctionsGroup]:
    """Group variants by `signature()`, in order of first appearance.

    A set with both a functional and an out= variant becomes a
    `NativeFunctionsGroup`; any other set stays as its single functions.
    """
    by_sig: dict[FunctionSchema, dict[SchemaKind, NativeFunction]] = {}
    for f in fns:
        by_sig.setdefault(f.func.signature(), {}).setdefault(f.func.kind(), f)
    result: list[NativeFunction | NativeFunctionsGroup] = []
    for d in by_sig.values():
        functional, out = d.get(SchemaKind.functional), d.get(SchemaKind.out)
        if functional is None or out is None or SchemaKind.scratch in d:
            result.extend(d.values())
            continue
        inplace, mutable = d.get(SchemaKind.inplace), d.get(SchemaKind.mutable)
        result.append(NativeFunctionsGroup(functional, inplace, mutable, out))
    return result
