"""Plain text: paragraphs, and which short lines are headings or datelines."""

from __future__ import annotations

import re

import regex

from tqcheck.document.model import HEADING_MAX_CHARS, HEADING_MAX_WORDS, SENTENCE_END, Block
from tqcheck.text import frequent_words


def plain_blocks(text: str) -> list[tuple[Block, bool]]:
    """Split plain text into blocks, each with whether it stands alone between blank lines.

    Each line is its own block (MT output puts one paragraph on a line), unless the lines of a
    run are hard-wrapped prose: then the run is one paragraph.
    """
    blocks: list[tuple[Block, bool]] = []
    # Runs of non-blank lines, each line ended by one line break: found line by line, since one
    # pattern for a whole run backtracks quadratically over a long run of spaces.
    runs: list[list[tuple[int, int]]] = []
    previous_end = -1
    for line in re.finditer(r"[^\r\n]+", text):
        start, end = line.span()
        if not line.group(0).strip():
            previous_end = -1  # a line of spaces is a blank line
            continue
        if runs and previous_end >= 0 and text[previous_end:start] in ("\n", "\r", "\r\n"):
            runs[-1].append((start, end))
        else:
            runs.append([(start, end)])
        previous_end = end
    for lines in runs:
        wrapped = _hard_wrapped([text[start:end] for start, end in lines])
        pieces = [(lines[0][0], lines[-1][1])] if wrapped else lines
        for start, end in pieces:
            raw = text[start:end]
            lead = len(raw) - len(raw.lstrip())
            blocks.append((Block("paragraph", start + lead, start + len(raw.rstrip())), len(lines) == 1))
    return blocks


def _hard_wrapped(lines: list[str]) -> bool:
    """Lines of one paragraph wrapped at a fixed width, rather than one paragraph per line."""
    if len(lines) < 2:
        return False
    body = lines[:-1]
    if any(not 40 <= len(line.rstrip()) <= 100 or line.rstrip().endswith(SENTENCE_END) for line in body):
        return False
    continues_lowercase = any(line.lstrip()[:1].islower() for line in lines[1:])
    return continues_lowercase or len(lines) >= 3


def _looks_like_heading(text: str) -> bool:
    stripped = text.strip()
    if not stripped or len(stripped) > HEADING_MAX_CHARS:
        return False
    words = len(stripped.split())
    if words <= 1 and len(stripped) > 30:  # CJK text has no spaces: judge it by length alone
        return False
    return words <= HEADING_MAX_WORDS and not stripped.endswith((",", ";", ":"))


# "Baku – AFP", "Madrid (EFE)", "Vandenberg, California (AP) –", "北京——新华社".
DATELINE = regex.compile(
    r"^\p{Lu}?[\p{L}\p{M} .,'-]{1,40}(\s*[–—-]+\s*|\s*[(（])[\p{L}\p{M} .&/-]{2,40}[)）]?(\s*[–—-]+)?$"
)


def classify_plain_blocks(text: str, blocks: list[tuple[Block, bool]], lang: str) -> list[Block]:
    """Mark the title (first line), a dateline, and headings: short standalone lines.

    A short standalone line that ends with a period is a heading too (a common MT artifact) when
    it sits between two longer paragraphs, so that a one-sentence paragraph is not mistaken for one.
    """
    result = [block for block, _ in blocks]
    period_candidates = []
    for i, (block, standalone) in enumerate(blocks):
        body = text[block.start : block.end]
        ends_sentence = body.rstrip().endswith(SENTENCE_END)
        if i == 0 and _looks_like_heading(body) and not ends_sentence and len(blocks) > 1:
            block.kind, block.level = "heading", 1
        elif i <= 2 and DATELINE.match(body.strip()) and len(body) <= 60:
            block.kind = "dateline"
        elif standalone and _looks_like_heading(body) and len(blocks) > 1:
            # One block alone is a segment (a record of segment-level MT): no structure to judge.
            if not ends_sentence:
                block.kind, block.level = "heading", 2
            elif _short_heading_with_period(body, lang):
                period_candidates.append(i)
    for i in period_candidates:
        if 0 < i < len(result) - 1:
            after = result[i + 1]
            size = result[i].end - result[i].start
            # A label that opens a longer paragraph, not the last sentence of a section.
            if after.kind == "paragraph" and after.end - after.start > 1.5 * size:
                result[i].kind, result[i].level = "heading", 2
    return result


def _short_heading_with_period(body: str, lang: str) -> bool:
    """A label that ends with a period ("Calls for restraint."), not a short sentence ("Nobody was
    hurt in the fighting."): few words, no clause punctuation, few of the language's small words."""
    stripped = body.rstrip()
    if not stripped.endswith((".", "。")) or stripped.endswith(".."):
        return False
    inner = stripped[:-1]
    if re.search(r"[.!?。！？,，،;；:：]", inner):
        return False  # clauses and sentences inside: a sentence, not a label
    words = inner.split()
    if " " not in inner:  # Chinese has no spaces to count words by; its labels are short in characters
        return len(inner) <= 16
    small = frequent_words(lang)
    return len(words) <= 5 and len(inner) <= 60 and sum(w.lower() in small for w in words) * 2 < len(words)
