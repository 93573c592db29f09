"""`./kit build`'s quiet output: one short line per ninja step, the first error repeated.

See Note [Build progress] in tools/kit/commands/build.py. A stand-in for ninja
(a Python script printing what ninja prints) drives `stream_build`.
"""

# ruff: noqa: E501

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import pytest

from tools.kit.commands import build

ROOT = Path(__file__).resolve().parents[2]

NINJA = r"""
import sys
print("[1/4] Generating C++ and Python bindings from native_functions.yaml")
print("[2/4] Building CXX object CMakeFiles/aten_mini_cpu_AVX2.dir/aten_mini/native/cpu/BinaryOpsKernel.cpp.o")
print("[3/4] Building CXX object CMakeFiles/aten_mini.dir/aten_mini/native/Foo.cpp.o")
print("FAILED: [code=1] CMakeFiles/aten_mini.dir/aten_mini/native/Foo.cpp.o")
print("/usr/bin/c++ -DAT_PER_OPERATOR_HEADERS -O3 -c ../aten_mini/native/Foo.cpp -o Foo.cpp.o")
print("../aten_mini/native/Foo.cpp: In function 'at::Tensor foo(const at::Tensor&)':")
print("../aten_mini/native/Foo.cpp:12:3: error: 'bar' was not declared in this scope")
print("../aten_mini/native/Foo.cpp:20:1: error: expected ';' before '}' token")
print("ninja: build stopped: subcommand failed.")
sys.exit(1)
"""


@pytest.mark.parametrize(
    ("description", "short"),
    [
        (
            "Building CXX object CMakeFiles/aten_mini_cpu_AVX2.dir/aten_mini/native/cpu/BinaryOpsKernel.cpp.o",
            "compiling BinaryOpsKernel.cpp (AVX2)",
        ),
        (
            "Building CXX object CMakeFiles/_C.dir/generated/python_functions_0.cpp.o",
            "compiling python_functions_0.cpp",
        ),
        (
            "Building CUDA object CMakeFiles/aten_mini.dir/aten_mini/native/cuda/ActivationKernel.cu.o",
            "compiling ActivationKernel.cu",
        ),
        (
            "Building CXX object CMakeFiles/aten_mini_cpu_DEFAULT.dir/cmake_pch.hxx.gch",
            "precompiling torch's headers for aten_mini_cpu_DEFAULT",
        ),
        (
            "Linking CXX shared library /work/main/python/aten_mini/libaten_mini.so",
            "linking libaten_mini.so",
        ),
        ("Re-running CMake...", "Re-running CMake..."),
    ],
)
def test_step_text(description: str, short: str) -> None:
    assert build.step_text(description) == short


def test_a_failing_build_shows_steps_and_messages_and_finds_the_first_error() -> None:
    out = io.StringIO()
    code, log = build.stream_build([sys.executable, "-c", NINJA], ROOT / "build", out, tty=False)
    assert code == 1
    assert log.first_error == (
        "aten_mini/native/Foo.cpp:12:3: error: 'bar' was not declared in this scope"
    )
    lines = out.getvalue().splitlines()
    assert lines[:3] == [
        "[1/4] generating code from native_functions.yaml (torchgen_mini)",
        "[2/4] compiling BinaryOpsKernel.cpp (AVX2)",
        "[3/4] compiling Foo.cpp",
    ]
    assert not any(line.startswith("/usr/bin/c++") for line in lines)  # the command: -v only
    assert "../aten_mini/native/Foo.cpp:12:3: error: 'bar' was not declared in this scope" in lines


def test_on_a_terminal_the_progress_is_one_line() -> None:
    script = "print('[1/2] Building CXX object CMakeFiles/x.dir/a.cpp.o'); print('[2/2] Linking CXX shared library lib/libx.so')"
    out = io.StringIO()
    code, log = build.stream_build([sys.executable, "-c", script], ROOT / "build", out, tty=True)
    assert code == 0 and log.steps == 2 and log.first_error is None
    text = out.getvalue()
    assert text.count("\n") == 1  # rewritten in place, one newline at the end
    assert text.endswith("\r\x1b[K[2/2] linking libx.so\n")


def test_the_kit_error_repeats_the_first_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real = build.stream_build
    monkeypatch.setattr(build, "tool", lambda _name: sys.executable)
    monkeypatch.setattr(
        build, "stream_build", lambda _cmd, d: real([sys.executable, "-c", NINJA], d, io.StringIO())
    )
    with pytest.raises(build.KitError) as exc:
        build.compile_all("2", verbose=False)
    message = str(exc.value)
    assert "first error: aten_mini/native/Foo.cpp:12:3: error: 'bar' was not declared" in message
    assert "-v shows the compiler commands" in message


@pytest.mark.parametrize(
    ("env", "flags", "want"),
    [
        ({}, {}, None),
        ({"ATEN_MINI_CUDA": "1"}, {}, "ON"),
        ({"ATEN_MINI_CUDA": "1"}, {"no_cuda": True}, "OFF"),
        ({}, {"cuda": True}, "ON"),
    ],
)
def test_cuda_requests(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], flags: dict[str, bool], want: str | None
) -> None:
    monkeypatch.delenv("ATEN_MINI_CUDA", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    args = argparse.Namespace(no_cuda=flags.get("no_cuda", False), cuda=flags.get("cuda", False))
    assert build._cuda_request(args) == want
