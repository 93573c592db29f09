"""taskkit: the practice tasks of aten-mini and the machinery behind `./kit check`.

A task is a directory `tools/tasks/<NN-slug>/` holding `task.yaml` (what the
task is and which checks decide it), `issue.md` (the task written as a GitHub
issue), `solution.patch` (a reference solution against main) and optional
`tests/`. The modules here:

- `spec`      loads and validates one `task.yaml` (errors carry file:line);
- `vocab`     the fixed words of task.yaml: its topics and its tracks;
- `catalog`   finds every task of a checkout and resolves a name to a task;
- `path`      the learning path: tasks in order, unlocked ones, the next one,
              the practice summary by topic and the README's topic table;
- `gitrepo`   the task commands' git operations (branches, backups, setup
              commits), on the one git wrapper tools/common/git.py;
- `progress`  the per-clone progress store `.kit/progress.json`;
- `checks`    runs one check and says whether it passed and why;
- `plan`      the ordered checks of a task, the one plan `./kit check`,
              `./kit dev verify` and the task-check workflow run;
- `newtests`  the learner's new tests: they must fail on the base, pass here;
- `mutants`   the mutants check: the learner's tests must fail on every
              planted mutant of a kernel and pass on the real one;
- `verify`    `./kit dev verify`: every task fails unsolved and passes solved.
- `results`   `./kit check --json`: the verdict as a versioned document
              (`results.schema.json`) and its validator;
- `comment`   the task-check workflow's sticky PR comment, rendered from
              that document and posted through the GitHub REST API.

Every function takes the repository root explicitly, so the same code serves a
learner's clone, a scratch worktree of `dev verify` and the tests' temporary
repositories.
"""
