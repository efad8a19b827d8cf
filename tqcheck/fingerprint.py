"""Stable fingerprints of findings: they survive edits elsewhere in the file (baselines and SARIF)."""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from tqcheck.findings import Finding

LINE_BREAK = re.compile(r"\r\n|\r|\n")


def lines_of(text: str, start: int, end: int) -> str:
    """The full text of the lines a span touches, without their line breaks."""
    line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    match = LINE_BREAK.search(text, max(end, start))
    line_end = match.start() if match else len(text)
    if end > start and text[end - 1 : end] in ("\n", "\r"):
        line_end = min(line_end, end - 1)
    return text[line_start:line_end]


def fingerprints(findings: list[Finding], source: str | None, record: str | None = None) -> list[str]:
    """One fingerprint per finding, `hash:n`: a hash of the rule, the flagged text, the text of its
    lines (not their numbers) and the JSONL record, all blind to white-space changes; n counts
    identical findings before it in the file."""
    seen: Counter[str] = Counter()
    result = []
    for finding in findings:
        line = lines_of(source, finding.start, finding.end) if source is not None else ""
        key = "\x1f".join(
            (finding.rule, " ".join(finding.text.split()), " ".join(line.split()), record or "")
        )
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        seen[digest] += 1
        result.append(f"{digest}:{seen[digest]}")
    return result
