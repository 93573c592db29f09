"""The OpInfo database and parametrization, checked without a build."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import yaml
from opinfo.core import DecorateInfo, OpInfo, SampleInput
from opinfo.op_db import op_db
from opinfo.params import op_params
from opinfo.samples import sample_inputs_unary


def yaml_op_names() -> set[str]:
    with open(Path(__file__).parents[2] / "native_functions.yaml") as f:
        return {e["func"].split("(")[0].split(".")[0].rstrip("_") for e in yaml.safe_load(f)}


def test_every_op_has_an_entry() -> None:
    entries = [op.name for op in op_db]
    assert len(entries) == len(set(entries)), f"duplicate OpInfo entries: {sorted(entries)}"
    missing = yaml_op_names() - set(entries)
    assert not missing, f"ops without an OpInfo in test/opinfo/op_db.py: {sorted(missing)}"
    extra = set(entries) - yaml_op_names()
    assert not extra, f"OpInfos of ops not in native_functions.yaml: {sorted(extra)}"


def test_entries_are_written_with_the_name_first() -> None:
    """Tools grep op_db.py for `OpInfo("add"`; keep entries in that form."""
    text = (Path(__file__).parents[1] / "opinfo" / "op_db.py").read_text()
    for op in op_db:
        assert f'OpInfo(\n        "{op.name}",' in text, (
            f"write the entry as OpInfo({op.name!r}, ...)"
        )


@pytest.mark.parametrize("op", op_db, ids=lambda op: op.name)
def test_samples_cover_the_required_shapes(op: OpInfo) -> None:
    samples = list(op.sample_inputs("cpu", torch.float32))
    tensors = [t for s in samples for t in s.tensors()]
    assert any(t.dim() == 0 for t in tensors), f"{op!r} has no 0-dim sample"
    assert any(t.numel() == 0 for t in tensors), f"{op!r} has no empty sample"
    assert any(not t.is_contiguous() for t in tensors), f"{op!r} has no non-contiguous sample"
    assert any(t.numel() >= 1_000_000 for t in tensors), f"{op!r} has no large sample"
    cl = [t for t in tensors if t.dim() == 4 and t.is_contiguous(memory_format=torch.channels_last)]
    assert cl, f"{op!r} has no channels-last sample"


def test_decorate_info_needs_a_reason() -> None:
    with pytest.raises(TypeError):
        DecorateInfo("skip")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="DecorateInfo needs a reason"):
        DecorateInfo("xfail", "  ")
    with pytest.raises(ValueError, match="kind must be 'skip' or 'xfail'"):
        DecorateInfo("ignore", "because")  # type: ignore[arg-type]


def test_decorate_info_becomes_a_mark_with_its_reason() -> None:
    op = OpInfo(
        "fake_op",
        ref=torch.relu,
        sample_inputs_func=sample_inputs_unary,
        skips=(DecorateInfo("xfail", "kernel bug #12", test="test_out", dtypes=(torch.float64,)),),
    )
    params = {p.id: p for p in op_params("test_out", ops=[op], devices=["cpu"])}
    assert sorted(params) == ["fake_op-cpu-float32", "fake_op-cpu-float64"]
    (mark,) = params["fake_op-cpu-float64"].marks
    assert mark.name == "xfail" and mark.kwargs == {"reason": "kernel bug #12", "strict": True}
    assert not params["fake_op-cpu-float32"].marks
    assert not op_params("test_reference", ops=[op], devices=["cpu"])[1].marks


def test_ids_read_op_device_dtype() -> None:
    ids = [p.id for p in op_params("test_reference", devices=["cpu"])]
    assert "add-cpu-float32" in ids and "sum-cpu-int64" in ids
    ids = [p.id for p in op_params("test_dtypes", dtypes="none", devices=["cpu"])]
    assert "add-cpu" in ids


def test_ops_resolve_lazily() -> None:
    """Collecting the tests must not import aten_mini (it may not be built)."""
    op = next(op for op in op_db if op.name == "add")
    assert repr(op.op) == "aten_mini.add" and repr(op.overload_packet) == "torch.ops.aten_mini.add"
    assert repr(op.inplace_variant) == "aten_mini.add_"


def test_sample_input_str_names_the_case() -> None:
    s = SampleInput(torch.ones(2, 3).t(), args=(torch.ones(()),), kwargs={"alpha": 2}, name="x")
    assert str(s) == (
        "SampleInput 'x'(Tensor[3x2, float32, strides=(1, 3)], Tensor[0-dim, float32], alpha=2)"
    )


def test_supports_gradgrad_follows_supports_autograd() -> None:
    def make(**kwargs: bool) -> OpInfo:
        return OpInfo("fake_op", ref=torch.relu, sample_inputs_func=sample_inputs_unary, **kwargs)

    assert make(supports_autograd=True).supports_gradgrad is True
    assert make().supports_gradgrad is False
    assert make(supports_autograd=True, supports_gradgrad=False).supports_gradgrad is False


def test_gradcheck_ids_name_float64() -> None:
    def differentiable(op: OpInfo) -> bool:
        return op.supports_autograd

    params = op_params("test_gradcheck", dtypes=torch.float64, devices=["cpu"], only=differentiable)
    ids = [p.id for p in params]
    assert "add-cpu-float64" in ids and "silu-cpu-float64" in ids
