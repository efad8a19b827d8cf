"""The document model: decoded text, blocks, sentences and tokens, all with absolute offsets.

A document keeps two strings. `source` is the decoded file exactly as stored; `text` is what the
rules read: the article's words. For plain text they are the same object. For Markdown and HTML,
`text` leaves out markup, code, front matter and page chrome, and `ContentMap` maps every
character of `text` back to its place in `source`, so findings are reported (and fixes applied)
at absolute offsets of the file. Rules never see or correct offsets themselves.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import regex

SENTENCE_END = tuple(".!?…。！？؟")
WORD_CHAR = regex.compile(r"[\p{L}\p{N}]")
# A plain-text heading is short; longer standalone lines are one-sentence paragraphs.
HEADING_MAX_WORDS = 14
OPENING_MARKS = frozenset("¿¡«“„‘‚([{「《（")
HEADING_MAX_CHARS = 120


@dataclass(slots=True)
class Block:
    kind: str  # "heading", "paragraph" or "dateline" ("Paris – AFP")
    start: int
    end: int
    level: int = 0  # 1 for the title, 2 for section headings; 0 for paragraphs
    index: int = 0

    @property
    def is_heading(self) -> bool:
        return self.kind == "heading"


@dataclass(slots=True)
class Token:
    start: int
    end: int
    text: str
    is_word: bool
    is_space: bool
    sentence: int = 0


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    block: int
    first_token: int
    last_token: int  # exclusive
    index: int = 0


@dataclass
class ContentMap:
    """Maps each character of the analysed text to the source range it came from."""

    source_start: list[int]
    source_end: list[int]
    _in_order: bool | None = field(default=None, repr=False, compare=False)

    def characters_from(self, start: int, end: int) -> Iterable[int]:
        """The indexes of the analysed characters that came from source[start:end)."""
        if self._in_order is None:  # pieces are added in source order; checked once, not assumed
            starts = self.source_start
            self._in_order = all(starts[i] <= starts[i + 1] for i in range(len(starts) - 1))
        if self._in_order:
            return range(
                bisect.bisect_left(self.source_start, start), bisect.bisect_left(self.source_start, end)
            )
        return (i for i, position in enumerate(self.source_start) if start <= position < end)

    def span(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            position = self.source_start[start] if start < len(self.source_start) else self.source_end[-1]
            return position, position
        return self.source_start[start], self.source_end[end - 1]

    def is_verbatim(self, start: int, end: int) -> bool:
        """True when text[start:end] is one unbroken stretch of source characters."""
        for i in range(start, end):
            if self.source_end[i] - self.source_start[i] != 1:
                return False
            if i > start and self.source_start[i] != self.source_end[i - 1]:
                return False
        return True


class ContentBuilder:
    """Builds the analysed text of a marked-up file piece by piece, remembering where each came from."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.length = 0
        self.visible = 0  # characters other than white space added so far

    def _add(self, text: str, starts: list[int] | range, ends: list[int] | range) -> None:
        self.parts.append(text)
        self.starts.extend(starts)
        self.ends.extend(ends)
        self.length += len(text)
        self.visible += len(text) - sum(text.count(ch) for ch in " \t\r\n")

    def verbatim(self, start: int, end: int) -> None:
        if end > start:
            self._add(self.source[start:end], range(start, end), range(start + 1, end + 1))

    def literal(self, text: str, start: int, end: int) -> None:
        """Text that stands for source[start:end] (a decoded entity, a line break)."""
        if text:
            self._add(text, [start] * len(text), [end] * len(text))

    def separate(self, at: int, separator: str = "\n\n") -> int:
        """End the current block: drop its trailing white space, add a blank line; return its end."""
        while self.parts:
            last = self.parts[-1]
            kept = last.rstrip(" \t\r\n")
            removed = len(last) - len(kept)
            if removed:
                del self.starts[-removed:]
                del self.ends[-removed:]
                self.length -= removed
            if kept:
                self.parts[-1] = kept
                break
            self.parts.pop()
        end = self.length
        if self.length:
            self.literal(separator, at, at)
        return end

    def build(self) -> tuple[str, ContentMap]:
        return "".join(self.parts), ContentMap(self.starts, self.ends)


