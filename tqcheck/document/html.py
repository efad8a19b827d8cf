"""HTML: the words of the article without tags, scripts or page chrome, mapped back to the file."""

from __future__ import annotations

import re

from tqcheck.document.model import BlockSpan, ContentBuilder, ContentMap

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
