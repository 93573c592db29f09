"""The Jinja environment of torchgen_mini's templates, and C++ pieces rendered from macros.

A whole output file is rendered by the FileManager (file_manager.py).  A
piece of one (a backward node, an Autograd kernel) is a macro in
`templates/macros/`, which a dest module renders with `render_macro` and
places into its file's values as a string: a dest module needs the rendered
piece itself, to scan it for the ops it calls (Note [Per-operator headers])
and because tests and `./kit explain` show single pieces.
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

TEMPLATE_DIR = Path(__file__).parent / "templates"

# Note [Logic-free templates]
# Templates only place values: every name, type and expression is computed in
# Python (in `api/` and `dest/`), and the templates loop over precomputed
# lists.  There is no `{% if %}` and no filter in them; a part that is there
# or not (the in-place check of an in-place kernel, the forward-AD code of an
# op with a `result:` formula) is a list of zero or one items.  Statements and
# their layout live in the templates: whole files in `templates/`, pieces as
# `{% macro %}`s in `templates/macros/`.  A piece is placed on lines of its
# own, so `render_macro` drops its final newline (and a macro that another
# macro places ends with `{%- endmacro %}`, which does the same).
# `StrictUndefined` turns a name that the Python side forgot to provide into
# an error instead of an empty string, and a macro refuses an argument it does
# not declare, so a typo in a template cannot silently produce wrong C++.


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


@functools.cache
def _environment() -> jinja2.Environment:
    return make_environment()


def render_macro(template: str, macro: str, **values: object) -> str:
    """The text of `{% macro <macro> %}` of `template` (a path under templates/),
    called with `values`.  See Note [Logic-free templates]."""
    module = _environment().get_template(template).module
    text: str = getattr(module, macro)(**values)
    return text.removesuffix("\n")
