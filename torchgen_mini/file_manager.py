"""Renders the Jinja templates and writes the generated files.

`FileManager` is the only code that touches the output directory.  It renders
a template with values computed in Python (see Note [Logic-free templates]),
stamps the `@generated` header and writes the file only when its bytes
changed.  See Note [Write only what changed].
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import jinja2

TEMPLATE_DIR = Path(__file__).parent / "templates"

# Note [Logic-free templates]
# Templates only place values: every string is computed in Python (in `api/`
# and `dest/`), and the templates loop over precomputed lists.  There is no
# `{% if %}` and no filter in them.  `StrictUndefined` turns a name that the
# Python side forgot to provide into an error instead of an empty string, so
# a typo in a template cannot silently produce wrong C++.

# Note [Write only what changed]
# CMake and Ninja decide what to recompile from file modification times.  If
# codegen rewrote every output on every run, editing one YAML entry (or just
# re-running the build) would recompile every generated file.  So a file is
# written only when its new content differs from what is on disk; a second
# run with the same input touches nothing.


def comment_prefix(filename: str) -> str:
    """The line-comment marker of the language of `filename`."""
    return "#" if filename.endswith((".py", ".pyi", ".txt")) else "//"


def generated_header(filename: str, template: str) -> str:
    """The first line of every generated file."""
    return f"{comment_prefix(filename)} @generated from torchgen_mini/templates/{template}\n"


def _is_ours(path: Path) -> bool:
    """Whether `path` starts with the header generated_header() writes."""
    with path.open("rb") as f:
        first = f.readline(200)
    return b" @generated from torchgen_mini/templates/" in first


def make_environment(template_dir: Path = TEMPLATE_DIR) -> jinja2.Environment:
    """The Jinja environment: strict, no autoescaping, whitespace-exact."""
    # See Note [Logic-free templates]
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


class FileManager:
    """Renders templates into memory, then writes to `out_dir` what changed.

    Rendering everything before writing anything means that an error in any
    template leaves the output directory untouched.
    """

    def __init__(self, out_dir: Path, *, template_dir: Path = TEMPLATE_DIR):
        self.out_dir = out_dir
        self.env = make_environment(template_dir)
        self.pending: dict[str, str] = {}
        self.written: list[Path] = []
        self.removed: list[Path] = []

    def render(self, template: str, values: Mapping[str, object]) -> str:
        """The text of `template` filled with `values`, without the header."""
        return self.env.get_template(template).render(**values)

    def add(self, filename: str, template: str, values: Mapping[str, object]) -> None:
        """Render `template` as the future content of `out_dir/filename`."""
        if filename in self.pending:
            raise ValueError(f"codegen bug: {filename} is generated twice")
        self.pending[filename] = generated_header(filename, template) + self.render(
            template, values
        )

    def outputs(self) -> list[Path]:
        """Every file this run produces, in the order they were added."""
        return [self.out_dir / name for name in self.pending]

    def flush(self) -> list[Path]:
        """Write the pending files that changed; returns the paths written."""
        for name, text in self.pending.items():
            self._write_if_changed(self.out_dir / name, text.encode("utf-8"))
        self.removed = self._remove_stale()
        return self.written

    def _remove_stale(self) -> list[Path]:
        # Note [Stale outputs]
        # A file an earlier run generated and this run does not (an op taken
        # out of the YAML, an output renamed or sharded by a newer codegen)
        # would linger in out_dir, where a learner browsing build/generated
        # takes it for current. Only files carrying our @generated header are
        # removed: anything else in out_dir is not ours to delete.
        if not self.out_dir.is_dir():
            return []
        current = {self.out_dir / name for name in self.pending}
        stale = [
            path
            for path in sorted(self.out_dir.rglob("*"))
            if path.is_file() and path not in current and _is_ours(path)
        ]
        for path in stale:
            path.unlink()
        return stale

    def _write_if_changed(self, path: Path, data: bytes) -> None:
        # See Note [Write only what changed]
        if path.exists() and path.read_bytes() == data:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        self.written.append(path)
