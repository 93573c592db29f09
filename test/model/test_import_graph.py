"""The import graph of torchgen_mini/ and tools/, read with `ast` (nothing is imported).

Every `import` counts: at module level, inside functions, under
`if TYPE_CHECKING:`.  What is asserted:

- torchgen_mini/ has no import cycle, and imports nothing from tools/;
- torchgen_mini/model.py imports no loader (native_yaml, yaml_loader,
  validate, pipeline, the cross-checks): the model is data, loading imports it;
- the linter, the reviewer and the BC check read native_functions.yaml through
  the codegen's loader; tools/lint/nfentries.py is gone.

- tools/ has no import cycle between modules.

Between the packages of tools/ (tools.kit, tools.taskkit, tools.review, ...)
there are cycles, that is imports pointing up: layering tools/ is a later step
(issue 12, item 4).  `test_tools_package_cycles` lists them as data and checks
them against `KNOWN_PACKAGE_CYCLES`: a new one fails, and so does an entry that
no longer happens (delete it then).
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("torchgen_mini", "tools")
LOADERS = frozenset(
    {
        "torchgen_mini.native_yaml",
        "torchgen_mini.yaml_loader",
        "torchgen_mini.validate",
        "torchgen_mini.pipeline",
        "torchgen_mini.shape_functions",
        "torchgen_mini.kernel_check",
        "torchgen_mini.derivatives",
    }
)

# Cycles between the packages of tools/ that exist today (a sorted tuple of the
# packages of one strongly connected component) and why; see the docstring.
KNOWN_PACKAGE_CYCLES: dict[tuple[str, ...], str] = {
    ("tools.bc", "tools.review"): "tools.bc's CLI uses review's git wrapper (review.context.git)"
    " while review's bc rule calls tools.bc.check; one git wrapper below both is item 4",
    ("tools.bench", "tools.kit", "tools.taskkit"): "taskkit imports the CLI's kit.ui and"
    " bench/buildloop.py imports kit.commands.build; a common layer below kit is item 4",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            rel = path.relative_to(REPO).parts
            if "templates" in rel or (package == "tools" and "tasks" in rel):
                continue  # Jinja sources; task tests are tests, not the kit's modules
            found[module_name(path)] = path
    return found


def _resolve(node: ast.ImportFrom, here: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = here.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of `known` that `name` imports (`from p import m` counts m if a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node, name, path.name == "__init__.py")
            # `from p import m` imports the module p.m when there is one, else p
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name:
                out.add(t)
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(name, path, known) for name, path in mods.items()}


def cycles(g: dict[str, set[str]], prefix: str) -> list[tuple[str, ...]]:
    """The strongly connected components (more than one module) among `prefix*` modules."""
    nodes = sorted(n for n in g if n == prefix or n.startswith(prefix + "."))
    edges = {n: {m for m in g[n] if m in nodes} for n in nodes}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[tuple[str, ...]] = []

    def visit(v: str) -> None:  # Tarjan's algorithm
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(tuple(sorted(comp)))

    for n in nodes:
        if n not in index:
            visit(n)
    return sorted(found)


def test_graph_sees_known_edges() -> None:
    # The reader itself: a module-level and a function-level import it must find.
    g = graph()
    assert "torchgen_mini.model" in g["torchgen_mini.native_yaml"]
    assert "torchgen_mini.native_yaml" in g["tools.kit.commands.demo"]  # inside a function


def test_cycle_finder_finds_a_cycle() -> None:
    g = {"p.a": {"p.b"}, "p.b": {"p.c"}, "p.c": {"p.a"}, "p.d": {"p.a"}}
    assert cycles(g, "p") == [("p.a", "p.b", "p.c")]


def test_torchgen_mini_has_no_cycle() -> None:
    assert cycles(graph(), "torchgen_mini") == []


def test_torchgen_mini_imports_nothing_from_tools() -> None:
    g = graph()
    bad = sorted(
        f"{n} -> {m}"
        for n, deps in g.items()
        if n.startswith("torchgen_mini")
        for m in deps
        if m.split(".")[0] == "tools"
    )
    assert bad == []


def test_model_imports_no_loader() -> None:
    deps = graph()["torchgen_mini.model"]
    assert deps <= {"torchgen_mini", "torchgen_mini.diagnostics"}, sorted(deps)
    assert not deps & LOADERS


def reachable(g: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for m in g[todo.pop()] - seen:
            seen.add(m)
            todo.append(m)
    return seen


def test_one_model_for_every_consumer() -> None:
    g = graph()
    assert "tools.lint.nfentries" not in g
    consumers = ("tools.lint.nativeyaml", "tools.review.rules.ops", "tools.bc.check")
    for consumer in consumers:
        assert "torchgen_mini.native_yaml" in reachable(g, consumer), consumer
    for consumer in ("tools.lint.nativeyaml", "tools.review.rules.ops"):
        assert "torchgen_mini.derivatives" in reachable(g, consumer), consumer


def test_tools_has_no_module_cycle() -> None:
    assert cycles(graph(), "tools") == []


def package_graph(g: dict[str, set[str]]) -> dict[str, set[str]]:
    """tools.<package> -> the other tools packages its modules import."""

    def package(module: str) -> str:
        return ".".join(module.split(".")[:2])

    out: dict[str, set[str]] = {package(n): set() for n in g if n.startswith("tools.")}
    for n, deps in g.items():
        if n.startswith("tools."):
            out[package(n)] |= {package(m) for m in deps if m.startswith("tools.")}
    return {p: deps - {p} for p, deps in out.items()}


def test_tools_package_cycles() -> None:
    found = cycles(package_graph(graph()), "tools")
    new = [c for c in found if c not in KNOWN_PACKAGE_CYCLES]
    gone = [c for c in KNOWN_PACKAGE_CYCLES if c not in found]
    assert new == [], f"new import cycle(s) between packages of tools/: {new}"
    assert gone == [], f"cycle(s) no longer there; delete them from KNOWN_PACKAGE_CYCLES: {gone}"
