"""The benchmark's outputs: one JSON document, and the table people read.

JSON document (`./kit bench --json`), schema_version 1:

    {"schema_version": 1,
     "machine": {"cpus": 2, "load_before": [..], "load_after": [..], "torch": "2.14.1"},
     "settings": {"ops": [...], "threads": "both", "capability": "best", "quick": false},
     "results": [{"case": "add contiguous 16M", "op": "add", "layout": "contiguous",
                  "shape": [16777216], "device": "cpu", "capability": "avx2",
                  "threads": 1, "target": 1.1, "meets": true, "number": 3,
                  "ours": {median, q1, q3, min, max, n}, "torch": {...},
                  "ratio": {median, q1, q3}}, ...],   # or "error": "..." instead
     "numeric": [{"check": ..., "ours": 1e-8, "torch": 2e-8, "target": 1e-6,
                  "meets": true, "capability": "avx2", "threads": 1}],
     "unavailable": [{"capability": "avx512", "reason": "not available on this CPU"}],
     "build": [{"step": "no-op rebuild", "seconds": 0.4, "cpu_seconds": 0.3,
                "target": 2.0, "meets": true,
                "units": [{"name": "Activation.cpp", "seconds": 2.9}, ...]}]}
    # "units": the translation units the step compiled (Note [Translation
    # units per step] in tools/bench/buildloop.py); "TUs" in the table.

Times are seconds per call; a ratio is aten_mini / torch (below 1: aten_mini
is faster).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

from tools.bench.cases import NO_TARGET

SCHEMA_VERSION = 1


def new_document(settings: dict[str, Any]) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "machine": {"cpus": os.cpu_count(), "load_before": list(os.getloadavg())},
        "settings": settings,
        "results": [],
        "numeric": [],
        "unavailable": [],
    }


def add_worker_output(doc: dict[str, Any], out: dict[str, Any]) -> None:
    """Merge one worker's JSON into the document, tagging rows with the capability."""
    if "unavailable" in out:
        doc["unavailable"].append({"capability": out["capability"], "reason": out["unavailable"]})
        return
    for key in ("results", "numeric"):
        doc[key] += [{**row, "capability": out["capability"]} for row in out[key]]


def format_seconds(s: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s / 1e-9:.3g} ns"


def _side(summary: dict[str, Any]) -> str:
    spread = (summary["q3"] - summary["q1"]) / summary["median"] if summary["median"] else 0.0
    return f"{format_seconds(summary['median'])} ±{spread * 50:.0f}%"


def _verdict(meets: bool | None) -> str:
    return {True: "[green]ok[/]", False: "[red]MISS[/]", None: ""}[meets]


def target_cell(row: dict[str, Any]) -> str:
    """`<= 1.10`, or why the case has no target (`none: task 14`), or nothing."""
    if row["target"] is not None:
        return f"<= {row['target']:.2f}"
    return NO_TARGET.get(str(row.get("op")), "")


def results_table(doc: dict[str, Any]) -> Table:
    table = Table(title="aten_mini vs torch (time per call: median ±IQR/2; ratio: paired median)")
    for col in ("case", "cap", "thr", "aten_mini", "torch", "ratio [q1-q3]", "target", ""):
        table.add_column(col, justify="left" if col == "case" else "right", no_wrap=True)
    for row in doc["results"]:
        head = [row["case"], row["capability"], str(row["threads"])]
        if "error" in row:
            # The message goes under the table (error_lines): in a cell it
            # widens its column until the other columns are cut off.
            table.add_row(*head, "", "", "[red]failed[/]", "", "[red]error[/]")
            continue
        r = row["ratio"]
        table.add_row(
            *head,
            _side(row["ours"]),
            _side(row["torch"]),
            f"{r['median']:.2f} [{r['q1']:.2f}-{r['q3']:.2f}]",
            target_cell(row),
            _verdict(row["meets"]),
        )
    return table


def error_lines(doc: dict[str, Any]) -> list[str]:
    """`<case> (<capability>): <first line of the error>` for every case that failed."""
    return [
        f"{row['case']} ({row['capability']}): {row['error']}"
        for row in doc["results"]
        if "error" in row
    ]


def numeric_table(doc: dict[str, Any]) -> Table:
    table = Table(title="sum accuracy: relative error against the float64 sum")
    for col in ("check", "cap", "thr", "aten_mini", "torch", "target", ""):
        table.add_column(col, justify="left" if col == "check" else "right", no_wrap=True)
    for row in doc["numeric"]:
        table.add_row(
            row["check"],
            row["capability"],
            str(row["threads"]),
            f"{row['ours']:.1e}",
            f"{row['torch']:.1e}",
            f"<= {row['target']:.0e}",
            _verdict(row["meets"]),
        )
    return table


def build_table(doc: dict[str, Any]) -> Table:
    table = Table(title="edit-build loop (seconds; targets are wall clock)")
    for col in ("step", "wall", "CPU", "TUs", "target", ""):
        table.add_column(col, justify="left" if col == "step" else "right", no_wrap=True)
    for row in doc["build"]:
        target = "" if row["target"] is None else f"<= {row['target']:g}"
        wall, cpu = f"{row['seconds']:.1f}", f"{row['cpu_seconds']:.1f}"
        units = str(len(row.get("units", [])))
        table.add_row(row["step"], wall, cpu, units, target, _verdict(row["meets"]))
    return table


def unit_lines(doc: dict[str, Any]) -> list[str]:
    """Per build step, the units it compiled, slowest first (`./kit bench --build -v`)."""
    lines = []
    for row in doc.get("build", []):
        units = sorted(row.get("units", []), key=lambda u: -u["seconds"])
        lines.append(f"{row['step']}: {len(units)} translation units")
        lines += [f"  {u['seconds']:6.1f} s  {u['name']}" for u in units]
    return lines


def print_document(
    doc: dict[str, Any], console: Console | None = None, *, verbose: bool = False
) -> None:
    # Piped output (docs, CI logs) would otherwise wrap at 80 columns.
    console = console or Console(width=None if sys.stdout.isatty() else 140)
    if doc["results"]:
        console.print(results_table(doc))
        for line in error_lines(doc):
            console.print(f"failed: {line}", markup=False, highlight=False, soft_wrap=True)
    if doc["numeric"]:
        console.print(numeric_table(doc))
    for item in doc["unavailable"]:
        console.print(f"capability {item['capability']}: {item['reason']}")
    if doc.get("build"):
        console.print(build_table(doc))
        if verbose:
            for line in unit_lines(doc):
                console.print(line, markup=False, highlight=False)
    machine = doc["machine"]
    loads = ", ".join(f"{x:.1f}" for x in machine["load_before"])
    console.print(f"load average before: {loads} on {machine['cpus']} CPUs")


def missed(doc: dict[str, Any]) -> list[str]:
    """Names of the cases and steps that miss their target."""
    rows = doc["results"] + doc["numeric"] + doc.get("build", [])
    return [
        str(row.get("case") or row.get("check") or row.get("step"))
        for row in rows
        if row.get("meets") is False
    ]
