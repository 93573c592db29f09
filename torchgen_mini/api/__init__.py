"""How a schema looks in each API: C++ (`cpp`), the dispatcher (`dispatcher`),
Python (`python`) and Python type stubs (`pyi`).  No module here knows about
output files; that is `torchgen_mini.dest`."""
