"""Word-level QE figures: character and span F1, BAD-word F1 and Kendall τ, with two baselines.

Used by `tqcheck eval` on WMT span files and MLQE-PE folders, and by `train/qe.py`. Predictions
are character spans per segment; the figures are micro-averaged over the segments given, except
`segment_f1`, the mean of each segment's character F1 as the WMT23 task-2 script averages it (a
segment with neither gold nor predicted spans scores 1, one with only one of them 0; severities
are not matched here).
Baselines on the same segments: every word marked, and random words marked at the gold rate
(seeded, so the figure is reproducible).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from tqcheck.qe_data import QESegment, word_spans

Spans = Sequence[tuple[int, int]]


@dataclass(frozen=True)
class QEFigures:
    segments: int
    char_precision: float
    char_recall: float
    char_f1: float
    span_f1: float
    segment_f1: float  # macro: the mean of per-segment character F1 (WMT23 task 2's averaging)
    bad_word_f1: float | None  # MLQE-PE only: F1 of the BAD class over the reference's words
    kendall_tau: float | None  # None when either ranking is constant

    def to_json(self) -> dict[str, float | int | None]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def _marked(spans: Spans, length: int) -> set[int]:
    return {i for start, end in spans for i in range(max(0, start), min(end, length))}


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def kendall_tau(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Kendall's τ-b (ties in either ranking corrected); O(n²), fine for a few thousand segments."""
    concordant = discordant = ties_x = ties_y = 0
    n = len(x)
    for i in range(n):
        for j in range(i + 1, n):
            dx, dy = x[i] - x[j], y[i] - y[j]
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                ties_x += 1
            elif dy == 0:
                ties_y += 1
            elif (dx > 0) == (dy > 0):
                concordant += 1
            else:
                discordant += 1
    denominator = ((concordant + discordant + ties_x) * (concordant + discordant + ties_y)) ** 0.5
    return (concordant - discordant) / denominator if denominator else None


def _segment_f1(gold: set[int], predicted: set[int]) -> float:
    """One segment's character F1, with the WMT23 script's conventions for empty sides."""
    if not gold and not predicted:
        return 1.0
    if not gold or not predicted:
        return 0.0
    hit = len(gold & predicted)
    return _f1(hit / len(predicted), hit / len(gold))


def figures(
    segments: Sequence[QESegment], predicted: Sequence[Spans], scores: Sequence[float] | None
) -> QEFigures:
    """Figures of predicted spans (and segment scores, higher = worse) against the gold spans."""
    hit = marked = gold_total = 0
    span_hits = span_count = gold_found = gold_count = 0
    word_tp = word_fp = word_fn = 0
    segment_f1s: list[float] = []
    has_words = any(s.words is not None for s in segments)
    for segment, spans in zip(segments, predicted, strict=True):
        gold = [(s, e) for s, e, _ in segment.spans]
        gold_chars = _marked(gold, len(segment.target))
        predicted_chars = _marked(spans, len(segment.target))
        hit += len(gold_chars & predicted_chars)
        segment_f1s.append(_segment_f1(gold_chars, predicted_chars))
        marked += len(predicted_chars)
        gold_total += len(gold_chars)
        span_count += len(spans)
        span_hits += sum(any(s < ge and gs < e for gs, ge in gold) for s, e in spans)
        gold_count += len(gold)
        gold_found += sum(any(s < ge and gs < e for s, e in spans) for gs, ge in gold)
        if segment.words is not None:
            for start, end in segment.words:
                is_bad = any(start < ge and gs < end for gs, ge in gold)
                said_bad = any(start < e and s < end for s, e in spans)
                word_tp += is_bad and said_bad
                word_fp += said_bad and not is_bad
                word_fn += is_bad and not said_bad
    precision = hit / marked if marked else 0.0
    recall = hit / gold_total if gold_total else 0.0
    span_precision = span_hits / span_count if span_count else 0.0
    span_recall = gold_found / gold_count if gold_count else 0.0
    bad_word_f1 = None
    if has_words:
        bad_word_f1 = _f1(
            word_tp / (word_tp + word_fp) if word_tp + word_fp else 0.0,
            word_tp / (word_tp + word_fn) if word_tp + word_fn else 0.0,
        )
    tau = None
    if scores is not None:
        tau = kendall_tau(list(scores), [s.penalty for s in segments])
    return QEFigures(
        segments=len(segments),
        char_precision=precision,
        char_recall=recall,
        char_f1=_f1(precision, recall),
        span_f1=_f1(span_precision, span_recall),
        segment_f1=sum(segment_f1s) / len(segment_f1s) if segment_f1s else 0.0,
        bad_word_f1=bad_word_f1,
        kendall_tau=tau,
    )


def segment_words(segment: QESegment) -> list[tuple[int, int]]:
    return segment.words if segment.words is not None else word_spans(segment.target)


def all_words_baseline(segments: Sequence[QESegment]) -> QEFigures:
    """Every word of every segment marked (a constant score, so no τ)."""
    return figures(segments, [segment_words(s) for s in segments], None)


def random_baseline(segments: Sequence[QESegment], seed: int = 0) -> QEFigures:
    """Words marked at random at the gold rate of erroneous words; random segment scores."""
    rng = random.Random(seed)
    words = [segment_words(s) for s in segments]
    total = sum(len(w) for w in words)
    bad = sum(
        any(ws < e and s < we for s, e, _ in seg.spans)
        for seg, w in zip(segments, words, strict=True)
        for ws, we in w
    )
    rate = bad / total if total else 0.0
    predicted = [[span for span in w if rng.random() < rate] for w in words]
    return figures(segments, predicted, [rng.random() for _ in segments])
