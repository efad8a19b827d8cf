"""Markdown: the words of the article, mapped back to the file, and its blocks (markdown-it)."""

from __future__ import annotations

import bisect
import re

from tqcheck.document.model import BlockSpan, ContentBuilder, ContentMap

FRONT_MATTER = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n.*?\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)

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
