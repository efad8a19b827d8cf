"""`--format jsonl`: one finding per line, for large batches (stream it, grep it, load it in pandas).

Each line is a JSON object: `path` (and `id` for a JSONL record), `lang`, then the finding's
fields exactly as in `--format json`. A file without findings writes no line.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TextIO

from tqcheck.render.json_format import file_entry

if TYPE_CHECKING:
    from tqcheck.config import Settings
    from tqcheck.engine import Report


def render(report: Report, out: TextIO, settings: Settings) -> None:
    for file_report in report.files:
        if not file_report.findings:
            continue
        entry = file_entry(file_report, settings)
        head: dict[str, Any] = {"path": entry["path"]}
        if "id" in entry:
            head["id"] = entry["id"]
        head["lang"] = entry["lang"]
        for finding in entry["findings"]:
            out.write(json.dumps({**head, **finding}, ensure_ascii=False) + "\n")
