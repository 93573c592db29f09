"""The one loader: native_functions.yaml (a path or a text) -> validated `NativeFunction`s.

`parse_native_yaml` reads the file (see `yaml_loader`), converts each entry
key by key, and hands the result to `validate` for the rules that span a
whole schema or several entries.  A bad key is reported at its own line and
replaced by its default so the rest of the entry, and the rest of the file,
is still checked.  See Note [Error recovery].

Loading reads the YAML files and nothing else of the repository: the checks
against other files (shape functions, kernel sources) are steps of their own,
run by `torchgen_mini.pipeline`.  This module imports the model; the model
never imports it.
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from torchgen_mini.diagnostics import Diagnostic, Location, ParseError, did_you_mean
from torchgen_mini.model import (
    Argument,
    DeviceCheckType,
    DispatchKey,
    FunctionSchema,
    NativeFunction,
    OperatorName,
    Precompute,
    ShapeFunctionDecl,
    StubDecl,
    Variant,
)
from torchgen_mini.validate import validate
from torchgen_mini.yaml_loader import YList, YMap, load_yaml, load_yaml_text

# Note [Error recovery]
# Each key of an entry is converted by its own function.  A conversion that
# fails raises ParseError; the caller records it at the key's line and uses
# the key's default instead, so one typo yields one error, not a cascade.
# Only a `func` that does not parse drops the whole entry, since everything
# else about the entry depends on its schema.

_CPP_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)*")
_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FN_TYPE_RE = re.compile(r"[A-Za-z_][\w:<>, *&]*\(.*\)")
_SHAPE_FN_RE = re.compile(r"([A-Za-z_]\w*)\s*(?:\((.*)\))?")
_DISPATCH_KEYS = {k.value: k for k in DispatchKey}


@dataclass
class _Ctx:
    """The entry being converted and where its errors go."""

    file: str
    entry: YMap
    errors: list[Diagnostic]
    key: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def loc(self, line: int | None = None) -> Location:
        if line is None:
            line = self.entry.key_lines.get(self.key, self.entry.line)
        return Location(self.file, line)

    def error(self, message: str, hint: str | None = None, line: int | None = None) -> None:
        self.errors.append(Diagnostic(self.loc(line), message, hint))


def _want(value: Any, ty: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(value, ty):
        raise ParseError(f"{what}, got {_describe(value)}")
    return value


def _describe(value: Any) -> str:
    if isinstance(value, YMap):
        return "a mapping"
    if isinstance(value, YList):
        return "a list"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}"


# --------------------------------------------------------------------------
# One converter per key
# --------------------------------------------------------------------------


def _bool(value: Any, ctx: _Ctx) -> bool:
    return bool(_want(value, bool, f"'{ctx.key}' must be True or False"))


def _str(value: Any, ctx: _Ctx) -> str:
    return str(_want(value, str, f"'{ctx.key}' must be a string"))


def _variants(value: Any, ctx: _Ctx) -> frozenset[Variant]:
    text = _want(value, str, "'variants' must be a string such as 'function, method'")
    out = set()
    for word in (w.strip() for w in text.split(",")):
        if word not in ("function", "method"):
            raise ParseError(f"unknown variant '{word}'", "variants are 'function' and 'method'")
        out.add(Variant(word))
    return frozenset(out)


def _dispatch(value: Any, ctx: _Ctx) -> dict[DispatchKey, str]:
    table = _want(value, YMap, "'dispatch' must be a mapping from dispatch keys to kernels")
    out: dict[DispatchKey, str] = {}
    for keys, kernel in table.items():
        line = table.key_lines[keys]
        if not isinstance(kernel, str) or not _CPP_NAME_RE.fullmatch(kernel):
            ctx.error(f"kernel name for '{keys}' must be a C++ name, got {kernel!r}", line=line)
            continue
        for word in (k.strip() for k in keys.split(",")):
            _dispatch_key(word, kernel, out, ctx, line)
    return out


def _dispatch_key(
    word: str, kernel: str, out: dict[DispatchKey, str], ctx: _Ctx, line: int
) -> None:
    key = _DISPATCH_KEYS.get(word)
    if key is None:
        hint = did_you_mean(word, list(_DISPATCH_KEYS)) or "see docs/native_functions.md"
        ctx.error(f"unknown dispatch key '{word}'", hint, line)
    elif key in out:
        ctx.error(f"dispatch key '{word}' is given twice", "give each key one kernel", line)
    else:
        out[key] = kernel


def _opname(value: Any, ctx: _Ctx) -> OperatorName:
    return OperatorName.parse(_want(value, str, f"'{ctx.key}' must be an operator name"))


def _autogen(value: Any, ctx: _Ctx) -> tuple[OperatorName, ...]:
    text = _want(value, str, "'autogen' must be a string such as 'foo.out, bar.out'")
    return tuple(OperatorName.parse(w) for w in text.split(", "))


def _tags(value: Any, ctx: _Ctx) -> frozenset[str]:
    if isinstance(value, str):
        value = [value]
    items = _want(value, list, "'tags' must be a tag or a list of tags")
    return frozenset(_want(t, str, "each tag must be a string") for t in items)


def _str_list(value: Any, ctx: _Ctx) -> frozenset[str]:
    items = _want(value, list, f"'{ctx.key}' must be a list of argument names")
    return frozenset(_want(t, str, "each item must be a string") for t in items)


def _device_check(value: Any, ctx: _Ctx) -> DeviceCheckType:
    text = _want(value, str, "'device_check' must be NoCheck or ExactSame")
    if text not in ("NoCheck", "ExactSame"):
        raise ParseError(f"unknown device_check '{text}'", "use NoCheck or ExactSame")
    return DeviceCheckType(text)


def _precomputed(value: Any, ctx: _Ctx) -> Precompute:
    items = _want(value, list, "'precomputed' must be a list such as '- dim -> int dim'")
    replace: list[tuple[str, tuple[Argument, ...]]] = []
    add: list[Argument] = []
    for i, item in enumerate(items):
        text = _want(item, str, "each 'precomputed' item must be a string")
        if " -> " in text:
            name, args = text.split(" -> ", 1)
            if not _IDENT_RE.fullmatch(name):
                raise ParseError(
                    f"'precomputed' item {text!r} must start with an argument name",
                    "for example: '- dim -> int dim'",
                )
            replace.append((name, tuple(Argument.parse(a.strip()) for a in args.split(","))))
        elif i != len(items) - 1:
            raise ParseError(
                f"'precomputed' item {text!r} has no ' -> ': only the last item may add"
                " elements without replacing an argument",
                "move it to the end of the list",
            )
        else:
            add.extend(Argument.parse(a.strip()) for a in text.split(","))
    return Precompute(tuple(replace), tuple(add))


def _ufunc_inner_loop(value: Any, ctx: _Ctx) -> dict[str, str]:
    if isinstance(value, str):
        return {"Generic": value}
    table = _want(value, YMap, "'ufunc_inner_loop' must be a string or a mapping")
    return {
        k: _want(v, str, "each ufunc_inner_loop value must be a string") for k, v in table.items()
    }


def _dispatch_stubs(value: Any, ctx: _Ctx) -> tuple[StubDecl, ...]:
    table = _want(value, YMap, "'dispatch_stub' must map stub names to C++ function types")
    stubs: list[StubDecl] = []
    for name, fn_type in table.items():
        loc = Location(ctx.file, table.key_lines[name])
        if not _IDENT_RE.fullmatch(name):
            ctx.error(f"stub name '{name}' is not a C++ identifier", line=loc.line)
        elif not isinstance(fn_type, str) or not _FN_TYPE_RE.fullmatch(fn_type):
            msg = f"stub '{name}' needs a C++ function type, got {fn_type!r}"
            ctx.error(msg, "for example: void(at::TensorIteratorBase&)", loc.line)
        else:
            stubs.append(StubDecl(name, fn_type, loc))
    return tuple(stubs)


def _shape_function(value: Any, ctx: _Ctx) -> ShapeFunctionDecl:
    hint = "for example: 'pointwise' or 'pointwise(self, other)'"
    text = _want(value, str, "'shape_function' must be a function name or call")
    m = _SHAPE_FN_RE.fullmatch(text.strip())
    if m is None:
        raise ParseError(f"'shape_function' must be a name or a call, got {text!r}", hint)
    if m.group(2) is None:
        return ShapeFunctionDecl(m.group(1), None, ctx.loc())
    args = tuple(a.strip() for a in m.group(2).split(",")) if m.group(2).strip() else ()
    for a in args:
        if not _IDENT_RE.fullmatch(a):
            raise ParseError(f"shape_function argument {a!r} is not an argument name", hint)
    return ShapeFunctionDecl(m.group(1), args, ctx.loc())


_Converter = Callable[[Any, _Ctx], Any]

# key -> (converter, default)
_KEYS: dict[str, tuple[_Converter, Any]] = {
    "variants": (_variants, frozenset([Variant.function])),
    "dispatch": (_dispatch, None),
    "structured": (_bool, False),
    "structured_delegate": (_opname, None),
    "structured_inherits": (_str, None),
    "precomputed": (_precomputed, None),
    "tags": (_tags, frozenset()),
    "autogen": (_autogen, ()),
    "device_check": (_device_check, DeviceCheckType.ExactSame),
    "device_guard": (_bool, True),
    "manual_kernel_registration": (_bool, False),
    "manual_cpp_binding": (_bool, False),
    "python_module": (_str, None),
    "category_override": (_str, None),
    "cpp_no_default_args": (_str_list, frozenset()),
    "ufunc_inner_loop": (_ufunc_inner_loop, {}),
    "use_const_ref_for_mutable_tensors": (_bool, False),
    "dispatch_stub": (_dispatch_stubs, ()),
    "shape_function": (_shape_function, None),
}
KNOWN_KEYS = ["func", *_KEYS]


# --------------------------------------------------------------------------
# Entries
# --------------------------------------------------------------------------


def _func(ctx: _Ctx) -> FunctionSchema | None:
    ctx.key = "func"
    text = ctx.entry.get("func")
    if "func" not in ctx.entry:
        ctx.error("entry has no 'func' key", "every entry starts with '- func: name(args) -> ret'")
        return None
    if not isinstance(text, str):
        ctx.error(f"'func' must be a schema string, got {_describe(text)}")
        return None
    try:
        return FunctionSchema.parse(text)
    except ParseError as e:
        ctx.errors.append(e.at(ctx.loc()))
        return None


def _convert_keys(ctx: _Ctx) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in ctx.entry.items():
        ctx.key = key
        if key == "func":
            continue
        spec = _KEYS.get(key)
        if spec is None:
            ctx.error(f"unknown key '{key}'", did_you_mean(key, KNOWN_KEYS))
            continue
        try:
            values[key] = spec[0](value, ctx)
        except ParseError as e:
            ctx.errors.append(e.at(ctx.loc()))
    return values


def _get(values: dict[str, Any], key: str) -> Any:
    return values[key] if key in values else _KEYS[key][1]


def native_function_from_entry(
    entry: YMap, file: str, errors: list[Diagnostic]
) -> NativeFunction | None:
    """Convert one YAML entry; errors go to `errors`.  None if `func` is unusable."""
    ctx = _Ctx(file, entry, errors)
    func = _func(ctx)
    values = _convert_keys(ctx)
    if func is None:
        return None
    dispatch = values.get("dispatch")
    nf = NativeFunction(
        func=func,
        loc=Location(file, entry.line),
        variants=_get(values, "variants"),
        dispatch=dispatch if dispatch is not None else {},
        explicit_dispatch="dispatch" in entry,
        structured=_get(values, "structured"),
        structured_delegate=_get(values, "structured_delegate"),
        structured_inherits=_get(values, "structured_inherits"),
        precomputed=_get(values, "precomputed"),
        tags=_get(values, "tags"),
        autogen=_get(values, "autogen"),
        device_check=_get(values, "device_check"),
        device_guard=_get(values, "device_guard"),
        manual_kernel_registration=_get(values, "manual_kernel_registration"),
        manual_cpp_binding=_get(values, "manual_cpp_binding"),
        python_module=_get(values, "python_module"),
        category_override=_get(values, "category_override"),
        cpp_no_default_args=_get(values, "cpp_no_default_args"),
        ufunc_inner_loop=_get(values, "ufunc_inner_loop"),
        use_const_ref_for_mutable_tensors=_get(values, "use_const_ref_for_mutable_tensors"),
        dispatch_stubs=_get(values, "dispatch_stub"),
        key_lines=entry.key_lines,
        shape_function=_get(values, "shape_function"),
        func_text=str(entry["func"]),
    )
    _default_dispatch(nf)
    return nf


def _default_dispatch(nf: NativeFunction) -> None:
    # An entry without a dispatch table is a CompositeImplicitAutograd kernel
    # named after the op, unless its kernel comes from a structured delegate.
    if not nf.explicit_dispatch and not nf.structured and nf.structured_delegate is None:
        nf.dispatch[DispatchKey.CompositeImplicitAutograd] = nf.cpp_name


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------


# Entries one file may hold: parsing and validating costs about 0.15 ms of CPU
# per entry, so this keeps `check` of any file within a second, next to the
# loader's own limits (Note [Loader limits] in yaml_loader.py).
MAX_ENTRIES = 6_000


def _entries(doc: Any, file: str, errors: list[Diagnostic]) -> list[YMap]:
    if not isinstance(doc, YList):
        line = doc.line if isinstance(doc, YMap) else 1
        hint = "each entry is a list item: '- func: ...'"
        raise ParseError(
            f"expected a list of entries, got {_describe(doc)}", hint, Location(file, line)
        )
    if len(doc) > MAX_ENTRIES:
        raise ParseError(
            f"more than {MAX_ENTRIES:,} entries in one file",
            "upstream's native_functions.yaml has about 2,600; split the file",
            Location(file, doc.item_lines[MAX_ENTRIES]),
        )
    out = []
    for item, line in zip(doc, doc.item_lines, strict=True):
        if isinstance(item, YMap):
            out.append(item)
        else:
            msg = f"an entry must be a mapping with a 'func' key, got {_describe(item)}"
            errors.append(Diagnostic(Location(file, line), msg))
    return out


def load_tags(path: str | Path) -> tuple[set[str], list[Diagnostic]]:
    """The tag names declared in a tags.yaml, and the problems found in it."""
    file = str(path)
    doc, errors = load_yaml(path)
    tags: set[str] = set()
    for e in _entries(doc, file, errors):
        name = e.get("tag")
        if not isinstance(name, str):
            errors.append(Diagnostic(Location(file, e.line), "tag entry needs a 'tag: name' key"))
            continue
        tags.add(name)
        for key in e:
            if key not in ("tag", "desc"):
                loc = Location(file, e.key_lines[key])
                errors.append(
                    Diagnostic(
                        loc, f"unknown key '{key}' in tag entry", did_you_mean(key, ["tag", "desc"])
                    )
                )
    return tags, errors


def _default_tags_path(path: str | Path) -> Path | None:
    guess = Path(path).parent / "tags.yaml"
    return guess if guess.is_file() else None


@dataclass(frozen=True, slots=True)
class ParsedNativeYaml:
    """What `parse_native_yaml` returns: every entry that parsed, and all errors.

    `loaded` is False when the file as a whole could not be read as a YAML
    list of entries (then `errors` says why and `native_functions` is empty).
    """

    native_functions: list[NativeFunction]
    errors: list[Diagnostic]
    loaded: bool = True


def parse_native_yaml(path: str | Path, tags_path: str | Path | None = None) -> ParsedNativeYaml:
    """Load, parse and validate a native_functions.yaml (and its tags.yaml).

    `tags_path` defaults to the tags.yaml next to the file, if there is one.
    Never raises for bad input: problems come back in `errors`, sorted by line.
    Reads no other file; see `torchgen_mini.pipeline` for the cross-checks.
    """
    tp = tags_path if tags_path is not None else _default_tags_path(path)
    with _no_gc():
        return _load(str(path), lambda: load_yaml(path), tp)


def parse_native_yaml_text(
    text: str, file: str = "native_functions.yaml", tags_path: str | Path | None = None
) -> ParsedNativeYaml:
    """`parse_native_yaml` of a text already read (a branch's file); `file` names it.

    Tags are checked only when `tags_path` is given.
    """
    with _no_gc():
        return _load(file, lambda: load_yaml_text(text, file), tags_path)


def _sorted(errors: list[Diagnostic], path: str) -> list[Diagnostic]:
    return sorted(errors, key=lambda d: (d.loc.file != path, d.loc.file, d.loc.line))


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    # Note [No GC while loading]
    # Loading builds some hundred thousand small objects and no cycles; the
    # cyclic garbage collector would run dozens of times for nothing, which
    # costs a third of the load time.  It is switched off for the duration.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load(
    file: str,
    read: Callable[[], tuple[Any, list[Diagnostic]]],
    tags_path: str | Path | None,
) -> ParsedNativeYaml:
    errors: list[Diagnostic] = []
    tags: set[str] | None = None
    try:
        if tags_path is not None:
            tags, tag_errors = load_tags(tags_path)
            errors.extend(tag_errors)
        doc, yaml_errors = read()
        errors.extend(yaml_errors)
        entries = _entries(doc, file, errors)
    except ParseError as e:
        fatal = e.at(Location(file, 0))
        return ParsedNativeYaml([], [*errors, fatal], loaded=fatal.loc.file != file)
    fns = [f for e in entries if (f := native_function_from_entry(e, file, errors))]
    errors.extend(validate(fns, tags))
    return ParsedNativeYaml(fns, _sorted(errors, file))
