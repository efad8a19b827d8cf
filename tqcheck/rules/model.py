"""Rules that need the language model."""

from __future__ import annotations

import math
from collections.abc import Iterator

from tqcheck.context import CheckContext
from tqcheck.document import Document, Token
from tqcheck.findings import Category, Evidence, Finding, FixAvailability, Severity
from tqcheck.model_view import token_scores
from tqcheck.rule import Rule, bad, good
from tqcheck.rules._text import zipf

LN10 = math.log(10)
DEFAULT_THRESHOLD = 8.0  # nats of excess surprisal, for models without a calibrated threshold
DEFAULT_PRIOR_WEIGHT = 0.5


def unigram_surprisal(word: str, lang: str) -> float:
    """−ln p(word) from wordfreq: what a word's frequency alone predicts (Zipf 3 → 13.8 nats)."""
    return LN10 * (9.0 - max(zipf(word.lower(), lang), 1.0))


def calibration(ctx: CheckContext) -> tuple[float, float]:
    """The threshold and prior weight for this language and model (data/<lang>/lm.toml)."""
    name = getattr(ctx.scorer, "name", "")
    table = ctx.data.lm.get("surprisal", {})
    entry = table.get(name, table.get("default", {}))
    threshold = float(ctx.thresholds.get("surprisal", entry.get("threshold", DEFAULT_THRESHOLD)))
    return threshold, float(entry.get("prior_weight", DEFAULT_PRIOR_WEIGHT))


def word_excess(doc: Document, ctx: CheckContext) -> list[tuple[Token, float, float, float]]:
    """Each word with its surprisal, its expected share, and the excess of one over the other."""
    scores = token_scores(doc, ctx)
    _, prior_weight = calibration(ctx)
    rows = []
    for token in doc.tokens:
        if not token.is_word:
            continue
        surprisal = scores.surprisal(token.start, token.end)
        if surprisal is None:
            continue
        expected = prior_weight * unigram_surprisal(token.text, doc.lang)
        rows.append((token, surprisal, expected, surprisal - expected))
    return rows


def candidate_words(doc: Document, ctx: CheckContext) -> list[tuple[Token, float, float, float]]:
    """The words TQ304 judges: not a sentence's first word (nothing before it to predict it from) and,
    in cased languages, not a capitalised word (rare correct names are the model's usual surprise)."""
    firsts = {next((t.start for t in doc.sentence_tokens(s) if t.is_word), -1) for s in doc.sentences}
    cased = ctx.data.cased
    return [
        row
        for row in word_excess(doc, ctx)
        if row[0].start not in firsts and not (cased and row[0].text[:1].isupper())
    ]


class SurprisingWording(Rule):
    """Flags words and short phrases that the language model finds far more surprising than their
    general frequency predicts: wording no fluent writer would produce.

    ## What it does
    Scores the article with the model, takes each word's surprisal (that of its least expected
    token), subtracts half of what wordfreq's frequency predicts, and flags words whose excess is
    above the threshold calibrated for the language and model on clean articles
    (`data/<lang>/lm.toml`). Sentence-initial and capitalised words (names) are not judged. Adjacent flagged words form one phrase. The finding carries the
    evidence (surprisal, expected, excess); a word that another rule already explains is reported
    only by that rule. The model then proposes its own words for the span.

    ## Why is this bad?
    Literal renderings, wrong senses and broken syntax are unlikely continuations for a model
    trained on fluent text, even when no list of known errors mentions them.

    ## Fix safety
    Never applied without --unsafe: the model's proposals are fluent, not necessarily faithful.
    """

    code = "TQ304"
    name = "surprising-wording"
    category = Category.FLUENCY
    severity = Severity.MINOR
    fix_availability = FixAvailability.SOMETIMES
    needs = frozenset({"model"})
    examples = (
        bad(
            "The minister said the talks would resume on Monday. The treaty was signed by the [[refrigerator]] of the delegation."
        ),
        good("The minister said the talks would resume on Monday in Geneva."),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        threshold, _ = calibration(ctx)
        flagged = [row for row in candidate_words(doc, ctx) if row[3] > threshold]
        for group in _phrases(doc, flagged):
            start, end = group[0][0].start, group[-1][0].end
            worst = max(group, key=lambda row: row[3])
            evidence = Evidence(
                surprisal=round(worst[1], 2),
                expected=round(worst[2], 2),
                excess=round(worst[3], 2),
                threshold=threshold,
            )
            yield self.finding(
                doc,
                start,
                end,
                f"Unexpected wording: the model finds “{doc.text[start:end]}” "
                f"{worst[3]:.1f} nats more surprising than its frequency predicts.",
                evidence=evidence,
            )


def _phrases(doc: Document, rows: list[tuple[Token, float, float, float]]) -> Iterator[list]:
    group: list = []
    for row in rows:
        if group and doc.text[group[-1][0].end : row[0].start].strip():
            yield group
            group = []
        group.append(row)
    if group:
        yield group
