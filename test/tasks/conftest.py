"""The task-framework tests: temporary git repositories built from fixtures/repo.

`fixtures/repo` is a tiny repository with two tasks; its own task tests fail on
purpose (they are what a learner must fix), so pytest must not collect them.
"""

collect_ignore = ["fixtures"]
