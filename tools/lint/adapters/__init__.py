"""lintrunner adapters: the kit's linters speaking lintrunner's protocol.

`.lintrunner.toml` at the repository root names one `[[linter]]` per linter of
`tools.lint.LINTERS`; each runs `python3 -m tools.lint.adapters.kit_adapter
NAME @{{PATHSFILE}}`, which prints one JSON lint message per line.

# Note [The lintrunner protocol]
# lintrunner (PyTorch's linter driver, a Rust binary shipped as a wheel) picks
# the files (changed ones, or every tracked one with `--all-files`), filters
# them through each linter's include/exclude patterns, writes the survivors to
# a file and runs the linter's `command` with `{{PATHSFILE}}` replaced by that
# file's path. The command prints JSON objects, one per line, with the keys
# path, line, char, code, severity (error|warning|advice|disabled), name,
# description, original, replacement. A message with `original`/`replacement`
# (the whole file before and after) is a fix: lintrunner shows it as a diff and
# `lintrunner -a` writes it. The linters that check one file at a time (ruff,
# ruff format, clang-format, vec-maximum, generated) look at the paths given;
# the ones that check the repository as a whole (mypy's configured files, the
# native_functions.yaml model, kernels, the workflows) run as `./kit lint`
# always ran them and report every finding, because a change to one file can
# break another (a schema edit leaves a kernel missing).
"""

from __future__ import annotations

# kit linter name -> lintrunner code (what `lintrunner --take` selects).
CODES: dict[str, str] = {
    "ruff": "RUFF",
    "ruff-format": "RUFFFORMAT",
    "mypy": "MYPY",
    "clang-format": "CLANGFORMAT",
    "native-yaml": "NATIVEYAML",
    "kernels": "KERNELS",
    "actionlint": "ACTIONLINT",
    "zizmor": "ZIZMOR",
    "generated": "GENERATED",
    "vec-maximum": "VECMAXIMUM",
}
