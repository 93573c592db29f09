"""Find kernels named in native_functions.yaml that no C++ source defines.

Without this check, a kernel declared in the YAML but never written shows up
as an undefined symbol when the extension is loaded (or as a page of linker
errors).  `gen` runs it first and reports one line per missing kernel, at
the entry's `dispatch:` line, naming the file the kernel belongs in.  See
Note [Finding kernel definitions] for what the scan can and cannot see.
"""

from __future__ import annotations

import re
from pathlib import Path

from torchgen_mini.diagnostics import Diagnostic
from torchgen_mini.model import DispatchKey, NativeFunction

NATIVE_DIR = Path("aten_mini") / "native"
SOURCE_SUFFIXES = (".cpp", ".cu")

# Note [Finding kernel definitions]
# The sources are not compiled, only scanned: comments are removed, then a
# definition of kernel `k` is `<return type> [at_mini::native::]k(<params>) {`
# where the return type is a (possibly qualified, possibly templated) name
# with an optional `&`/`*`, and the parameter list holds no `;`, `{` or `}`.
# Limits: the namespace is not checked (a `k` defined in another namespace
# counts), nor the parameter types (NativeFunctions.h makes the compiler check
# those), nor `#if` blocks; a kernel defined through a macro is not seen.

_COMMENT_RE = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_DEF_TEMPLATE = (
    r"[\w:]+(?:<[^;{{}}()]*>)?\s*[&*]?\s*"
    r"(?:at_mini::native::)?\b{name}\s*\([^;{{}}]*\)\s*(?:const\s*)?\{{"
)


def strip_comments(text: str) -> str:
    return _COMMENT_RE.sub(" ", text)


def source_files(root: Path) -> list[Path]:
    """The hand-written kernel sources under `root/aten_mini/native`, sorted."""
    base = root / NATIVE_DIR
    if not base.is_dir():
        return []
    return sorted(p for p in base.rglob("*") if p.suffix in SOURCE_SUFFIXES and p.is_file())


def find_definitions(root: Path, names: set[str]) -> dict[str, Path]:
    """Kernel name -> the first source file (relative to `root`) that defines it."""
    found: dict[str, Path] = {}
    for path in source_files(root):
        text = strip_comments(path.read_text(encoding="utf-8", errors="replace"))
        for name in sorted(names - found.keys()):
            if re.search(_DEF_TEMPLATE.format(name=re.escape(name)), text):
                found[name] = path.relative_to(root)
    return found


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_") if part)


def suggested_file(f: NativeFunction, keys: list[DispatchKey], siblings: list[Path]) -> str:
    """Where the kernel belongs: next to its op's other kernels, else `<Op>.cpp`."""
    generic = [p for p in siblings if p.parent == NATIVE_DIR]
    if generic or siblings:
        return (generic or siblings)[0].as_posix()
    if keys == [DispatchKey.CUDA]:
        return (NATIVE_DIR / "cuda" / f"{_camel(f.root_name)}.cu").as_posix()
    return (NATIVE_DIR / f"{_camel(f.root_name)}.cpp").as_posix()


def _kernel_keys(f: NativeFunction) -> dict[str, list[DispatchKey]]:
    by_kernel: dict[str, list[DispatchKey]] = {}
    for key, kernel in f.dispatch.items():
        by_kernel.setdefault(kernel, []).append(key)
    return by_kernel


def missing_kernels(fns: list[NativeFunction], root: Path) -> list[Diagnostic]:
    """One diagnostic per kernel named in `fns` that no source under `root` defines."""
    names = {k for f in fns for k in f.dispatch.values()}
    found = find_definitions(root, names)
    errors: list[Diagnostic] = []
    reported: set[str] = set()
    for f in fns:
        siblings = _sibling_files(f, fns, found)
        for kernel, keys in _kernel_keys(f).items():
            if kernel in found or kernel in reported:
                continue
            reported.add(kernel)
            errors.append(_missing(f, kernel, keys, siblings))
    return errors


def _sibling_files(
    f: NativeFunction, fns: list[NativeFunction], found: dict[str, Path]
) -> list[Path]:
    kernels = [k for g in fns if g.root_name == f.root_name for k in g.dispatch.values()]
    return sorted({found[k] for k in kernels if k in found})


def _missing(
    f: NativeFunction, kernel: str, keys: list[DispatchKey], siblings: list[Path]
) -> Diagnostic:
    where = suggested_file(f, keys, siblings)
    message = (
        f"kernel 'at_mini::native::{kernel}' ({', '.join(map(str, keys))}) for "
        f"'{f.func.name}' is not defined; define it in {where}"
    )
    return Diagnostic(f.key_loc("dispatch"), message)
