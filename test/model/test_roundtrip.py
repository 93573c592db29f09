"""Round-trip and robustness properties of the schema parser (hypothesis).

1. Schemas built from the grammar print to text that parses back to the
   same object.
2. Upstream schema strings, mutated at random, and random schema-like text
   either parse and round-trip exactly or raise the kit's `ParseError`;
   never any other exception.
The default run uses a modest number of examples; `--slow` runs 5,000+.
"""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_testutil import UPSTREAM_YAML

from torchgen_mini.model import (
    Annotation,
    Argument,
    Arguments,
    BaseOperatorName,
    BaseTy,
    BaseType,
    FunctionSchema,
    ListType,
    OperatorName,
    OptionalType,
    ParseError,
    Return,
    Type,
)

UPSTREAM_FUNCS: list[str] = [
    e["func"] for e in yaml.load(UPSTREAM_YAML.read_text(), Loader=yaml.CSafeLoader)
]
FAST = settings(max_examples=150, deadline=None, database=None)
SLOW = settings(
    max_examples=5000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# -- strategies for well-formed schemas -------------------------------------

names = st.from_regex(r"[a-z][a-z0-9_]{0,6}[a-z0-9]", fullmatch=True).filter(
    lambda s: not s.endswith("_out") and not s.endswith("_functional")
)
base_types = st.sampled_from([BaseType(t) for t in BaseTy])


def _wrap(inner: st.SearchStrategy[Type]) -> st.SearchStrategy[Type]:
    sizes = st.one_of(st.none(), st.integers(1, 4))
    return st.one_of(inner.map(OptionalType), st.builds(ListType, inner, sizes)).filter(
        lambda t: not isinstance(t, OptionalType) or not isinstance(t.elem, OptionalType)
    )


types = st.recursive(base_types, _wrap, max_leaves=3)
annotations = st.builds(
    Annotation,
    st.tuples(st.sampled_from("abc")),
    st.booleans(),
    st.one_of(st.just(()), st.tuples(st.sampled_from("abc*"))),
)
tensor_types = st.sampled_from(["Tensor", "Tensor?", "Tensor[]"]).map(Type.parse)
defaults = st.sampled_from([None, "None", "0", "-1", "1.5", "True", "[]", "[0,1]", '"mean"'])


@st.composite
def arguments(draw: st.DrawFn) -> Argument:
    if draw(st.booleans()):
        return Argument(draw(names), draw(tensor_types), draw(defaults), draw(annotations))
    return Argument(draw(names), draw(types), draw(defaults), None)


@st.composite
def schemas(draw: st.DrawFn) -> FunctionSchema:
    base = draw(names)
    op = OperatorName(BaseOperatorName(base, draw(st.booleans()), False), draw(names | st.just("")))
    pos = draw(st.lists(arguments(), max_size=4))
    kw = [a for a in draw(st.lists(arguments(), max_size=3)) if not a.is_write]
    out = [a for a in draw(st.lists(arguments(), max_size=2)) if a.is_write] if kw else []
    rets = draw(st.lists(st.builds(Return, names | st.none(), types, st.none()), max_size=3))
    return FunctionSchema(op, Arguments(tuple(pos), tuple(kw), tuple(out)), tuple(rets))


def _check_roundtrip(s: FunctionSchema) -> None:
    text = str(s)
    assert FunctionSchema.parse(text) == s
    assert str(FunctionSchema.parse(text)) == text


@FAST
@given(schemas())
def test_generated_schemas_roundtrip(s: FunctionSchema) -> None:
    _check_roundtrip(s)


@pytest.mark.slow
@SLOW
@given(schemas())
def test_generated_schemas_roundtrip_many(s: FunctionSchema) -> None:
    _check_roundtrip(s)


# -- mutated and random text ------------------------------------------------

_PIECES = [*"()[]?!|*,=.-> _'\"\t", "Tensor", "int", "->", "(a!)", ", *", " ", "self"]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(UPSTREAM_FUNCS))
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 8)))
        piece = draw(st.sampled_from(_PIECES) | st.text(max_size=3))
        text = text[:i] + piece + text[j:] if draw(st.booleans()) else text[:i] + text[j:]
    return text


random_text = st.lists(st.sampled_from([*_PIECES, *"abcxyz019"]), max_size=30).map("".join)


def _parse_or_parse_error(text: str) -> None:
    try:
        s = FunctionSchema.parse(text)
    except ParseError as e:
        assert str(e)  # a message, and no other exception type
        return
    assert str(s) == text


@FAST
@given(mutated() | random_text)
def test_mutated_text_parses_or_raises_parse_error(text: str) -> None:
    _parse_or_parse_error(text)


@pytest.mark.slow
@SLOW
@given(mutated() | random_text)
def test_mutated_text_parses_or_raises_parse_error_many(text: str) -> None:
    _parse_or_parse_error(text)


@pytest.mark.parametrize(
    "text",
    [
        "add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor",
        "f(Tensor(a! -> a|b)[] x, Tensor?[] y=None) -> (Tensor a, Tensor b)",
        "__iand__.Scalar(Tensor(a!) self, Scalar other) -> Tensor(a!)",
        "f(__torch__.torch.classes.quantized.Conv2dPackedParamsBase p) -> ()",
        "f(int[2] k=1, bool[3] m=[True,False,True], str s='fro') -> Tensor(a -> *)",
    ],
)
def test_known_schemas_roundtrip(text: str) -> None:
    assert str(FunctionSchema.parse(text)) == text


def test_noncanonical_text_names_canonical_form() -> None:
    with pytest.raises(ParseError) as e:
        FunctionSchema.parse("f(Tensor?(a!) x) -> ()")
    assert e.value.hint == "write 'f(Tensor(a!)? x) -> ()'"
