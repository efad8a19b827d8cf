"""TQ306: error spans from the learned quality-estimation head (tqcheck/qe.py).

The analysis runs once per document and is shared by the rule and by the file's `quality`
score: the head's per-token probabilities in the target-only mode, from the forward pass the
other model rules use anyway, and with a source, a second pass that reads each translated
sentence after its aligned source sentence.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from tqcheck.context import CheckContext
from tqcheck.document import Document
from tqcheck.findings import Category, Finding, Severity
from tqcheck.qe import (
    ErrorSpan,
    HeadSet,
    Thresholds,
    assemble_spans,
    design_matrix,
    expected_penalty,
    quality,
    word_probabilities,
)
from tqcheck.rule import Rule, bad, good
from tqcheck.rules.model import token_scores


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
    if "learned" in ctx.cache:
        return ctx.cache["learned"]
    heads = scorer_heads(ctx)
    result = None
    if heads is not None and heads.head("target") is not None and doc.text.strip():
        result = _analyse(doc, ctx, heads)
    ctx.cache["learned"] = result
    return result


def _analyse(doc: Document, ctx: CheckContext, heads: HeadSet) -> LearnedAnalysis:
    scores = token_scores(doc, ctx)  # TokenFeatures when the scorer has a head
    head = heads.head("target")
    assert head is not None
    rows = design_matrix(
        scores.states,
        np.array([scores.logprobs, scores.entropy, scores.rank], dtype=np.float32).T,
        [len(scores.spans)],
        head.summary,
    )
    spans = list(scores.spans)
    probabilities = head.probabilities(rows)
    mode, thresholds = "target", head.thresholds_for(doc.lang, ctx.source_lang)
    source_head = heads.head("source")
    if ctx.alignment is not None and ctx.source is not None and source_head is not None:
        spans, probabilities = _with_source(doc, ctx, heads, spans, probabilities)
        mode, thresholds = "source", source_head.thresholds_for(doc.lang, ctx.source_lang)
    return LearnedAnalysis(
        mode, spans, probabilities, thresholds, word_probabilities(doc.text, spans, probabilities)
    )


def _with_source(
    doc: Document, ctx: CheckContext, heads: HeadSet, spans: list[tuple[int, int]], probabilities: np.ndarray
) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Replace the target-only probabilities of every aligned sentence by the source head's."""
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
    for (start, _, _), feature in zip(pieces, features, strict=True):
        p = head.probabilities(design_matrix(feature.states, None, [len(feature.spans)], head.summary))
        kept += [((start + a, start + b), float(q)) for (a, b), q in zip(feature.spans, p, strict=True)]
    kept.sort(key=lambda item: item[0])
    return [span for span, _ in kept], np.array([p for _, p in kept], dtype=np.float32)


class LikelyMistranslation(Rule):
    """Flags spans that the learned quality-estimation head judges likely to be translation errors.

    ## What it does
    A small classifier over the language model's hidden states, surprisal and entropy, trained on
    human MQM error annotations (WMT) and post-edits (MLQE-PE), gives each token a probability of
    lying inside an error span. Runs of tokens above the calibrated threshold, widened to whole
    words, become findings; the evidence carries the probability. With `--source`, each sentence
    is judged after its aligned source sentence (a separate head, trained that way). A span another
    rule already explains is reported by that rule alone; the model then proposes words, kept only
    where they improve the text.

    ## Why is this bad?
    Wrong senses, calques and mistranslations read fluently enough to pass surface rules; the
    patterns human raters mark are learnable from the model's view of each word.

    ## Fix safety
    Suggestions, when any, are the model's own words: never applied without --unsafe.

    A preview rule: it runs only when selected (`--select TQ306`); the file's `quality` score
    comes from the same head whether or not the rule is selected.
    """

    code = "TQ306"
    name = "likely-mistranslation"
    category = Category.ACCURACY
    severity = Severity.MINOR
    needs = frozenset({"model"})
    preview = True
    examples = (
        bad(
            "The president made a visit [[of work]] to the capital, where he met with the "
            "[[responsibles]] of the ministry."
        ),
        good("The minister said the talks would resume on Monday in Geneva."),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        analysis = learned_analysis(doc, ctx)
        if analysis is None:
            return
        judged = "with the source" if analysis.mode == "source" else "without the source"
        for span in analysis.spans(doc.text):
            major = span.probability >= analysis.thresholds.major
            yield self.finding(
                doc,
                span.start,
                span.end,
                f"Likely translation error: “{doc.text[span.start : span.end]}” "
                f"(error probability {span.probability:.2f}, judged {judged}).",
                severity=Severity.MAJOR if major else Severity.MINOR,
                category=Category.ACCURACY if analysis.mode == "source" else Category.FLUENCY,
                evidence={
                    "probability": round(span.probability, 3),
                    "mode": analysis.mode,
                    "threshold": analysis.thresholds.minor,
                    "excess": round(span.probability, 3),  # orders the spans the model proposes for
                },
            )
