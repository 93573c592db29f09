"""`python3 -m tools.lint.adapters.kit_adapter NAME @PATHSFILE`: one kit linter for lintrunner.

Prints lintrunner JSON lint messages, one per line (Note [The lintrunner
protocol] in tools/lint/adapters/__init__.py); exits 0 unless the adapter
itself is misused, as lintrunner expects (findings are messages, not an exit
status).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from tools import lint
from tools.lint import external, nativeyaml, vecmax
from tools.lint.adapters import CODES
from tools.lint.files import CPP_SUFFIXES
from tools.lint.finding import Finding
from tools.lint.generated import has_generated_header


@dataclass(frozen=True)
class LintMessage:
    path: str | None
    line: int | None
    char: int | None
    code: str
    severity: str
    name: str
    description: str | None
    original: str | None = None
    replacement: str | None = None


def from_finding(linter: str, f: Finding) -> LintMessage:
    return LintMessage(f.path, f.line, f.col, CODES[linter], "error", f.code, f.message)


def _read(root: Path, rel: str) -> str | None:
    try:
        return (root / rel).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _fix(linter: str, rel: str, original: str, replacement: str, name: str) -> LintMessage:
    """A whole-file fix: lintrunner shows the diff, `lintrunner -a` writes it."""
    what = FIXES.get(name, "fixable")
    return LintMessage(
        rel, None, None, CODES[linter], "error", name, f"{what}; `./kit lint --fix` applies it",
        original, replacement,
    )  # fmt: skip


FIXES = {
    "ruff-fix": "ruff can fix findings here",
    "FMT": "not ruff-formatted",
    "CLANG-FORMAT": "not clang-formatted",
    "NF-layout": "schemas or layout not canonical",
}


def _ruff(root: Path, paths: list[str]) -> list[LintMessage]:
    ruff = external.tool_path("ruff")
    proc = external._run(
        [ruff, "check", "--force-exclude", "--output-format", "json", "--exit-zero", *paths], root
    )
    found = external._ruff_json(root, proc, "ruff check")
    out = [from_finding("ruff", f) for f in found]
    fixable = {f.path for f in found if f.code != "TOOL"}
    for rel in sorted(fixable):
        text = _read(root, rel)
        if text is None:
            continue
        cmd = [ruff, "check", "--fix-only", "--exit-zero", "--stdin-filename", rel, "-"]
        fixed = external._run(cmd, root, stdin=text)
        if fixed.returncode == 0 and fixed.stdout and fixed.stdout != text:
            out.append(_fix("ruff", rel, text, fixed.stdout, "ruff-fix"))
    return out


def _ruff_format(root: Path, paths: list[str]) -> list[LintMessage]:
    ruff = external.tool_path("ruff")
    proc = external._run(
        [ruff, "format", "--check", "--force-exclude", "--output-format", "json", *paths], root
    )
    if proc.returncode not in (0, 1):
        return [from_finding("ruff-format", f) for f in external.crashed("ruff format", proc)]
    out = []
    for rel in sorted({f.path for f in external._ruff_json(root, proc, "ruff format")}):
        text = _read(root, rel)
        cmd = [ruff, "format", "--stdin-filename", rel, "-"]
        fixed = external._run(cmd, root, stdin=text) if text is not None else None
        if text is None or fixed is None or fixed.returncode != 0:
            msg = "not ruff-formatted; `./kit lint --fix` formats it"
            out.append(from_finding("ruff-format", Finding(rel, 1, 1, "FMT", msg)))
        elif fixed.stdout != text:
            out.append(_fix("ruff-format", rel, text, fixed.stdout, "FMT"))
    return out


def _clang_format(root: Path, paths: list[str]) -> list[LintMessage]:
    """One `--dry-run` over all the files (cheap); the fixed text only for the flagged ones."""
    files = [p for p in paths if p.endswith(CPP_SUFFIXES)]
    if not files:
        return []
    tool = external.tool_path("clang-format")
    proc = external._run([tool, "--dry-run", "--Werror", *files], root)
    flagged = sorted(
        {m["path"] for line in proc.stderr.splitlines() if (m := external.CLANG_LINE.match(line))}
    )
    if proc.returncode != 0 and not flagged:
        return [from_finding("clang-format", f) for f in external.crashed("clang-format", proc)]
    out = []
    for rel in flagged:
        rel = _relative(root, rel)
        text = _read(root, rel)
        fixed = external._run([tool, rel], root) if text is not None else None
        if text is None or fixed is None or fixed.returncode != 0:
            msg = "not clang-formatted; `./kit lint --fix` formats it"
            out.append(from_finding("clang-format", Finding(rel, 1, 1, "CLANG-FORMAT", msg)))
        elif fixed.stdout != text:
            out.append(_fix("clang-format", rel, text, fixed.stdout, "CLANG-FORMAT"))
    return out


def _native_yaml(root: Path) -> list[LintMessage]:
    out = [from_finding("native-yaml", f) for f in nativeyaml.lint_native_yaml(root, False)]
    text = _read(root, nativeyaml.YAML)
    if text is not None and (fixed := nativeyaml.fix_text(text)) != text:
        out.append(_fix("native-yaml", nativeyaml.YAML, text, fixed, "NF-layout"))
    return out


def _vec_maximum(root: Path, paths: list[str]) -> list[LintMessage]:
    found = []
    for rel in paths:
        text = _read(root, rel)
        found += vecmax.findings_in(rel, text) if text is not None else []
    return [from_finding("vec-maximum", f) for f in found]


def _generated(root: Path, paths: list[str]) -> list[LintMessage]:
    msg = (
        "generated file in git; generated code lives in build/generated/ only: "
        "`git rm --cached` it and change the template or the YAML instead"
    )
    bad = [
        rel
        for rel in paths
        if rel.startswith("build/") or has_generated_header((_read(root, rel) or "")[:1024])
    ]
    return [from_finding("generated", Finding(rel, 1, 1, "GEN001", msg)) for rel in bad]


def _relative(root: Path, path: str) -> str:
    """lintrunner passes absolute paths; the kit's findings are relative to the root."""
    p = Path(path)
    if p.is_absolute():
        try:
            return p.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return p.as_posix()
    return p.as_posix()


def messages(name: str, paths: list[str], root: Path) -> list[LintMessage]:
    """The lint messages of kit linter `name` over `paths` (relative to `root`)."""
    paths = sorted({_relative(root, p) for p in paths})
    try:
        if name == "ruff":
            return _ruff(root, paths)
        if name == "ruff-format":
            return _ruff_format(root, paths)
        if name == "clang-format":
            return _clang_format(root, paths)
        if name == "vec-maximum":
            return _vec_maximum(root, paths)
        if name == "generated":
            return _generated(root, paths)
        if name == "native-yaml":
            return _native_yaml(root)
        # mypy, kernels, actionlint, zizmor: the repository as a whole.
        return [from_finding(name, f) for f in lint.LINTERS[name](root, False)]
    except external.ToolMissing as exc:
        return [from_finding(name, f) for f in external.missing(str(exc))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m tools.lint.adapters.kit_adapter", fromfile_prefix_chars="@"
    )
    parser.add_argument("linter", choices=sorted(CODES))
    parser.add_argument("paths", nargs="*", help="files to lint (lintrunner passes @PATHSFILE)")
    args = parser.parse_args(argv)
    # lintrunner runs the command in the repository root (`.lintrunner.toml`'s
    # directory), so the working directory is the tree to lint.
    for m in messages(args.linter, args.paths, Path.cwd()):
        print(json.dumps(asdict(m)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
