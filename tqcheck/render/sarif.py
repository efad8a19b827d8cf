"""`--format sarif`: SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning, VS Code, Azure).

One run. Columns and character offsets count Unicode code points, as Python does, and the run
says so (`columnKind`). Every result carries a `partialFingerprints` entry that hashes the rule,
the flagged text and its line's text, so a dashboard follows a finding across unrelated edits.

For a JSONL batch a finding's line and column are positions in the record's "text", not in the
file; the result then points at the record's line of the file, names the record as a logical
location, and keeps the position inside the record in its properties (with no file-level fix).
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from tqcheck import JSON_SCHEMA_VERSION, PROJECT_URL, __version__
from tqcheck.findings import Severity
from tqcheck.fingerprint import LINE_BREAK, fingerprints
from tqcheck.render.json_format import file_summary

if TYPE_CHECKING:
    from tqcheck.config import Settings
    from tqcheck.engine import FileReport, Report
    from tqcheck.findings import Finding
    from tqcheck.rule import Rule

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = PROJECT_URL
# Below the --fail-on gate; at or above it every finding is an error, since it fails the job.
LEVEL = {Severity.MINOR: "note", Severity.MAJOR: "warning", Severity.CRITICAL: "warning"}
# The rules' documentation, one anchor per rule (docs/rules.md is generated from the rules).
DOCS_URL = f"{PROJECT_URL}/blob/main/docs/rules.md"


def level(severity: Severity, fail_on: str) -> str:
    """SARIF's level for a finding: `error` when it fails the gate, else by severity."""
    if fail_on != "never" and severity.rank >= Severity(fail_on).rank:
        return "error"
    return LEVEL[severity]


def help_uri(rule: type[Rule]) -> str:
    return f"{DOCS_URL}#{rule.code.lower()}"


FINGERPRINT_KEY = "tqcheckFindingHash/v2"  # v2: a context window, not the whole line


# ---- positions ----------------------------------------------------------------------------


@dataclass
class SourceText:
    """The text a file report's offsets index, with line arithmetic over it."""

    text: str
    record_line: int | None = None  # for a JSONL record: its line in the file
    _starts: list[int] = field(default_factory=list, repr=False)

    def line_column(self, offset: int) -> tuple[int, int]:
        """1-based line and column (code points) of `offset`, counting line breaks as Document does."""
        if not self._starts:
            self._starts = [0] + [m.end() for m in LINE_BREAK.finditer(self.text)]
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def end_line_column(self, start: int, end: int) -> tuple[int, int]:
        """Where a span ends, exclusive; a span that ends with its line break ends on that line."""
        if end > start and self.text[end - 1 : end] in ("\n", "\r"):
            line, column = self.line_column(end - 1)
            return line, column + 1
        return self.line_column(end)


class Sources:
    """Finds the text behind each file report: the kept Document, else the file read again.

    Parallel runs (`--jobs`) drop documents; reading the file again keeps fingerprints and end
    positions the same as in a serial run. A file that cannot be read again gives None.
    """

    def __init__(self, settings: Settings) -> None:
        self.encoding = settings.encoding
        self._records: dict[str, dict[str, tuple[str, int]]] = {}
        self._files: dict[str, str | None] = {}

    def get(self, file_report: FileReport) -> SourceText | None:
        record_line = None
        if file_report.record_id is not None:
            record = self._jsonl(file_report.path).get(file_report.record_id)
            if record is not None:
                record_line = record[1]
                if file_report.doc is None:
                    return SourceText(record[0], record_line)
        if file_report.doc is not None:
            return SourceText(file_report.doc.source, record_line)
        if file_report.record_id is not None:
            return None
        text = self._file(file_report.path)
        return SourceText(text) if text is not None else None

    def _decoded(self, path: str) -> str | None:
        from tqcheck.document import decode_bytes
        from tqcheck.errors import TqcheckError

        try:
            return decode_bytes(Path(path).read_bytes(), path, self.encoding).text
        except (OSError, TqcheckError):
            return None

    def _file(self, path: str) -> str | None:
        if path not in self._files:
            self._files[path] = self._decoded(path)
        return self._files[path]

    def _jsonl(self, path: str) -> dict[str, tuple[str, int]]:
        """Record id → (record text, line in the file), read as `tqcheck.document` reads records."""
        if path in self._records:
            return self._records[path]
        records: dict[str, tuple[str, int]] = {}
        text = self._decoded(path)
        for number, line in enumerate((text or "").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and isinstance(record.get("text"), str):
                records.setdefault(str(record.get("id", number)), (record["text"], number))
        self._records[path] = records
        return records


def artifact_uri(path: str) -> str:
    """The path as a URI reference: relative paths stay relative, absolute ones become file: URIs."""
    pure = PurePath(path)
    if pure.is_absolute():
        return Path(path).as_uri()
    return quote(pure.as_posix(), safe="/-._~!$&'()*+,;=:@")


# ---- the log ------------------------------------------------------------------------------


def rule_descriptor(rule: type[Rule], fail_on: str = "major") -> dict[str, Any]:

    tags = ["translation-quality", f"mqm-{rule.category}"]
    if "model" in rule.needs:
        tags.append("language-model")
    if "source" in rule.needs:
        tags.append("needs-source")
    doc = rule.doc()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": rule.intro() or rule.summary()},
        "helpUri": help_uri(rule),
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": level(rule.severity, fail_on)},
        "properties": {
            "category": str(rule.category),
            "severity": str(rule.severity),
            "tags": tags,
            "languages": rule.supported_languages(),
        },
    }


