"""The bottom layer of tools/: what every other package may use, and nothing more.

- `errors`:    `KitError`, the one error type a tool raises for a failure the
               user can act on (a message, optionally where: `file:line`);
- `console`:   the `kit:` lines on stderr and timed steps;
- `git`:       the one wrapper around the `git` executable (`GitError`);
- `paths`:     the repository root;
- `proc`:      running a subprocess in a checkout (its environment, its errors);
- `toolchain`: the pinned build tools in .venv (cmake, ninja).

Nothing here imports any other package of tools/ (test/model/test_import_graph.py
checks the layering).
"""
