"""torchgen_mini: the kit's code generator, from native_functions.yaml to C++ and Python.

`torchgen_mini.model` parses and validates the YAML into frozen dataclasses;
`torchgen_mini.api` and `torchgen_mini.dest` turn them into generated files;
`python -m torchgen_mini` is the command line (`check`, `schemas`, `gen`).
"""
