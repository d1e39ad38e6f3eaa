"""The one exception tree every part of Clapboard raises from.

Each error knows what it concerns (a file and line, an asset, a backend) so the
CLI can print a single line that tells the user where to look.
"""

from __future__ import annotations

from pathlib import Path


class ClapboardError(Exception):
    """Base of every error Clapboard raises on purpose."""

    def one_line(self) -> str:
        """The message as the CLI prints it: one line, no traceback."""
        return " ".join(str(self).split())


class ScriptError(ClapboardError):
    """A screenplay file that cannot be read, with the file and line at fault."""

    def __init__(self, problem: str, path: str | Path | None = None, line: int | None = None) -> None:
        self.problem = problem
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.path or "<script>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.problem}"

    def at(self, path: str | Path) -> ScriptError:
        """The same error, naming `path` when it was raised without one."""
        if self.path is None:
            return ScriptError(self.problem, path, self.line)
        return self


class FormatError(ClapboardError):
    """A file extension or format Clapboard does not read or write."""


class BackendUnavailable(ClapboardError):
    """A generator backend that is not installed, with the command that installs it."""

    def __init__(self, backend: str, hint: str) -> None:
        self.backend = backend
        self.hint = hint
        super().__init__(f"backend {backend!r} is not available: {hint}")


class ConsentRequired(ClapboardError):
    """A use of a real person's voice or likeness without a valid consent record."""


class StoreError(ClapboardError):
    """The project store is missing, locked or inconsistent."""
