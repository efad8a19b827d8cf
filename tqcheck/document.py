"""The document model: decoded text, blocks, sentences and tokens, all with absolute offsets.

A document keeps two strings. `source` is the decoded file exactly as stored; `text` is what the
rules read: the article's words. For plain text they are the same object. For Markdown and HTML,
`text` leaves out markup, code, front matter and page chrome, and `ContentMap` maps every
character of `text` back to its place in `source`, so findings are reported (and fixes applied)
at absolute offsets of the file. Rules never see or correct offsets themselves.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import regex

from tqcheck.errors import InputError
from tqcheck.languages import SUPPORTED, detect_language, normalise_lang
from tqcheck.text import frequent_words

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".jsonl"}
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


# ---- reading files ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileStamp:
    """What a file was when it was read: `fix --write` replaces it only if it still is."""

    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of(cls, data: bytes, status: os.stat_result) -> FileStamp:
        return cls(len(data), status.st_mtime_ns, hashlib.sha256(data).hexdigest())


@dataclass(slots=True)
class Decoded:
    text: str
    encoding: str
    bom: bytes = b""
    stamp: FileStamp | None = None  # set when read from a file


# Longest first: UTF-32-LE's mark (FF FE 00 00) begins with UTF-16-LE's (FF FE).
BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode_bytes(data: bytes, path: str, encoding: str | None = None) -> Decoded:
    """Decode a file: an explicit encoding, else a BOM, else UTF-8, else charset detection."""
    if encoding:
        try:
            return Decoded(data.decode(encoding), encoding)
        except LookupError as error:
            raise InputError(f"unknown encoding {encoding!r}", path) from error
        except UnicodeDecodeError as error:
            raise InputError(
                f"cannot decode as {encoding}: {error.reason} at byte {error.start}", path
            ) from error
    for bom, name in BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(name), name, bom)
            except UnicodeDecodeError as error:
                if name == "utf-32-le":  # or UTF-16-LE text that opens with a NUL character
                    continue
                raise InputError(f"invalid {name} after its byte-order mark", path) from error
    if b"\x00" in data[:8192]:
        raise InputError("binary file (contains NUL bytes); expected an article in text form", path)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = _likeliest(list(from_bytes(data)))
    if best is None or best.encoding is None:
        raise InputError("cannot detect the text encoding (use --encoding)", path)
    text = str(best)
    if _looks_binary(text):
        raise InputError("binary file; expected an article in text form", path)
    encoding, text = _plausible_for_language(data, best.encoding, text)
    return Decoded(text, encoding)


# Western and Central European code pages read most bytes alike; which one a file is in shows in
# the letters its decoding gives the article's language ("ñ", "¡" in Spanish, not "ń", "ˇ").
# UTF-8 is tried before charset detection, so it is not among them.
LATIN_CODEPAGES = ("cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2")
LANGUAGE_LETTERS = {
    "en": "",
    "fr": "àâæçéèêëîïôœùûüÿÀÂÆÇÉÈÊËÎÏÔŒÙÛÜŸ",
    "de": "äöüßÄÖÜ",
    "es": "áéíóúüñÁÉÍÓÚÜÑ",
    "pt": "áâãàçéêíóôõúüÁÂÃÀÇÉÊÍÓÔÕÚÜ",
}
# Non-ASCII marks any of these languages' articles may hold.
COMMON_MARKS = frozenset("\u00a0“”‘’‚„«»‹›–—…€£°·•×¡¿ºª§©®™")


def _plausible_for_language(data: bytes, encoding: str, text: str) -> tuple[str, str]:
    """The Latin code page whose decoding has the fewest characters foreign to the language.

    Short Western text with few accented bytes also passes for Big5 or GB18030 ("año" → "a隳"):
    those are weighed the same way. Real CJK text keeps its code page: it is detected as Chinese,
    and read as Latin it would have about twice as many foreign characters."""
    letters = LANGUAGE_LETTERS.get(detect_language(text))
    if letters is None:
        return encoding, text
    allowed = COMMON_MARKS | frozenset(letters)

    def foreign(decoded: str) -> int:
        return sum(1 for ch in decoded if ch > "\x7f" and ch not in allowed)

    best = (foreign(text), encoding, text)  # the detector's choice wins ties
    for candidate in LATIN_CODEPAGES:
        if candidate == encoding.lower():
            continue
        try:
            decoded = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        count = foreign(decoded)
        if count < best[0]:
            best = (count, candidate, decoded)
    return best[1], best[2]


# When several encodings read a file equally cleanly (short Western text decodes without a flaw as
# cp1252, cp1250 or cp775), the one newsrooms actually use wins.
COMMON_ENCODINGS = (
    "cp1252",
    "cp1251",
    "cp1256",
    "gb18030",
    "gbk",
    "big5",
    "latin_1",
    "iso8859_15",
    "cp1250",
    "koi8_r",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1257",
    "shift_jis",
    "euc_kr",
)


def _likeliest(matches: list):  # charset_normalizer matches -> the chosen one, or None
    if not matches:
        return None
    least_chaos = min(m.chaos for m in matches)
    tied = [m for m in matches if m.chaos <= least_chaos + 0.01]

    def rank(match) -> tuple[int, float]:
        name = (match.encoding or "").lower()
        common = COMMON_ENCODINGS.index(name) if name in COMMON_ENCODINGS else len(COMMON_ENCODINGS)
        return common, -match.coherence

    return min(tied, key=rank)


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return bool(sample) and control / len(sample) > 0.02


def format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown"):
        return "md"
    if suffix in (".html", ".htm"):
        return "html"
    if suffix == ".jsonl":
        return "jsonl"
    return "txt"


@dataclass(slots=True)
class RawDocument:
    """A decoded article before analysis: one file, or one record of a JSONL file."""

    path: str
    source: str
    format: str
    decoded: Decoded
    record_id: str | None = None
    lang: str | None = None
    source_text: str | None = None
    source_lang: str | None = None


def read_articles(path: Path, encoding: str | None = None) -> list[RawDocument]:
    """Read one file into one article (or, for JSONL, one per record). Raises InputError."""
    name = str(path)
    if not path.exists():
        raise InputError("no such file", name)
    if path.is_dir():
        raise InputError("is a directory", name)
    try:
        status = path.stat()  # before reading: an edit during the read then shows as a newer mtime
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", name) from error
    decoded = decode_bytes(data, name, encoding)
    decoded.stamp = FileStamp.of(data, status)
    fmt = format_of(path)
    if fmt != "jsonl":
        return [RawDocument(name, decoded.text, fmt, decoded)]
    return list(_jsonl_records(name, decoded))


def _jsonl_records(name: str, decoded: Decoded) -> Iterator[RawDocument]:
    for number, line in enumerate(decoded.text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"line {number}: invalid JSON ({error.msg})", name) from error
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise InputError(f'line {number}: each record needs a "text" string', name)
        for key in ("lang", "source", "source_lang"):
            if record.get(key) is not None and not isinstance(record[key], str):
                raise InputError(f'line {number}: "{key}" must be a string', name)
        yield RawDocument(
            path=name,
            source=record["text"],
            format="txt",
            decoded=decoded,
            record_id=str(record.get("id", number)),
            lang=record.get("lang"),
            source_text=record.get("source"),
            source_lang=record.get("source_lang"),
        )


# ---- building the analysed text -----------------------------------------------------------

FRONT_MATTER = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n.*?\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
SUPPRESS = re.compile(r"<!--\s*tqcheck:\s*(disable|enable)\b([^>]*?)-->", re.IGNORECASE)
RULE_CODE = re.compile(r"TQ\d{3}", re.IGNORECASE)


def find_suppressions(source: str) -> list[tuple[int, int, frozenset[str] | None]]:
    """Regions between `<!-- tqcheck: disable [TQ###…] -->` and `<!-- tqcheck: enable -->`."""
    regions = []
    open_at: int | None = None
    codes: frozenset[str] | None = None
    for match in SUPPRESS.finditer(source):
        if match.group(1).lower() == "disable" and open_at is None:
            open_at = match.end()
            named = frozenset(code.upper() for code in RULE_CODE.findall(match.group(2)))
            codes = named or None
        elif match.group(1).lower() == "enable" and open_at is not None:
            regions.append((open_at, match.start(), codes))
            open_at = None
    if open_at is not None:
        regions.append((open_at, len(source), codes))
    return regions


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
        elif standalone and _looks_like_heading(body):
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


BlockSpan = tuple[str, int, int, int]  # kind, level, start and end in the analysed text
LINE_BREAK = re.compile(r"\r\n?|\n")


def build_markdown(source: str) -> tuple[str, ContentMap, list[BlockSpan]]:
    """Analysed text of a Markdown file: headings and paragraphs, without markup or code."""
    from markdown_it import MarkdownIt

    builder = ContentBuilder(source)
    body_start = 0
    front = FRONT_MATTER.match(source)
    if front:
        body_start = front.end()
    # Lines end where markdown-it ends them, at CR, LF or CRLF: a lone CR must not shift the map.
    line_starts = [0] + [m.end() for m in LINE_BREAK.finditer(source)]
    body_line0 = bisect.bisect_right(line_starts, body_start) - 1
    md = MarkdownIt("commonmark", {"html": True})
    tokens = md.parse(source[body_start:])
    spans: list[BlockSpan] = []
    pending: tuple[str, int] | None = None
    for token in tokens:
        if token.type == "heading_open":
            pending = ("heading", int(token.tag[1]))
        elif token.type == "paragraph_open":
            pending = ("paragraph", 0)
        elif token.type == "inline" and pending is not None and token.map:
            first, last = token.map[0] + body_line0, token.map[1] + body_line0
            start = line_starts[first]
            end = line_starts[last] if last < len(line_starts) else len(source)
            visible, block_start = builder.visible, builder.length
            _markdown_inline(builder, source, start, end, pending[0] == "heading")
            if builder.visible > visible:
                spans.append((*pending, block_start, builder.separate(end)))
            pending = None
    text, mapping = builder.build()
    return text, mapping, spans


MD_LINE_PREFIX = re.compile(r"[ \t]*(?:>[ \t]?)*[ \t]*(?:[-*+][ \t]+|\d{1,9}[.)][ \t]+)?(?:#{1,6}[ \t]+)?")
# Bounded repeats and a run of spaces matched only from its start: a line of 20,000 `![` or of
# 100,000 spaces must not be rescanned from every position (quadratic).
MD_INLINE_DROP = re.compile(
    r"`+[^`]*`+"  # inline code
    r"|!\[[^\]]{0,1000}\]\([^)]{0,1000}\)"  # images
    r"|\]\([^)]{0,1000}\)"  # the target of a link; its text stays
    r"|<[^>\n]{1,1000}>"  # inline HTML and autolinks
    r"|(?<![\w\\])[*_]{1,3}(?=\S)|(?<=\S)[*_]{1,3}(?!\w)"  # emphasis markers
    r"|\\(?=[\\`*_{}\[\]()#+\-.!])"  # backslash escapes: keep the escaped character
    r"|(?<!\\)\["  # the opening bracket of a link
    r"|(?<![ \t])[ \t]+#+[ \t]*$",  # closing hashes of an ATX heading
    re.MULTILINE,
)


def _markdown_inline(builder: ContentBuilder, source: str, start: int, end: int, heading: bool) -> None:
    for line in re.finditer(r"[^\r\n]*(?:\r\n?|\n)?", source[start:end]):
        if not line.group(0):
            continue
        line_start = start + line.start()
        line_end = start + line.end()
        content = source[line_start:line_end].rstrip("\r\n")
        if heading and re.match(r"[ \t]*(=+|-+)[ \t]*$", content):
            continue  # setext underline
        prefix = MD_LINE_PREFIX.match(content)
        cursor = line_start + (prefix.end() if prefix else 0)
        stop = line_start + len(content)
        for drop in MD_INLINE_DROP.finditer(source, cursor, stop):
            if drop.start() < cursor:
                continue
            builder.verbatim(cursor, drop.start())
            cursor = drop.end()
            # A dropped `code` span or image between two spaces would leave a doubled space.
            words_removed = source[drop.start()] in "`!<"
            if (
                words_removed
                and source[drop.start() - 1 : drop.start()] == " "
                and source[cursor : cursor + 1] == " "
            ):
                cursor += 1
        builder.verbatim(cursor, stop)
        if line_end > stop:
            builder.literal("\n", stop, line_end)


HTML_SKIP = {
    "script",
    "style",
    "nav",
    "footer",
    "header",
    "aside",
    "noscript",
    "template",
    "form",
    "svg",
    "button",
    "select",
    "iframe",
    "head",
    "code",
    "pre",
    "figure",
}
HTML_BLOCKS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "td",
    "th",
    "dt",
    "dd",
    "figcaption",
    "div",
    "section",
    "article",
    "main",
    "body",
    "tr",
    "ul",
    "ol",
    "table",
    "caption",
    "summary",
    "details",
    "address",
}
HTML_VOID = {"br", "hr", "img", "meta", "link", "input", "wbr", "source", "area", "base", "col", "embed"}


def build_html(source: str) -> tuple[str, ContentMap, list[BlockSpan]]:
    """Analysed text of an HTML page: the article's blocks, without scripts, styles or page chrome."""
    import html
    from html.parser import HTMLParser

    line_starts = [0] + [m.end() for m in re.finditer(r"\n", source)]
    builder = ContentBuilder(source)
    spans: list[BlockSpan] = []
    scoped = bool(re.search(r"<(article|main)\b", source, re.IGNORECASE))
    entity = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")

    class Extractor(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=False)
            self.stack: list[str] = []
            self.skip_depth = 0
            self.scope_depth = 0
            self.block_kind: tuple[str, int] = ("paragraph", 0)
            self.block_visible = 0
            self.block_start = 0

        def source_offset(self) -> int:
            line, column = self.getpos()
            return line_starts[line - 1] + column

        def reading(self) -> bool:
            return self.skip_depth == 0 and (not scoped or self.scope_depth > 0)

        def close_block(self) -> None:
            if builder.visible > self.block_visible:
                start = self.block_start
                spans.append((*self.block_kind, start, builder.separate(self.source_offset())))
            self.block_visible = builder.visible
            self.block_start = builder.length

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in HTML_VOID:
                if tag == "br" and self.reading():
                    at = self.source_offset()
                    builder.literal("\n", at, at)
                return
            self.stack.append(tag)
            if tag in HTML_SKIP or dict(attrs).get("role") == "navigation" or "hidden" in dict(attrs):
                self.skip_depth += 1
            if tag in ("article", "main"):
                self.scope_depth += 1
            if tag in HTML_BLOCKS:
                self.close_block()
                self.block_kind = (
                    ("heading", int(tag[1])) if re.fullmatch(r"h[1-6]", tag) else ("paragraph", 0)
                )

        def handle_endtag(self, tag: str) -> None:
            if tag not in self.stack:
                return
            while self.stack:
                open_tag = self.stack.pop()
                if open_tag in HTML_BLOCKS:
                    self.close_block()
                    self.block_kind = ("paragraph", 0)
                if open_tag in HTML_SKIP:
                    self.skip_depth = max(0, self.skip_depth - 1)
                if open_tag in ("article", "main"):
                    self.scope_depth = max(0, self.scope_depth - 1)
                if open_tag == tag:
                    break

        def handle_data(self, data: str) -> None:
            if self.reading():
                start = self.source_offset()
                builder.verbatim(start, start + len(data))

        def _entity(self) -> None:
            if not self.reading():
                return
            start = self.source_offset()
            match = entity.match(source, start)
            if match:
                builder.literal(html.unescape(match.group(0)), start, match.end())

        def handle_entityref(self, name: str) -> None:
            self._entity()

        def handle_charref(self, name: str) -> None:
            self._entity()

    parser = Extractor()
    parser.feed(source)
    parser.close()
    parser.close_block()
    text, mapping = builder.build()
    return text, mapping, spans


