"""Ranking suggestions with the language model, and the model's verdict on fluency findings.

Fluent is not faithful: a small model prefers "Frequent clashes" to "Frequent incidents" and
"an agreement between the two sides" to "an incident". So the model never reorders a lexicon's
alternatives against the lexicographer's order; it decides which of them improve the text at all,
and candidates that keep the meaning rank before the model's own proposals whenever they improve
the text. Deterministic edits (typography, deleting page residue) are not rescored: the model's
preference is no evidence there (it prefers ASCII quotes and likes repeated text).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from tqcheck.context import CheckContext
from tqcheck.document import Document
from tqcheck.findings import Applicability, Finding, Origin, Suggestion, Verdict
from tqcheck.lm import CandidateRequest, CandidateScore, Scorer
from tqcheck.rules import BY_CODE

LEFT_CONTEXT_CHARS = 240  # enough for the previous sentence
RIGHT_CONTEXT_CHARS = 160  # the rest of the sentence, and the start of the next for a heading
# A candidate much longer or shorter than the text it replaces must also not lower the per-token
# mean, or the sum would favour short strings (the DESIGN's measured minimal pairs).
LENGTH_RATIO_FOR_MEAN_CHECK = 1.5
REJECT_GAIN = -2.0  # the current text is clearly more fluent: a fluency finding is withdrawn
# A candidate the model prefers by about 1.4 nats (confidence 0.7) is safe to apply unasked.
SAFE_CONFIDENCE = 0.7
MAX_PROPOSAL_SPANS = 5  # spans per document for which the model proposes its own words


@dataclass
class Scored:
    suggestion: Suggestion
    score: CandidateScore
    improves: bool


def _context(doc: Document, start: int, end: int) -> tuple[int, int]:
    """Left context from the previous sentence; right context to the end of the (next) sentence."""
    left = max(0, start - LEFT_CONTEXT_CHARS)
    previous = doc.sentence_at(start)
    if previous is not None and previous.index > 0:
        left = max(left, doc.sentences[previous.index - 1].start)
    elif previous is not None:
        left = max(left, previous.start)
    right_sentence = doc.sentence_at(max(start, end - 1))
    right = min(len(doc.text), end + RIGHT_CONTEXT_CHARS)
    if right_sentence is not None:
        block = doc.blocks[right_sentence.block]
        stop = right_sentence.end
        if block.is_heading and right_sentence.index + 1 < len(doc.sentences):
            stop = doc.sentences[right_sentence.index + 1].end
        right = min(right, max(stop, end))
    return left, right


def _request(doc: Document, finding: Finding) -> CandidateRequest:
    span_start = min(s.start for s in finding.suggestions)
    span_end = max(s.end for s in finding.suggestions)
    left, right = _context(doc, span_start, span_end)
    text = doc.text
    candidates = tuple(
        text[span_start : s.start] + s.replacement + text[s.end : span_end] for s in finding.suggestions
    )
    return CandidateRequest(
        text[left:span_start], text[span_start:span_end], text[span_end:right], candidates
    )


def _improves(score: CandidateScore, original: str, candidate: str) -> bool:
    if score.gain <= 0:
        return False
    longer, shorter = max(len(original), len(candidate)), max(1, min(len(original), len(candidate)))
    return longer / shorter < LENGTH_RATIO_FOR_MEAN_CHECK or score.mean_gain >= 0


def confidence_from_gain(gain: float) -> float:
    """A gain of 0 nats says nothing (0.5); 2 nats is a clear preference (~0.73); 6 nats ~0.95."""
    return round(0.5 + 0.45 * math.tanh(gain / 3.0), 3)


def _order(scored: list[Scored]) -> list[Scored]:
    """Meaning-keeping candidates that improve the text first, in their rule's or lexicon's order
    for lexicon alternatives and by gain for rule alternatives; then model proposals that improve
    it; then the rest by gain."""

    def key(item: Scored) -> tuple[int, float]:
        origin = item.suggestion.origin
        if item.improves and origin == Origin.LEXICON:
            return (0, 0.0)  # stable sort keeps the lexicon's order
        if item.improves and origin == Origin.RULE:
            return (1, -item.score.gain)
        if item.improves:
            return (2, -item.score.gain)
        return (3, -item.score.gain)

    return sorted(scored, key=key)


def rank_with_model(
    doc: Document, findings: list[Finding], scorer: Scorer, ctx: CheckContext
) -> list[Finding]:
    """The findings with the model's candidates ranked and fluency findings judged (new objects:
    the rules' findings are not changed)."""
    findings = _propose(doc, _drop_model_duplicates(findings), scorer)
    ranked = [i for i, f in enumerate(findings) if f.suggestions and _model_ranked(f)]
    if not ranked:
        return findings
    requests = [_request(doc, findings[i]) for i in ranked]
    results = scorer.score_candidates(requests)
    judged: dict[int, Finding | None] = {}
    for index, request, scores in zip(ranked, requests, results, strict=True):
        finding = findings[index]
        scored = [
            Scored(s, score, _improves(score, request.original, candidate))
            for s, score, candidate in zip(finding.suggestions, scores, request.candidates, strict=True)
        ]
        # The model's own proposals are kept only where they improve on the text.
        ordered = [i for i in _order(scored) if i.improves or i.suggestion.origin != Origin.MODEL]
        best = max((item.score.gain for item in scored), default=0.0)
        finding = replace(
            finding,
            suggestions=tuple(_rescored(item) for item in ordered),
            evidence=replace(finding.evidence, best_gain=round(best, 3)),
        )
        rule = BY_CODE.get(finding.rule)
        if rule is not None and rule.fluency_verdict:
            judged[index] = rule().judged(finding, judge(finding, best, ordered))
        else:
            judged[index] = finding
    out = [judged.get(i, f) for i, f in enumerate(findings)]
    return [f for f in out if f is not None]


