"""The `./kit bench` tool itself: case list, ratio math, JSON shape, output.

No timing is asserted here (timing targets live in `./kit bench`, which
prints ratios); these tests check the measuring machinery. Only the last
test runs a real worker, and it needs the build.
"""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest
import yaml
from rich.console import Console

from tools.bench import buildloop, cases, report, runner, stats, worker
from tools.kit.__main__ import main as kit_main
from tools.kit.commands import bench
from torchgen_mini.model import FunctionSchema
from torchgen_mini.native_yaml import parse_native_yaml

ROOT = Path(__file__).resolve().parents[2]


# ---- stats ------------------------------------------------------------------


def test_summary_of_known_samples() -> None:
    s = stats.summarize([5.0, 1.0, 3.0, 2.0, 4.0])
    assert (s.median, s.q1, s.q3, s.min, s.max, s.n) == (3.0, 2.0, 4.0, 1.0, 5.0, 5)
    assert s.iqr_fraction == pytest.approx(2.0 / 3.0)


def test_summary_of_one_sample() -> None:
    s = stats.summarize([0.5])
    assert (s.median, s.q1, s.q3) == (0.5, 0.5, 0.5)


def test_ratio_is_the_median_of_paired_ratios() -> None:
    # Round 3 was slow for both sides (machine noise): pairing cancels it,
    # while the ratio of the two medians would not be the paired answer.
    ours = [1.0, 2.0, 30.0, 1.0, 1.1]
    theirs = [1.0, 1.0, 30.0, 1.0, 1.0]
    r = stats.paired_ratio(ours, theirs)
    assert r.median == pytest.approx(1.0)
    assert r.q3 == pytest.approx(1.1)
    assert stats.meets(r.median, 1.10) is True
    assert stats.meets(1.2, 1.10) is False
    assert stats.meets(9.0, None) is None