# ---- segmentation -------------------------------------------------------------------------

_PIPELINES: dict[str, object] = {}


def _import_spacy():  # -> the spacy module
    """Import spaCy without letting thinc pull in torch.

    thinc, spaCy's ML layer, imports torch whenever it is installed, only to offer GPU layers that
    blank pipelines never use; that would cost a second and break the promise that rules-only
    runs never load torch. An entry of None in sys.modules makes `import torch` fail there.
    """
    hidden = [name for name in ("torch", "cupy", "tensorflow", "mxnet") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import spacy
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
    return spacy


def pipeline(lang: str):  # -> spacy.language.Language
    """A blank spaCy pipeline with a rule-based sentencizer (no statistical model to download)."""
    if lang not in _PIPELINES:
        spacy = _import_spacy()

        if lang == "zh":
            import logging

            import jieba

            jieba.setLogLevel(logging.WARNING)
            nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
            # Chinese ends sentences with full-width marks; an ASCII "." is a decimal point or a URL's.
            nlp.add_pipe("sentencizer", config={"punct_chars": ["。", "！", "？", "!", "?", "…"]})
        else:
            nlp = spacy.blank(lang)
            nlp.add_pipe("sentencizer")
        _PIPELINES[lang] = nlp
    return _PIPELINES[lang]


# spaCy peels prefixes and suffixes off a token one at a time, searching the rest each time:
# quadratic on a long run without spaces ("![![![…", "!!!!…"). Such a run is no prose; it is
# handed to spaCy as one plain word of the same length, so offsets are unchanged.
LONG_RUN = regex.compile(r"(?<!\S)\S{1000,}")  # from the start of a run only: linear
LONG_SYMBOL_RUN = regex.compile(
    r"(?<![^\s\p{L}\p{M}\p{N}])[^\s\p{L}\p{M}\p{N}]{1000,}"
)  # Chinese runs text without spaces


def _tame_long_runs(text: str, lang: str) -> str:
    pattern = LONG_SYMBOL_RUN if lang == "zh" else LONG_RUN
    return pattern.sub(lambda m: "x" * len(m.group(0)), text)


def segment(doc: Document) -> None:
    """Fill in sentences and tokens for every block, with absolute offsets into doc.text."""
    nlp = pipeline(doc.lang)
    texts = [_tame_long_runs(doc.text[b.start : b.end], doc.lang) for b in doc.blocks]
    tokens: list[Token] = []
    sentences: list[Sentence] = []
    for block, parsed in zip(doc.blocks, nlp.pipe(texts, batch_size=64), strict=True):
        groups: list[list[Token]] = []
        for span in parsed.sents:
            group = []
            for tok in span:
                start = block.start + tok.idx
                end = start + len(tok.text)
                text = doc.text[start:end]  # not tok.text: a long run was masked for spaCy
                is_word = bool(WORD_CHAR.search(text)) and not tok.is_space
                group.append(Token(start, end, text, is_word, tok.is_space))
            # Sentences keep their own text, not trailing white space.
            while group and group[-1].is_space:
                group.pop()
            if group:
                groups.append(group)
        # An opening mark ("¿", "¡", "«") belongs to the sentence it opens, not the one before.
        for before, after in itertools.pairwise(groups):
            while len(before) > 1 and before[-1].text in OPENING_MARKS:
                after.insert(0, before.pop())
                while before and before[-1].is_space:
                    before.pop()
        for group in groups:
            if not group:
                continue
            first = len(tokens)
            for token in group:
                token.sentence = len(sentences)
            tokens.extend(group)
            sentences.append(
                Sentence(group[0].start, group[-1].end, block.index, first, len(tokens), len(sentences))
            )
    doc.tokens = tokens
    doc.sentences = sentences


def analyse(raw: RawDocument, lang: str | None) -> Document:
    """Turn a decoded article into a Document in the given (or detected) language."""
    source = raw.source
    mapping: ContentMap | None = None
    if raw.format == "md":
        text, mapping, spans = build_markdown(source)
    elif raw.format == "html":
        text, mapping, spans = build_html(source)
    else:
        text, spans = source, []
    chosen = normalise_lang(lang or raw.lang, raw.path) if (lang or raw.lang) else None
    detected = chosen is None
    if chosen is None:
        chosen = detect_language(text)
    doc = Document(
        path=raw.path,
        source=source,
        text=text,
        lang=chosen,
        format=raw.format,
        record_id=raw.record_id,
        content_map=mapping,
        lang_detected=detected,
    )
    if raw.format in ("md", "html"):
        doc.blocks = _blocks_from_spans(text, spans)
        doc.suppressions = find_suppressions(source)
    else:
        doc.blocks = classify_plain_blocks(text, plain_blocks(text), chosen)
    for i, block in enumerate(doc.blocks):
        block.index = i
    segment(doc)
    return doc


def _blocks_from_spans(text: str, spans: list[BlockSpan]) -> list[Block]:
    blocks = []
    for kind, level, start, end in spans:
        raw = text[start:end]
        lead = len(raw) - len(raw.lstrip())
        if raw.strip():
            blocks.append(Block(kind, start + lead, start + len(raw.rstrip()), level))
    return blocks


def load_text(text: str, lang: str, path: str = "<text>") -> Document:
    """Analyse a string as a plain-text article (used by tests, examples and the scorer)."""
    decoded = Decoded(text, "utf-8")
    return analyse(RawDocument(path, text, "txt", decoded), lang)


__all__ = [
    "SUPPORTED",
    "Block",
    "Document",
    "RawDocument",
    "Sentence",
    "Token",
    "analyse",
    "load_text",
    "read_articles",
]
