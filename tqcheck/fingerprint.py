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


# How much of the text around a finding its fingerprint reads: a few words each side, within its
# line. The whole line would be a paragraph in these articles, so any edit in it would resurface
# the finding; no context at all would merge every "the the" in a file into one.
CONTEXT_WORDS = 3
CONTEXT_CHARS = 40
UNSPACED_CHARS = 8  # text without spaces (Chinese): the nearest 8 characters


def context_window(text: str, start: int, end: int) -> tuple[str, str]:
    """The words just before and just after text[start:end], on its line, white space normalised."""
    line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    match = LINE_BREAK.search(text, end)
    line_end = match.start() if match else len(text)
    before_text, after_text = text[line_start:start], text[end:line_end] if line_end > end else ""
    return _edge(before_text, last=True), _edge(after_text, last=False)


def _edge(text: str, last: bool) -> str:
    window = text[-CONTEXT_CHARS:] if last else text[:CONTEXT_CHARS]
    words = window.split()
    if len(window) == CONTEXT_CHARS and len(words) > 1 and not (window[0] if last else window[-1]).isspace():
        words = words[1:] if last else words[:-1]  # a word cut by the window is not a word
    chosen = words[-CONTEXT_WORDS:] if last else words[:CONTEXT_WORDS]
    if len(chosen) == 1 and len(chosen[0]) > 12:  # no spaces to cut at (Chinese): characters
        chosen = [chosen[0][-UNSPACED_CHARS:] if last else chosen[0][:UNSPACED_CHARS]]
    return " ".join(chosen)


def fingerprints(findings: list[Finding], source: str | None, record: str | None = None) -> list[str]:
    """One fingerprint per finding, `hash:n`: a hash of the rule, the flagged text, a few words
    either side of it (not the line number, not the rest of the paragraph) and the JSONL record, all
    blind to white-space changes; n counts identical findings before it in the file."""
    seen: Counter[str] = Counter()
    result = []
    for finding in findings:
        before, after = context_window(source, finding.start, finding.end) if source is not None else ("", "")
        key = "\x1f".join((finding.rule, " ".join(finding.text.split()), before, after, record or ""))
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        seen[digest] += 1
        result.append(f"{digest}:{seen[digest]}")
    return result
