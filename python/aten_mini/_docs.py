"""Docstrings of the aten-mini operators, one `add_docstr` call per op.

Like PyTorch's `torch/_torch_docs.py`: the bindings are generated, the prose is
written here by hand. The generated extension module reads `DOCS` while it
initialises and attaches each text to the function of the same name. Every
docstring has a runnable example; `test/docs/test_doctests.py` runs them all,
so an example that stops matching the op fails the suite.

Adding an op? Add its `add_docstr` call here, in alphabetical order.
"""

from __future__ import annotations

DOCS: dict[str, str] = {}


def add_docstr(name: str, doc: str) -> None:
    """Register the docstring of op `name` (its base name, e.g. "add")."""
    if name in DOCS:
        raise ValueError(f"add_docstr: {name!r} is documented twice in {__file__}")
    DOCS[name] = doc.strip("\n")


add_docstr(
    "add",
    r"""
add(input, other, *, alpha=1, out=None) -> Tensor

Adds ``other``, scaled by ``alpha``, to ``self``:
``out = self + alpha * other``. Broadcasts ``self`` and ``other`` and promotes
their dtypes as :func:`torch.add` does. ``other`` may be a Python number.

Example::

    >>> import torch, aten_mini
    >>> aten_mini.add(torch.tensor([1.0, 2.0]), torch.tensor([10.0, 20.0]), alpha=2)
    tensor([21., 42.])
    >>> aten_mini.add(torch.tensor([1, 2]), 5)
    tensor([6, 7])
""",
)

add_docstr(
    "cumsum",
    r"""
cumsum(input, dim, *, dtype=None, out=None) -> Tensor

Cumulative sum of ``self`` along dimension ``dim``: element ``i`` of the
result is the sum of elements ``0..i``. If ``dtype`` is given, the input is
cast to it first (useful to avoid overflow of small integer types).

Example::

    >>> import torch, aten_mini
    >>> aten_mini.cumsum(torch.tensor([[1, 2], [3, 4]]), dim=1)
    tensor([[1, 3],
            [3, 7]])
""",
)

add_docstr(
    "log1p",
    r"""
log1p(input, *, out=None) -> Tensor

Natural logarithm of ``1 + input``, elementwise. Unlike ``log(1 + input)``
it stays accurate when ``input`` is much smaller than 1, where ``1 + input``
would round to 1. Integer and bool inputs give the default float dtype, as
:func:`torch.log1p` does. ``-1`` gives ``-inf`` and values below it ``nan``.
``log1p_(input)`` works in place, on a floating-point ``input`` (an integer
one cannot hold the float result, as in torch).

Example::

    >>> import torch, aten_mini
    >>> aten_mini.log1p(torch.tensor([0.0, 1e-10, 1.0, -1.0]))
    tensor([0.0000e+00, 1.0000e-10, 6.9315e-01,       -inf])
    >>> aten_mini.log1p(torch.tensor([0, 1, 3]))
    tensor([0.0000, 0.6931, 1.3863])
""",
)

add_docstr(
    "mul",
    r"""
mul(input, other, *, out=None) -> Tensor

Multiplies ``self`` by ``other`` element-wise, with broadcasting and type
promotion as :func:`torch.mul`.

Example::

    >>> import torch, aten_mini
    >>> aten_mini.mul(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([2.0]))
    tensor([2., 4., 6.])
""",
)

add_docstr(
    "relu",
    r"""
relu(input, *, out=None) -> Tensor

Rectified linear unit, element-wise: ``max(self, 0)``.

Example::

    >>> import torch, aten_mini
    >>> aten_mini.relu(torch.tensor([-1.0, 0.0, 2.0]))
    tensor([0., 0., 2.])
""",
)

add_docstr(
    "sigmoid",
    r"""
sigmoid(input, *, out=None) -> Tensor

Logistic sigmoid, element-wise: ``1 / (1 + exp(-self))``. Integer inputs
give a floating-point result.

Example::

    >>> import torch, aten_mini
    >>> aten_mini.sigmoid(torch.tensor([-1.0, 0.0, 1.0]))
    tensor([0.2689, 0.5000, 0.7311])
""",
)

add_docstr(
    "silu",
    r"""
silu(input) -> Tensor

Sigmoid linear unit: ``self * sigmoid(self)``. It has no kernel of its own: it
is a CompositeImplicitAutograd op written with ``mul`` and ``sigmoid``.

Example::

    >>> import torch, aten_mini
    >>> aten_mini.silu(torch.tensor([-1.0, 0.0, 1.0]))
    tensor([-0.2689,  0.0000,  0.7311])
""",
)

add_docstr(
    "softplus",
    r"""
softplus(input, beta=1, threshold=20, *, out=None) -> Tensor

Smooth approximation of ReLU: ``log(1 + exp(beta * self)) / beta``. Where
``beta * self > threshold`` the result is ``self`` itself, for numerical
stability.

Example::

    >>> import torch, aten_mini
    >>> aten_mini.softplus(torch.tensor([-1.0, 0.0, 30.0]), beta=2, threshold=10)
    tensor([ 0.0635,  0.3466, 30.0000])
""",
)

add_docstr(
    "sum",
    r"""
sum(input, dim=None, keepdim=False, *, dtype=None, out=None) -> Tensor

Sum of the elements of ``self``: over all of them, or over the dimensions in
``dim``. ``keepdim=True`` keeps the reduced dimensions with size 1. Integer
and bool inputs are summed as int64 unless ``dtype`` says otherwise.

Example::

    >>> import torch, aten_mini
    >>> x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> aten_mini.sum(x)
    tensor(10.)
    >>> aten_mini.sum(x, dim=0, keepdim=True)
    tensor([[4., 6.]])
""",
)

add_docstr(
    "where",
    r"""
where(condition, input, other, *, out=None) -> Tensor

Picks ``self`` where ``condition`` is true and ``other`` elsewhere; the three
tensors broadcast together.

Example::

    >>> import torch, aten_mini
    >>> cond = torch.tensor([True, False, True])
    >>> aten_mini.where(cond, torch.tensor([1.0, 2.0, 3.0]), torch.tensor([10.0, 20.0, 30.0]))
    tensor([ 1., 20.,  3.])
""",
)
