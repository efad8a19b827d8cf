"""The options every checking command shares (`check`, `fix`, `report`, the Python API), defined once.

The command line builds one `RunOptions` (tqcheck/cli.py adds the same typer options to each
command from `cli.SHARED_OPTIONS`); the runner reads files and settings with it. A field left None
was not given: the configuration file's value, or the default, applies.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tqcheck.config import Settings


@dataclass(frozen=True)
class RunOptions:
    lang: str | None = None
    source: Path | None = None  # a source file (one article), or a folder of sources (tqcheck/sources.py)
    source_pattern: str | None = None  # how a source is named from its article: {stem}.src.{lang}{suffix}
    source_lang: str | None = None
    use_model: bool | None = None  # False: --no-lm
    model: str | None = None
    device: str | None = None
    batch_size: int | None = None
    threads: int | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    glossary: Path | None = None
    encoding: str | None = None
    min_confidence: float | None = None
    fail_on: str | None = None
    config: Path | None = None  # a configuration file instead of the one found upwards

    def apply(self, settings: Settings) -> Settings:
        """The settings with every option that was given: the command line wins over the file."""
        given = {name: getattr(self, name) for name in SETTINGS_FIELDS if getattr(self, name) is not None}
        return replace(settings, **given) if given else settings


# The options that are Settings fields of the same name and type (the source's and config are not).
SETTINGS_FIELDS = tuple(
    f.name for f in fields(RunOptions) if f.name not in ("source", "source_pattern", "config")
)
