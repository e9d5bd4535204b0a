"""The small set of expected failures, each with an exit code, and diagnostics as data."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, one per class of expected failure."""

    OK = 0
    DIAGNOSTICS = 1  # the build ran but reported errors (or warnings under --strict)
    USAGE = 2
    CONFIG = 3
    SOURCE = 4
    INTERMEDIATE = 5
    OUTPUT = 6
    INTERRUPTED = 130  # Ctrl-C, as shells report it


class StudypackError(Exception):
    """An expected failure: printed as one line, never as a traceback."""

    exit_code: ExitCode = ExitCode.USAGE


class ConfigError(StudypackError):
    """The configuration file is missing, malformed or has invalid keys."""

    exit_code = ExitCode.CONFIG


class SourceError(StudypackError):
    """A source path does not exist or cannot be read."""

    exit_code = ExitCode.SOURCE


class NoteFileError(SourceError):
    """One note file cannot be used; the build goes on without it."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.diagnostic = Diagnostic(path, line, "error", message)
        super().__init__(str(self.diagnostic).replace(": error: ", ": ", 1))


class IntermediateError(StudypackError):
    """notes.yaml is malformed, has the wrong schema version or breaks the schema."""

    exit_code = ExitCode.INTERMEDIATE


class OutputError(StudypackError):
    """An output cannot be written, or was asked for but does not exist yet."""

    exit_code = ExitCode.OUTPUT


class Stopped(Exception):
    """The rest of a build is no longer wanted (a newer save in --watch): the work still running
    was stopped, and what it had already moved into place stays."""


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in the input, located as precisely as possible."""

    path: str
    line: int | None
    level: str  # "error" | "warning" | "info"
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.level}: {self.message}"
