"""The import graph of torchgen_mini/ and tools/, read with `ast` (nothing is imported).

Every `import` counts: at module level, inside functions, under
`if TYPE_CHECKING:`.  What is asserted:

- torchgen_mini/ has no import cycle, and imports nothing from tools/;
- torchgen_mini/model.py imports no loader (native_yaml, yaml_loader,
  validate, pipeline, the cross-checks): the model is data, loading imports it;
- the linter, the reviewer and the BC check read native_functions.yaml through
  the codegen's loader; tools/lint/nfentries.py is gone.

- tools/ has no import cycle between modules;
- the packages of tools/ are layered (`LAYERS`, bottom first): a package
  imports only packages of layers below its own, so there is no cycle
  between packages either (issue 12, item 4).
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

# The packages of tools/, bottom layer first. A package may import packages of
# lower layers only: never one of its own layer, never one above. A new package
# of tools/ must be given a layer here (see the tools section of
# docs/architecture.md for what each package is).
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"tools.common"}),  # errors, console, git, paths, processes, toolchain
    frozenset({"tools.lint", "tools.bc", "tools.bench", "tools.ops", "tools.taskkit"}),
    frozenset({"tools.review"}),  # its rules call the linter's index and the BC check
    frozenset({"tools.kit"}),  # the commands: the top, nothing imports them
)


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


def layer_violations(
    pkg_graph: dict[str, set[str]], layers: tuple[frozenset[str], ...]
) -> list[str]:
    """Each import of a package that is not of a lower layer, and each package with no layer."""
    level = {pkg: i for i, layer in enumerate(layers) for pkg in layer}
    bad = [f"{p}: not in any layer (add it to LAYERS)" for p in sorted(pkg_graph) if p not in level]
    for p, deps in sorted(pkg_graph.items()):
        for d in sorted(deps):
            if p in level and d in level and level[d] >= level[p]:
                where = "its own layer" if level[d] == level[p] else "a higher layer"
                bad.append(f"{p} -> {d} (imports {where})")
    return bad


def test_layer_check_finds_upward_and_sideways_imports() -> None:
    # A fake tree: taskkit importing the CLI (the import issue 12 found), taskkit
    # importing ops (same layer) and a package nobody placed in a layer.
    fake = {
        "tools.common": set(),
        "tools.taskkit": {"tools.common", "tools.kit", "tools.ops"},
        "tools.ops": {"tools.common"},
        "tools.kit": {"tools.taskkit", "tools.ops"},
        "tools.newthing": set(),
    }
    assert layer_violations(fake, LAYERS) == [
        "tools.newthing: not in any layer (add it to LAYERS)",
        "tools.taskkit -> tools.kit (imports a higher layer)",
        "tools.taskkit -> tools.ops (imports its own layer)",
    ]
    # the same tree without those imports is clean, and has no package cycle
    fake["tools.taskkit"] = {"tools.common"}
    del fake["tools.newthing"]
    assert layer_violations(fake, LAYERS) == []
    assert cycles(fake, "tools") == []


def test_layers_name_each_package_once() -> None:
    placed = [p for layer in LAYERS for p in layer]
    assert len(placed) == len(set(placed))


def test_tools_is_layered() -> None:
    assert layer_violations(package_graph(graph()), LAYERS) == []


def test_tools_has_no_package_cycle() -> None:
    assert cycles(package_graph(graph()), "tools") == []
