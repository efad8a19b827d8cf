"""The model's view of one document, computed once and shared by the model rules and the engine:
per-token scores (one forward pass) and the learned quality-estimation head's analysis.

The head's per-token probabilities come in the target-only mode from the forward pass the other
model rules use anyway; with a source, a second pass reads each translated sentence after its
aligned source sentence.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tqcheck.qe import (
    ErrorSpan,
    HeadSet,
    Thresholds,
    assemble_spans,
    design_matrix,
    expected_penalty,
    fuse,
    quality,
    word_probabilities,
)

if TYPE_CHECKING:
    from tqcheck.context import CheckContext
    from tqcheck.document import Document
    from tqcheck.lm import TokenScores


def token_scores(doc: Document, ctx: CheckContext) -> TokenScores:
    """The model's scores for the whole document, computed once per document."""
    memo = ctx.memo
    if memo.token_scores is None:
        assert ctx.scorer is not None
        heads = scorer_heads(ctx)
        if heads is not None:
            # The same forward pass, also keeping what the quality-estimation head reads.
            memo.token_scores = ctx.scorer.token_features([doc.text], heads.layers)[0]
        else:
            memo.token_scores = ctx.scorer.score_texts([doc.text])[0]
    return memo.token_scores


@dataclass(frozen=True)
class LearnedAnalysis:
    mode: str  # "target" or "source": which head judged (most of) the text
    token_spans: list[tuple[int, int]]
    probabilities: np.ndarray
    thresholds: Thresholds
    words: list[tuple[int, int, float]]

    @property
    def quality(self) -> float:
        return quality(self.words)

    @property
    def expected_errors(self) -> float:
        return round(expected_penalty(self.words), 4)

    def spans(self, text: str) -> list[ErrorSpan]:
        return assemble_spans(text, self.token_spans, self.probabilities, self.thresholds.minor)


def scorer_heads(ctx: CheckContext) -> HeadSet | None:
    return getattr(ctx.scorer, "qe_heads", None)


def learned_analysis(doc: Document, ctx: CheckContext) -> LearnedAnalysis | None:
    """The head's view of the document, computed once; None without a model or a head for it."""
    memo = ctx.memo
    if not memo.learned_done:
        heads = scorer_heads(ctx)
        if heads is not None and heads.head("target") is not None and doc.text.strip():
            memo.learned = _analyse(doc, ctx, heads)
        memo.learned_done = True
    return memo.learned


def _analyse(doc: Document, ctx: CheckContext, heads: HeadSet) -> LearnedAnalysis:
    scores = token_scores(doc, ctx)  # TokenFeatures when the scorer has a head
    head = heads.head("target")
    assert head is not None
    # The head was trained on single sentences: its neighbour features and right context stop at
    # a sentence's end here too.
    counts = sentence_token_counts(doc, scores.spans)
    rows = design_matrix(
        scores.states,
        np.array([scores.logprobs, scores.entropy, scores.rank], dtype=np.float32).T,
        counts,
        head.summary,
    )
    spans = list(scores.spans)
    probabilities = head.probabilities(rows, counts)
    mode, thresholds = "target", head.thresholds_for(doc.lang, ctx.source_lang)
    source_head = heads.head("source")
    if ctx.alignment is not None and ctx.source is not None and source_head is not None:
        spans, probabilities = _with_source(doc, ctx, heads, spans, probabilities)
        mode, thresholds = "source", source_head.thresholds_for(doc.lang, ctx.source_lang)
    return LearnedAnalysis(
        mode, spans, probabilities, thresholds, word_probabilities(doc.text, spans, probabilities)
    )


def sentence_token_counts(doc: Document, token_spans: list[tuple[int, int]]) -> list[int]:
    """How many of the model's tokens (in text order) fall in each sentence; a token before the
    first sentence starts joins it, and one between sentences joins the sentence before it."""
    starts = [sentence.start for sentence in doc.sentences[1:]]
    counts = [0] * max(1, len(doc.sentences))
    for start, _ in token_spans:
        counts[bisect.bisect_right(starts, start)] += 1
    return [count for count in counts if count]


def _with_source(
    doc: Document,
    ctx: CheckContext,
    heads: HeadSet,
    spans: list[tuple[int, int]],
    probabilities: np.ndarray,
) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Replace the target-only probabilities of every aligned sentence by the source head's
    (fused with the target head's where the source head was calibrated so)."""
    assert ctx.alignment is not None and ctx.source is not None
    head = heads.head("source")
    assert head is not None
    pieces = []
    for pair in ctx.alignment.pairs:
        if pair.source and pair.target:
            start, end = pair.target[0].start, pair.target[-1].end
            source_text = ctx.source.text[pair.source[0].start : pair.source[-1].end]
            pieces.append((start, end, source_text))
    if not pieces:
        return spans, probabilities
    features = ctx.scorer.token_features(  # type: ignore[union-attr]
        [doc.text[s:e] for s, e, _ in pieces], heads.layers, prefixes=[p for _, _, p in pieces], project=False
    )
    covered = [(s, e) for s, e, _ in pieces]
    kept = [
        (span, p)
        for span, p in zip(spans, probabilities, strict=True)
        if not any(s <= span[0] < e for s, e in covered)
    ]
    starts = [span[0] for span in spans]
    for (start, _, _), feature in zip(pieces, features, strict=True):
        p = head.probabilities(design_matrix(feature.states, None, [len(feature.spans)], head.summary))
        if head.fuses_target:
            # The sentence was tokenized on its own for this pass; each of its tokens takes the
            # target head's answer for the target-pass token that starts where it starts, or else
            # for the one it falls in.
            matched = [max(0, bisect.bisect_right(starts, start + a) - 1) for a, _ in feature.spans]
            p = fuse(probabilities[matched], p)
        kept += [((start + a, start + b), float(q)) for (a, b), q in zip(feature.spans, p, strict=True)]
    kept.sort(key=lambda item: item[0])
    return [span for span, _ in kept], np.array([p for _, p in kept], dtype=np.float32)
