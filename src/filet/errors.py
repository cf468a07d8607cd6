"""Errors every capability raises: each carries the place it happened and a message a user can act on.

The CLI prints ``str(error)`` on one line and exits non-zero; the API turns it into a 4xx answer with
the same text and the place as structured fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Place:
    """Where in an input something went wrong. Every part is optional; set what is known."""

    file: str | None = None
    line: int | None = None
    position: int | None = None
    segment: int | None = None
    tag: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.position is not None:
            parts.append(f"position {self.position}")
        if self.segment is not None:
            parts.append(f"segment {self.segment}")
        if self.tag:
            parts.append(self.tag)
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts)

    def as_dict(self) -> dict[str, str | int]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class FiletError(Exception):
    """Base of every error filet reports to a person."""

    message: str
    place: Place = field(default_factory=Place)

    def __str__(self) -> str:
        where = str(self.place)
        return f"{where}: {self.message}" if where else self.message


class InputError(FiletError):
    """The input (a file, a message, an MRZ, a request body) cannot be used as it is."""


class ConfigError(FiletError):
    """The configuration is invalid or incomplete."""


class NotFoundError(FiletError):
    """The object asked for does not exist (or the caller may not know that it exists)."""


class ConflictError(FiletError):
    """The request conflicts with what is stored (state, uniqueness, workflow)."""


class PermissionDenied(FiletError):
    """The user's role does not allow this action."""
