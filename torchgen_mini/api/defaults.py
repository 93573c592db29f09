"""Schema defaults, spelled in another language.

A default in a schema (`int[1] dim=[]`, `str mode='mean'`, `Scalar alpha=1`,
`ScalarType? dtype=None`) is one of four kinds: a named constant, a list,
a quoted string, or a literal (a number).  The C++, pybind11 and `.pyi`
views each spell the kinds their own way; `translate_default` tells the
kinds apart once for all three.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from torchgen_mini.model import Argument


def translate_default(
    a: Argument,
    constants: Mapping[str, str],
    *,
    list_items: Callable[[str], str],
    string: Callable[[str], str],
    literal: Callable[[str], str],
) -> str | None:
    """The default of `a` in the target language, or None when it has none.

    `constants` spells named constants; `list_items` gets the text between
    the brackets of a list, `string` the text between the quotes of a string,
    `literal` any other default as written.
    """
    d = a.default
    if d is None:
        return None
    if d in constants:
        return constants[d]
    if d.startswith("[") and d.endswith("]"):
        return list_items(d[1:-1])
    if d[:1] in ("'", '"'):
        return string(d[1:-1])
    return literal(d)
