"""Helpers for the model tests: load YAML text from a temporary file."""

from __future__ import annotations

import pathlib
import tempfile
import textwrap

import torchgen

from torchgen_mini.native_yaml import ParsedNativeYaml, parse_native_yaml

UPSTREAM_DIR = pathlib.Path(torchgen.__file__).parent / "packaged/ATen/native"
UPSTREAM_YAML = UPSTREAM_DIR / "native_functions.yaml"
UPSTREAM_TAGS = UPSTREAM_DIR / "tags.yaml"
REPO = pathlib.Path(__file__).resolve().parents[2]

TAGS = """\
- tag: core
  desc: stable
- tag: pointwise
  desc: elementwise
"""


def load_text(text: str, tags: str = TAGS) -> tuple[ParsedNativeYaml, str]:
    """Parse `text` (dedented) as native_functions.yaml; also return its path."""
    with tempfile.TemporaryDirectory() as d:
        path = pathlib.Path(d) / "native_functions.yaml"
        path.write_text(textwrap.dedent(text).lstrip("\n"))
        (pathlib.Path(d) / "tags.yaml").write_text(tags)
        return parse_native_yaml(path, pathlib.Path(d) / "tags.yaml"), str(path)


def errors_of(text: str, tags: str = TAGS) -> str:
    """All errors for `text`, one per line, with the file called native_functions.yaml."""
    parsed, path = load_text(text, tags)
    return "\n".join(str(e) for e in parsed.errors).replace(path, "native_functions.yaml")
