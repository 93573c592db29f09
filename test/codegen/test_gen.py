"""`python -m torchgen_mini gen`: what it writes, when it writes, and its errors."""

from __future__ import annotations

import os
import re
import tempfile
from contextlib import redirect_stderr
from io import StringIO
from pathlib import Path

import expecttest
import jinja2
import pytest
from codegen_testutil import KERNELS, YAML, gen_args, make_tree

from torchgen_mini import gen
from torchgen_mini.file_manager import TEMPLATE_DIR, FileManager


def run_gen(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = gen.main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def snapshot(out: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(out.iterdir())}


def test_outputs_are_deterministic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    yaml_path = make_tree(tmp_path)
    for out in ("a", "b"):
        assert run_gen(capsys, *gen_args(yaml_path, tmp_path / out))[0] == 0
    a, b = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    assert {k: v[0] for k, v in a.items()} == {k: v[0] for k, v in b.items()}


def test_second_run_rewrites_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    yaml_path = make_tree(tmp_path)
    out = tmp_path / "out"
    assert run_gen(capsys, *gen_args(yaml_path, out))[0] == 0
    past = 1_000_000_000_000_000_000  # 2001: any rewrite would move the mtime
    for p in out.iterdir():
        os.utime(p, ns=(past, past))
    before = snapshot(out)
    rc, stdout, _ = run_gen(capsys, *gen_args(yaml_path, out)[:-1])
    assert rc == 0
    assert snapshot(out) == before
    assert stdout.startswith("torchgen_mini: 0 of ")


def test_one_changed_entry_rewrites_only_its_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    yaml_path = make_tree(tmp_path)
    out = tmp_path / "out"
    assert run_gen(capsys, *gen_args(yaml_path, out))[0] == 0
    before = snapshot(out)
    yaml_path.write_text(YAML.replace("tags: [core, reduction]", "tags: [reduction]"))
    assert run_gen(capsys, *gen_args(yaml_path, out))[0] == 0
    after = snapshot(out)
    changed = sorted(name for name in after if after[name] != before[name])
    assert changed == ["RegisterSchema.cpp"]


def test_list_outputs_matches_what_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    yaml_path = make_tree(tmp_path)
    out = tmp_path / "out"
    rc, listed, _ = run_gen(capsys, *gen_args(yaml_path, out, "--list-outputs"))
    assert rc == 0
    assert not out.exists()
    assert run_gen(capsys, *gen_args(yaml_path, out))[0] == 0
    assert sorted(listed.split()) == sorted(str(p) for p in out.iterdir())
    assert {Path(p).name for p in listed.split()} >= {"RegisterCUDA.cu", "RegisterMeta.cpp"}


def test_every_file_starts_with_generated_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    yaml_path = make_tree(tmp_path)
    assert run_gen(capsys, *gen_args(yaml_path, tmp_path / "out"))[0] == 0
    for p in (tmp_path / "out").iterdir():
        first = p.read_text().splitlines()[0]
        assert re.fullmatch(r"(//|#) @generated from torchgen_mini/templates/\S+", first), p.name
        assert (TEMPLATE_DIR / first.split("templates/")[1]).is_file(), first


def test_strict_undefined(tmp_path: Path) -> None:
    (tmp_path / "T.cpp").write_text("int x = {{ value }}; int y = {{ missing }};\n")
    fm = FileManager(tmp_path / "out", template_dir=tmp_path)
    with pytest.raises(jinja2.UndefinedError, match="'missing' is undefined"):
        fm.add("T.cpp", "T.cpp", {"value": 1})


def test_templates_are_logic_free() -> None:
    # See Note [Logic-free templates] in torchgen_mini/file_manager.py
    for path in TEMPLATE_DIR.iterdir():
        text = path.read_text()
        statements = re.findall(r"{%-?\s*(\w+)", text)
        assert set(statements) <= {"for", "endfor"}, f"{path.name}: {set(statements)}"
        assert not re.search(r"{{[^}]*\|", text), f"{path.name} uses a Jinja filter"


def test_yaml_error_exits_1_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    yaml_path = make_tree(
        tmp_path, YAML.replace("Scalar alpha=1) -> Tensor\n", "Scalr alpha=1) -> Tensor\n", 1)
    )
    out = tmp_path / "out"
    rc, stdout, stderr = run_gen(capsys, *gen_args(yaml_path, out))
    assert rc == 1
    assert not out.exists()
    assert stdout == ""
    assert re.match(r".*native_functions\.yaml:1: error: ", stderr), stderr
    assert "Traceback" not in stderr


class TestMissingKernel(expecttest.TestCase):
    def test_missing_kernel_is_one_line(self) -> None:
        self.assertExpectedInline(
            self.missing("at::Tensor silu(const at::Tensor& self) { return self; }\n"),
            """native_functions.yaml:21: error: kernel 'at_mini::native::silu' (CompositeImplicitAutograd) for 'silu' is not defined; define it in aten_mini/native/Silu.cpp""",  # noqa: E501
        )

    def test_missing_kernel_goes_next_to_its_siblings(self) -> None:
        kernel = "at::Tensor& add_(at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha) {\n"  # noqa: E501
        self.assertExpectedInline(
            self.missing(kernel),
            """native_functions.yaml:9: error: kernel 'at_mini::native::add_' (CPU, CUDA) for 'add_.Tensor' is not defined; define it in aten_mini/native/Ops.cpp""",  # noqa: E501
        )

    def test_commented_out_kernel_does_not_count(self) -> None:
        kernel = "at::Tensor softplus(const at::Tensor& self, const at::Scalar& beta, const at::Scalar& threshold) {"  # noqa: E501
        self.assertExpectedInline(
            self.missing(kernel, "/* " + kernel + " } */"),
            """native_functions.yaml:25: error: kernel 'at_mini::native::softplus' (CPU, CUDA) for 'softplus' is not defined; define it in aten_mini/native/Softplus.cpp""",  # noqa: E501
        )

    def missing(self, definition: str, replacement: str = "") -> str:
        with tempfile.TemporaryDirectory() as d:
            root = Path(d)
            assert definition in KERNELS
            yaml_path = make_tree(root, kernels=KERNELS.replace(definition, replacement))
            out = root / "out"
            err = StringIO()
            with redirect_stderr(err):
                rc = gen.main(gen_args(yaml_path, out))
            assert rc == 1 and not out.exists()
            return err.getvalue().replace(str(root) + os.sep, "").rstrip("\n")


def test_check_mode_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    rc, stdout, stderr = run_gen(capsys, *gen_args(make_tree(tmp_path), out, "--check"))
    assert (rc, stdout, stderr) == (0, "", "")
    assert not out.exists()


def test_check_mode_reports_a_missing_kernel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kernel = "at::Tensor silu(const at::Tensor& self) { return self; }\n"
    yaml_path = make_tree(tmp_path, kernels=KERNELS.replace(kernel, ""))
    rc, _, stderr = run_gen(capsys, *gen_args(yaml_path, tmp_path / "out", "--check"))
    assert rc == 1
    assert "error: kernel 'at_mini::native::silu'" in stderr and stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()
