"""aten-mini: a scaled-down ATen, built against the real libtorch.

Every operator of native_functions.yaml is callable as ``aten_mini.<name>(...)``
(generated pybind11 bindings in ``aten_mini._C``) and, since importing this
package loads ``libaten_mini.so`` and its dispatcher registrations, also as
``torch.ops.aten_mini.<name>.<overload>``.

    >>> import torch, aten_mini
    >>> aten_mini.add(torch.ones(2), torch.ones(2), alpha=3)
    tensor([4., 4.])
"""

from __future__ import annotations

import importlib.util

import torch  # noqa: F401  (loads libtorch before our libraries need it)

try:
    from aten_mini import _C
except ImportError as exc:  # not built yet, or built against another torch
    raise ImportError(f"aten_mini._C could not be loaded ({exc}): run ./kit build") from exc


def _public_names() -> list[str]:
    return sorted(name for name in dir(_C) if not name.startswith("_"))


globals().update({name: getattr(_C, name) for name in _public_names()})
__all__ = _public_names()

# Fake kernels (torch.compile, opcheck) and dynamo polyfills; see
# Note [torch.compile support] in aten_mini/_compile.py.
from aten_mini import _compile  # noqa: E402

_compile.register()

# vmap batching rules, derived from each op's schema and tags; see
# Note [Batching rules from the schema] in aten_mini/_batching.py.
from aten_mini import _batching  # noqa: E402

_batching.register()

# Docstrings with runnable examples live in _docs; if it has an apply() hook
# (rather than being read by _C itself), run it.
if importlib.util.find_spec("aten_mini._docs") is not None:
    from aten_mini import _docs

    if hasattr(_docs, "apply"):
        _docs.apply()
