"""Errors a person can act on (pure).

Anything the user can fix raises a ``PodpubError`` that carries the path (and line) and
says what to do. The CLI alone turns it into ``error: path:line: message`` and exit 1.
Everything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path


class PodpubError(Exception):
    """A problem in the user's input or environment, with where and what to do."""

    def __init__(
        self,
        message: str,
        path: Path | str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.hint = hint

    def __reduce__(self) -> tuple[object, ...]:
        # keep path, line and hint when the error crosses a process boundary
        return (self.__class__, (self.message, self.path, self.line, self.hint))

    def where(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def __str__(self) -> str:
        where = self.where()
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class ConfigError(PodpubError):
    """podcast.yaml or episode.yaml is wrong."""


class TranscriptError(PodpubError):
    """A transcript file cannot be read."""


class AudioError(PodpubError):
    """An audio file cannot be read or tagged."""


class BuildError(PodpubError):
    """The build cannot go on (a rule failed, a lock would break)."""


class DeployError(PodpubError):
    """The deploy target cannot be reached, read or written (bad target, no bucket,
    no credentials)."""


class MultipleErrors(PodpubError):
    """Several problems found at once; all are reported."""

    def __init__(self, errors: list[PodpubError]) -> None:
        super().__init__(f"{len(errors)} problems")
        self.errors = errors

    def __reduce__(self) -> tuple[object, ...]:
        return (self.__class__, (self.errors,))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
