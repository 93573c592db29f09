"""`./kit doctor`: one line per check, what to fix, exit 1 only when something is broken."""

from __future__ import annotations

import argparse
import hashlib
import shutil
from pathlib import Path

import pytest

from tools.kit.commands import doctor

ROOT = Path(__file__).resolve().parents[2]


def test_this_checkout_prints_one_line_per_check(capsys: pytest.CaptureFixture[str]) -> None:
    code = doctor.run(argparse.Namespace())
    out = capsys.readouterr().out.splitlines()
    whats = [line.split()[1] for line in out[:-1]]
    assert whats == ["python", "c++", "cmake", "ninja", "cuda", "disk", ".venv", "build/"]
    assert all(line.split()[0] in ("ok", "warn", "FAIL") for line in out[:-1])
    broken = [line for line in out if line.startswith("FAIL")]
    assert code == (1 if broken else 0)
    assert out[-1].startswith("doctor: ready" if not broken else "doctor: ")


def test_old_python_fails_with_what_to_do() -> None:
    f = doctor.check_python((3, 9, 1))
    assert (
        f.status == "FAIL" and "3.9.1 is too old" in f.message and "ATEN_MINI_PYTHON" in f.message
    )


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("g++ (Debian 12.2.0-14+deb12u1) 12.2.0", ("gcc", 12)),
        ("c++ (GCC) 8.5.0 20210514 (Red Hat 8.5.0-4)", ("gcc", 8)),
        ("Ubuntu clang version 14.0.0-1ubuntu1", ("clang", 14)),
    ],
)
def test_compiler_versions(line: str, found: tuple[str, int]) -> None:
    assert doctor.compiler_version(line) == found


def test_a_too_old_or_missing_compiler(tmp_path: Path) -> None:
    old = doctor.check_compiler({"CXX": "sh"}, run=lambda _cmd: "c++ (GCC) 8.5.0 20210514")
    assert old.status == "FAIL" and "gcc 8" in old.message and "set CXX" in old.message
    gone = doctor.check_compiler({"CXX": str(tmp_path / "no-such-c++")})
    assert gone.status == "FAIL" and "does not run" in gone.message


def test_cuda_is_compiled_only_with_a_gpu_or_when_asked() -> None:
    assert "not compiled" in doctor.check_cuda("/usr/bin/nvcc", gpu=False, env={}).message
    assert "compiled" in doctor.check_cuda("/usr/bin/nvcc", gpu=True, env={}).message
    asked = doctor.check_cuda("/usr/bin/nvcc", gpu=False, env={"ATEN_MINI_CUDA": "1"})
    assert "ATEN_MINI_CUDA=1: the CUDA kernels are compiled" in asked.message
    off = doctor.check_cuda("/usr/bin/nvcc", gpu=True, env={"ATEN_MINI_NO_CUDA": "1"})
    assert "skipped" in off.message
    missing = doctor.check_cuda(None, gpu=False, env={"ATEN_MINI_CUDA": "1"})
    assert missing.status == "FAIL" and "nvcc is not found" in missing.message


def test_disk() -> None:
    assert doctor.check_disk(ROOT, free=1 * 2**30).status == "FAIL"
    assert doctor.check_disk(ROOT, free=3 * 2**30).status == "warn"
    assert doctor.check_disk(ROOT, free=50 * 2**30).status == "ok"


def fake_checkout(tmp: Path, pins: str) -> Path:
    root = tmp / "clone"
    (root / ".venv" / "bin").mkdir(parents=True)
    (root / ".venv" / "bin" / "python").write_text("")
    (root / "requirements.txt").write_text(pins)
    return root


def test_venv_pins_that_do_not_match(tmp_path: Path) -> None:
    root = fake_checkout(tmp_path, "# comment\ntorch==2.14.1\nrich==15.0.0\n")
    versions = {"torch": "2.13.0", "rich": "15.0.0"}
    f = doctor.check_venv(root, str(root / ".venv"), versions.get)
    assert f.status == "FAIL"
    assert f.message.startswith("torch 2.13.0 (pinned 2.14.1): delete ")
    versions["torch"] = "2.14.1"
    assert doctor.check_venv(root, str(root / ".venv"), versions.get).status == "warn"  # no stamp
    stamp = hashlib.sha256((root / "requirements.txt").read_bytes()).hexdigest()
    (root / ".venv" / ".kit-requirements.sha256").write_text(stamp + "\n")
    assert doctor.check_venv(root, str(root / ".venv"), versions.get).status == "ok"
    shutil.rmtree(root / ".venv")
    assert doctor.check_venv(root, "/usr", versions.get).status == "FAIL"


def test_build_dir_states(tmp_path: Path) -> None:
    root = fake_checkout(tmp_path, "")
    assert doctor.check_build(root).status == "warn"  # not configured
    build = root / "build"
    build.mkdir()
    (build / "build.ninja").write_text("")
    cache = build / "CMakeCache.txt"
    cache.write_text("CMAKE_HOME_DIRECTORY:INTERNAL=/somewhere/else\n")
    moved = doctor.check_build(root)
    assert (
        moved.status == "FAIL" and "/somewhere/else" in moved.message and "--clean" in moved.message
    )
    cache.write_text(
        f"CMAKE_HOME_DIRECTORY:INTERNAL={root}\nPython_EXECUTABLE:FILEPATH=/old/python\n"
    )
    assert "configured with /old/python" in doctor.check_build(root, "/new/python").message
    cache.write_text(f"CMAKE_HOME_DIRECTORY:INTERNAL={root}\nATEN_MINI_CUDA:BOOL=OFF\n")
    assert doctor.check_build(root).message.endswith("aten_mini._C not built yet: ./kit build")
    (root / "python" / "aten_mini").mkdir(parents=True)
    (root / "python" / "aten_mini" / "_C.cpython-311-x86_64-linux-gnu.so").write_text("")
    assert doctor.check_build(root).message == "configured (ATEN_MINI_CUDA=OFF), aten_mini._C built"
