"""Every repository path that README.md and CONTRIBUTING.md name exists.

A path is a backticked word (or a link target) whose first component is a
file or directory at the top of the repository: `test/opinfo/op_db.py`,
`native_functions.yaml`, `docs/native_functions.md#anchor`. A placeholder
such as `<Family>` stands for one name throughout the file: some value of it
must make every path that uses it exist (`aten_mini/native/<Family>.cpp` and
`aten_mini/native/cuda/<Family>Kernel.cu` both hold for `Activation`).
Paths under build/ exist only after `./kit build` and are not checked.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ["README.md", "CONTRIBUTING.md"]
NOT_IN_GIT = {"build", ".venv"}  # made by ./kit, never committed

_CODE = re.compile(r"`([^`\s]+)`")
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def named_paths(text: str) -> list[str]:
    tops = {p.name for p in ROOT.iterdir()}
    found = []
    for word in [*_CODE.findall(text), *_LINK.findall(text)]:
        word = word.split("#")[0].rstrip(".,:;")
        first = word.split("/")[0]
        if word and "://" not in word and first in tops and first not in NOT_IN_GIT:
            found.append(word)
    return found


def repo_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [f for f in out.split("\0") if f]


def values(path: str, files: list[str]) -> dict[str, set[str]] | None:
    """{placeholder: the names that make `path` exist}, or None if nothing matches."""
    if "<" not in path and "*" not in path:
        return {} if (ROOT / path).exists() else None
    pattern = ""
    for part in re.split(r"(<[^>]+>|\*)", path.rstrip("/")):
        if part == "*":
            pattern += "[^/]*"
        elif part.startswith("<"):
            pattern += f"(?P<{part[1:-1].lower()}>[^/]+)"
        else:
            pattern += re.escape(part)
    found: dict[str, set[str]] = {}
    matched = False
    for f in files:
        m = re.fullmatch(pattern + "(?:/.*)?", f)
        if m:
            matched = True
            for k, v in m.groupdict().items():
                found.setdefault(k, set()).add(v)
    return found if matched else None


def missing(paths: list[str]) -> list[str]:
    """The paths that exist for no value of their placeholders, consistent across `paths`."""
    files = repo_files()
    bad = []
    common: dict[str, set[str]] = {}
    users: dict[str, list[str]] = {}
    for p in sorted(set(paths)):
        found = values(p, files)
        if found is None:
            bad.append(p)
            continue
        for k, v in found.items():
            common[k] = common[k] & v if k in common else v
            users.setdefault(k, []).append(p)
    for k, v in common.items():
        if not v:
            bad.append(f"{' and '.join(users[k])} (no one <{k}> makes them all exist)")
    return bad


@pytest.mark.parametrize("doc", DOCS)
def test_named_paths_exist(doc: str) -> None:
    paths = named_paths((ROOT / doc).read_text())
    assert paths, f"{doc} names no repository path: the extraction is broken"
    bad = missing(paths)
    assert not bad, f"{doc} names paths that do not exist: {bad}"


def test_a_missing_path_is_reported() -> None:
    text = "see `aten_mini/native/NoSuchFile.cpp` and `test/opinfo/op_db.py`"
    paths = named_paths(text)
    assert paths == ["aten_mini/native/NoSuchFile.cpp", "test/opinfo/op_db.py"]
    assert missing(paths) == ["aten_mini/native/NoSuchFile.cpp"]
    good = ["aten_mini/native/<Family>.cpp", "aten_mini/native/cuda/<Family>Kernel.cu"]
    assert missing(good) == []
    # each exists for some family, but no family has both files
    assert missing(["aten_mini/native/<Family>.cpp", "aten_mini/native/cuda/<Family>.cu"])
