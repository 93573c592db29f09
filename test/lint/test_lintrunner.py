"""lintrunner runs the kit's linters: `.lintrunner.toml`, the adapters, `./kit lint`'s front."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from lint_testutil import git_repo

from tools import lint
from tools.lint.adapters import CODES, init
from tools.lint.adapters.kit_adapter import messages
from tools.lint.runner import PATHS_FILE, lintrunner_command, lintrunner_path

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"path", "line", "char", "code", "severity", "name", "description", "original"}
KEYS |= {"replacement"}
SEVERITIES = {"error", "warning", "advice", "disabled"}


def _config() -> list[dict[str, object]]:
    with (ROOT / ".lintrunner.toml").open("rb") as f:
        linters = tomllib.load(f)["linter"]
    assert isinstance(linters, list)
    return linters


def test_one_lintrunner_linter_per_kit_linter() -> None:
    linters = _config()
    assert [lt["code"] for lt in linters] == [CODES[n] for n in lint.LINTERS]
    for name, lt in zip(lint.LINTERS, linters, strict=True):
        assert lt["command"] == [
            "python3", "-m", "tools.lint.adapters.kit_adapter", name, "@{{PATHSFILE}}"
        ]  # fmt: skip
        assert lt["include_patterns"], name
    # Offline init: the first linter's init_command only checks the pinned venv.
    assert linters[0]["init_command"] == [
        "python3", "-m", "tools.lint.adapters.init", "--dry-run={{DRYRUN}}"
    ]  # fmt: skip


def test_lintrunner_is_pinned_with_the_linters() -> None:
    pins = init.pins(ROOT / "requirements.txt")
    assert "lintrunner" in pins
    assert all(p.lower() in pins for p in init.LINTER_PACKAGES)


def test_init_names_a_missing_or_wrong_pin(tmp_path: Path) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("ruff==0.0.1\n")
    found = init.problems(req)
    assert any(line.startswith("ruff is ") and "pins 0.0.1" in line for line in found)
    assert "requirements.txt: mypy is not pinned" in found


def _check_protocol(line: str) -> dict[str, object]:
    msg = json.loads(line)
    assert set(msg) == KEYS and msg["severity"] in SEVERITIES
    assert isinstance(msg["code"], str) and isinstance(msg["name"], str)
    return msg


def test_adapter_speaks_the_protocol(tmp_path: Path) -> None:
    root = git_repo(tmp_path, {"a.py": "import os\nx=1\n"})
    adapter = [sys.executable, "-m", "tools.lint.adapters.kit_adapter"]
    proc = subprocess.run(
        [*adapter, "ruff-format", str(root / "a.py")],
        cwd=root, env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    [msg] = [_check_protocol(line) for line in proc.stdout.splitlines()]
    assert (msg["path"], msg["code"], msg["name"]) == ("a.py", "RUFFFORMAT", "FMT")
    assert msg["original"] == "import os\nx=1\n"
    assert msg["replacement"] == "import os\n\nx = 1\n"


def test_adapter_findings_and_fixes(tmp_path: Path) -> None:
    style = (ROOT / ".clang-format").read_text()
    root = git_repo(
        tmp_path,
        {"a.py": "import os\nx = 1\n", ".clang-format": style, "k.cpp": "int  f( ){return 1;}\n"},
    )
    ruff = messages("ruff", ["a.py"], root)
    assert ("F401", 1) in [(m.name, m.line) for m in ruff if m.replacement is None]
    [fix] = [m for m in ruff if m.replacement is not None]
    assert (fix.original, fix.replacement) == ("import os\nx = 1\n", "x = 1\n")
    [cf] = messages("clang-format", ["k.cpp", "a.py"], root)
    assert cf.path == "k.cpp" and cf.replacement == "int f() {\n  return 1;\n}\n"
    assert messages("clang-format", ["a.py"], root) == []


needs_lintrunner = pytest.mark.skipif(
    lintrunner_path() is None, reason="lintrunner is not installed (requirements.txt pins it)"
)


def _lintrunner(root: Path, data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = lintrunner_path()
    assert exe is not None
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(
        [exe, "--data-path", str(data), *args], cwd=root, env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip


@needs_lintrunner
def test_lintrunner_init_and_apply_in_a_fresh_repo(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    root = git_repo(repo, {"a.py": "x=1\n", "b.py": "y = 2\n"})
    shutil.copy(ROOT / ".lintrunner.toml", root / ".lintrunner.toml")
    shutil.copy(ROOT / "requirements.txt", root / "requirements.txt")
    data = tmp_path / "data"
    assert _lintrunner(root, data, "init").returncode == 0
    args = lintrunner_command(["ruff", "ruff-format"])[1:]
    assert args[:2] == ["--paths-from", ".kit/lint-paths.txt"]
    (root / PATHS_FILE).parent.mkdir()
    (root / PATHS_FILE).write_text("a.py\nb.py\n")
    found = _lintrunner(root, data, *args, "--output", "json")
    assert found.returncode == 1, found.stderr
    msgs = [_check_protocol(line) for line in found.stdout.splitlines() if line.startswith("{")]
    assert [(m["path"], m["code"]) for m in msgs] == [("a.py", "RUFFFORMAT")]
    assert _lintrunner(root, data, *args, "-a").returncode == 0
    assert (root / "a.py").read_text() == "x = 1\n"
    assert _lintrunner(root, data, *args).returncode == 0


@needs_lintrunner
def test_kit_lint_prints_the_lintrunner_command() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tools.kit", "lint", "native-yaml", "kernels"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    expected = "kit: lintrunner --paths-from .kit/lint-paths.txt "
    assert expected + "--take NATIVEYAML,KERNELS" in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("lint: native-yaml, kernels: ")


def test_without_lintrunner_the_builtin_runner_answers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tools.lint import runner

    monkeypatch.setattr(runner, "lintrunner_path", lambda: None)
    assert runner.run_lintrunner(["generated"]) is None
    assert "lintrunner is not installed" in capsys.readouterr().err


@needs_lintrunner
def test_kit_lint_prints_findings_in_the_kit_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tools.lint.runner import run_lintrunner

    root = git_repo(tmp_path, {"a.py": "import os\n"})
    shutil.copy(ROOT / ".lintrunner.toml", root / ".lintrunner.toml")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    assert run_lintrunner(["ruff", "generated"], root=root) == 1
    out, err = capsys.readouterr()
    assert "a.py:1:8: F401 `os` imported but unused" in out.splitlines()
    assert "--take RUFF,GENERATED --output json" in err
    assert "kit: lintrunner init" in err  # the first run in a checkout: once
    assert (root / ".kit" / "lintrunner-init").is_file()
    assert err.strip().splitlines()[-1].startswith("lint: ruff, generated: ")
    (root / "a.py").write_text("import os\n\nprint(os.sep)\n")
    assert run_lintrunner(["ruff", "generated"], root=root) == 0
    out, err = capsys.readouterr()
    assert out == "" and "lintrunner init" not in err


@needs_lintrunner
def test_a_deleted_tracked_file_is_not_linted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tools.lint.runner import run_lintrunner

    root = git_repo(tmp_path, {"a.py": "x = 1\n", "b.py": "import os\n", ".gitignore": "/.kit/\n"})
    shutil.copy(ROOT / ".lintrunner.toml", root / ".lintrunner.toml")
    ident = ["-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", *ident, "commit", "-qm", "x"], cwd=root, check=True)
    (root / "a.py").unlink()  # lintrunner 0.13 stops on a missing path it is given
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    assert run_lintrunner(["ruff"], root=root) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == ["b.py:1:8: F401 `os` imported but unused"]
    listed = (root / PATHS_FILE).read_text().splitlines()
    assert listed == [".gitignore", ".lintrunner.toml", "b.py"]
