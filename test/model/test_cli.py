"""The `python -m torchgen_mini` command line: output, exit codes, bad input.

Most tests call `main()` in-process; the bad-input tests run a real
subprocess to prove there is no traceback and nothing is written.
"""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import pytest
from model_testutil import REPO, TAGS

from torchgen_mini.__main__ import main

GOOD = "- func: relu(Tensor self) -> Tensor\n\n- func: relu_(Tensor(a!) self) -> Tensor(a!)\n"
BAD = (
    "- func: relu(Tensor self) -> Tensor\n  tags: pointwse\n\n"
    "- func: relu_(Tensor self) -> Tensor\n"
)


def _write(tmp_path: pathlib.Path, text: str, name: str = "native_functions.yaml") -> str:
    (tmp_path / "tags.yaml").write_text(TAGS)
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_check_clean_file(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, GOOD)
    assert main(["check", path]) == 0
    assert capsys.readouterr().out == f"{path}: 2 entries, no errors\n"


def test_check_reports_all_errors(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, BAD)
    assert main(["check", path, "--tags", str(tmp_path / "tags.yaml")]) == 1
    err = capsys.readouterr().err.replace(path, "nf.yaml")
    assert err.splitlines() == [
        "nf.yaml:2: error: unknown tag 'pointwse'",
        "  hint: did you mean 'pointwise'?",
        "nf.yaml:4: error: in-place op relu_ needs a mutable 'self' argument",
        "  hint: write Tensor(a!) self",
        "2 errors",
    ]


def test_check_several_files(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = _write(tmp_path, GOOD, "a.yaml"), _write(tmp_path, BAD, "b.yaml")
    assert main(["check", good, bad]) == 1
    out = capsys.readouterr()
    assert out.out.startswith(good) and out.err.count("error:") == 2


def test_schemas_in_file_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schemas", str(REPO / "native_functions.yaml")]) == 0
    lines = capsys.readouterr().out.splitlines()
    # The file's own `- func:` lines, in order: an op added anywhere changes nothing here.
    text = (REPO / "native_functions.yaml").read_text()
    funcs = re.findall(r"^- func: (.*)$", text, flags=re.MULTILINE)
    assert len(funcs) > 2
    assert lines == funcs


def test_schemas_with_errors_prints_no_schemas(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schemas", _write(tmp_path, BAD)]) == 1
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    "argv", [[], ["frobnicate"], ["check"], ["schemas", "a", "b"], ["check", "--bogus", "x"]]
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "usage:" in capsys.readouterr().err


def test_gen_is_dispatched(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    seen: list[list[str]] = []
    fake = types.ModuleType("torchgen_mini.gen")
    fake.main = lambda argv: seen.append(argv) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "torchgen_mini.gen", fake)
    assert main(["gen", "--out", "x"]) == 0
    assert seen == [["--out", "x"]]


BAD_INPUTS = {
    "empty": ("", "native_functions.yaml: error: file is empty"),
    "not_yaml": ("- func: [\n", "native_functions.yaml:2:1: error: not valid YAML"),
    "not_a_list": ("func: f() -> ()\n", "native_functions.yaml:1: error: expected a list"),
    "entry_not_mapping": ("- 1\n", "native_functions.yaml:1: error: an entry must be a mapping"),
    "func_not_string": ("- func: 3\n", "native_functions.yaml:1: error: 'func' must be a schema"),
    "tabs": ("- func: f() -> ()\n\tvariants: function\n", "native_functions.yaml:2:1: error: tab"),
    "binary": ("\udcff\udcfe", "native_functions.yaml:1:1: error: not a UTF-8 text file"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_one_line_no_traceback(case: str, tmp_path: pathlib.Path) -> None:
    text, expected = BAD_INPUTS[case]
    (tmp_path / "native_functions.yaml").write_bytes(text.encode("utf-8", "surrogateescape"))
    before = sorted(tmp_path.iterdir())
    r = subprocess.run(
        [sys.executable, "-m", "torchgen_mini", "check", "native_functions.yaml"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
    )
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr.startswith(expected), r.stderr
    assert "Traceback" not in r.stderr
    assert r.stderr.count("error:") == 1
    assert sorted(tmp_path.iterdir()) == before


def test_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "no/such/file.yaml"]) == 1
    assert capsys.readouterr().err == "no/such/file.yaml: error: no such file\n1 error\n"


def test_check_kernels_scans_the_given_root(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # See Note [Where the kernel check runs] in torchgen_mini/pipeline.py.
    path = _write(tmp_path, "- func: relu(Tensor self) -> Tensor\n  dispatch:\n    CPU: relu\n")
    assert main(["check", path]) == 0  # without --kernels no source is read
    capsys.readouterr()
    assert main(["check", path, "--kernels", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{path}:2: error: kernel 'at_mini::native::relu' (CPU) for 'relu'")
    native = tmp_path / "aten_mini" / "native"
    native.mkdir(parents=True)
    (native / "Relu.cpp").write_text("at::Tensor relu(const at::Tensor& self) { return self; }\n")
    assert main(["check", path, "--kernels", str(tmp_path)]) == 0
