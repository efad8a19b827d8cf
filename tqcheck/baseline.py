"""Baselines: record today's findings, and report later only the ones that are new."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tqcheck import __version__
from tqcheck.engine import FileReport, Report
from tqcheck.errors import ConfigError
from tqcheck.fingerprint import fingerprints

# 2: fingerprints read a few words around the finding instead of its whole line (tqcheck/fingerprint.py).
FORMAT = 2


def _key(baseline: Path, report: FileReport) -> str:
    """The file's path relative to the baseline's folder, so the baseline travels with the repository."""
    path = Path(report.path).resolve()
    try:
        name = path.relative_to(baseline.resolve().parent).as_posix()
    except ValueError:
        name = path.as_posix()
    return f"{name}#{report.record_id}" if report.record_id else name


def _source(report: FileReport) -> str | None:
    if report.doc is not None:
        return report.doc.source
    try:
        return Path(report.path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def write_baseline(baseline: Path, report: Report) -> None:
    entries = {
        _key(baseline, f): fingerprints(f.findings, _source(f), f.record_id)
        for f in report.files
        if f.findings
    }
    data = {"tqcheck": __version__, "baseline": FORMAT, "files": entries}
    temporary = baseline.with_name(f".{baseline.name}.tmp")
    try:
        temporary.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(temporary, baseline)
    except OSError as error:
        raise ConfigError(f"{baseline}: cannot write baseline: {error.strerror}") from error


def apply_baseline(baseline: Path, report: Report) -> int:
    """Drop findings recorded in the baseline; return how many were hidden."""
    try:
        if baseline.exists() and not baseline.is_file():  # a FIFO would never end
            raise ConfigError(f"{baseline}: not a regular file")
        data = json.loads(baseline.read_text(encoding="utf-8"))
        known = {name: set(prints) for name, prints in data["files"].items()}
    except FileNotFoundError as error:
        raise ConfigError(f"{baseline}: no such baseline (create it with --update-baseline)") from error
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise ConfigError(f"{baseline}: not a tqcheck baseline file") from error
    if data.get("baseline") != FORMAT:  # its fingerprints would match nothing: every finding back
        raise ConfigError(f"{baseline}: written by an older tqcheck; record it again with --update-baseline")
    hidden = 0
    for file_report in report.files:
        recorded = known.get(_key(baseline, file_report), set())
        if not recorded:
            continue
        prints = fingerprints(file_report.findings, _source(file_report), file_report.record_id)
        kept = [f for f, p in zip(file_report.findings, prints, strict=True) if p not in recorded]
        hidden += len(file_report.findings) - len(kept)
        file_report.findings = kept
    return hidden
