"""`--format github`: GitHub Actions workflow commands, one annotation line per finding.

    ::warning file=news/a.txt,line=5,col=241,endLine=5,endColumn=266,title=TQ201 split-entity::MESSAGE → fix

A finding at or above the --fail-on gate is an `error` (it fails the job); below it, major and
critical are warnings, minor a notice. Data is escaped as the Actions runner
expects (the toolkit's escapeData/escapeProperty): in the message `%`, CR and LF; in property
values also `:` and `,`. Columns are given only for a single-line span, as GitHub annotates
columns on one line only. For a JSONL record the annotation points at the record's line of the
file and the message names the record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from tqcheck.findings import Severity
from tqcheck.render.sarif import Sources

if TYPE_CHECKING:
    from tqcheck.config import Settings
    from tqcheck.engine import Report
    from tqcheck.findings import Finding

COMMAND = {Severity.MINOR: "notice", Severity.MAJOR: "warning", Severity.CRITICAL: "warning"}


def command(severity: Severity, fail_on: str) -> str:
    if fail_on != "never" and severity.rank >= Severity(fail_on).rank:
        return "error"
    return COMMAND[severity]


SUGGESTION_LIMIT = 120


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _suggestion(finding: Finding, settings: Settings) -> str:
    best = finding.best
    if best is None:
        return ""
    if best.replacement:
        shown = best.replacement
        if len(shown) > SUGGESTION_LIMIT:
            shown = shown[: SUGGESTION_LIMIT - 1] + "…"
        shown = f"“{shown}”"
    else:
        shown = "delete"
    applicability = best.applicability
    return f" → {shown}" + ("" if applicability == "safe" else f" ({applicability})")


def annotation(
    finding: Finding, path: str, position: dict[str, int], settings: Settings, record: str | None = None
) -> str:
    properties = {"file": path, **{key: str(value) for key, value in position.items()}}
    properties["title"] = f"{finding.rule} {finding.name}"
    fields = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    message = finding.message + _suggestion(finding, settings)
    if record is not None:
        message = f"[record {record}, line {finding.line}, column {finding.column}] {message}"
    return f"::{command(finding.severity, settings.fail_on)} {fields}::{escape_data(message)}"


def render(report: Report, out: TextIO, settings: Settings) -> None:
    sources = Sources(settings)
    for file_report in report.files:
        if not file_report.findings:
            continue
        source = sources.get(file_report)
        for finding in file_report.findings:
            position: dict[str, int] = {}
            if file_report.record_id is not None:
                if source is not None and source.record_line is not None:
                    position["line"] = source.record_line
            else:
                if source is not None:
                    end_line, end_column = source.end_line_column(finding.start, finding.end)
                else:
                    end_line, end_column = finding.line, finding.column + len(finding.text)
                position["line"] = finding.line
                if end_line == finding.line:
                    position.update(col=finding.column, endLine=end_line, endColumn=end_column)
                else:
                    position["endLine"] = end_line
            out.write(annotation(finding, file_report.path, position, settings, file_report.record_id) + "\n")
