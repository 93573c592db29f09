"""What goes into each generated file: one module per output file kind.

A module that produces files has `outputs(ctx) -> Iterable[Output]` (Note
[One output protocol] in `torchgen_mini/output.py`): for the checked inputs
in `ctx`, each file's name, template and values.  The values are computed
here and in `api/` (names, types, expressions, and C++ pieces rendered from
the macros of `templates/macros/`); the templates only place them (Note
[Logic-free templates] in `torchgen_mini/templating.py`).  `gen.py` lists the
modules and hands their outputs to the FileManager; no module here touches
it.  `per_op` and `forward_ad` produce no file of their own: they serve the
others.
"""
