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
from torchgen_mini.model import DispatchKey, NativeFunction, SchemaKind

NATIVE_DIR = Path("aten_mini") / "native"
SOURCE_SUFFIXES = (".cpp", ".cu")

# Note [Finding kernel definitions]
# The sources are not compiled, only scanned: comments are removed, then a
# definition of kernel `k` is `<return type> [at_mini::native::]k(<params>) {`
# where the return type is a (possibly qualified, possibly templated) name
# with an optional `&`/`*`, and the parameter list holds no `;`, `{` or `}`.
# Limits: the namespace is not checked (a `k` defined in another namespace
# counts), nor the parameter types (NativeFunctions.h makes the compiler check
# those), nor `#if` blocks; a kernel defined through a macro is not seen,
# except the structured ones: the impl kernel `k` of a structured out= entry
# is `TORCH_IMPL_FUNC(k)(`, and the group's meta function is
# `TORCH_META_FUNC(op)(` or `TORCH_META_FUNC2(op, overload)(` (or their
# TORCH_PRECOMPUTE_ forms).

_COMMENT_RE = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_DEF_TEMPLATE = (
    r"[\w:]+(?:<[^;{{}}()]*>)?\s*[&*]?\s*"
    r"(?:at_mini::native::)?\b{name}\s*\([^;{{}}]*\)\s*(?:const\s*)?\{{"
)


_IMPL_TEMPLATE = r"\bTORCH_IMPL_FUNC\s*\(\s*{name}\s*\)\s*\("
_META_TEMPLATE = r"\bTORCH_(?:PRECOMPUTE_)?META_FUNC(?:2)?\s*\(\s*{args}\s*\)\s*\("

# Names in `names` that start with this are structured: `impl:add_out` is the
# impl kernel add_out, `meta:add.Tensor` the meta function of add.Tensor.
IMPL, META = "impl:", "meta:"


def definition_pattern(name: str) -> str:
    """The regex of a definition of `name` (a kernel, `impl:<kernel>` or `meta:<op>`)."""
    if name.startswith(IMPL):
        return _IMPL_TEMPLATE.format(name=re.escape(name[len(IMPL) :]))
    if name.startswith(META):
        base, _, overload = name[len(META) :].partition(".")
        args = re.escape(base) + (r"\s*,\s*" + re.escape(overload) if overload else "")
        return _META_TEMPLATE.format(args=args)
    return _DEF_TEMPLATE.format(name=re.escape(name))


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
            if re.search(definition_pattern(name), text):
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


_DEVICE_KEYS = (DispatchKey.CPU, DispatchKey.CUDA)


def kernel_keys(f: NativeFunction) -> dict[str, list[DispatchKey]]:
    """Kernel name (`impl:`/`meta:` for structured ones) -> the keys that use it."""
    by_kernel: dict[str, list[DispatchKey]] = {}
    for key, kernel in f.dispatch.items():
        structured = f.structured and key in _DEVICE_KEYS
        by_kernel.setdefault(IMPL + kernel if structured else kernel, []).append(key)
    return by_kernel


def meta_names(fns: list[NativeFunction]) -> dict[str, NativeFunction]:
    """`meta:add.Tensor` -> the structured out= entry, for each structured group."""
    out: dict[str, NativeFunction] = {}
    for f in fns:
        if f.structured_delegate is None or f.func.kind() is not SchemaKind.functional:
            continue
        target = next((g for g in fns if g.func.name == f.structured_delegate), None)
        if target is not None and target.structured:
            out[META + str(f.func.name)] = target
    return out


def missing_kernels(fns: list[NativeFunction], root: Path) -> list[Diagnostic]:
    """One diagnostic per kernel named in `fns` that no source under `root` defines."""
    metas = meta_names(fns)
    names = {k for f in fns for k in kernel_keys(f)} | set(metas)
    found = find_definitions(root, names)
    errors: list[Diagnostic] = []
    reported: set[str] = set()
    for f in fns:
        siblings = _sibling_files(f, fns, found)
        for kernel, keys in kernel_keys(f).items():
            if kernel in found or kernel in reported:
                continue
            reported.add(kernel)
            errors.append(_missing(f, kernel, keys, siblings))
    for name, out in metas.items():
        if name not in found:
            errors.append(_missing_meta(out, name[len(META) :], _sibling_files(out, fns, found)))
    return errors


def _sibling_files(
    f: NativeFunction, fns: list[NativeFunction], found: dict[str, Path]
) -> list[Path]:
    kernels = [k for g in fns if g.root_name == f.root_name for k in kernel_keys(g)]
    return sorted({found[k] for k in kernels if k in found})


def _missing(
    f: NativeFunction, kernel: str, keys: list[DispatchKey], siblings: list[Path]
) -> Diagnostic:
    where = suggested_file(f, keys, siblings)
    if kernel.startswith(IMPL):
        message = (
            f"impl 'TORCH_IMPL_FUNC({kernel[len(IMPL) :]})' ({', '.join(map(str, keys))}) of "
            f"structured '{f.func.name}' is not defined; define it in {where}"
        )
    else:
        message = (
            f"kernel 'at_mini::native::{kernel}' ({', '.join(map(str, keys))}) for "
            f"'{f.func.name}' is not defined; define it in {where}"
        )
    return Diagnostic(f.key_loc("dispatch"), message)


def _missing_meta(out: NativeFunction, functional: str, siblings: list[Path]) -> Diagnostic:
    base, _, overload = functional.partition(".")
    prefix = "TORCH_PRECOMPUTE_META_FUNC" if out.precomputed is not None else "TORCH_META_FUNC"
    macro = f"{prefix}2({base}, {overload})" if overload else f"{prefix}({base})"
    where = suggested_file(out, list(_DEVICE_KEYS), siblings)
    message = (
        f"meta function '{macro}' of structured '{out.func.name}' is not defined;"
        f" define it in namespace at_mini::meta in {where}"
    )
    return Diagnostic(out.key_loc("structured"), message)
