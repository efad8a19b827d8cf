"""Output formats. Each module has `render(report, out, settings)`; they are imported on demand."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from tqcheck.config import Settings
    from tqcheck.engine import Report

FORMATS = {
    "text": "tqcheck.render.text",
    "json": "tqcheck.render.json_format",
    "jsonl": "tqcheck.render.jsonl",
    "sarif": "tqcheck.render.sarif",
    "github": "tqcheck.render.github",
    "markdown": "tqcheck.render.markdown",
}


def render(
    format_name: str,
    report: Report,
    out: TextIO,
    settings: Settings,
    quiet: bool = False,
    show_source: bool = False,
) -> None:
    """Write `report` in a format; `quiet` and `show_source` shape the text format only (the others
    are read by programs, which want every field)."""
    module = import_module(FORMATS[format_name])
    if format_name == "text":
        module.render(report, out, settings, quiet=quiet, show_source=show_source)
    else:
        module.render(report, out, settings)
