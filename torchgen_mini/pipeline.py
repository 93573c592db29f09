"""The generator's pipeline: load the YAML, then check it against the rest of the repository.

    parse_native_yaml        the YAML files only (torchgen_mini.native_yaml)
    check_shape_functions    `shape_function:` against python/aten_mini/_shape_functions.py
    missing_kernels          `dispatch:` kernels against aten_mini/native/**.{cpp,cu}
    load_derivatives         tools/autograd/derivatives.yaml against the checked YAML

`gen` runs all four (CMake's build step leaves out the kernel scan, see Note
[Where the kernel check runs]), and renders only when all passed (Note [One
output protocol] in torchgen_mini/output.py); `python -m torchgen_mini check`
runs the first two, and the kernel scan with `--kernels`; `./kit lint` runs
the first three.  Each step returns its own diagnostics; `load_and_check`
sorts those of the first three together.
"""

from __future__ import annotations

from pathlib import Path

from torchgen_mini.derivatives import DifferentiabilityInfo, parse_derivatives_yaml
from torchgen_mini.diagnostics import Diagnostic
from torchgen_mini.kernel_check import missing_kernels
from torchgen_mini.model import NativeFunction
from torchgen_mini.native_yaml import ParsedNativeYaml, parse_native_yaml
from torchgen_mini.shape_functions import check_shape_functions, find_module

# Note [Where the kernel check runs]
# The kernel check reads every kernel source.  When the codegen ran it as a
# build step, CMake had to make the codegen depend on all of aten_mini/native,
# so editing one kernel re-ran the codegen.  Now CMake runs `gen
# --no-kernel-check`, whose outputs depend on the YAML files, the templates and
# torchgen_mini only; a kernel that is declared but not written still fails
# the build, at the link of libaten_mini.so (-Wl,--no-undefined).  The readable
# one-line error (`native_functions.yaml:12: error: kernel ... is not defined;
# define it in aten_mini/native/Foo.cpp`) comes from `./kit lint` (the
# `kernels` linter, which `./kit test` and `./kit check` run), from
# `python -m torchgen_mini check --kernels`, and from a `gen` run by hand.


def shape_function_errors(
    parsed: ParsedNativeYaml, yaml_path: str | Path, module: str | Path | None = None
) -> list[Diagnostic]:
    """Step 2. `module` defaults to the nearest python/aten_mini/_shape_functions.py."""
    fns = parsed.native_functions
    if not any(f.shape_function for f in fns):
        return []
    return check_shape_functions(fns, module if module is not None else find_module(yaml_path))


def load_and_check(
    path: str | Path,
    tags_path: str | Path | None = None,
    *,
    shape_functions: str | Path | None = None,
    kernels_root: str | Path | None = None,
) -> ParsedNativeYaml:
    """Steps 1 and 2, and step 3 when `kernels_root` (the repository root) is given.

    Never raises for bad input.  The kernel scan runs only on a file without
    other errors (a kernel name in a broken entry is not worth a second line).
    """
    parsed = parse_native_yaml(path, tags_path)
    if not parsed.loaded:
        return parsed
    errors = parsed.errors + shape_function_errors(parsed, path, shape_functions)
    if kernels_root is not None and not errors:
        errors = missing_kernels(parsed.native_functions, Path(kernels_root))
    if len(errors) == len(parsed.errors):
        return parsed
    return ParsedNativeYaml(parsed.native_functions, _sorted(errors, str(path)))


def _sorted(errors: list[Diagnostic], path: str) -> list[Diagnostic]:
    return sorted(errors, key=lambda d: (d.loc.file != path, d.loc.file, d.loc.line))


DEFAULT_DERIVATIVES = Path("tools/autograd/derivatives.yaml")


def load_derivatives(
    fns: list[NativeFunction], given: str | Path | None, root: Path
) -> tuple[list[DifferentiabilityInfo] | None, list[Diagnostic]]:
    """Step 4: the entries of derivatives.yaml, resolved against the checked `fns`.

    Reads `given`, or else `root`/tools/autograd/derivatives.yaml; without
    `given` and without that file the run has no derivatives (None, and no
    error).  The entries are None too when there are errors.
    """
    path = Path(given) if given else root / DEFAULT_DERIVATIVES
    if not given and not path.is_file():
        return None, []
    parsed = parse_derivatives_yaml(path, fns)
    return (None if parsed.errors else parsed.infos), parsed.errors
