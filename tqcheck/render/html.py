"""`tqcheck report -o report.html`: one self-contained correction report a person reads.

For every file: a header with the MQM score and its arithmetic, counts by severity and
category; the article text with each finding highlighted as a `<mark>` beside a numbered list
of findings (rule, message, best suggestion); and, when a language model ran, a surprisal heat
map of the same text. The page works offline: inline CSS, no scripts needed to read it, no
fonts or images from anywhere. Its Content-Security-Policy allows only its own small script
(templates/report.js, by hash), so even markup that slipped through could not run.

Article text is never turned into HTML here. The highlighted text is a list of segments (plain
text and the marks that cover it) that the template writes with autoescaping on; overlapping
findings are split into pieces, each piece nested inside the marks of every finding covering it.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tqcheck import __version__
from tqcheck.findings import SEVERITY_ORDER, SEVERITY_WEIGHTS, Category, mqm_penalty
from tqcheck.languages import SOURCE_LANGUAGES

if TYPE_CHECKING:
    from jinja2 import Template

    from tqcheck.config import Settings
    from tqcheck.engine import FileReport, Report
    from tqcheck.findings import Finding

TEMPLATES = Path(__file__).parent / "templates"
EXCERPT_LIMIT = 160
HEAT_LEVELS = 10
HEAT_MAX_NATS = 12.0  # surprisal shaded darkest at and above this (≈ a one-in-160,000 token)


@dataclass
class Piece:
    """One finding's mark around one segment."""

    finding: str  # data-finding id, unique in the page
    number: int
    severity: str
    rule: str
    title: str
    first: bool  # the piece where the finding starts: carries the anchor
    last: bool  # the piece where it ends: shows the reference number


@dataclass
class Segment:
    text: str
    marks: list[Piece] = field(default_factory=list)


@dataclass
class HeatSegment:
    text: str
    level: int | None = None  # None: text the model did not score
    nats: float = 0.0


@dataclass
class Item:
    """A finding in the side list."""

    id: str
    number: int
    finding: Finding
    text: str
    severity: str
    category: str
    old: str
    suggestion: str | None  # None: no suggestion; "" : delete
    applicability: str | None
    origin: str | None
    confidence: float | None
    gain: float | None  # log-probability gain of the suggestion, when a model scored it
    alternatives: list[str]


def _right_to_left(lang: str | None) -> bool:
    """Whether the language is written right to left (its locale.toml's direction)."""
    from tqcheck.resources import locale_of

    return bool(lang) and locale_of(lang).direction == "rtl"


def shorten(text: str, limit: int = EXCERPT_LIMIT) -> str:
    """Text for the side list, on one line; white space alone is made visible (␣, ⏎)."""
    if text and not text.strip():
        flat = "".join("⏎" if ch in "\r\n" else "␣" for ch in text)
    else:
        flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _tooltip(finding: Finding, settings: Settings) -> str:
    tip = f"{finding.rule} {finding.name} ({finding.severity}): {finding.message}"
    best = finding.best
    if best is not None:
        shown = f"“{shorten(best.replacement, 80)}”" if best.replacement else "delete"
        tip += f"\n→ {shown} ({best.applicability})"
    return tip


@dataclass
class _Span:
    id: str
    number: int
    finding: Finding
    start: int
    end: int


def highlight(source: str, findings: list[tuple[str, int, Finding]], settings: Settings) -> list[Segment]:
    """Split `source` at every finding boundary; each piece lists the findings that cover it.

    `findings` holds (id, number, finding). Marks are ordered outermost first: the finding that
    starts earlier, then the longer one. A zero-length finding becomes an empty mark.
    """
    size = len(source)
    spans = [_Span(fid, n, f, min(max(f.start, 0), size), min(max(f.end, 0), size)) for fid, n, f in findings]
    points = sorted({0, size, *(s.start for s in spans), *(s.end for s in spans)})
    empty: dict[int, list[_Span]] = defaultdict(list)
    starting: dict[int, list[_Span]] = defaultdict(list)
    for span in spans:
        (empty if span.end <= span.start else starting)[span.start].append(span)

    def piece(span: _Span, first: bool, last: bool) -> Piece:
        tip = _tooltip(span.finding, settings)
        return Piece(span.id, span.number, str(span.finding.severity), span.finding.rule, tip, first, last)

    segments: list[Segment] = []
    active: list[_Span] = []
    for a, b in zip(points, [*points[1:], None], strict=True):
        segments += [Segment("", [piece(span, True, True)]) for span in empty.get(a, ())]
        if b is None:
            break
        active = [s for s in active if s.end > a] + starting.get(a, [])
        active.sort(key=lambda s: (s.start, -s.end, s.number))
        marks = [piece(s, first=s.start == a, last=s.end == b) for s in active]
        segments.append(Segment(source[a:b], marks))
    return segments


