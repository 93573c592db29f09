"""tools/ has one error type: every exception class it defines derives from KitError.

Read with `ast` (nothing is imported).  An exception class is one whose bases
lead, through classes defined in tools/, to a builtin exception; each must
lead to `KitError` (tools/common/errors.py) too, so `./kit` prints any of
them as one `kit: error:` line and callers can catch one type.
"""

from __future__ import annotations

import ast
import builtins
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def tool_modules() -> list[Path]:
    return [
        p
        for p in sorted((REPO / "tools").rglob("*.py"))
        if "tasks" not in p.relative_to(REPO / "tools").parts[:1]
    ]


def classes() -> dict[str, tuple[str, list[str]]]:
    """Class name -> (where, names of its bases), for every class in tools/."""
    found: dict[str, tuple[str, list[str]]] = {}
    for path in tool_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases = [b.id if isinstance(b, ast.Name) else ast.unparse(b) for b in node.bases]
                where = f"{path.relative_to(REPO)}:{node.lineno}"
                found[node.name] = (where, bases)
    return found


def is_builtin_exception(name: str) -> bool:
    obj = getattr(builtins, name, None)
    # Exception, not BaseException: a signal (tools/kit/interrupt.py's
    # Interrupted, a KeyboardInterrupt) is not an error and stays apart.
    return isinstance(obj, type) and issubclass(obj, Exception)


def roots(name: str, known: dict[str, tuple[str, list[str]]], seen: frozenset[str]) -> set[str]:
    """The builtin exceptions and `KitError` that `name`'s bases lead to."""
    if name == "KitError":
        return {"KitError"}
    if is_builtin_exception(name):
        return {name}
    if name not in known or name in seen:
        return set()
    out: set[str] = set()
    for base in known[name][1]:
        out |= roots(base, known, seen | {name})
    return out


def offenders(known: dict[str, tuple[str, list[str]]]) -> list[str]:
    bad = []
    for name, (where, _) in sorted(known.items()):
        if name == "KitError":
            continue
        r = roots(name, known, frozenset())
        if r and "KitError" not in r:
            bad.append(f"{where}: {name} derives from {sorted(r)} but not from KitError")
    return bad


def test_every_tools_exception_is_a_kit_error() -> None:
    known = classes()
    assert "KitError" in known
    assert offenders(known) == []


def test_the_check_sees_a_stray_exception() -> None:
    known = {
        "KitError": ("e.py:1", ["Exception"]),
        "Good": ("g.py:1", ["KitError"]),
        "Both": ("b.py:1", ["KitError", "ValueError"]),
        "Stray": ("s.py:3", ["ValueError"]),
        "Deeper": ("d.py:5", ["Stray"]),
        "Plain": ("p.py:1", []),
        "Signal": ("i.py:1", ["KeyboardInterrupt"]),
    }
    assert offenders(known) == [
        "d.py:5: Deeper derives from ['ValueError'] but not from KitError",
        "s.py:3: Stray derives from ['ValueError'] but not from KitError",
    ]
