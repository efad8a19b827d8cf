"""`tqcheck score`: per-sentence perplexity and the most surprising words and phrases."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from tqcheck.context import CheckContext
from tqcheck.document import Document
from tqcheck.model_view import token_scores
from tqcheck.rules.model import calibration, word_excess

if TYPE_CHECKING:
    from tqcheck.config import Settings
    from tqcheck.lm import Scorer


@dataclass
class SurprisalReport:
    path: str
    lang: str
    model: str
    threshold: float
    sentences: list[dict[str, Any]] = field(default_factory=list)
    surprising: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "lang": self.lang,
            "model": self.model,
            "threshold": self.threshold,
            "sentences": self.sentences,
            "surprising": self.surprising,
        }


def surprisal_report(doc: Document, scorer: Scorer, settings: Settings, top: int = 10) -> SurprisalReport:
    ctx = CheckContext.for_document(doc, scorer=scorer, thresholds=dict(settings.thresholds))
    scores = token_scores(doc, ctx)
    threshold, _ = calibration(ctx)
    report = SurprisalReport(doc.path, doc.lang, scorer.name, threshold)
    for sentence in doc.sentences:
        start, end = doc.to_source(sentence.start, sentence.end)
        perplexity = scores.perplexity(sentence.start, sentence.end)
        report.sentences.append(
            {
                "start": start,
                "end": end,
                "text": doc.sentence_text(sentence),
                "perplexity": None if perplexity is None else round(perplexity, 2),
            }
        )
    report.surprising = top_phrases(doc, ctx, top)
    return report


def top_phrases(doc: Document, ctx: CheckContext, top: int) -> list[dict[str, Any]]:
    """The words with the highest excess surprisal; neighbours that both rank high form a phrase."""
    rows = word_excess(doc, ctx)
    ranked = sorted(rows, key=lambda row: -row[3])[: top * 3]
    chosen = sorted(ranked, key=lambda row: row[0].start)
    phrases: list[list] = []
    for row in chosen:
        previous = phrases[-1][-1][0] if phrases else None
        if (
            previous is not None
            and not doc.text[previous.end : row[0].start].strip()
            and row[0].start > previous.start
        ):
            phrases[-1].append(row)
        else:
            phrases.append([row])
    items = []
    for group in phrases:
        worst = max(group, key=lambda row: row[3])
        start, end = doc.to_source(group[0][0].start, group[-1][0].end)
        line, column = doc.line_column(start)
        items.append(
            {
                "text": doc.text[group[0][0].start : group[-1][0].end],
                "start": start,
                "end": end,
                "line": line,
                "column": column,
                "surprisal": round(worst[1], 2),
                "expected": round(worst[2], 2),
                "excess": round(worst[3], 2),
            }
        )
    items.sort(key=lambda item: -item["excess"])
    return items[:top]


def render_score(report: SurprisalReport, out: TextIO, output_format: str = "table") -> None:
    if output_format == "json":
        json.dump(report.to_json(), out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, highlight=False, soft_wrap=True)
    words = Table(
        title=f"Most surprising words and phrases ({report.model}; flagged above {report.threshold:.1f})",
        title_justify="left",
        box=None,
        header_style="bold",
        pad_edge=False,
    )
    for column in ("line:col", "text", "surprisal", "expected", "excess"):
        words.add_column(column, justify="left" if column == "text" else "right")
    for item in report.surprising:
        words.add_row(
            f"{item['line']}:{item['column']}",
            item["text"],
            f"{item['surprisal']:.1f}",
            f"{item['expected']:.1f}",
            f"{item['excess']:.1f}",
        )
    console.print(words)
    console.print()
    sentences = Table(
        title="Perplexity by sentence", title_justify="left", box=None, header_style="bold", pad_edge=False
    )
    sentences.add_column("perplexity", justify="right")
    sentences.add_column("sentence")
    for sentence in report.sentences:
        value = sentence["perplexity"]
        text = " ".join(sentence["text"].split())
        sentences.add_row(
            "–" if value is None else f"{value:.1f}", text if len(text) <= 90 else text[:89] + "…"
        )
    console.print(sentences)
