"""The `./kit` commands, one module each, in the order `./kit --help` lists them."""

COMMANDS: list[str] = [
    "build",
    "test",
    "demo",
    "lint",
    "review",
    "tasks",
    "start",
    "next",
    "check",
    "hint",
    "solution",
    "status",
    "reset",
    "watch",
    "dev",
    "bench",
    "new_op",
    "explain",
    "trace",
    "doctor",
]
