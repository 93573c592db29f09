"""Source locations, diagnostics and the one exception type of torchgen_mini.

Every problem found in a YAML file becomes a `Diagnostic`: a location, a
one-line message and an optional hint.  Code that parses text raises
`ParseError`; the loader catches it, attaches the location of the YAML line
the text came from and turns it into a `Diagnostic`, so that a whole file is
checked and every error is reported, not only the first.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """A place in a file: `file:line` or `file:line:col`.

    `line` and `col` are 1-based; line 0 means "the file as a whole", col 0
    "the line as a whole" (most errors name a YAML entry or key, not a column).
    """

    file: str
    line: int
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        if self.col <= 0:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    """One error, printed compiler-style: `file:line[:col]: error: message`."""

    loc: Location
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.loc}: error: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class ParseError(Exception):
    """Bad input: the only exception torchgen_mini raises for user mistakes."""

    def __init__(self, message: str, hint: str | None = None, loc: Location | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.loc = loc

    def at(self, loc: Location) -> Diagnostic:
        """The diagnostic for this error, placed at `loc` unless it knows better."""
        return Diagnostic(self.loc or loc, self.message, self.hint)

    def __str__(self) -> str:
        text = self.message if self.loc is None else f"{self.loc}: {self.message}"
        return text if not self.hint else f"{text} (hint: {self.hint})"
