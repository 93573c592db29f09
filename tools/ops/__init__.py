"""ops: what the kit knows about one op, for `./kit new-op`, `./kit explain`, `./kit trace`.

- `oplookup`  where an op lives in a checkout: YAML entries, kernels, stubs,
              tests, docs, derivative formulas (read from files, no build);
- `scaffold`  the text `./kit new-op` writes (returns text, writes nothing);
- `live`      the child process `./kit explain` asks about the built extension
              (dispatch table, DispatchStub kernels);
- `tracer`    the child process of `./kit trace` (runs one expression).

These read torchgen_mini's model and the checkout; they know nothing of tasks
(tools/taskkit) or of the commands that print their answers (tools/kit).
"""
