"""The document: reading a file (decode, readers), extracting the article's words from its format
(plain, markdown, html), suppressions, and segmentation into sentences and tokens (segment), all
with absolute offsets into the decoded file (model)."""

from __future__ import annotations

from tqcheck.document.decode import Decoded, FileStamp, decode_bytes
from tqcheck.document.html import build_html
from tqcheck.document.markdown import build_markdown
from tqcheck.document.model import Block, BlockSpan, ContentMap, Document, Sentence, Token
from tqcheck.document.plain import classify_plain_blocks, plain_blocks
from tqcheck.document.readers import TEXT_SUFFIXES, RawDocument, read_articles
from tqcheck.document.segment import segment
from tqcheck.errors import InputError
from tqcheck.languages import SUPPORTED, detect_language, normalise_lang, unsupported_language


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
        unsupported = unsupported_language(text)
        if unsupported is not None:
            raise InputError(
                f"{unsupported} text: language not supported; tqcheck checks {', '.join(sorted(SUPPORTED))}",
                raw.path,
            )
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
    "TEXT_SUFFIXES",
    "Block",
    "Decoded",
    "Document",
    "FileStamp",
    "RawDocument",
    "Sentence",
    "Token",
    "analyse",
    "decode_bytes",
    "load_text",
    "read_articles",
]
