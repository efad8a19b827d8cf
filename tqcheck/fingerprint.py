"""Stable fingerprints of findings: they survive edits elsewhere in the file (for baselines and SARIF)."""

from __future__ import annotations

import hashlib
from collections import Counter

from tqcheck.findings import Finding


def _line_of(source: str, offset: int) -> str:
    start = source.rfind("\n", 0, offset) + 1
    end = source.find("\n", offset)
    return source[start : end if end >= 0 else len(source)]


def fingerprints(findings: list[Finding], source: str | None) -> list[str]:
    """One fingerprint per finding: rule, flagged text and its line's text (not its line number), and
    how many identical findings came before it in the file."""
    seen: Counter[str] = Counter()
    result = []
    for finding in findings:
        line = " ".join(_line_of(source, finding.start).split()) if source is not None else ""
        key = "\x1f".join((finding.rule, " ".join(finding.text.split()), line))
        seen[key] += 1
        digest = hashlib.sha256(f"{key}\x1f{seen[key]}".encode()).hexdigest()[:24]
        result.append(digest)
    return result
