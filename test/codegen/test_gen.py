"""`python -m torchgen_mini gen`: what it writes, when it writes, and its errors."""

from __future__ import annotations

import ast
import importlib
import os
import pkgutil
import re
import tempfile
import zlib
from collections.abc import Callable
from contextlib import redirect_stderr
from io import StringIO
from pathlib import Path

import expecttest
import jinja2
import pytest
from codegen_testutil import KERNELS, REPO, YAML, gen_args, make_tree

import torchgen_mini.dest
from torchgen_mini import file_manager, gen
from torchgen_mini.dest import per_op
from torchgen_mini.file_manager import FileManager
from torchgen_mini.templating import TEMPLATE_DIR, render_macro


def run_gen(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = gen.main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def list_outputs(capsys: pytest.CaptureFixture[str], yaml_path: Path, out: Path) -> list[str]:
    """The files `--list-outputs` says a run on `yaml_path` into `out` writes."""
    rc, listed, _ = run_gen(capsys, *gen_args(yaml_path, out, "--list-outputs"))
    assert rc == 0
    return listed.split()


def snapshot(out: Path) -> dict[str, tuple[bytes, int]]:
    """Relative path -> (content, mtime) of every file under `out` (ops/ too)."""
    files = sorted(p for p in out.rglob("*") if p.is_file())
    return {p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in files}


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
    for p in out.rglob("*"):
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
    changed = rewritten_by(
        tmp_path,
        capsys,
        lambda: yaml_path.write_text(YAML.replace("tags: [core, reduction]", "tags: [reduction]")),
    )
    assert changed == ["RegisterSchema.cpp"]


def rewritten_by(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: Callable[[], object]
) -> list[str]:
    """The generated files that change when `edit` changes the tree made by make_tree."""
    yaml_path, out = tmp_path / "native_functions.yaml", tmp_path / "out"
    assert run_gen(capsys, *gen_args(yaml_path, out))[0] == 0
    before = snapshot(out)
    edit()
    assert run_gen(capsys, *gen_args(yaml_path, out))[0] == 0
    after = snapshot(out)
    return sorted(name for name in after if after.get(name) != before.get(name))


NEW_COMPOSITE_OP = """
- func: square(Tensor self) -> Tensor
  dispatch:
    CompositeImplicitAutograd: square
"""


SQUARE_KERNEL = (
    "namespace at_mini::native {\n"
    "at::Tensor square(const at::Tensor& self) { return self; }\n"
    "}  // namespace at_mini::native\n"
)


def test_new_composite_op_leaves_other_ops_files_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # See Note [Per-operator headers] and Note [Sharded generated sources]
    yaml_path = make_tree(tmp_path)

    def add_square() -> None:
        yaml_path.write_text(YAML + NEW_COMPOSITE_OP)
        (tmp_path / "aten_mini" / "native" / "Square.cpp").write_text(SQUARE_KERNEL)

    changed = rewritten_by(tmp_path, capsys, add_square)
    shard = per_op.shard_of("square", per_op.PYTHON_SHARDS)
    ops_shard = per_op.shard_of("square", per_op.OPERATOR_SHARDS)
    assert changed == sorted(
        [
            ".manifest",  # See Note [Stale outputs]
            "Functions.h",
            "NativeFunctions.h",
            "Operators.h",
            f"Operators_{ops_shard}.cpp",
            "RegisterCompositeImplicitAutograd.cpp",
            "RegisterSchema.cpp",
            "_C.pyi",
            "_C_polyfills.py",
            "ops/square.h",
            "ops/square_native.h",
            "ops/square_ops.h",
            f"python_functions_{shard}.cpp",
        ]
    )
    assert (
        '#include "ops/square_ops.h"'
        in (tmp_path / "out" / f"python_functions_{shard}.cpp").read_text()
    )


def test_shards_are_stable_and_hold_whole_ops() -> None:
    assert per_op.shard_of("add", 4) == per_op.shard_of("add", 4) == zlib.crc32(b"add") % 4
    text = (REPO / "native_functions.yaml").read_text()
    roots = {m.group(1) for m in re.finditer(r"^- func: (\w+?)_?[.(]", text, re.MULTILINE)}
    assert len({per_op.shard_of(r, per_op.PYTHON_SHARDS) for r in roots}) > 1


def test_list_outputs_matches_what_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    yaml_path = make_tree(tmp_path)
    out = tmp_path / "out"
    listed = list_outputs(capsys, yaml_path, out)
    assert not out.exists()
    assert run_gen(capsys, *gen_args(yaml_path, out))[0] == 0
    written = [p for p in out.rglob("*") if p.is_file() and p.name != file_manager.MANIFEST]
    assert sorted(listed) == sorted(str(p) for p in written)
    names = {Path(p).relative_to(out).as_posix() for p in listed}
    assert names >= {"RegisterCUDA.cpp", "RegisterMeta.cpp", "ops/add_native.h", "ops/add_stubs.h"}
    assert names >= {f"python_functions_{i}.cpp" for i in range(per_op.PYTHON_SHARDS)}


def test_every_file_starts_with_generated_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    yaml_path = make_tree(tmp_path)
    assert run_gen(capsys, *gen_args(yaml_path, tmp_path / "out"))[0] == 0
    for p in (tmp_path / "out").rglob("*.*"):
        if p.name == file_manager.MANIFEST:
            continue
        first = p.read_text().splitlines()[0]
        assert re.fullmatch(r"(//|#) @generated from torchgen_mini/templates/\S+", first), p.name
        assert (TEMPLATE_DIR / first.split("templates/")[1]).is_file(), first


def test_strict_undefined(tmp_path: Path) -> None:
    (tmp_path / "T.cpp").write_text("int x = {{ value }}; int y = {{ missing }};\n")
    fm = FileManager(tmp_path / "out", template_dir=tmp_path)
    with pytest.raises(jinja2.UndefinedError, match="'missing' is undefined"):
        fm.add("T.cpp", "T.cpp", {"value": 1})


def test_every_dest_module_with_outputs_is_generated() -> None:
    # See Note [One output protocol] in torchgen_mini/output.py: a dest module that
    # declares outputs but is missing from gen.DESTINATIONS would generate nothing.
    dest_dir = Path(torchgen_mini.dest.__file__).parent
    declaring = set()
    for info in pkgutil.iter_modules([str(dest_dir)]):
        module = importlib.import_module(f"torchgen_mini.dest.{info.name}")
        if hasattr(module, "outputs"):
            declaring.add(module.__name__)
    listed = [getattr(m, "__name__", "") for m in gen.DESTINATIONS]
    assert len(listed) == len(set(listed))
    assert declaring == set(listed)


def test_no_dest_module_touches_the_file_manager() -> None:
    for path in sorted(Path(torchgen_mini.dest.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            else:
                continue
            assert "torchgen_mini.file_manager" not in names, f"{path.name}:{node.lineno}"


def test_macros_are_strict() -> None:
    # A macro refuses an argument it does not declare, and one it declares but is not given.
    values = {"returns": "at::Tensor", "guard": "G", "op": "O", "keyset": "K", "args": "self"}
    text = render_macro("macros/autograd.cpp", "call_below", **values)
    assert text.startswith("  decltype(auto) result = [&]() -> at::Tensor {\n")
    assert text.endswith("  }();")  # no final newline: the piece goes on lines of its own
    with pytest.raises(TypeError, match="no keyword argument 'guards'"):
        render_macro("macros/autograd.cpp", "call_below", **values, guards="G")
    del values["args"]
    with pytest.raises(jinja2.UndefinedError, match="'args' was not provided"):
        render_macro("macros/autograd.cpp", "call_below", **values)


def test_templates_are_logic_free() -> None:
    # See Note [Logic-free templates] in torchgen_mini/templating.py
    paths = [p for p in TEMPLATE_DIR.rglob("*") if p.is_file()]
    assert any(p.parent.name == "macros" for p in paths)
    for path in paths:
        text = path.read_text()
        statements = set(re.findall(r"{%-?\s*(\w+)", text))
        allowed = {"for", "endfor"} | (
            {"macro", "endmacro"} if path.parent.name == "macros" else set()
        )
        assert statements <= allowed, f"{path.name}: {statements}"
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


def test_outputs_no_longer_generated_are_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # See Note [Stale outputs]
    yaml_path = make_tree(tmp_path)
    (tmp_path / "aten_mini" / "native" / "Square.cpp").write_text(SQUARE_KERNEL)
    yaml_path.write_text(YAML + NEW_COMPOSITE_OP)
    out = tmp_path / "out"
    assert run_gen(capsys, *gen_args(yaml_path, out))[0] == 0
    gone = out / "ops" / "square_native.h"
    assert gone.is_file()
    mine = out / "ops" / "mine_native.h"  # the learner's, with our header text in it
    mine.write_text("// @generated from torchgen_mini/templates/ops_native.h\nint mine;\n")
    (out / "notes.txt").write_text("not generated\n")
    yaml_path.write_text(YAML)
    rc, stdout, _ = run_gen(capsys, *gen_args(yaml_path, out)[:-1])  # not --quiet
    assert rc == 0
    assert not gone.exists() and not (out / "ops" / "square.h").exists()
    assert mine.read_text().endswith("int mine;\n")
    assert (out / "notes.txt").read_text() == "not generated\n"
    assert f"removed {gone}" in stdout
    assert "mine_native.h" not in stdout


SOFTPLUS_DERIVATIVE = """\
- name: softplus(Tensor self, Scalar beta=1, Scalar threshold=20) -> Tensor
  self: grad * at_mini::sigmoid(self * beta)
"""


def test_derivatives_yaml_is_a_step_before_rendering(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # See Note [One output protocol] in torchgen_mini/output.py.
    yaml_path = make_tree(tmp_path)
    out = tmp_path / "out"
    # No derivatives.yaml in the tree: no RegisterAutograd.cpp, and no error.
    assert not [p for p in list_outputs(capsys, yaml_path, out) if "RegisterAutograd.cpp" in p]
    # The default one under the source root is read when it exists.
    default = tmp_path / "tools" / "autograd" / "derivatives.yaml"
    default.parent.mkdir(parents=True)
    default.write_text(SOFTPLUS_DERIVATIVE)
    assert str(out / "RegisterAutograd.cpp") in list_outputs(capsys, yaml_path, out)
    # An entry that names no operator: a located error, and nothing is written.
    bad = tmp_path / "bad.yaml"
    bad.write_text(SOFTPLUS_DERIVATIVE.replace("softplus(", "softplux(", 1))
    rc, stdout, stderr = run_gen(capsys, *gen_args(yaml_path, out, "--derivatives", str(bad)))
    assert rc == 1 and stdout == ""
    assert stderr.startswith(f"{bad}:1: error: unknown operator 'softplux'"), stderr
    assert not out.exists()
    rc, _, _ = run_gen(capsys, *gen_args(yaml_path, out))
    assert rc == 0
    text = (out / "RegisterAutograd.cpp").read_text()
    assert "struct SoftplusBackward0 final" in text