@dataclass
class Document:
    path: str
    source: str
    text: str
    lang: str
    format: str = "txt"
    record_id: str | None = None
    content_map: ContentMap | None = None
    blocks: list[Block] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    lang_detected: bool = False
    # Where `tqcheck: disable` comments switch rules off: (source_start, source_end, codes or None=all)
    suppressions: list[tuple[int, int, frozenset[str] | None]] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list, repr=False)
    _token_starts: list[int] = field(default_factory=list, repr=False)
    _sentence_blocks: list[int] = field(default_factory=list, repr=False)
    _sentence_starts: list[int] = field(default_factory=list, repr=False)
    _block_starts: list[int] = field(default_factory=list, repr=False)

    # ---- geometry -------------------------------------------------------------------------
    @property
    def whitespace_significant(self) -> bool:
        """HTML collapses runs of spaces, so doubled spaces there are invisible to readers."""
        return self.format != "html"

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        if self.content_map is None:
            return start, end
        return self.content_map.span(start, end)

    def is_verbatim(self, start: int, end: int) -> bool:
        return self.content_map is None or self.content_map.is_verbatim(start, end)

    def line_column(self, source_offset: int) -> tuple[int, int]:
        if not self._line_starts:
            self._line_starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", self.source)]
        line = bisect.bisect_right(self._line_starts, source_offset)
        return line, source_offset - self._line_starts[line - 1] + 1

    # ---- navigation -----------------------------------------------------------------------
    @property
    def words(self) -> list[Token]:
        return [t for t in self.tokens if t.is_word]

    @property
    def word_count(self) -> int:
        return sum(1 for t in self.tokens if t.is_word)

    @property
    def is_segment(self) -> bool:
        """One block and nothing else: a segment of segment-level MT output (a WMT record, a line
        of a JSONL export) rather than an article, so quotations and structure may continue in
        the records before and after it."""
        return len(self.blocks) == 1

    @property
    def headings(self) -> list[Block]:
        return [b for b in self.blocks if b.is_heading]

    @property
    def title(self) -> Block | None:
        return self.blocks[0] if self.blocks and self.blocks[0].level == 1 else None

    def block_text(self, block: Block) -> str:
        return self.text[block.start : block.end]

    def sentence_text(self, sentence: Sentence) -> str:
        return self.text[sentence.start : sentence.end]

    def sentence_tokens(self, sentence: Sentence) -> list[Token]:
        return self.tokens[sentence.first_token : sentence.last_token]

    def tokens_between(self, start: int, end: int) -> list[Token]:
        """Tokens that start inside text[start:end]."""
        if len(self._token_starts) != len(self.tokens):
            self._token_starts = [t.start for t in self.tokens]
        first = bisect.bisect_left(self._token_starts, start)
        last = bisect.bisect_left(self._token_starts, end)
        return self.tokens[first:last]

    def block_words(self, block: Block) -> list[Token]:
        return [t for t in self.tokens_between(block.start, block.end) if t.is_word]

    def block_sentences(self, block: Block) -> Iterator[Sentence]:
        # Sentences come in block order: find a block's by bisection, not by scanning them all
        # for every block (quadratic on a long file).
        if len(self._sentence_blocks) != len(self.sentences):
            self._sentence_blocks = [s.block for s in self.sentences]
        first = bisect.bisect_left(self._sentence_blocks, block.index)
        last = bisect.bisect_right(self._sentence_blocks, block.index, first)
        return iter(self.sentences[first:last])

    def block_at(self, offset: int) -> Block | None:
        if len(self._block_starts) != len(self.blocks):
            self._block_starts = [b.start for b in self.blocks]
        i = bisect.bisect_right(self._block_starts, offset) - 1
        if i >= 0 and self.blocks[i].start <= offset < max(self.blocks[i].end, self.blocks[i].start + 1):
            return self.blocks[i]
        return None

    def sentence_at(self, offset: int) -> Sentence | None:
        if len(self._sentence_starts) != len(self.sentences):
            self._sentence_starts = [s.start for s in self.sentences]
        starts = self._sentence_starts
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and offset < self.sentences[i].end:
            return self.sentences[i]
        return None

    def context_of(self, start: int, end: int) -> str:
        """The text a reader uses to judge a span: its block, and for a heading the paragraph it opens."""
        block = self.block_at(start)
        if block is None:
            return self.text[max(0, start - 300) : end + 300]
        if block.is_heading:
            following = self.blocks[block.index + 1 : block.index + 2]
            section_end = following[-1].end if following else block.end
            return self.text[block.start : section_end]
        return self.text[block.start : block.end]


BlockSpan = tuple[str, int, int, int]  # kind, level, start and end in the analysed text