def _rescored(item: Scored) -> Suggestion:
    """The suggestion with the model's gain as its confidence; safe when the model clearly prefers
    it (a proposal of the model's own is never safe: fluent is not faithful)."""
    confidence = confidence_from_gain(item.score.gain)
    safe = item.suggestion.origin != Origin.MODEL and confidence >= SAFE_CONFIDENCE
    return replace(
        item.suggestion,
        gain=item.score.gain,
        confidence=confidence,
        applicability=Applicability.SAFE if safe else Applicability.UNSAFE,
    )


def judge(finding: Finding, best_gain: float, ordered: list[Scored]) -> Verdict:
    """The model's verdict on a fluency finding, by how much its best candidate improves the text."""
    threshold = finding.evidence.threshold or 0.0
    if best_gain <= REJECT_GAIN and finding.suggestions and finding.suggestions[0].origin == Origin.LEXICON:
        return Verdict.REJECTED
    confirmed = bool(ordered) and ordered[0].improves and best_gain >= max(threshold, 1.0)
    if finding.evidence.model_only and not confirmed:
        return Verdict.REJECTED  # a word with a common right sense is reported only on the model's word
    return Verdict.CONFIRMED if confirmed else Verdict.POSSIBLE


def _model_ranked(finding: Finding) -> bool:
    rule = BY_CODE.get(finding.rule)
    return (
        bool(rule is not None and (rule.fluency_verdict or rule.needs & {"model"}))
        or len(finding.suggestions) > 1
    )


def _drop_model_duplicates(findings: list[Finding]) -> list[Finding]:
    """A surprising word that a rule already explains is reported once, by the rule."""
    model_rules = {code for code, rule in BY_CODE.items() if "model" in rule.needs}
    others = [f for f in findings if f.rule not in model_rules]
    return [
        f
        for f in findings
        if f.rule not in model_rules or not any(o.start < f.end and f.start < o.end for o in others)
    ]


def _propose(doc: Document, findings: list[Finding], scorer: Scorer) -> list[Finding]:
    """For the model's findings without candidates, the model's own words (unsafe: never applied
    without --unsafe), for the MAX_PROPOSAL_SPANS most strongly flagged spans."""
    model_rules = {code for code, rule in BY_CODE.items() if "model" in rule.needs}
    bare = [i for i, f in enumerate(findings) if f.rule in model_rules and not f.suggestions]
    bare.sort(key=lambda i: -findings[i].evidence.strength)
    out = list(findings)
    for index in bare[:MAX_PROPOSAL_SPANS]:
        finding = findings[index]
        left, right = _context(doc, finding.start, finding.end)
        words = scorer.propose(doc.text[left : finding.start], doc.text[finding.end : right])
        original = doc.text[finding.start : finding.end]
        proposals = tuple(
            Suggestion(word, finding.start, finding.end, 0.3, Origin.MODEL, Applicability.UNSAFE)
            for word in words
            if word.casefold() != original.casefold()
        )
        out[index] = replace(finding, suggestions=proposals)
    return out
