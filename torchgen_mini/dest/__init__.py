"""What goes into each generated file: one module per output file kind.

Each module computes, from the parsed YAML, the values its template places
(lists of ready-made C++ or Python strings).  See Note [Logic-free templates]
in `torchgen_mini/file_manager.py`.
"""
