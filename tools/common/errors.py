"""The one error type of the kit's tools."""

from __future__ import annotations

from torchgen_mini.diagnostics import Location


class KitError(Exception):
    """A failure the user can act on: printed as one `kit: error:` line, no traceback.

    `where`, when given, is the file:line the message is about; it leads the
    printed line (`file:line: message`), as compilers and the codegen do.
    """

    def __init__(self, message: str, exit_code: int = 1, where: Location | None = None) -> None:
        super().__init__(f"{where}: {message}" if where is not None else message)
        self.exit_code = exit_code
        self.where = where
