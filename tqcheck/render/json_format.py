"""`--format json`: one JSON document for the whole run (the public, versioned contract)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TextIO

from tqcheck import JSON_SCHEMA_VERSION, __version__

if TYPE_CHECKING:
    from tqcheck.config import Settings
    from tqcheck.engine import FileReport, Report


def file_summary(file_report: FileReport) -> dict[str, Any]:
    """A file's entry without its findings: path, record id, language, words, score, note."""
    entry: dict[str, Any] = {"path": file_report.path}
    if file_report.record_id is not None:
        entry["id"] = file_report.record_id
    entry.update(lang=file_report.lang, words=file_report.words, score=file_report.score)
    if file_report.quality is not None:
        entry["quality"] = file_report.quality
    if file_report.source_path is not None:
        entry["source"] = file_report.source_path
    if file_report.note:
        entry["note"] = file_report.note
    return entry


def file_entry(file_report: FileReport, settings: Settings) -> dict[str, Any]:
    entry = file_summary(file_report)
    findings = []
    for finding in file_report.findings:
        data = finding.to_json()
        for suggestion, out in zip(finding.suggestions, data["suggestions"], strict=True):
            out["applicability"] = str(suggestion.applicability)
        findings.append(data)
    entry["findings"] = findings
    return entry


def document(report: Report, settings: Settings) -> dict[str, Any]:
    return {
        "tqcheck": __version__,
        "schema": JSON_SCHEMA_VERSION,
        "signature": report.signature,
        "files": [file_entry(f, settings) for f in report.files],
    }


def render(report: Report, out: TextIO, settings: Settings) -> None:
    json.dump(document(report, settings), out, ensure_ascii=False, indent=2)
    out.write("\n")