def heat_segments(source: str, heat: list[tuple[int, int, float]]) -> list[HeatSegment]:
    """The text cut at every scored token, each token shaded in one of HEAT_LEVELS levels."""
    segments: list[HeatSegment] = []
    cursor = 0
    for start, end, nats in sorted(heat):
        start, end = max(start, cursor), min(end, len(source))
        # Model tokens carry their leading space (" word"): shade the word, not the gap.
        while start < end and source[start].isspace():
            start += 1
        while end > start and source[end - 1].isspace():
            end -= 1
        if end <= start:
            continue
        if start > cursor:
            segments.append(HeatSegment(source[cursor:start]))
        level = min(HEAT_LEVELS - 1, int(max(nats, 0.0) / HEAT_MAX_NATS * HEAT_LEVELS))
        segments.append(HeatSegment(source[start:end], level, nats))
        cursor = end
    if cursor < len(source):
        segments.append(HeatSegment(source[cursor:]))
    return segments


def _item(fid: str, number: int, finding: Finding, source: str | None, settings: Settings) -> Item:
    best = finding.best
    old = finding.text
    if best is not None and source is not None:
        old = source[best.start : best.end]
    alternatives = [s.replacement or "(delete)" for s in finding.suggestions[1:4]]
    return Item(
        id=fid,
        number=number,
        finding=finding,
        text=shorten(finding.text),
        severity=str(finding.severity),
        category=str(finding.category),
        old=shorten(old),
        suggestion=None if best is None else shorten(best.replacement),
        applicability=None if best is None else best.applicability,
        origin=None if best is None else str(best.origin),
        confidence=None if best is None else round(best.confidence, 2),
        gain=None if best is None or best.gain is None else round(best.gain, 2),
        alternatives=[shorten(a, 60) for a in alternatives],
    )


def _counts(findings: list[Finding]) -> dict[str, Any]:
    by_severity = Counter(str(f.severity) for f in findings)
    by_category = Counter(str(f.category) for f in findings)
    return {
        "severity": [(str(s), by_severity.get(str(s), 0)) for s in SEVERITY_ORDER],
        "category": [(str(c), by_category[str(c)]) for c in Category if by_category.get(str(c))],
        "penalty": mqm_penalty(findings),
    }


def _score_band(score: float) -> str:
    if score >= 99.0:
        return "good"
    if score >= 90.0:
        return "fair"
    return "poor"


def file_context(index: int, file_report: FileReport, settings: Settings) -> dict[str, Any]:
    doc = file_report.doc
    source = doc.source if doc is not None else None
    numbered = [(f"{index}-{n}", n, f) for n, f in enumerate(file_report.findings, start=1)]
    name = file_report.path + (f"#{file_report.record_id}" if file_report.record_id else "")
    return {
        "anchor": f"file-{index}",
        "index": index,
        "name": name,
        "path": file_report.path,
        "record_id": file_report.record_id,
        "lang": file_report.lang,
        "lang_name": SOURCE_LANGUAGES.get(file_report.lang, file_report.lang),
        "lang_detected": file_report.lang_detected,
        "rtl": _right_to_left(file_report.lang),
        "words": file_report.words,
        "score": file_report.score,
        "band": _score_band(file_report.score),
        "quality": file_report.quality,
        "quality_band": _score_band(file_report.quality) if file_report.quality is not None else None,
        "note": file_report.note,
        "format": doc.format if doc is not None else None,
        "counts": _counts(file_report.findings),
        "entries": [_item(fid, n, f, source, settings) for fid, n, f in numbered],
        "segments": highlight(source, numbered, settings) if source is not None else None,
        "heat": heat_segments(source, file_report.heat) if source is not None and file_report.heat else None,
        "has_doc": doc is not None,
    }


@lru_cache(maxsize=1)
def script() -> tuple[str, str]:
    """The report's optional script and its CSP source expression ('sha256-…')."""
    text = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return text, f"sha256-{digest}"


@lru_cache(maxsize=1)
def template() -> Template:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    # autoescape=True, not select_autoescape(): the template's name ends in .j2, not .html.
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return environment.get_template("report.html.j2")


def context(report: Report, settings: Settings) -> dict[str, Any]:
    files = [file_context(i, f, settings) for i, f in enumerate(report.files, start=1)]
    checked = [f for f in report.files if not f.note]
    scores = [f.score for f in checked]
    from markupsafe import Markup

    code, code_hash = script()
    return {
        # Our own static file, never data: the only value the template does not escape.
        "script": Markup(code),
        "script_hash": code_hash,
        "version": __version__,
        "signature": report.signature,
        "files": files,
        "errors": report.errors,
        "total": {
            "files": len(checked),
            "words": sum(f.words for f in checked),
            "findings": len(report.findings),
            "counts": _counts(report.findings),
            "score": round(sum(scores) / len(scores), 2) if scores else 100.0,
        },
        "weights": [(str(s), SEVERITY_WEIGHTS[s]) for s in SEVERITY_ORDER],
        "heat_levels": HEAT_LEVELS,
        "heat_max": HEAT_MAX_NATS,
    }


def render(report: Report, out: TextIO, settings: Settings) -> None:
    out.write(template().render(**context(report, settings)))
