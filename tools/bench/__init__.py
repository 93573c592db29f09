"""`./kit bench`: aten_mini's ops against torch's own, side by side, and the build loop.

Pieces, in the order data flows through them:

- `cases`:     what is measured: one `Case` per (op, layout, size, device), with
               the targets of issue 6 attached.
- `runner`:    how: the two sides alternate run by run (ABAB...), and each
               side's samples are summarised by `stats`.
- `worker`:    one process per CPU capability (the capability is fixed when
               libaten_mini loads, from ATEN_MINI_CPU_CAPABILITY); prints JSON.
- `report`:    the JSON document and the `rich` table.
- `buildloop`: the edit-build loop (`./kit bench --build`), in a scratch copy.

See docs/performance.md for the method and the latest figures.
"""