def _region(finding: Finding, source: SourceText | None) -> dict[str, Any]:
    if source is not None:
        end_line, end_column = source.end_line_column(finding.start, finding.end)
        snippet = source.text[finding.start : finding.end]
    else:
        end_line, end_column = finding.line, finding.column + len(finding.text)
        snippet = finding.text
    return {
        "startLine": finding.line,
        "startColumn": finding.column,
        "endLine": end_line,
        "endColumn": end_column,
        "charOffset": finding.start,
        "charLength": finding.end - finding.start,
        "snippet": {"text": snippet},
    }


def _fix(finding: Finding, uri: str, settings: Settings) -> dict[str, Any] | None:
    best = finding.best
    if best is None:
        return None
    applicability = best.applicability
    if applicability == "display-only":
        return None
    replacement: dict[str, Any] = {
        "deletedRegion": {"charOffset": best.start, "charLength": best.end - best.start}
    }
    if best.replacement:
        replacement["insertedContent"] = {"text": best.replacement}
    description = f"Replace with “{best.replacement}”" if best.replacement else "Delete"
    return {
        "description": {"text": description},
        "artifactChanges": [{"artifactLocation": {"uri": uri}, "replacements": [replacement]}],
        "properties": {
            "applicability": applicability,
            "confidence": round(best.confidence, 3),
            "origin": str(best.origin),
        },
    }


def result(
    finding: Finding,
    file_report: FileReport,
    source: SourceText | None,
    rule_index: dict[str, int],
    settings: Settings,
    fingerprint_value: str,
) -> dict[str, Any]:
    uri = artifact_uri(file_report.path)
    properties: dict[str, Any] = {
        "name": finding.name,
        "category": str(finding.category),
        "severity": str(finding.severity),
    }
    if finding.best is not None:
        properties["confidence"] = round(finding.best.confidence, 3)
    if finding.verdict:
        properties["verdict"] = finding.verdict
    data: dict[str, Any] = {"ruleId": finding.rule}
    if finding.rule in rule_index:
        data["ruleIndex"] = rule_index[finding.rule]
    data.update(level=level(finding.severity, settings.fail_on), message={"text": finding.message})
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": uri}}}
    record = file_report.record_id
    if record is None:
        location["physicalLocation"]["region"] = _region(finding, source)
    else:
        # Offsets index the record's text, not the file: point at the record's line only.
        properties["id"] = record
        properties["recordRegion"] = _region(finding, source)
        if source is not None and source.record_line is not None:
            location["physicalLocation"]["region"] = {"startLine": source.record_line}
        location["logicalLocations"] = [
            {"name": record, "fullyQualifiedName": f"{file_report.path}#{record}", "kind": "object"}
        ]
    data["locations"] = [location]
    fix = _fix(finding, uri, settings) if record is None else None
    if fix is not None:
        data["fixes"] = [fix]
    data["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint_value}
    data["properties"] = properties
    return data


def log(report: Report, settings: Settings) -> dict[str, Any]:
    from tqcheck.rules import ALL

    rule_index = {rule.code: i for i, rule in enumerate(ALL)}
    sources = Sources(settings)
    results = []
    files = []
    for file_report in report.files:
        files.append(file_summary(file_report))
        source = sources.get(file_report) if file_report.findings else None
        prints = fingerprints(file_report.findings, source.text if source else None, file_report.record_id)
        for finding, value in zip(file_report.findings, prints, strict=True):
            results.append(result(finding, file_report, source, rule_index, settings, value))
    invocation: dict[str, Any] = {"executionSuccessful": not report.errors}
    if report.errors:
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": message}} for message in report.errors
        ]
    run = {
        "tool": {
            "driver": {
                "name": "tqcheck",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(rule, settings.fail_on) for rule in ALL],
            }
        },
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {"signature": report.signature, "schema": JSON_SCHEMA_VERSION, "files": files},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report, out: TextIO, settings: Settings) -> None:
    json.dump(log(report, settings), out, ensure_ascii=False, indent=2)
    out.write("\n")
