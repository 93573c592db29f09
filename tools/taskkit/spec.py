"""One task's `task.yaml`: the format, its loader and its validation.

Example (every key but `needs_build` is required)::

    id: 01-docs-cumsum-dtype        # must equal the directory name
    title: Document cumsum's dtype argument with a runnable example
    difficulty: easy                # easy | medium | hard
    track: foundations              # one of TRACKS in tools/taskkit/vocab.py
    topics: [docs]                  # words of TOPICS in tools/taskkit/vocab.py
    prerequisites: []               # ids of tasks to do first
    files: [python/aten_mini/_docs.py]   # files a solution is expected to touch
    needs_build: false              # true: ./kit check builds incrementally first
    checks:                         # all must pass; run in this order
      - kind: pytest                # python -m pytest <args>
        args: [tools/tasks/01-docs-cumsum-dtype/tests]
      - kind: command               # any program; "python" means the kit's Python
        name: schema check
        argv: [python, -m, torchgen_mini, check, native_functions.yaml]
      - kind: lint                  # ./kit lint (if the checkout has it)
      - kind: review                # ./kit review (if the checkout has it)
      - kind: mutants               # the tests <args> must kill every mutant in
        mutants: tools/tasks/01-docs-cumsum-dtype/mutants   # <dir>/*.patch and
        args: [test/ops/test_x.py]  # pass unmutated (tools/taskkit/mutants.py)
    hints:                          # revealed one at a time, in this order
      - First hint.

Every problem is reported as `path/task.yaml:LINE: message`.

Besides task.yaml a task directory holds `issue.md` (the task as a GitHub
issue, printed by `./kit start`), `solution.patch` (the reference solution),
any task-specific tests, and optionally `setup.patch`:

A task that must start from a state main is never in (a planted bug to hunt
down, an old API to migrate away from) ships that state as `setup.patch`, a
`git diff` against main. `./kit start` applies it (as `git apply --index`
would) and commits it as the first commit of `task/<id>`, with the message
"task setup: <title> (planted by ./kit start; do not revert)" and the trailer
`Kit-Task-Setup: <id>`. That commit is the task's *base*: `./kit check`
reviews and judges new tests against it, `./kit reset` restores files to it,
and `solution.patch` is written against it (main + setup.patch), not against
main. `./kit dev verify` applies setup.patch first, requires the checks to
fail there, then applies solution.patch on top and requires them to pass.
If setup.patch no longer applies to main, `start` creates nothing and says
so. See Note [A task's setup commit] in tools/taskkit/gitrepo.py.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from tools.common.errors import KitError
from tools.taskkit.vocab import TOPICS, TRACKS
from torchgen_mini.diagnostics import Location, ParseError
from torchgen_mini.yaml_loader import YList, YMap, load_yaml

CheckKind = Literal["pytest", "command", "lint", "review", "mutants"]
CHECK_KINDS: tuple[CheckKind, ...] = ("pytest", "command", "lint", "review", "mutants")
DIFFICULTIES = ("easy", "medium", "hard")
ID_PATTERN = re.compile(r"^[0-9]{2}-[a-z0-9]+(-[a-z0-9]+)*$")
DEFAULT_TIMEOUT_S = 900

_TASK_KEYS = (
    "id",
    "title",
    "difficulty",
    "track",
    "topics",
    "prerequisites",
    "files",
    "needs_build",
    "checks",
    "hints",
)
_CHECK_KEYS = ("kind", "name", "args", "argv", "mutants", "timeout")


@dataclass(frozen=True)
class Check:
    """One check that decides a task; `argv` is pytest's arguments or the command line.

    `mutants` (kind "mutants" only) is the directory of the mutant patches,
    relative to the repository root; `argv` is then the pytest arguments.
    """

    kind: CheckKind
    name: str
    argv: tuple[str, ...]
    timeout: int
    loc: Location
    mutants: str | None = None


@dataclass(frozen=True)
class Task:
    id: str
    title: str
    difficulty: str
    track: str
    topics: tuple[str, ...]
    prerequisites: tuple[str, ...]
    files: tuple[str, ...]
    needs_build: bool
    checks: tuple[Check, ...]
    hints: tuple[str, ...]
    directory: Path
    loc: Location

    @property
    def number(self) -> str:
        return self.id.split("-", 1)[0]

    @property
    def slug(self) -> str:
        return self.id.split("-", 1)[1]

    @property
    def issue_path(self) -> Path:
        return self.directory / "issue.md"

    @property
    def solution_path(self) -> Path:
        return self.directory / "solution.patch"

    @property
    def setup_path(self) -> Path:
        """The optional patch `./kit start` commits first (see the module docstring)."""
        return self.directory / "setup.patch"

    @property
    def has_setup(self) -> bool:
        return self.setup_path.is_file()


class TaskSpecError(KitError):
    """A bad `task.yaml`: one line, `file:line: message`."""


def spec_error(file: str, line: int, message: str) -> TaskSpecError:
    return TaskSpecError(message, where=Location(file, line))


class _Reader:
    """Typed access to one YAML mapping, raising TaskSpecError at the right line."""

    def __init__(self, file: str, data: YMap, what: str, allowed: tuple[str, ...]) -> None:
        self.file, self.data, self.what = file, data, what
        for key in data:
            if key not in allowed:
                self._unknown(key, allowed)

    def _unknown(self, key: str, allowed: tuple[str, ...]) -> None:
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else f"; known keys: {', '.join(allowed)}"
        raise spec_error(
            self.file, self.data.key_lines[key], f"unknown key '{key}' in {self.what}{hint}"
        )

    def line(self, key: str) -> int:
        return self.data.key_lines.get(key, self.data.line)

    def require(self, key: str) -> Any:
        if key not in self.data:
            raise spec_error(self.file, self.data.line, f"{self.what} has no '{key}'")
        return self.data[key]

    def string(self, key: str, default: str | None = None) -> str:
        value = self.require(key) if default is None else self.data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise spec_error(self.file, self.line(key), f"'{key}' must be a non-empty string")
        return value

    def strings(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        value = self.require(key) if required else self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise spec_error(self.file, self.line(key), f"'{key}' must be a list of strings")
        return tuple(value)

    def boolean(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise spec_error(self.file, self.line(key), f"'{key}' must be true or false")
        return value

    def integer(self, key: str, default: int) -> int:
        value = self.data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise spec_error(
                self.file, self.line(key), f"'{key}' must be a positive number of seconds"
            )
        return value


def _check_id(r: _Reader, directory: Path) -> str:
    task_id = r.string("id")
    if not ID_PATTERN.match(task_id):
        raise spec_error(r.file, r.line("id"), f"id '{task_id}' must look like '07-some-slug'")
    if task_id != directory.name:
        msg = f"id '{task_id}' differs from its directory name '{directory.name}'"
        raise spec_error(r.file, r.line("id"), msg)
    return task_id


def _check_difficulty(r: _Reader) -> str:
    value = r.string("difficulty")
    if value not in DIFFICULTIES:
        msg = f"difficulty '{value}' must be one of: {', '.join(DIFFICULTIES)}"
        raise spec_error(r.file, r.line("difficulty"), msg)
    return value


def _did_you_mean(word: str, known: tuple[str, ...]) -> str:
    lowered = {k.lower(): k for k in known}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.75)
    return f" (did you mean '{lowered[close[0]]}'?)" if close else ""


def _check_track(r: _Reader) -> str:
    value = r.string("track")
    if value not in TRACKS:
        msg = f"track '{value}' is not a track{_did_you_mean(value, TRACKS)}; tracks: "
        raise spec_error(r.file, r.line("track"), msg + ", ".join(TRACKS))
    return value


def _check_topics(r: _Reader) -> tuple[str, ...]:
    topics = r.strings("topics")
    if not topics:
        raise spec_error(r.file, r.line("topics"), "'topics' must name at least one topic")
    raw = r.data["topics"]
    lines = raw.item_lines if isinstance(raw, YList) else [r.line("topics")] * len(topics)
    for i, (topic, line) in enumerate(zip(topics, lines, strict=True)):
        if topic not in TOPICS:
            msg = (
                f"topic '{topic}' is not in the vocabulary{_did_you_mean(topic, TOPICS)}; "
                "the topics are TOPICS in tools/taskkit/vocab.py"
            )
            raise spec_error(r.file, line, msg)
        if topic in topics[:i]:
            raise spec_error(r.file, line, f"topic '{topic}' is listed twice")
    return topics


def _check_files(r: _Reader) -> tuple[str, ...]:
    files = r.strings("files")
    for f in files:
        p = PurePosixPath(f)
        if p.is_absolute() or ".." in p.parts:
            msg = f"file '{f}' must be a path inside the repository, relative to its root"
            raise spec_error(r.file, r.line("files"), msg)
    return files


def _parse_check(file: str, item: Any, line: int, index: int, root: Path) -> Check:
    if not isinstance(item, YMap):
        raise spec_error(file, line, f"check {index} must be a mapping with a 'kind'")
    r = _Reader(file, item, f"check {index}", _CHECK_KEYS)
    kind = r.string("kind")
    if kind not in CHECK_KINDS:
        msg = f"check kind '{kind}' must be one of: {', '.join(CHECK_KINDS)}"
        raise spec_error(file, r.line("kind"), msg)
    argv = _check_argv(r, kind)
    mutants = _check_mutants(r, kind, root)
    name = r.string("name", default=_default_name(kind, argv))
    timeout = r.integer("timeout", DEFAULT_TIMEOUT_S)
    return Check(kind, name, argv, timeout, Location(file, line), mutants)


def _check_mutants(r: _Reader, kind: str, root: Path) -> str | None:
    if kind != "mutants":
        if "mutants" in r.data:
            raise spec_error(r.file, r.line("mutants"), f"a '{kind}' check takes no 'mutants'")
        return None
    value = r.string("mutants")
    p = PurePosixPath(value)
    if p.is_absolute() or ".." in p.parts:
        msg = f"mutants '{value}' must be a directory inside the repository, relative to its root"
        raise spec_error(r.file, r.line("mutants"), msg)
    if not any((root / value).glob("*.patch")):
        msg = f"mutants '{value}' has no mutant: a directory of <name>.patch files is wanted"
        raise spec_error(r.file, r.line("mutants"), msg)
    return value


def _check_argv(r: _Reader, kind: str) -> tuple[str, ...]:
    wanted = {"pytest": "args", "mutants": "args", "command": "argv"}.get(kind)
    for key in ("args", "argv"):
        if key in r.data and key != wanted:
            msg = f"a '{kind}' check takes no '{key}'"
            if wanted:
                msg += f" (use '{wanted}')"
            raise spec_error(r.file, r.line(key), msg)
    if wanted is None:
        return ()
    argv = r.strings(wanted)
    if not argv:
        raise spec_error(
            r.file, r.line(wanted), f"'{wanted}' of a '{kind}' check must not be empty"
        )
    return argv


def _default_name(kind: str, argv: tuple[str, ...]) -> str:
    if kind == "pytest":
        return "pytest " + " ".join(argv)
    if kind == "mutants":
        return "your tests kill every mutant: pytest " + " ".join(argv)
    if kind == "command":
        return " ".join(argv)
    return kind


def _parse_checks(r: _Reader, root: Path) -> tuple[Check, ...]:
    items = r.require("checks")
    if not isinstance(items, YList) or not items:
        raise spec_error(r.file, r.line("checks"), "'checks' must be a non-empty list")
    return tuple(
        _parse_check(r.file, item, line, i + 1, root)
        for i, (item, line) in enumerate(zip(items, items.item_lines, strict=True))
    )


def _parse_hints(r: _Reader) -> tuple[str, ...]:
    hints = r.strings("hints")
    if not hints:
        raise spec_error(r.file, r.line("hints"), "'hints' must list at least one hint")
    return tuple(" ".join(h.split()) for h in hints)


def load_task(directory: Path, display_root: Path) -> Task:
    """Parse `directory/task.yaml`; paths in errors, and a mutants check's directory, are
    relative to `display_root` (the repository root)."""
    path = directory / "task.yaml"
    file = path.relative_to(display_root).as_posix()
    try:
        data, errors = load_yaml(path)
    except ParseError as e:
        line = e.loc.line if e.loc else 0
        raise spec_error(file, line, e.message) from None
    if errors:
        raise spec_error(file, errors[0].loc.line, errors[0].message)
    if not isinstance(data, YMap):
        raise spec_error(file, 1, "task.yaml must be a mapping (id: ..., title: ..., ...)")
    return _build_task(_Reader(file, data, "task.yaml", _TASK_KEYS), directory, display_root)


def _build_task(r: _Reader, directory: Path, root: Path) -> Task:
    return Task(
        id=_check_id(r, directory),
        title=r.string("title"),
        difficulty=_check_difficulty(r),
        track=_check_track(r),
        topics=_check_topics(r),
        prerequisites=r.strings("prerequisites"),
        files=_check_files(r),
        needs_build=r.boolean("needs_build"),
        checks=_parse_checks(r, root),
        hints=_parse_hints(r),
        directory=directory,
        loc=Location(r.file, 1),
    )
