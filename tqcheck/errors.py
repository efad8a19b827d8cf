"""Errors a user can cause. The CLI turns each into one line on stderr and exit code 2."""

from __future__ import annotations


class TqcheckError(Exception):
    """A user-facing error: bad input, bad option, bad configuration, unloadable model."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InputError(TqcheckError):
    """A file that cannot be read as an article."""


class ConfigError(TqcheckError):
    """An invalid configuration file or option value."""


class ModelError(TqcheckError):
    """A language model that cannot be loaded or run."""
