"""TQ306: error spans from the learned quality-estimation head (tqcheck/qe.py), read from the
document's analysis in tqcheck/model_view.py (shared with the file's `quality` score)."""

from __future__ import annotations

from collections.abc import Iterator

from tqcheck.context import CheckContext
from tqcheck.document import Document
from tqcheck.findings import Category, Evidence, Finding, FixAvailability, Severity
from tqcheck.model_view import learned_analysis
from tqcheck.rule import Rule, bad, good


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
    fix_availability = FixAvailability.SOMETIMES
    needs = frozenset({"model"})
    preview = True
    examples = (
        # French "ont procédé à l'arrestation": a calque around a word English does not have.
        bad("The authorities have [[proceeded]] to the [[arrestation]] of three suspects."),
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
                evidence=Evidence(
                    probability=round(span.probability, 3),
                    mode=analysis.mode,
                    threshold=analysis.thresholds.minor,
                ),
            )
