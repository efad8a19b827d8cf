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


def render(format_name: str, report: Report, out: TextIO, settings: Settings) -> None:
    import_module(FORMATS[format_name]).render(report, out, settings)
