"""Per-operator headers (`ops/add.h`, `ops/add_ops.h`, `ops/add_native.h`,
`ops/add_stubs.h`) and the shards of the big generated sources.

See Note [Per-operator headers] and Note [Sharded generated sources].
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable

from torchgen_mini.api import cpp
from torchgen_mini.model import NativeFunction

# Note [Per-operator headers]
# A new YAML entry used to change NativeFunctions.h, Functions.h and
# Operators.h, and every file that included one of them recompiled: all the
# generated Register*.cpp, RegisterCUDA through nvcc, the kit's own kernels
# (docs/performance.md, "add one op" 102 s).  As ATen does (ATen/ops/), each
# operator root (`add` for add.Tensor, add_.Tensor and add.out) now has its
# own headers:
#   ops/<root>_native.h  the kernels of its `dispatch:` entries (at_mini::native)
#   ops/<root>_ops.h     its operator structs (at_mini::_ops)
#   ops/<root>.h         its C++ API (at_mini::add, add_out, add_outf)
#   ops/<root>_stubs.h   the DispatchStubs its entries declare (if any)
# Generated files include only the headers of the roots they mention, and the
# kit's kernels include only what they use, so a new op leaves them alone:
# the generator writes a file only when its bytes change (Note [Write only
# what changed]), and unchanged headers keep their timestamps.  The aggregate
# headers (NativeFunctions.h, Operators.h, Functions.h, DispatchStubs.h) are
# lists of includes of the per-op ones; a learner's kernel may include them,
# at the price of recompiling whenever any op is added.  The kit's own files
# do not: a practice task that adds an op to Activation.cpp, BinaryOps.cpp or
# ReduceOps.cpp adds its include lines too (`ops/mish_native.h`, ...), as an
# upstream PR adds `#include <ATen/ops/mish_native.h>` to ATen's Activation.cpp.

# Note [Sharded generated sources]
# python_functions.cpp and Operators.cpp hold code for every op; a new op
# would recompile all of it (17 s for the bindings alone).  They are split
# into a fixed number of shards, and an op goes to shard crc32(root) % N:
# stable across runs and YAML edits, so a new op changes one shard. The
# number of shards is fixed, so the list of outputs that CMake learns at
# configure time (`gen --list-outputs`) does not depend on which ops exist.
PYTHON_SHARDS = 4
OPERATOR_SHARDS = 4


def native_header(root: str) -> str:
    return f"ops/{root}_native.h"


def ops_header(root: str) -> str:
    return f"ops/{root}_ops.h"


def api_header(root: str) -> str:
    return f"ops/{root}.h"


def stubs_header(root: str) -> str:
    return f"ops/{root}_stubs.h"


def include_lines(headers: Iterable[str]) -> list[str]:
    """`#include "ops/add_ops.h"` lines, each header once, sorted."""
    return [f'#include "{h}"' for h in sorted(set(headers))]


def by_root(fns: list[NativeFunction]) -> dict[str, list[NativeFunction]]:
    """Root name -> its overloads, roots in the YAML order of their first entry."""
    groups: dict[str, list[NativeFunction]] = {}
    for f in fns:
        groups.setdefault(f.root_name, []).append(f)
    return groups


def shard_of(root: str, shards: int) -> int:
    """The shard of `root`.  See Note [Sharded generated sources]."""
    return zlib.crc32(root.encode("utf-8")) % shards


def shard(fns: list[NativeFunction], shards: int) -> list[list[NativeFunction]]:
    """`fns` split into `shards` lists, YAML order kept in each."""
    out: list[list[NativeFunction]] = [[] for _ in range(shards)]
    for f in fns:
        out[shard_of(f.root_name, shards)].append(f)
    return out


def api_roots(fns: list[NativeFunction]) -> dict[str, str]:
    """C++ API function name (`add_`, `add_out`, `add_outf`) -> its root."""
    return {sig.name: f.root_name for f in fns for sig in cpp.cpp_api_signatures(f)}


_CALL = re.compile(r"\b(\w+)\s*\(")


def called_roots(code: Iterable[str], fns: list[NativeFunction]) -> set[str]:
    """The roots whose C++ API functions `code` appears to call.

    A scan by name: a name that also means something else only adds an
    include, never removes one that is needed.
    """
    names = api_roots(fns)
    return {names[m.group(1)] for text in code for m in _CALL.finditer(text) if m.group(1) in names}
