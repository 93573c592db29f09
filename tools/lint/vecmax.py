"""No `at::vec::maximum` on vectors that may hold Half or BFloat16 (VEC001).

torch 2.14's AVX512 `at::vec::maximum` for Vectorized<BFloat16> and
Vectorized<Half> turns a NaN into a number; DEFAULT and AVX2 are right, so
tests pass on most machines and fail only on a CPU with AVX512 (Note [AVX512
maximum of Half and BFloat16] in aten_mini/native/cpu/Loops.h). The kit's
`vec_maximum` (same file) is right everywhere.

The rule reads C++ text, not types: for each `vec::maximum(` call it finds
the innermost enclosing function or lambda whose parameters include a
Vectorized (spelled `Vectorized<T>` or through a `using V = Vectorized<T>;`
alias) and flags the call when T is Half or BFloat16, or is a type parameter
(`scalar_t`, `T`, ...) in a file that names Half or BFloat16, since the
dispatch may then instantiate it with them. float, double, `opmath_t`,
`acc_t` and integer types pass. A call that is right anyway (a branch for other
types only) carries `// VEC001-ok: <reason>` on its line or the line above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tools.lint.files import cpp_files
from tools.lint.finding import Finding

CODE = "VEC001"
CALL = re.compile(r"\b(?:at::)?vec::maximum\s*\(")
ALIAS = re.compile(r"\busing\s+(\w+)\s*=\s*(?:(?:at::)?vec::)?Vectorized<([^<>;]+)>\s*;")
VECTOR_TYPE = re.compile(r"^(?:(?:at::)?vec::)?Vectorized<(.+)>$")
# A parameter list followed by the opening brace of its body: `(...) {`,
# `(...) -> R {`, `(...) const {`, `(...) mutable {`.
HEADER = re.compile(r"\(([^()]*)\)\s*(?:const\s*|mutable\s*|noexcept\s*)*(?:->\s*[^{;()]+)?\{")
REDUCED = re.compile(r"^(?:(?:c10|at)::)?(?:Half|BFloat16)$")
SAFE = re.compile(
    r"^(?:float|double|bool|opmath_t|acc_t|(?:std::)?u?int(?:8|16|32|64)_t|"
    r"int|long|short|signed char|unsigned char|(?:c10::)?complex<(?:float|double)>)$"
)
NAMES_REDUCED = re.compile(r"\b(?:kHalf|kBFloat16|Half|BFloat16)\b")
SUPPRESS = re.compile(r"//\s*VEC001-ok:\s*\S")
WHY = (
    "at::vec::maximum on Vectorized<{t}>, which may hold Half or BFloat16: torch 2.14's "
    "AVX512 overload for those turns NaN into a number (only on AVX512 CPUs). Call "
    "vec_maximum (aten_mini/native/cpu/Loops.h), which takes the maximum in float; see "
    "Note [AVX512 maximum of Half and BFloat16]"
)


def blank_comments_and_strings(text: str) -> str:
    """`text` with comments and string literals as spaces (newlines kept)."""
    pattern = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def matching_brace(code: str, open_at: int) -> int:
    """Index of the `}` closing the `{` at `open_at` (len(code) when unbalanced)."""
    depth = 0
    for i in range(open_at, len(code)):
        if code[i] == "{":
            depth += 1
        elif code[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return len(code)


@dataclass(frozen=True)
class Scope:
    """A function or lambda body `[start, end)` and the Vectorized element types it takes."""

    start: int
    end: int
    vector_types: tuple[str, ...]


def param_type(param: str) -> str:
    """The type of one parameter: `const Vectorized<T>& a` -> `Vectorized<T>`."""
    param = param.split("=", 1)[0].strip()
    param = re.sub(r"\b(?:const|volatile)\b", " ", param)
    param = re.sub(r"[&*]", " ", param)
    words = param.split()
    return " ".join(words[:-1]) if len(words) > 1 else ""


def vector_element(type_text: str, aliases: dict[str, str]) -> str | None:
    """T for `Vectorized<T>` or an alias of it, else None."""
    compact = type_text.replace(" ", "")
    m = VECTOR_TYPE.match(compact)
    if m:
        return m.group(1)
    return aliases.get(compact)


def scopes(code: str) -> list[Scope]:
    found = []
    for m in HEADER.finditer(code):
        aliases = {
            a.group(1): a.group(2).replace(" ", "") for a in ALIAS.finditer(code, 0, m.start())
        }
        params = [p for p in m.group(1).split(",") if p.strip()]
        types = tuple(
            t for t in (vector_element(param_type(p), aliases) for p in params) if t is not None
        )
        if types:
            brace = m.end() - 1
            found.append(Scope(brace, matching_brace(code, brace), types))
    return found


def risky(element: str, file_names_reduced: bool) -> bool:
    if REDUCED.match(element):
        return True
    if SAFE.match(element):
        return False
    return file_names_reduced


def line_col(code: str, pos: int) -> tuple[int, int]:
    line = code.count("\n", 0, pos) + 1
    return line, pos - (code.rfind("\n", 0, pos) + 1) + 1


def findings_in(rel: str, text: str) -> list[Finding]:
    """VEC001 findings of one C++ file's text."""
    code = blank_comments_and_strings(text)
    if not CALL.search(code):
        return []
    lines = text.splitlines()
    names_reduced = bool(NAMES_REDUCED.search(code))
    all_scopes = scopes(code)
    found = []
    for call in CALL.finditer(code):
        enclosing = [s for s in all_scopes if s.start < call.start() < s.end]
        if not enclosing:
            continue
        scope = max(enclosing, key=lambda s: s.start)  # the innermost
        bad = [t for t in scope.vector_types if risky(t, names_reduced)]
        line, col = line_col(code, call.start())
        nearby = lines[max(0, line - 2) : line]
        if bad and not any(SUPPRESS.search(x) for x in nearby):
            found.append(Finding(rel, line, col, CODE, WHY.format(t=bad[0])))
    return found


def lint_vec_maximum(root: Path, fix: bool) -> list[Finding]:
    """VEC001 over every C++ file of the repository (`fix` changes nothing)."""
    found = []
    for rel in cpp_files(root):
        try:
            text = (root / rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        found += findings_in(rel, text)
    return found
