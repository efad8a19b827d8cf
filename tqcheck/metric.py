"""Reference-based metrics: BLEU, chrF and TER through sacrebleu, with its reproducibility signatures.

The files are read the way sacrebleu's command line reads them (one segment per line), and the
metrics take sacrebleu's defaults, so `tqcheck compare` prints the numbers `sacrebleu` prints.
Chinese and Japanese targets get sacrebleu's own tokenizer choice for them (`zh`, `ja-mecab`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from tqcheck.errors import InputError


def read_segments(path: Path, encoding: str = "utf-8") -> list[str]:
    from tqcheck.document.readers import display_name, read_limited

    data, _ = read_limited(path)  # a FIFO or a device is refused, a huge file too
    try:
        text = data.decode(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}", display_name(path)) from None
    except UnicodeDecodeError as error:
        raise InputError(f"not {encoding} text", display_name(path)) from error
    # sacrebleu strips the line ending only (and a trailing newline makes no extra segment).
    return [line.rstrip("\n").rstrip("\r") for line in text.splitlines(keepends=True)]


@dataclass
class Comparison:
    scores: dict[str, float]
    signatures: dict[str, str]
    segments: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"scores": self.scores, "signatures": self.signatures}
        if self.segments:
            data["segments"] = self.segments
        return data


TOKENIZERS = {"zh": "zh", "ja": "ja-mecab", "ko": "ko-mecab"}


def _metrics(lang: str | None):
    from sacrebleu.metrics import BLEU, CHRF, TER

    return {
        "BLEU": BLEU(tokenize=TOKENIZERS.get(lang or ""), trg_lang=lang or ""),
        "chrF": CHRF(),
        "TER": TER(),
    }


def _detected_cjk(hypotheses: list[str]) -> str | None:
    """The hypotheses' language when it needs its own tokenizer (zh): 13a splits Chinese on spaces
    only, so without --lang BLEU would be near 0."""
    from tqcheck.languages import detect_language

    sample = "\n".join(hypotheses[:200])
    if not sample.strip():
        return None
    return "zh" if detect_language(sample) == "zh" else None


def compare(
    hypotheses: list[str], references: list[list[str]], lang: str | None = None, segments: bool = False
) -> Comparison:
    for index, reference in enumerate(references, start=1):
        if len(reference) != len(hypotheses):
            raise InputError(
                f"reference {index} has {len(reference)} segments, the hypothesis {len(hypotheses)}"
            )
    if lang is None:
        lang = _detected_cjk(hypotheses)
    metrics = _metrics(lang)
    scores: dict[str, float] = {}
    signatures: dict[str, str] = {}
    for name, metric in metrics.items():
        result = metric.corpus_score(hypotheses, references)
        scores[name] = round(result.score, 4)
        signatures[name] = str(metric.get_signature())
    comparison = Comparison(scores, signatures)
    if segments:
        from sacrebleu.metrics import BLEU

        # Sentence BLEU as `sacrebleu -sl` scores it: with effective order, so a segment shorter
        # than four words is not 0 (and sacrebleu does not warn once per segment).
        metrics["BLEU"] = BLEU(tokenize=TOKENIZERS.get(lang or ""), trg_lang=lang or "", effective_order=True)
        for index, hypothesis in enumerate(hypotheses):
            refs = [reference[index] for reference in references]
            row: dict[str, Any] = {"segment": index + 1}
            for name, metric in metrics.items():
                row[name] = round(metric.sentence_score(hypothesis, refs).score, 4)
            comparison.segments.append(row)
    return comparison


def render(comparison: Comparison, out: TextIO, output_format: str = "table") -> None:
    if output_format == "json":
        json.dump(comparison.to_json(), out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, highlight=False, soft_wrap=True)
    if not console.is_terminal:
        # Off a terminal rich assumes 80 columns and would cut the signatures ("version:2.…"),
        # which exist to be copied whole.
        console = Console(file=out, highlight=False, soft_wrap=True, width=1000)
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("metric")
    table.add_column("score", justify="right")
    table.add_column("signature")
    for name, value in comparison.scores.items():
        table.add_row(name, f"{value:.2f}", comparison.signatures[name])
    console.print(table)
    if comparison.segments:
        console.print()
        rows = Table(title="By segment", title_justify="left", box=None, header_style="bold", pad_edge=False)
        for column in ("segment", *comparison.scores):
            rows.add_column(column, justify="right")
        for row in comparison.segments:
            rows.add_row(str(row["segment"]), *(f"{row[name]:.2f}" for name in comparison.scores))
        console.print(rows)