def test_ratio_needs_paired_positive_samples() -> None:
    with pytest.raises(ValueError, match="unpaired"):
        stats.paired_ratio([1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="not positive"):
        stats.paired_ratio([1.0], [0.0])
    with pytest.raises(ValueError, match="no samples"):
        stats.summarize([])


# ---- cases ------------------------------------------------------------------


def _yaml_op_names() -> set[str]:
    parsed = parse_native_yaml(ROOT / "native_functions.yaml", ROOT / "tags.yaml")
    return {str(f.func.name.name.base) for f in parsed.native_functions}


def test_every_benchmarked_op_is_a_starter_op() -> None:
    assert set(cases.OPS) <= _yaml_op_names()


def test_case_list_covers_the_issue() -> None:
    all_cases = cases.all_cases()
    names = [c.name for c in all_cases]
    assert len(names) == len(set(names)), "case names must be unique"
    for op in cases.TARGETED_POINTWISE:
        assert f"{op} contiguous 16M" in names
        assert f"{op} strided 4Kx4K" in names
    for op in cases.WITH_OUT:
        assert f"{op} out 16M" in names
    for op in cases.BROADCASTING:
        assert f"{op} broadcast 4Kx4K" in names
    for op in cases.REDUCTIONS:
        assert {f"{op} dim0 4Kx4K", f"{op} dim1 4Kx4K"} <= set(names)
    assert "add small 8" in names
    assert all(c.device == "cpu" for c in all_cases)


def test_targets_sit_on_the_right_cases() -> None:
    by_name = {c.name: c for c in cases.all_cases(cuda=True)}
    assert by_name["sigmoid contiguous 16M"].target == cases.TARGET_POINTWISE
    assert by_name["where out 16M"].target == cases.TARGET_POINTWISE
    assert by_name["silu contiguous 16M"].target is None  # composite: no target
    assert by_name["add small 8"].target == cases.TARGET_CALL_OVERHEAD
    assert by_name["mul small 8"].target is None
    assert by_name["cumsum dim1 4Kx4K"].target == cases.TARGET_REDUCTION
    assert by_name["add contiguous 64M cuda"].target == cases.TARGET_CUDA
    assert by_name["add strided 4Kx4K"].target is None


def test_case_selection_and_sizes() -> None:
    tiny = cases.Sizes(large=64, square=4, small=2, cuda=64)
    picked = cases.all_cases(["sum"], tiny)
    assert [c.name for c in picked] == [
        "sum dim0 4x4",
        "sum dim1 4x4",
        "sum all 4x4",
        "sum small 2",
    ]
    with pytest.raises(ValueError, match="unknown op 'nope'"):
        cases.all_cases(["nope"])
    assert [cases.label(n) for n in (16 << 20, 4096, 8, 1000)] == ["16M", "4K", "8", "1000"]


def test_inputs_have_the_layout_the_name_says() -> None:
    tiny = cases.Sizes(large=64, square=4, small=2, cuda=64)
    by_name = {c.name: c for c in cases.all_cases(cases.OPS, tiny)}
    x, y = cases._inputs(by_name["add strided 4x4"])
    assert x.shape == (4, 4) and not x.is_contiguous()
    x, y = cases._inputs(by_name["mul broadcast 4x4"])
    assert (x.shape, y.shape) == ((4, 4), (4,))
    cond, _, _ = cases._inputs(by_name["where contiguous 64"])
    assert str(cond.dtype) == "torch.bool"


# ---- runner -----------------------------------------------------------------


def test_compare_alternates_and_pairs_rounds() -> None:
    calls: list[str] = []
    settings = runner.Settings(rounds=4, warmup=1, min_sample_s=0.0)
    timing = runner.compare(
        lambda: calls.append("a"), lambda: calls.append("b"), settings, lambda: None
    )
    assert timing.ours.n == timing.torch.n == 4
    assert timing.number >= 1
    timed = calls[-8 * timing.number :]
    assert timed[:: timing.number] == ["a", "b"] * 4, "rounds must alternate ours, torch"


# ---- worker -----------------------------------------------------------------


def test_thread_counts() -> None:
    assert worker.thread_counts("1,all", 2) == [1, 2]
    assert worker.thread_counts("1,all", 1) == [1]
    assert worker.thread_counts("all", 16) == [16]


def test_unavailable_capability_reasons() -> None:
    ext = types.SimpleNamespace(
        _cpu_capability=lambda: "avx2", _compiled_cpu_capabilities=lambda: ["default", "avx2"]
    )
    assert worker.unavailable_reason("best", ext) is None
    assert worker.unavailable_reason("avx2", ext) is None
    assert worker.unavailable_reason("avx512", ext) == "not compiled in this build"
    ext._compiled_cpu_capabilities = lambda: ["default", "avx2", "avx512"]
    assert worker.unavailable_reason("avx512", ext) == "not available on this CPU"


def test_a_failing_op_is_a_row_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    case = cases.Case("add", "small", (8,))

    def broken() -> Any:
        raise RuntimeError("add: boom\nC++ backtrace ...")

    monkeypatch.setattr(cases.Case, "make", lambda self: (broken, broken))
    row = worker.measure(case, runner.Settings.quick(), lambda: None)
    assert row["error"] == "RuntimeError: add: boom"
    assert "ratio" not in row


# ---- report -----------------------------------------------------------------


def _row(case: str, ratio: float, target: float | None) -> dict[str, Any]:
    side = stats.summarize([1e-3, 2e-3, 3e-3]).to_json()
    return {
        "case": case, "op": case.split()[0], "layout": "contiguous", "shape": [8],
        "device": "cpu", "threads": 1, "target": target, "number": 10,
        "ours": side, "torch": side, "ratio": stats.Ratio(ratio, ratio, ratio).to_json(),
        "meets": stats.meets(ratio, target),
    }  # fmt: skip


def _document() -> dict[str, Any]:
    doc = report.new_document({"ops": ["add"]})
    report.add_worker_output(
        doc,
        {
            "capability": "avx2",
            "results": [_row("add contiguous 16M", 1.3, 1.1), _row("add strided 4Kx4K", 0.9, None)],
            "numeric": [
                {
                    "check": "sum",
                    "ours": 1e-8,
                    "torch": 1e-8,
                    "target": 1e-6,
                    "meets": True,
                    "threads": 1,
                }
            ],
        },
    )
    report.add_worker_output(
        doc, {"capability": "avx512", "unavailable": "not available on this CPU"}
    )
    took = buildloop.Took(0.5, 0.25, (buildloop.Unit("Activation.cpp", 2.5),))
    doc["build"] = [buildloop.step("no-op rebuild", took)]
    return doc


def test_json_document_shape() -> None:
    doc = json.loads(json.dumps(_document()))
    assert doc["schema_version"] == report.SCHEMA_VERSION
    assert set(doc) >= {"machine", "settings", "results", "numeric", "unavailable", "build"}
    row = doc["results"][0]
    assert row["capability"] == "avx2"
    assert set(row["ours"]) == {"median", "q1", "q3", "min", "max", "n"}
    assert set(row["ratio"]) == {"median", "q1", "q3"}
    assert doc["unavailable"] == [{"capability": "avx512", "reason": "not available on this CPU"}]
    assert doc["build"][0] == {
        "step": "no-op rebuild",
        "seconds": 0.5,
        "cpu_seconds": 0.25,
        "target": 2.0,
        "meets": True,
        "units": [{"name": "Activation.cpp", "seconds": 2.5}],
    }


def test_missed_targets_are_listed() -> None:
    assert report.missed(_document()) == ["add contiguous 16M"]


def test_tables_render() -> None:
    console = Console(record=True, width=200)
    report.print_document(_document(), console)
    text = console.export_text()
    for expected in ("add contiguous 16M", "1.30", "MISS", "not available on this CPU", "no-op"):
        assert expected in text
    assert "Activation.cpp" not in text  # the names only with -v
    console = Console(record=True, width=200)
    report.print_document(_document(), console, verbose=True)
    assert "no-op rebuild: 1 translation units\n     2.5 s  Activation.cpp" in console.export_text()
    assert report.format_seconds(2.5e-6) == "2.5 us"
    assert report.format_seconds(0.0125) == "12.5 ms"


# ---- command line -----------------------------------------------------------


def test_a_long_error_leaves_the_table_readable() -> None:
    # On the GPU machine the log1p CUDA row (no CUDA kernel: task 15) carried
    # the dispatcher's long message in the aten_mini cell and squeezed the
    # torch and ratio columns of every other row out of a 140-column table.
    doc = _document()
    failed = {**_row("log1p contiguous 64M cuda", 1.0, None), "capability": "avx2"}
    for key in ("ours", "torch", "ratio", "meets", "number"):
        del failed[key]
    failed["error"] = "NotImplementedError: Could not run 'aten_mini::log1p' " + "x" * 300
    doc["results"].append(failed)
    console = Console(record=True, width=140)
    report.print_document(doc, console)
    text = console.export_text()
    assert "1.30 [1.30-1.30]" in text  # the other rows keep their ratio column
    assert f"failed: log1p contiguous 64M cuda (avx2): {failed['error']}" in text
    assert report.error_lines(doc) == [f"log1p contiguous 64M cuda (avx2): {failed['error']}"]


def test_unknown_op_is_one_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert kit_main(["bench", "--no-build", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        "kit: error: unknown op 'nope'; choose from: " + ", ".join(cases.OPS)
    ]


def test_worker_command_carries_the_options() -> None:
    args = kit_args(["bench", "add", "--threads", "1", "--quick"])
    cmd = bench.worker_command(args, "avx2", cuda=False)
    assert cmd[1:3] == ["-m", "tools.bench.worker"]
    assert cmd[cmd.index("--threads") + 1] == "1"
    assert cmd[cmd.index("--ops") + 1] == "add"
    assert "--quick" in cmd and "--cuda" not in cmd
    assert bench.capabilities("all") == ["default", "avx2", "avx512"]


def kit_args(argv: list[str]) -> Any:
    from tools.kit.__main__ import build_parser

    return build_parser().parse_args(argv)


# ---- build loop -------------------------------------------------------------


def test_the_added_op_is_a_valid_entry_with_a_new_name_each_run() -> None:
    text, kernel = buildloop.new_op(123)
    entry = yaml.safe_load(text)[0]
    schema = FunctionSchema.parse(entry["func"])
    assert str(schema.name) == "kit_bench_square_123"
    assert "kit_bench_square_123(const at::Tensor& self)" in kernel
    assert '#include "ops/kit_bench_square_123_native.h"' in kernel  # its own headers only
    assert "NativeFunctions.h" not in kernel and "Functions.h" not in kernel
    assert buildloop.op_kernel_file(123).as_posix() == "aten_mini/native/KitBenchSquare123.cpp"
    assert buildloop.new_op(124)[0] != text  # a second run must not hit ccache


def test_sync_tree_rewrites_only_what_differs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [Path("native_functions.yaml"), Path("tags.yaml")]
    monkeypatch.setattr(buildloop, "source_files", lambda: files)
    buildloop.sync_tree(tmp_path)
    assert (tmp_path / "tags.yaml").read_bytes() == (ROOT / "tags.yaml").read_bytes()
    (tmp_path / "native_functions.yaml").write_text("edited by an interrupted run\n")
    stamp = (tmp_path / "tags.yaml").stat().st_mtime_ns
    leftover = tmp_path / buildloop.op_kernel_file(7)
    leftover.parent.mkdir(parents=True)
    leftover.write_text("// an interrupted add-op step\n")
    buildloop.sync_tree(tmp_path)
    assert not leftover.exists()
    assert (tmp_path / "native_functions.yaml").read_bytes() == (
        ROOT / "native_functions.yaml"
    ).read_bytes()
    assert (tmp_path / "tags.yaml").stat().st_mtime_ns == stamp, "unchanged file rewritten"


def test_unit_names_from_ninja_outputs() -> None:
    name = buildloop.unit_name
    assert name("CMakeFiles/aten_mini_cpu_AVX2.dir/aten_mini/native/cpu/BinaryOpsKernel.cpp.o") == (
        "BinaryOpsKernel.cpp (AVX2)"
    )
    assert name("CMakeFiles/_C.dir/generated/python_functions_1.cpp.o") == "python_functions_1.cpp"
    assert name("CMakeFiles/aten_mini.dir/cmake_pch.hxx.gch") == "PCH of aten_mini"
    assert name("/work/main/python/aten_mini/libaten_mini.so") is None  # a link
    assert name("generated/.codegen.stamp") is None


def test_units_are_what_the_last_ninja_run_compiled(tmp_path: Path) -> None:
    # Note [Translation units per step], with the real ninja on a toy build.
    (tmp_path / "build.ninja").write_text(
        "rule cc\n  command = cat $in > $out\n"
        "build CMakeFiles/t.dir/a.cpp.o: cc a.cpp\n"
        "build CMakeFiles/t.dir/b.cpp.o: cc b.cpp\n"
        "build libt.so: cc CMakeFiles/t.dir/a.cpp.o CMakeFiles/t.dir/b.cpp.o\n"
    )
    for src in ("a.cpp", "b.cpp"):
        (tmp_path / src).write_text("int x;\n")
    ninja = [buildloop.tool("ninja"), "-C", str(tmp_path)]
    subprocess.run(ninja, check=True, stdout=subprocess.DEVNULL)
    units = buildloop.units_in(buildloop.log_lines(tmp_path))
    assert sorted(u.name for u in units) == ["a.cpp", "b.cpp"]
    for _ in range(2):  # a rebuild of b only, twice: the slice holds the last run alone
        buildloop.recompact(tmp_path)
        seen = len(buildloop.log_lines(tmp_path))
        (tmp_path / "b.cpp").write_text(f"int y{_};\n")
        subprocess.run(ninja, check=True, stdout=subprocess.DEVNULL)
        units = buildloop.units_in(buildloop.log_lines(tmp_path)[seen:])
        assert [u.name for u in units] == ["b.cpp"]
        assert units[0].seconds >= 0


def test_source_files_leave_out_build_outputs() -> None:
    files = {str(p) for p in buildloop.source_files()}
    assert "native_functions.yaml" in files
    assert not any(f.startswith(("build/", ".venv/", ".kit/")) for f in files)


# ---- one real worker (needs the build) --------------------------------------


@pytest.mark.needs_build
def test_worker_output_on_tiny_inputs() -> None:
    cmd = [sys.executable, "-m", "tools.bench.worker", "--quick", "--threads", "1"]
    cmd += ["--ops", "add,softplus,sum", "--sizes", "1024,16,8,1024"]
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True)
    out = json.loads(proc.stdout)
    names = [row["case"] for row in out["results"]]
    assert {"add small 8", "softplus out 1K", "sum dim1 16x16"} <= set(names)
    assert all("error" not in row for row in out["results"]), out["results"]
    assert all(row["ratio"]["median"] > 0 for row in out["results"])
    assert out["numeric"][0]["meets"] is True
